"""Moderation writes: hold, report, decide, appeal, review words, settings. Each one audited.

Permission checks belong to the edges (views and API answer 404 first); these services check
the state of things (a second report, a decision on a closed case, a second appeal) and
raise ModerationError with a message for the user.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import record
from gongzhi.notifications.services import notify

from .models import (
    BlockedWord,
    CaseEvent,
    ModerationCase,
    ModerationSettings,
    ModerationStatus,
    Report,
    ReportReason,
    ScreenedText,
)
from .registry import Moderated, entry_for
from .screening import (
    SETTING_FIELDS,
    Screening,
    forget_blocked_words,
    forget_settings,
    settings_for,
)

EXCERPT_LENGTH = 2000
MAX_REASON_LENGTH = 1000


class ModerationError(Exception):
    """A refused moderation action; message is shown to the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- Helpers -------------------------------------------------------------------------------


def _locked(obj):
    """Re-read the item under a row lock: reports and decisions on one item queue up."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _set_status(entry: Moderated, obj, status: str) -> None:
    old = obj.moderation_status
    if old == status:
        return
    type(obj)._default_manager.filter(pk=obj.pk).update(moderation_status=status)
    obj.moderation_status = status
    if entry.on_status_change is not None:
        entry.on_status_change(obj, old, status)


def _case_of(obj) -> ModerationCase | None:
    content_type = ContentType.objects.get_for_model(obj)
    return (
        ModerationCase.objects.select_for_update()
        .filter(content_type=content_type, object_id=obj.pk)
        .first()
    )


def _open_case(entry: Moderated, obj, *, trigger: str, findings: list) -> ModerationCase:
    """Open the item's case (a new one, or its closed one again) and return it."""
    case = _case_of(obj)
    fields = {
        "state": ModerationCase.State.OPEN,
        "trigger": trigger,
        "excerpt": entry.text_of(obj)[:EXCERPT_LENGTH],
        "community_id": obj.community_id,
        "author_id": obj.author_id,
    }
    if findings:
        fields["findings"] = findings
    if case is None:
        return ModerationCase.objects.create(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, **fields
        )
    for name, value in fields.items():
        setattr(case, name, value)
    case.save()
    return case


def _item_link(entry: Moderated, obj) -> str:
    try:
        return entry.url_for(obj)
    except Exception:  # noqa: BLE001 - a broken link must not undo a moderation decision
        return ""


def _item_title(entry: Moderated, obj) -> str:
    text = entry.text_of(obj).splitlines()
    first = text[0] if text else ""
    return first[:40] + ("…" if len(first) > 40 else "")


# --- Screening -----------------------------------------------------------------------------


def hold_for_review(*, obj, screening: Screening, actor=None) -> ModerationCase:
    """Put an item that screening held into its community's queue, with the reasons."""
    entry = entry_for(obj)
    with transaction.atomic():
        obj = _locked(obj)
        _set_status(entry, obj, ModerationStatus.HELD)
        case = _open_case(
            entry,
            obj,
            trigger=ModerationCase.Trigger.SCREENING,
            findings=screening.findings_for_storage(),
        )
        # The reasons live in case.findings, shown in each moderator's language.
        CaseEvent.objects.create(case=case, action=CaseEvent.Action.HELD)
        record(
            actor=actor or obj.author,
            action="moderation.hold",
            target=case,
            community_id=obj.community_id,
            data={"item": entry.label, "item_id": obj.pk, "findings": case.findings},
        )
    return case


# --- Reports -------------------------------------------------------------------------------


