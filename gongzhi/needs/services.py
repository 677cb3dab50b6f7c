"""Every write on the 共谋 board: keyword-only, one transaction each, audited.

Edges check the permission predicates first; services check the rules of the data (status,
community, duplicates) and raise NeedError with a code and a message for the user.
Inbox messages are queued with notifications.services.notify, written on commit.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from gongzhi.core.audit import record
from gongzhi.core.workdays import add_working_days
from gongzhi.moderation.models import ModerationStatus
from gongzhi.notifications.services import notify

from . import indexing
from .models import (
    MAX_PHOTOS,
    Category,
    Comment,
    Follow,
    Need,
    NeedEvent,
    NeedPhoto,
    NeedSettings,
    Support,
)
from .querysets import resident_of
from .transitions import OPEN_STATUSES, can_move

S = Need.Status
EVENT_FOR_STATUS: dict[str, str] = {
    S.ACCEPTED: NeedEvent.Kind.ACCEPTED,
    S.MERGED: NeedEvent.Kind.MERGED,
    S.DECLINED: NeedEvent.Kind.DECLINED,
    S.ANSWERED: NeedEvent.Kind.ANSWERED,
    S.ADOPTED: NeedEvent.Kind.ADOPTED,
}


class NeedError(Exception):
    """A request the rules refuse; `code` for programs, `message` for people."""

    def __init__(self, code: str, message, field: str = ""):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field


# --- helpers -----------------------------------------------------------------------------------


def _screen(*, author, community, text: str, kind: str, source=None):
    """Ask moderation whether a submission may be published (spam, floods, review words)."""
    from gongzhi.moderation import screening

    return screening.screen(author=author, community=community, text=text, kind=kind, source=source)


def _status_of(screening) -> str:
    return ModerationStatus.HELD if screening.held else ModerationStatus.PUBLISHED


def _queue_if_held(obj, screening, actor) -> None:
    """Put a held submission in the moderators' queue, with the reasons screening gave."""
    if screening.held:
        from gongzhi.moderation.services import hold_for_review

        hold_for_review(obj=obj, screening=screening, actor=actor)


def _check_place(community, compound, building):
    """Return (compound, building) once both are known to lie in the community."""
    if building is not None:
        if building.community_id != community.pk:
            raise NeedError("bad_place", _("Choose a building in this community."), "building")
        if compound is not None and building.compound_id != compound.pk:
            raise NeedError("bad_place", _("The building is not in that compound."), "building")
        compound = building.compound
    if compound is not None and compound.community_id != community.pk:
        raise NeedError("bad_place", _("Choose a compound in this community."), "compound")
    return compound, building


def _check_category(community, category) -> None:
    if category is None or category.community_id != community.pk or not category.is_active:
        raise NeedError("bad_category", _("Choose one of the community's categories."), "category")


def _save_photos(need, photos, start: int = 0) -> None:
    """Store already-cleaned photos (ContentFile from clean_image) in order."""
    for offset, photo in enumerate(photos):
        row = NeedPhoto(need=need, position=start + offset)
        row.image.save(photo.name, photo, save=False)
        row.save()


def _follow(need, user) -> None:
    if user is not None:
        Follow.objects.get_or_create(need=need, user=user)


def _need_link(need, anchor: str = "") -> str:
    url = need.get_absolute_url()
    return f"{url}#{anchor}" if anchor else url


def _tell_followers(need, *, kind: str, title: str, body: str, link: str, actor) -> None:
    """Queue a message to the need's author and followers (not the one who acted)."""
    followers = list(Follow.objects.filter(need=need).values_list("user_id", flat=True))
    notify(
        recipients=[need.author_id, *followers],
        kind=kind,
        title=title,
        body=body,
        link=link,
        exclude=actor,
    )


def _in_site_language(text) -> str:
    """Inbox messages are stored as text: write them in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def response_due(community, start):
    """The moment the community's response time runs out for a need raised at start."""
    days = NeedSettings.for_community(community).response_working_days
    return add_working_days(start, days)


# --- raising and editing -----------------------------------------------------------------------


@transaction.atomic
def raise_need(
    *,
    community,
    actor,
    title: str,
    text: str,
    category,
    kind: str = Need.Kind.NEED,
    compound=None,
    building=None,
    photos=(),
    on_behalf_of=None,
    consent_method: str = "",
) -> Need:
    """Raise a need or proposal; with on_behalf_of, a worker raises it for a resident (代办)."""
    if kind not in Need.Kind.values:
        raise NeedError("bad_kind", _("Choose a need or a proposal."), "kind")
    _check_category(community, category)
    compound, building = _check_place(community, compound, building)
    if len(photos) > MAX_PHOTOS:
        raise NeedError("too_many_photos", _("Add at most 6 photos."), "photos")
    if on_behalf_of is not None:
        if on_behalf_of.community_id != community.pk:
            raise NeedError(
                "bad_resident", _("Choose a resident of this community."), "on_behalf_of"
            )
        if consent_method not in Need.ConsentMethod.values:
            raise NeedError(
                "no_consent",
                _("Record how the resident agreed to have this raised for them."),
                "consent_method",
            )
        resident = on_behalf_of
    else:
        consent_method = ""
        resident = resident_of(actor)
    screening = _screen(author=actor, community=community, text=f"{title}\n{text}", kind="need")
    moderation, reasons = _status_of(screening), [str(r) for r in screening.reasons]
    now = timezone.now()
    need = Need.objects.create(
        community=community,
        kind=kind,
        title=title,
        text=text,
        category=category,
        compound=compound,
        building=building,
        author=actor,
        resident=resident,
        on_behalf=on_behalf_of is not None,
        consent_method=consent_method,
        moderation_status=moderation,
        response_due_at=response_due(community, now),
    )
    _save_photos(need, photos)
    _queue_if_held(need, screening, actor)
    NeedEvent.objects.create(
        need=need,
        community=community,
        kind=NeedEvent.Kind.CREATED,
        actor=actor,
        to_status=S.SUBMITTED,
    )
    _follow(need, actor)
    if on_behalf_of is not None and on_behalf_of.user_id:
        _follow(need, on_behalf_of.user)
    indexing.index_need(need)
    record(
        actor=actor,
        action="need.raised",
        target=need,
        data={
            "kind": kind,
            "on_behalf_of": on_behalf_of.pk if on_behalf_of is not None else None,
            "consent_method": consent_method,
            "moderation": moderation,
            "reasons": reasons,
            "photos": len(photos),
        },
    )
    if moderation == ModerationStatus.HELD:
        notify(
            recipients=[actor],
            kind="need.held",
            title=_in_site_language(_("Your post waits for a moderator")),
            body=need.title,
            link=_need_link(need),
        )
    return need


@transaction.atomic
def edit_need(
    *, need, actor, title: str, text: str, category, compound=None, building=None
) -> Need:
    """Change a need's wording, category and place while it has had no response."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != S.SUBMITTED or need.first_response_at is not None:
        raise NeedError(
            "not_editable", _("A need cannot be changed once the community has responded.")
        )
    _check_category(need.community, category)
    compound, building = _check_place(need.community, compound, building)
    before = {"title": need.title, "text": need.text}
    need.title, need.text, need.category = title, text, category
    need.compound, need.building = compound, building
    screening = None
    reasons: list[str] = []
    if need.moderation_status == ModerationStatus.PUBLISHED:
        screening = _screen(
            author=actor,
            community=need.community,
            text=f"{title}\n{text}",
            kind="need",
            source=need,
        )
        reasons = [str(r) for r in screening.reasons]
        need.moderation_status = _status_of(screening)
    need.save()
    if screening is not None:
        _queue_if_held(need, screening, actor)
    NeedEvent.objects.create(
        need=need, community_id=need.community_id, kind=NeedEvent.Kind.EDITED, actor=actor
    )
    indexing.index_need(need)
    record(
        actor=actor,
        action="need.edited",
        target=need,
        data={"before": before, "moderation": need.moderation_status, "reasons": reasons},
    )
    return need


@transaction.atomic
def add_photos(*, need, actor, photos) -> list[NeedPhoto]:
    """Add cleaned photos to a need, up to six in all."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    have = need.photos.count()
    if have + len(photos) > MAX_PHOTOS:
        raise NeedError("too_many_photos", _("Add at most 6 photos."), "photos")
    _save_photos(need, photos, start=have)
    record(actor=actor, action="need.photos_added", target=need, data={"count": len(photos)})
    return list(need.photos.all())


# --- support and follow ------------------------------------------------------------------------