def report_item(*, obj, reporter, reason: str, text: str = "") -> Report:
    """Record a user's report; at the community's threshold, hide the item pending review."""
    if reason not in ReportReason.values:
        raise ModerationError(_("Choose a reason."), field="reason")
    text = (text or "").strip()
    if reason == ReportReason.OTHER and not text:
        raise ModerationError(_("Say what is wrong with it."), field="text")
    entry = entry_for(obj)
    with transaction.atomic():
        obj = _locked(obj)
        if obj.moderation_status != ModerationStatus.PUBLISHED:
            raise ModerationError(_("This post is already waiting for a moderator."))
        content_type = ContentType.objects.get_for_model(obj)
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    content_type=content_type,
                    object_id=obj.pk,
                    community_id=obj.community_id,
                    reporter=reporter,
                    reason=reason,
                    text=text[:500],
                )
        except IntegrityError:
            raise ModerationError(_("You have already reported this.")) from None
        record(
            actor=reporter,
            action="moderation.report",
            target=report,
            community_id=obj.community_id,
            data={"item": entry.label, "item_id": obj.pk, "reason": reason},
        )
        pending = Report.objects.filter(
            content_type=content_type, object_id=obj.pk, resolved_at__isnull=True
        ).count()
        if pending >= settings_for(obj.community).report_threshold:
            _hide(entry, obj, pending)
    return report


def _hide(entry: Moderated, obj, pending: int) -> None:
    _set_status(entry, obj, ModerationStatus.HIDDEN)
    case = _open_case(entry, obj, trigger=ModerationCase.Trigger.REPORTS, findings=[])
    CaseEvent.objects.create(case=case, action=CaseEvent.Action.HIDDEN)
    record(
        actor=None,
        action="moderation.hide",
        target=case,
        community_id=obj.community_id,
        data={"item": entry.label, "item_id": obj.pk, "reports": pending},
    )
    notify(
        recipients=[obj.author_id],
        kind="moderation.hidden",
        title=_("Your post is hidden until a moderator looks at it"),
        body=_("Several people reported “%(title)s”. A moderator will restore or remove it.")
        % {"title": _item_title(entry, obj)},
        link=_item_link(entry, obj),
    )


# --- Decisions and appeals -----------------------------------------------------------------

DECISIONS: dict[str, str] = {
    ModerationCase.Outcome.RESTORED: ModerationStatus.PUBLISHED,
    ModerationCase.Outcome.REMOVED: ModerationStatus.REMOVED,
}


def decide_case(*, case: ModerationCase, actor, outcome: str, reason: str) -> ModerationCase:
    """Restore or remove a waiting item, with a reason the author is told."""
    if outcome not in DECISIONS:
        raise ModerationError(_("Choose restore or remove."), field="outcome")
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("Give a reason: the author will read it."), field="reason")
    with transaction.atomic():
        case = ModerationCase.objects.select_for_update().get(pk=case.pk)
        if case.state != ModerationCase.State.OPEN:
            raise ModerationError(_("This case has already been decided."))
        obj = case.content_object
        if obj is None:
            raise ModerationError(_("The post no longer exists."))
        entry = entry_for(obj)
        obj = _locked(obj)
        _set_status(entry, obj, DECISIONS[outcome])
        now = timezone.now()
        after_appeal = case.appealed_at is not None
        case.state = ModerationCase.State.CLOSED
        case.outcome = outcome
        case.decision_reason = reason[:MAX_REASON_LENGTH]
        case.decided_by = actor
        case.decided_at = now
        case.save()
        Report.objects.filter(
            content_type_id=case.content_type_id, object_id=case.object_id, resolved_at__isnull=True
        ).update(resolved_at=now)
        CaseEvent.objects.create(
            case=case, action=outcome, actor=actor, reason=case.decision_reason
        )
        record(
            actor=actor,
            action=f"moderation.{outcome}",
            target=case,
            community_id=case.community_id,
            data={
                "item": entry.label,
                "item_id": obj.pk,
                "reason": case.decision_reason,
                "after_appeal": after_appeal,
            },
        )
        _tell_author(entry, obj, case, after_appeal)
    return case


def _tell_author(entry: Moderated, obj, case: ModerationCase, after_appeal: bool) -> None:
    title = _item_title(entry, obj)
    if case.outcome == ModerationCase.Outcome.RESTORED:
        notify(
            recipients=[case.author_id],
            kind="moderation.restored",
            title=_("Your post is published"),
            body=_("A moderator published “%(title)s”: %(reason)s")
            % {"title": title, "reason": case.decision_reason},
            link=_item_link(entry, obj),
        )
        return
    if after_appeal:
        body = _("A moderator looked at your appeal and kept “%(title)s” removed: %(reason)s")
    else:
        body = _(
            "A moderator removed “%(title)s”: %(reason)s. If you think this is wrong, you "
            "can appeal once."
        )
    notify(
        recipients=[case.author_id],
        kind="moderation.removed",
        title=_("Your post was removed"),
        body=body % {"title": title, "reason": case.decision_reason},
        link=reverse("moderation:appeal", args=[case.pk]),
    )