def _flag_if_over_threshold(need, actor) -> bool:
    """Flag a proposal for the council agenda once, the moment it reaches the threshold."""
    if need.kind != Need.Kind.PROPOSAL:
        return False
    threshold = NeedSettings.for_community(need.community_id).support_threshold
    now = timezone.now()
    flagged = Need.objects.filter(
        pk=need.pk, flagged_for_agenda_at__isnull=True, support_count__gte=threshold
    ).update(flagged_for_agenda_at=now)
    if not flagged:
        return False
    need.flagged_for_agenda_at = now
    event = NeedEvent.objects.create(
        need=need, community_id=need.community_id, kind=NeedEvent.Kind.FLAGGED, actor=None
    )
    record(
        actor=actor,
        action="need.flagged",
        target=need,
        data={"supports": need.support_count, "threshold": threshold},
    )
    _tell_followers(
        need,
        kind="need.flagged",
        title=_in_site_language(_("A proposal reached the support threshold")),
        body=need.title,
        link=_need_link(need, f"event-{event.pk}"),
        actor=actor,
    )
    _tell_admins(need, actor)
    return True


def _tell_admins(need, actor) -> None:
    from gongzhi.accounts.models import Role, RoleAssignment

    admins = RoleAssignment.objects.filter(
        role=Role.COMMUNITY_ADMIN, community_id=need.community_id
    ).values_list("user_id", flat=True)
    notify(
        recipients=list(admins),
        kind="need.flagged",
        title=_in_site_language(_("A proposal is ready for the council agenda")),
        body=need.title,
        link=_need_link(need),
        exclude=actor,
    )


def support_need(*, need, actor) -> Support:
    """Add the actor's support (附议); a second support by the same resident is refused."""
    resident = resident_of(actor)
    if resident is None or resident.community_id != need.community_id:
        raise NeedError("not_resident", _("Only residents of the community can support."))
    with transaction.atomic():
        # Lock the need first, so a merge or a status change cannot slip in between.
        locked = (
            Need.objects.select_for_update()
            .filter(pk=need.pk)
            .values("status", "moderation_status")
            .first()
        )
        if locked is None:
            raise NeedError("gone", _("This need no longer exists."))
        if locked["status"] not in OPEN_STATUSES:
            raise NeedError("closed", _("This need is no longer open for support."))
        if locked["moderation_status"] != ModerationStatus.PUBLISHED:
            raise NeedError("closed", _("This need is no longer open for support."))
        try:
            # The unique constraint, not a check beforehand, keeps simultaneous clicks to one.
            with transaction.atomic():
                support = Support.objects.create(need_id=need.pk, resident=resident)
        except IntegrityError:
            raise NeedError("already_supported", _("You already support this need.")) from None
        Need.objects.filter(pk=need.pk).update(support_count=F("support_count") + 1)
        need.support_count = Need.objects.values_list("support_count", flat=True).get(pk=need.pk)
        _follow(need, actor)
        record(
            actor=actor,
            action="need.supported",
            target=need,
            data={"supports": need.support_count},
        )
        _flag_if_over_threshold(need, actor)
    return support