def appeal_case(*, case: ModerationCase, actor, text: str) -> ModerationCase:
    """The author asks once for a removal to be looked at again: the case reopens."""
    text = (text or "").strip()
    if not text:
        raise ModerationError(_("Say why the post should be published."), field="text")
    with transaction.atomic():
        case = ModerationCase.objects.select_for_update().get(pk=case.pk)
        if case.author_id != actor.pk:
            raise ModerationError(_("Only the author can appeal."))
        if case.appealed_at is not None:
            raise ModerationError(_("You have already appealed this decision."))
        if case.state != ModerationCase.State.CLOSED or case.outcome != case.Outcome.REMOVED:
            raise ModerationError(_("Only a removal can be appealed."))
        case.state = ModerationCase.State.OPEN
        case.appealed_at = timezone.now()
        case.appeal_text = text[:MAX_REASON_LENGTH]
        case.save()
        CaseEvent.objects.create(
            case=case, action=CaseEvent.Action.APPEALED, actor=actor, reason=case.appeal_text
        )
        record(
            actor=actor,
            action="moderation.appeal",
            target=case,
            community_id=case.community_id,
            data={"item_id": case.object_id},
        )
    return case


# --- Review words and settings -------------------------------------------------------------


def add_blocked_word(*, community, word: str, actor) -> BlockedWord:
    """Add a word that sends posts to review (community None: every community)."""
    word = " ".join((word or "").split())
    if not word:
        raise ModerationError(_("Enter a word or phrase."), field="word")
    if len(word) > 50:
        raise ModerationError(_("Keep it to 50 characters."), field="word")
    with transaction.atomic():
        exists = BlockedWord.objects.filter(community=community, word=word).exists()
        if exists:
            raise ModerationError(_("This word is already on the list."), field="word")
        row = BlockedWord.objects.create(community=community, word=word, created_by=actor)
        record(
            actor=actor,
            action="moderation.blocked_word.add",
            target=row,
            community_id=getattr(community, "pk", None),
            data={"word": word},
        )
        transaction.on_commit(forget_blocked_words)
    return row


def remove_blocked_word(*, blocked_word: BlockedWord, actor) -> None:
    """Take a word off the review list."""
    with transaction.atomic():
        record(
            actor=actor,
            action="moderation.blocked_word.remove",
            target=blocked_word,
            community_id=blocked_word.community_id,
            data={"word": blocked_word.word},
        )
        blocked_word.delete()
        transaction.on_commit(forget_blocked_words)


def update_settings(*, community, actor, **values) -> ModerationSettings:
    """Change the community's moderation numbers; return the saved row."""
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        row = settings_for(community)
        before = {name: getattr(row, name) for name in SETTING_FIELDS}
        for name, value in values.items():
            setattr(row, name, value)
        row.full_clean(exclude=["community"])
        changes = {
            name: [before[name], getattr(row, name)]
            for name in SETTING_FIELDS
            if before[name] != getattr(row, name)
        }
        if changes or row.pk is None:
            row.save()
            transaction.on_commit(lambda: forget_settings(community.pk))
        if changes:
            record(
                actor=actor,
                action="moderation.settings",
                target=community,
                data={"changes": changes},
            )
    return row


# --- Housekeeping --------------------------------------------------------------------------

# Longer than any community's duplicate window (at most 90 days) and flood window (a day).
FINGERPRINT_DAYS = 91


def prune_fingerprints(*, older_than_days: int = FINGERPRINT_DAYS) -> int:
    """Delete screening fingerprints no check looks at any more; return how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = ScreenedText.objects.filter(created_at__lt=cutoff).delete()
    return deleted