def withdraw_support(*, need, actor) -> None:
    """Take the actor's support back; the count goes down only if a support was removed."""
    resident = resident_of(actor)
    if resident is None:
        raise NeedError("not_supported", _("You do not support this need."))
    with transaction.atomic():
        status = (
            Need.objects.select_for_update()
            .filter(pk=need.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status not in OPEN_STATUSES:
            raise NeedError("closed", _("Supports can no longer be changed on this need."))
        deleted, _rows = Support.objects.filter(need_id=need.pk, resident=resident).delete()
        if not deleted:
            raise NeedError("not_supported", _("You do not support this need."))
        Need.objects.filter(pk=need.pk).update(support_count=F("support_count") - 1)
        need.support_count = Need.objects.values_list("support_count", flat=True).get(pk=need.pk)
        record(
            actor=actor,
            action="need.support_withdrawn",
            target=need,
            data={"supports": need.support_count},
        )


@transaction.atomic
def follow_need(*, need, actor) -> bool:
    """Follow a need; return False when the actor already did."""
    _row, created = Follow.objects.get_or_create(need=need, user=actor)
    return created


@transaction.atomic
def unfollow_need(*, need, actor) -> bool:
    """Stop following a need; return False when the actor did not follow it."""
    deleted, _rows = Follow.objects.filter(need=need, user=actor).delete()
    return bool(deleted)


# --- comments ----------------------------------------------------------------------------------


@transaction.atomic
def comment_on_need(*, need, actor, text: str, parent=None) -> Comment:
    """Comment on a need, or reply to a top-level comment (never deeper)."""
    if not need.is_published:
        raise NeedError("closed", _("This need cannot be commented on."))
    if parent is not None:
        if parent.need_id != need.pk:
            raise NeedError("bad_parent", _("Reply to a comment on this need."), "parent")
        if parent.parent_id is not None:
            raise NeedError("too_deep", _("Replies cannot be replied to."), "parent")
        if not parent.is_published:
            raise NeedError("bad_parent", _("This comment cannot be replied to."), "parent")
    screening = _screen(author=actor, community=need.community, text=text, kind="comment")
    moderation, reasons = _status_of(screening), [str(r) for r in screening.reasons]
    comment = Comment.objects.create(
        need=need,
        community_id=need.community_id,
        parent=parent,
        author=actor,
        text=text,
        moderation_status=moderation,
    )
    _queue_if_held(comment, screening, actor)
    indexing.index_comment(comment)
    record(
        actor=actor,
        action="need.commented",
        target=need,
        data={
            "comment": comment.pk,
            "parent": parent.pk if parent else None,
            "moderation": moderation,
            "reasons": reasons,
        },
    )
    link = _need_link(need, f"comment-{comment.pk}")
    if moderation == ModerationStatus.HELD:
        notify(
            recipients=[actor],
            kind="need.comment_held",
            title=_in_site_language(_("Your comment waits for a moderator")),
            body=text[:200],
            link=link,
        )
    elif parent is not None:
        notify(
            recipients=[parent.author_id],
            kind="need.comment_reply",
            title=_in_site_language(_("Someone replied to your comment")),
            body=text[:200],
            link=link,
            exclude=actor,
        )
    else:
        notify(
            recipients=[need.author_id],
            kind="need.commented",
            title=_in_site_language(_("New comment on your need")),
            body=text[:200],
            link=link,
            exclude=actor,
        )
    return comment


# --- triage ------------------------------------------------------------------------------------


def _merge(need, target, actor) -> None:
    """Move the duplicate's supports and followers to the target, none counted twice."""
    if target.pk == need.pk:
        raise NeedError("bad_target", _("A need cannot be merged into itself."), "merge_into")
    if target.community_id != need.community_id:
        raise NeedError("bad_target", _("Choose a need of the same community."), "merge_into")
    if target.status == S.MERGED:
        raise NeedError(
            "bad_target", _("That need was itself merged; choose the one it went to."), "merge_into"
        )
    if target.moderation_status != ModerationStatus.PUBLISHED:
        raise NeedError("bad_target", _("Choose a published need."), "merge_into")
    raisers = [r for r in (target.resident_id,) if r is not None]
    already = Support.objects.filter(need=target).values("resident_id")
    Support.objects.filter(need=need, resident_id__in=already).delete()
    Support.objects.filter(need=need, resident_id__in=raisers).delete()
    Support.objects.filter(need=need).update(need=target)
    # The duplicate's own resident asked for the same thing: they back the target now.
    if need.resident_id is not None and need.resident_id not in raisers:
        Support.objects.get_or_create(need=target, resident_id=need.resident_id)
    following = Follow.objects.filter(need=target).values("user_id")
    Follow.objects.filter(need=need, user_id__in=following).delete()
    Follow.objects.filter(need=need).update(need=target)
    _recount(target)
    _recount(need)


def _recount(need) -> None:
    """Set support_count from the rows themselves (after supports moved in bulk)."""
    count = (
        Support.objects.filter(need=OuterRef("pk"))
        .order_by()
        .values("need")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Need.objects.filter(pk=need.pk).update(support_count=Coalesce(Subquery(count), 0))
    need.support_count = Need.objects.values_list("support_count", flat=True).get(pk=need.pk)


def _respond(need, now) -> None:
    if need.first_response_at is None:
        need.first_response_at = now
    need.last_response_at = now


def transition_need(*, need, actor, to_status: str, reply: str, merge_into=None) -> NeedEvent:
    """Move a need to another status with a public reply; merging and adopting do more."""
    reply = (reply or "").strip()
    if not reply:
        raise NeedError("no_reply", _("Write the public reply that goes with this step."), "reply")
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("community").get(pk=need.pk)
        from_status = need.status
        if not can_move(from_status, to_status):
            raise NeedError(
                "bad_transition",
                _("A need that is %(status)s cannot be moved there.")
                % {"status": need.get_status_display()},
            )
        target = None
        if to_status == S.MERGED:
            if merge_into is None:
                raise NeedError("bad_target", _("Choose the need to merge into."), "merge_into")
            target = Need.objects.select_for_update().get(pk=merge_into.pk)
        now = timezone.now()
        # Tell the duplicate's followers before they move to the target.
        event = NeedEvent.objects.create(
            need=need,
            community_id=need.community_id,
            kind=EVENT_FOR_STATUS[to_status],
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            text=reply,
            other_need=target,
        )
        _announce(need, event, actor)
        if target is not None:
            _merge(need, target, actor)
            need.merged_into = target
            merged_in = NeedEvent.objects.create(
                need=target,
                community_id=target.community_id,
                kind=NeedEvent.Kind.MERGED_IN,
                actor=actor,
                text=reply,
                other_need=need,
            )
            indexing.index_reply(merged_in, target)
            _flag_if_over_threshold(target, actor)
        need.status = to_status
        _respond(need, now)
        need.save(
            update_fields=[
                "status",
                "merged_into",
                "first_response_at",
                "last_response_at",
                "updated_at",
            ]
        )
        # The status decides whether the need is still offered as similar to new ones.
        indexing.index_need(need)
        matter = None
        if to_status == S.ADOPTED:
            from gongzhi.matters.services import open_matter

            matter = open_matter(need=need, actor=actor)
        record(
            actor=actor,
            action=f"need.{to_status}",
            target=need,
            data={
                "from": from_status,
                "to": to_status,
                "event": event.pk,
                "merge_into": target.pk if target else None,
                "matter": matter.pk if matter else None,
            },
        )
    return event


def _announce(need, event, actor) -> None:
    """Tell the author and followers of a status change or reply."""
    if event.kind == NeedEvent.Kind.REPLIED:
        title = _in_site_language(_("New reply to a need you follow"))
    else:
        title = _in_site_language(
            _("Status of a need you follow: %(status)s")
            % {"status": Need.Status(event.to_status).label}
        )
    _tell_followers(
        need,
        kind="need.replied" if event.kind == NeedEvent.Kind.REPLIED else "need.status",
        title=title,
        body=f"{need.title}\n{event.text}",
        link=_need_link(need, f"event-{event.pk}"),
        actor=actor,
    )


@transaction.atomic
def reply_to_need(*, need, actor, text: str) -> NeedEvent:
    """Post a public reply on a need without changing its status."""
    text = (text or "").strip()
    if not text:
        raise NeedError("no_reply", _("Write the reply."), "text")
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status == S.MERGED:
        raise NeedError("closed", _("Reply on the need this one was merged into."))
    event = NeedEvent.objects.create(
        need=need,
        community_id=need.community_id,
        kind=NeedEvent.Kind.REPLIED,
        actor=actor,
        text=text,
    )
    _respond(need, timezone.now())
    need.save(update_fields=["first_response_at", "last_response_at", "updated_at"])
    indexing.index_reply(event, need)
    _announce(need, event, actor)
    record(actor=actor, action="need.replied", target=need, data={"event": event.pk})
    return event


# --- community settings ------------------------------------------------------------------------


@transaction.atomic
def update_settings(
    *, community, actor, support_threshold: int, response_working_days: int
) -> NeedSettings:
    """Change the community's threshold and response time; flag proposals already over it.

    A new response time applies to needs raised from now on: a deadline once given stays.
    """
    row, _created = NeedSettings.objects.select_for_update().get_or_create(community=community)
    before = {
        "support_threshold": row.support_threshold,
        "response_working_days": row.response_working_days,
    }
    row.support_threshold = support_threshold
    row.response_working_days = response_working_days
    row.full_clean(exclude=["community"])
    row.save()
    record(
        actor=actor,
        action="need.settings_changed",
        target=community,
        data={"before": before, "after": {k: getattr(row, k) for k in before}},
    )
    over = Need.objects.filter(
        community=community,
        kind=Need.Kind.PROPOSAL,
        flagged_for_agenda_at__isnull=True,
        support_count__gte=support_threshold,
        status__in=OPEN_STATUSES,
    ).only("id", "community_id", "kind", "support_count", "title", "author_id")
    for need in over[:500]:
        _flag_if_over_threshold(need, actor)
    return row


@transaction.atomic
def add_category(*, community, actor, name: str) -> Category:
    """Add a category to the community's list."""
    name = name.strip()
    if not name:
        raise NeedError("bad_name", _("Give the category a name."), "name")
    if Category.objects.filter(community=community, name=name).exists():
        raise NeedError("duplicate", _("The community already has this category."), "name")
    position = Category.objects.filter(community=community).count()
    category = Category.objects.create(community=community, name=name, position=position)
    record(actor=actor, action="need.category_added", target=category, data={"name": name})
    return category


@transaction.atomic
def set_category_active(*, category, actor, active: bool) -> Category:
    """Take a category out of use (needs keep it) or back into use."""
    category.is_active = active
    category.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="need.category_enabled" if active else "need.category_disabled",
        target=category,
    )
    return category
