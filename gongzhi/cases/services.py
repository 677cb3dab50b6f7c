"""Every write on cases: intake, the state machine's transitions, call-backs, categories, units.

Each transition locks the case row (select_for_update), checks the transition table in
models.TRANSITIONS, changes the case, writes one CaseEvent and one audit entry, and queues
inbox messages for after the commit. An illegal transition raises CaseError and changes
nothing. Who may call which service is decided by permissions.py at the edges.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.models import Role, RoleAssignment
from gongzhi.core.audit import record
from gongzhi.core.images import clean_image
from gongzhi.core.workdays import WorkCalendar, hours_per_day
from gongzhi.notifications.services import notify

from .models import (
    TRANSITIONS,
    Action,
    AlertLevel,
    CallBack,
    Campaign,
    Case,
    CaseEvent,
    CasePhoto,
    Category,
    HandlingUnit,
    Status,
    TimeUnit,
)

MAX_PHOTOS = 6
# Nearly due: the last 20% of the time limit, or the last 4 working hours, whichever is longer.
NEARLY_DUE_SHARE = Decimal("0.2")
NEARLY_DUE_HOURS = Decimal("4")
# Overdue cases go to the community admin at once, and to the subdistrict this much later.
DEFAULT_ESCALATION_WORKING_DAYS = 2
STATUS_LABELS = dict(Status.choices)


class CaseError(Exception):
    """A refused case action: a message for the person, a code, and the field at fault."""

    def __init__(self, message, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.field = field

    @property
    def errors(self) -> dict[str, list[str]]:
        return {self.field or "__all__": [self.message]}


# --- Deadlines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    due_at: datetime
    warn_at: datetime
    escalate_at: datetime


def escalation_working_days() -> int:
    """Working days after the deadline at which an overdue case reaches the subdistrict."""
    return int(
        getattr(settings, "CASES_SUBDISTRICT_ESCALATION_WORKING_DAYS", None)
        or DEFAULT_ESCALATION_WORKING_DAYS
    )


def deadlines_for(
    category: Category, start: datetime, calendar: WorkCalendar | None = None
) -> Deadlines:
    """Return the reply deadline, the nearly-due moment and the escalation moment of a case."""
    calendar = calendar or WorkCalendar()
    due = calendar.deadline(start, category.time_limit, category.time_unit)
    limit = Decimal(category.time_limit)
    if category.time_unit == TimeUnit.CALENDAR_HOURS:
        warn = due - timedelta(hours=float(max(limit * NEARLY_DUE_SHARE, NEARLY_DUE_HOURS)))
    else:
        hours = limit
        if category.time_unit == TimeUnit.WORKING_DAYS:
            hours = limit * hours_per_day()
        before_warning = max(hours - max(hours * NEARLY_DUE_SHARE, NEARLY_DUE_HOURS), Decimal(0))
        warn = calendar.add_working_hours(start, before_warning)
    warn = max(min(warn, due), start)
    escalate = calendar.add_working_days(due, escalation_working_days())
    return Deadlines(due_at=due, warn_at=warn, escalate_at=escalate)


def _set_deadlines(case: Case, start: datetime) -> None:
    deadlines = deadlines_for(case.category, start)
    case.due_at = deadlines.due_at
    case.warn_at = deadlines.warn_at
    case.escalate_at = deadlines.escalate_at
    # A new deadline gets its own alerts (escalation.py).
    case.alert_level = AlertLevel.NONE


# --- Helpers --------------------------------------------------------------------------------


def case_link(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock: concurrent actions on it wait for each other."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "current_unit", "owner_unit")
        .get(pk=case.pk)
    )


def _check(case: Case, action: str) -> str:
    """Return the status the action leads to, or refuse it with a clear message."""
    sources, target = TRANSITIONS[action]
    if case.status not in sources:
        raise CaseError(
            _("A case that is “%(status)s” cannot be %(action)s.")
            % {"status": STATUS_LABELS[case.status], "action": ACTION_VERBS[action]},
            code="illegal_transition",
        )
    return target


ACTION_VERBS: dict[str, Promise] = {
    Action.DISPATCH: gettext_lazy("dispatched"),
    Action.ACCEPT: gettext_lazy("accepted"),
    Action.RETURN: gettext_lazy("returned"),
    Action.START: gettext_lazy("started"),
    Action.REPLY: gettext_lazy("replied to"),
    Action.CALLBACK: gettext_lazy("called back"),
    Action.CLOSE: gettext_lazy("closed"),
    Action.REOPEN: gettext_lazy("reopened"),
    Action.MERGE: gettext_lazy("merged"),
    Action.REDIRECT: gettext_lazy("redirected to emergency services"),
}


def _event(
    case: Case,
    *,
    actor,
    action: str,
    from_status: str = "",
    to_status: str = "",
    unit: HandlingUnit | None = None,
    text: str = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        unit=unit,
        text=text,
        data=data or {},
    )


def _audit(case: Case, actor, action: str, **data) -> None:
    record(actor=actor, action=f"case.{action}", target=case, data=data)


def clean_photos(uploads) -> list:
    """Check and re-encode up to MAX_PHOTOS uploads before anything is written."""
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_PHOTOS:
        raise CaseError(
            _("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS}, field="photos"
        )
    cleaned = []
    for upload in uploads:
        try:
            cleaned.append(clean_image(upload))
        except ValidationError as exc:
            raise CaseError(exc.messages[0], code="bad_photo", field="photos") from None
    return cleaned


def _save_photos(case: Case, event: CaseEvent, files, actor) -> None:
    for content in files:
        photo = CasePhoto(
            case=case,
            event=event,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        photo.image.save(content.name, content, save=False)
        photo.save()


def _reporters(case: Case) -> set[int]:
    """The reporter and the followers (reporters of merged duplicates)."""
    ids = set(case.followers.values_list("id", flat=True))
    if case.reporter_id:
        ids.add(case.reporter_id)
    return ids


def _unit_members(unit: HandlingUnit | None) -> set[int]:
    if unit is None:
        return set()
    return set(unit.members.values_list("id", flat=True))


def _community_managers(community_id: int) -> set[int]:
    return set(
        RoleAssignment.objects.filter(
            community_id=community_id, role__in=(Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER)
        ).values_list("user_id", flat=True)
    )


def _tell(
    case: Case,
    recipients: set[int],
    title: str | Promise,
    params: dict,
    body: str | Promise = "",
    actor=None,
    kind: str = "",
) -> None:
    """Queue an inbox message; stored as text, so written in the site's language.

    kind: the message's kind (default: the case's status, as case.dispatched)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(title) % params
        body_text = str(body)
    notify(
        recipients=recipients,
        kind=kind or f"case.{case.status}",
        title=text,
        body=body_text,
        link=case_link(case),
        exclude=actor,
    )


def _minor_in_community(category: Category, community) -> None:
    if category.is_major or not category.is_active:
        raise CaseError(_("Choose a minor class that is in use."), field="category")
    usable = Category.objects.for_community(community).filter(pk=category.pk).exists()
    if not usable:
        raise CaseError(_("This category is not used in the community."), field="category")


# --- Intake ---------------------------------------------------------------------------------


def report_case(
    *,
    community,
    category: Category,
    text: str,
    channel: str,
    actor,
    title: str = "",
    address: str = "",
    compound=None,
    building=None,
    grid=None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    reporter=None,
    reporter_resident=None,
    reporter_name: str = "",
    reporter_phone: str = "",
    photos=(),
    campaign: Campaign | None = None,
    media_url: str = "",
) -> Case:
    """Receive a case from any channel; its deadline starts now."""
    text = (text or "").strip()
    if not text:
        raise CaseError(_("Describe the problem."), field="text")
    _minor_in_community(category, community)
    if building is not None:
        if building.community_id != community.pk:
            raise CaseError(_("This building is not in the community."), field="building")
        compound = compound or building.compound
        if building.compound_id != compound.pk:
            raise CaseError(_("This building is not in the compound."), field="building")
    if compound is not None and compound.community_id != community.pk:
        raise CaseError(_("This compound is not in the community."), field="compound")
    if grid is not None and grid.community_id != community.pk:
        raise CaseError(_("This grid is not in the community."), field="grid")
    if campaign is not None and campaign.community_id != community.pk:
        raise CaseError(_("This campaign is not in the community."), field="campaign")
    if not (address.strip() or compound is not None or latitude is not None):
        raise CaseError(_("Say where: choose a compound or type an address."), field="address")
    if (latitude is None) != (longitude is None):
        raise CaseError(_("Give both latitude and longitude, or neither."), field="latitude")
    if reporter_resident is not None:
        if reporter_resident.community_id != community.pk:
            raise CaseError(_("This resident is not in the community."), field="reporter")
        reporter = reporter or reporter_resident.user
        reporter_name = reporter_name or reporter_resident.name
        reporter_phone = reporter_phone or reporter_resident.phone
    if reporter is not None:
        reporter_name = reporter_name or reporter.name
        reporter_phone = reporter_phone or reporter.phone
    files = clean_photos(photos)
    now = timezone.now()
    if not title.strip():
        where = (
            address.strip()
            or (str(building) if building else "")
            or (compound.name if compound else "")
        )
        title = f"{category.name} · {where}" if where else category.name
    with transaction.atomic():
        case = Case(
            community=community,
            category=category,
            title=title.strip()[:200],
            text=text,
            address=address.strip(),
            compound=compound,
            building=building,
            grid=grid or (building.grid if building is not None else None),
            latitude=latitude,
            longitude=longitude,
            channel=channel,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            reporter=reporter,
            reporter_resident=reporter_resident,
            reporter_name=reporter_name.strip()[:50],
            reporter_phone=reporter_phone.strip()[:20],
            campaign=campaign,
            media_url=media_url,
        )
        _set_deadlines(case, now)
        case.save()
        event = _event(
            case,
            actor=actor,
            action=Action.RECEIVE,
            to_status=Status.RECEIVED,
            text=text,
            data={"channel": channel},
            at=now,
        )
        _save_photos(case, event, files, actor)
        _audit(case, actor, "report", channel=channel, category=category.code)
        _tell(
            case,
            _reporters(case),
            gettext_lazy("Your report #%(id)s was received."),
            {"id": case.pk},
            gettext_lazy("We will tell you when it is dispatched and answered."),
            actor=None,
        )
    return case


# --- Transitions ----------------------------------------------------------------------------


def dispatch_case(
    *, case: Case, actor, unit: HandlingUnit, category: Category | None = None, note: str = ""
) -> Case:
    """Send a received or returned case to a handling unit; the first unit owns it (首接负责)."""
    with transaction.atomic():
        case = _lock(case)
        from_status = case.status
        target = _check(case, Action.DISPATCH)
        if unit.community_id != case.community_id or not unit.is_active:
            raise CaseError(_("Choose an active unit of the community."), field="unit")
        if category is not None and category.pk != case.category_id:
            _minor_in_community(category, case.community)
            case.category = category
            # A new class brings its own time limit, counted from the report.
            _set_deadlines(case, case.created_at)
        now = timezone.now()
        case.status = target
        case.current_unit = unit
        if case.owner_unit_id is None:
            case.owner_unit = unit
        case.dispatched_at = now
        case.save()
        _event(
            case,
            actor=actor,
            action=Action.DISPATCH,
            from_status=from_status,
            to_status=target,
            unit=unit,
            text=note.strip(),
            data={"category": case.category.code},
            at=now,
        )
        _audit(case, actor, "dispatch", unit=unit.pk, unit_name=unit.name)
        _tell(
            case,
            _unit_members(unit),
            gettext_lazy("Case #%(id)s was dispatched to %(unit)s."),
            {"id": case.pk, "unit": unit.name},
            case.title,
            actor=actor,
        )
        _tell(
            case,
            _reporters(case),
            gettext_lazy("Your report #%(id)s is being handled by %(unit)s."),
            {"id": case.pk, "unit": unit.name},
            actor=actor,
        )
    return case


def accept_case(*, case: Case, actor) -> Case:
    """The unit takes the dispatched case on."""
    with transaction.atomic():
        case = _lock(case)
        from_status = case.status
        target = _check(case, Action.ACCEPT)
        now = timezone.now()
        case.status = target
        case.accepted_at = now
        case.save()
        _event(
            case,
            actor=actor,
            action=Action.ACCEPT,
            from_status=from_status,
            to_status=target,
            unit=case.current_unit,
            at=now,
        )
        _audit(case, actor, "accept")
        _tell(
            case,
            _reporters(case),
            gettext_lazy("Your report #%(id)s was accepted."),
            {"id": case.pk},
            actor=actor,
        )
    return case


def return_case(*, case: Case, actor, reason: str) -> Case:
    """The unit gives the case back with a reason; it loses ownership (首接负责 ends)."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(_("Say why the case is returned."), field="reason")
    with transaction.atomic():
        case = _lock(case)
        from_status = case.status
        target = _check(case, Action.RETURN)
        unit = case.current_unit
        case.status = target
        if case.owner_unit_id == case.current_unit_id:
            case.owner_unit = None
        case.current_unit = None
        case.accepted_at = None
        case.save()
        _event(
            case,
            actor=actor,
            action=Action.RETURN,
            from_status=from_status,
            to_status=target,
            unit=unit,
            text=reason,
        )
        _audit(case, actor, "return", unit=unit.pk if unit else None, reason=reason)
        _tell(
            case,
            _community_managers(case.community_id),
            gettext_lazy("Case #%(id)s was returned and needs dispatching."),
            {"id": case.pk},
            reason,
            actor=actor,
        )
    return case


def start_case(*, case: Case, actor) -> Case:
    """The unit starts work (again, after a reopening)."""
    with transaction.atomic():
        case = _lock(case)
        from_status = case.status
        target = _check(case, Action.START)
        case.status = target
        case.save()
        _event(
            case,
            actor=actor,
            action=Action.START,
            from_status=from_status,
            to_status=target,
            unit=case.current_unit,
        )
        _audit(case, actor, "start")
        _tell(
            case,
            _reporters(case),
            gettext_lazy("Work on your report #%(id)s has started."),
            {"id": case.pk},
            actor=actor,
        )
    return case


def reply_case(*, case: Case, actor, text: str, photos=()) -> Case:
    """The unit answers: what was done, with photos of the result."""
    text = (text or "").strip()
    if not text:
        raise CaseError(_("Say what was done."), field="text")
    files = clean_photos(photos)
    with transaction.atomic():
        case = _lock(case)
        from_status = case.status
        target = _check(case, Action.REPLY)
        now = timezone.now()
        case.status = target
        case.reply_text = text
        case.replied_at = now
        case.save()
        event = _event(
            case,
            actor=actor,
            action=Action.REPLY,
            from_status=from_status,
            to_status=target,
            unit=case.current_unit,
            text=text,
            at=now,
        )
        _save_photos(case, event, files, actor)
        _audit(case, actor, "reply", photos=len(files))
        _tell(
            case,
            _reporters(case),
            gettext_lazy("Your report #%(id)s has a reply. Is it solved?"),
            {"id": case.pk},
            text,
            actor=actor,
        )
    return case


def record_callback(
    *,
    case: Case,
    actor,
    method: str,
    answered: bool = True,
    contacted_in_time: bool | None = None,
    solved: bool | None = None,
    satisfied: bool | None = None,
    comment: str = "",
) -> CallBack:
    """Record the reporter's answers; not solved or not satisfied reopens the case.

    An unanswered attempt (the reporter could not be reached) is kept but changes no status.
    """
    if method not in CallBack.Method.values:
        raise CaseError(_("Choose how the reporter was asked."), field="method")
    if answered and None in (contacted_in_time, solved, satisfied):
        raise CaseError(_("Answer all three questions."), field="satisfied")
    with transaction.atomic():
        case = _lock(case)
        from_status = case.status
        _check(case, Action.CALLBACK)
        now = timezone.now()
        callback = CallBack(
            case=case,
            round=case.callback_round,
            at=now,
            by=actor if getattr(actor, "is_authenticated", False) else None,
            method=method,
            answered=answered,
            comment=(comment or "").strip(),
        )
        # The case's grid, unit and category are settled by now: no action after a reply
        # dispatches or returns it again (test_rates pins that), so the copies stay true.
        callback.copy_case(case)
        if not answered:
            callback.save()
            _event(
                case,
                actor=actor,
                action=Action.CALLBACK,
                from_status=from_status,
                to_status=from_status,
                text=callback.comment,
                data={"answered": False, "method": method, "round": callback.round},
                at=now,
            )
            _audit(case, actor, "callback", answered=False)
            return callback
        callback.contacted_in_time = contacted_in_time
        callback.solved = solved
        callback.satisfied = satisfied
        callback.is_latest = True
        CallBack.objects.filter(case=case, is_latest=True).update(is_latest=False)
        try:
            with transaction.atomic():
                callback.save()
        except IntegrityError:
            raise CaseError(
                _("This round's call-back is already recorded."), code="already_answered"
            ) from None
        answers = {
            "contacted_in_time": contacted_in_time,
            "solved": solved,
            "satisfied": satisfied,
        }
        if callback.is_dissatisfied:
            target = Status.REOPENED
            case.callback_round += 1
            _set_deadlines(case, now)
        else:
            target = Status.CALLBACK_DONE
        case.status = target
        case.save()
        _event(
            case,
            actor=actor,
            action=Action.CALLBACK,
            from_status=from_status,
            to_status=target,
            text=callback.comment,
            data={"answered": True, "method": method, "round": callback.round, **answers},
            at=now,
        )
        _audit(case, actor, "callback", round=callback.round, **answers)
        if target == Status.REOPENED:
            _tell(
                case,
                _unit_members(case.current_unit) | _community_managers(case.community_id),
                gettext_lazy("Case #%(id)s was reopened: the reporter is not satisfied."),
                {"id": case.pk},
                callback.comment,
                actor=actor,
            )
    return callback


def _nobody_to_call(case: Case) -> bool:
    return case.reporter_id is None and not case.reporter_phone


def close_case(*, case: Case, actor, note: str = "") -> Case:
    """Close the case after the call-back (or when the reporter cannot be asked)."""
    with transaction.atomic():
        case = _lock(case)
        from_status = case.status
        target = _check(case, Action.CLOSE)
        if from_status == Status.REPLIED:
            tried = CallBack.objects.filter(
                case=case, round=case.callback_round, answered=False
            ).exists()
            if not (tried or _nobody_to_call(case)):
                raise CaseError(
                    _("Call the reporter back before closing the case."),
                    code="callback_needed",
                )
        now = timezone.now()
        case.status = target
        case.closed_at = now
        case.save()
        _event(
            case,
            actor=actor,
            action=Action.CLOSE,
            from_status=from_status,
            to_status=target,
            unit=case.current_unit,
            text=note.strip(),
            at=now,
        )
        _audit(case, actor, "close")
        _tell(
            case,
            _reporters(case) | _unit_members(case.current_unit),
            gettext_lazy("Case #%(id)s is closed."),
            {"id": case.pk},
            actor=actor,
        )
    return case


def reopen_case(*, case: Case, actor, reason: str) -> Case:
    """Send a closed case back for re-handling by its unit; a new call-back round begins."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(_("Say why the case is reopened."), field="reason")
    with transaction.atomic():
        case = _lock(case)
        from_status = case.status
        target = _check(case, Action.REOPEN)
        now = timezone.now()
        case.status = target
        case.closed_at = None
        case.callback_round += 1
        _set_deadlines(case, now)
        case.save()
        _event(
            case,
            actor=actor,
            action=Action.REOPEN,
            from_status=from_status,
            to_status=target,
            unit=case.current_unit,
            text=reason,
            at=now,
        )
        _audit(case, actor, "reopen", reason=reason)
        _tell(
            case,
            _reporters(case) | _unit_members(case.current_unit),
            gettext_lazy("Case #%(id)s was reopened."),
            {"id": case.pk},
            reason,
            actor=actor,
        )
    return case


def merge_case(*, case: Case, into: Case, actor, note: str = "") -> Case:
    """Merge a duplicate into the main case; the duplicate's reporter follows the main case."""
    if case.pk == into.pk:
        raise CaseError(_("A case cannot be merged into itself."), field="into")
    with transaction.atomic():
        # Lock both rows in id order, so two opposite merges cannot deadlock.
        locked = {
            c.pk: c
            for c in Case.objects.select_for_update(of=("self",))
            .filter(pk__in=[case.pk, into.pk])
            .order_by("pk")
        }
        case, into = locked[case.pk], locked[into.pk]
        from_status = case.status
        target = _check(case, Action.MERGE)
        if into.community_id != case.community_id:
            raise CaseError(_("Merge only cases of the same community."), field="into")
        if into.status in (Status.MERGED, Status.REDIRECTED_EMERGENCY):
            raise CaseError(_("The main case is itself merged or redirected."), field="into")
        followers = _reporters(case) - {into.reporter_id}
        case.status = target
        case.merged_into = into
        case.closed_at = timezone.now()
        case.save()
        into.followers.add(*followers)
        _event(
            case,
            actor=actor,
            action=Action.MERGE,
            from_status=from_status,
            to_status=target,
            text=note.strip(),
            data={"into": into.pk},
        )
        _event(
            into,
            actor=actor,
            action=Action.NOTE,
            text=_("Case #%(id)s was merged into this case.") % {"id": case.pk},
            data={"merged": case.pk},
        )
        _audit(case, actor, "merge", into=into.pk)
        _tell(
            into,
            followers,
            gettext_lazy(
                "Your report #%(id)s is the same problem as case #%(main)s; follow it there."
            ),
            {"id": case.pk, "main": into.pk},
            actor=actor,
        )
    return case


def redirect_emergency(*, case: Case, actor, number: str, note: str = "") -> Case:
    """An emergency is not handled as a case: close it as redirected to 110, 119 or 120."""
    if number not in Case.Emergency.values:
        raise CaseError(_("Choose 110, 119 or 120."), field="number")
    with transaction.atomic():
        case = _lock(case)
        from_status = case.status
        target = _check(case, Action.REDIRECT)
        now = timezone.now()
        case.status = target
        case.emergency_number = number
        case.closed_at = now
        case.save()
        _event(
            case,
            actor=actor,
            action=Action.REDIRECT,
            from_status=from_status,
            to_status=target,
            text=note.strip(),
            data={"number": number},
            at=now,
        )
        _audit(case, actor, "redirect", number=number)
        _tell(
            case,
            _reporters(case),
            gettext_lazy("Report #%(id)s is an emergency: please call %(number)s."),
            {"id": case.pk, "number": number},
            actor=actor,
        )
    return case


def add_note(*, case: Case, actor, text: str) -> CaseEvent:
    """Put a note on the timeline (a visit, a phone call, the residents' agreement)."""
    text = (text or "").strip()
    if not text:
        raise CaseError(_("Write the note."), field="text")
    with transaction.atomic():
        case = _lock(case)
        event = _event(case, actor=actor, action=Action.NOTE, text=text)
        _audit(case, actor, "note")
    return event


def set_campaign(*, case: Case, actor, campaign: Campaign | None) -> Case:
    """Put the case in a campaign (专项行动) of its community, or take it out."""
    if campaign is not None and campaign.community_id != case.community_id:
        raise CaseError(_("This campaign is not in the community."), field="campaign")
    with transaction.atomic():
        case = _lock(case)
        case.campaign = campaign
        case.save(update_fields=["campaign", "updated_at"])
        _audit(case, actor, "campaign", campaign=campaign.pk if campaign else None)
    return case


# --- Categories, units, campaigns -------------------------------------------------------------

CATEGORY_FIELDS = (
    "name",
    "filing_criteria",
    "closing_criteria",
    "time_limit",
    "time_unit",
    "default_unit",
    "is_active",
)


def update_category(*, category: Category, community, actor, **fields) -> Category:
    """Edit a class for one community; a shared seed row is copied into the community first."""
    unknown = set(fields) - set(CATEGORY_FIELDS)
    if unknown:
        raise ValueError(f"unknown category fields {sorted(unknown)}")
    unit = fields.get("default_unit")
    if unit is not None and unit.community_id != community.pk:
        raise CaseError(_("Choose a unit of the community."), field="default_unit")
    if category.community_id not in (None, community.pk):
        raise CaseError(_("This category belongs to another community."))
    with transaction.atomic():
        if category.community_id is None:
            shared = category
            category = Category(
                community=community,
                kind=shared.kind,
                major_code=shared.major_code,
                minor_code=shared.minor_code,
                parent=shared.parent,
                based_on=shared,
                **{name: getattr(shared, name) for name in CATEGORY_FIELDS},
            )
        for name, value in fields.items():
            setattr(category, name, value)
        category.save()
        record(
            actor=actor,
            action="case.category_update",
            target=category,
            community_id=community.pk,
            data={"code": category.code, "fields": sorted(fields)},
        )
    return category


def add_minor_category(
    *,
    community,
    major: Category,
    minor_code: str,
    name: str,
    actor,
    time_limit: int = 5,
    time_unit: str = TimeUnit.WORKING_DAYS,
    filing_criteria: str = "",
    closing_criteria: str = "",
    default_unit: HandlingUnit | None = None,
) -> Category:
    """Add a community's own minor class under a major class."""
    if not major.is_major or major.community_id not in (None, community.pk):
        raise CaseError(_("Choose a major class."), field="major")
    if default_unit is not None and default_unit.community_id != community.pk:
        raise CaseError(_("Choose a unit of the community."), field="default_unit")
    taken = (
        Category.objects.for_community(community)
        .filter(kind=major.kind, major_code=major.major_code, minor_code=minor_code)
        .exists()
    )
    if taken:
        raise CaseError(_("This code is already used."), field="minor_code")
    with transaction.atomic():
        category = Category.objects.create(
            community=community,
            kind=major.kind,
            major_code=major.major_code,
            minor_code=minor_code,
            parent=major,
            name=name.strip(),
            time_limit=time_limit,
            time_unit=time_unit,
            filing_criteria=filing_criteria.strip(),
            closing_criteria=closing_criteria.strip(),
            default_unit=default_unit,
        )
        record(
            actor=actor,
            action="case.category_add",
            target=category,
            community_id=community.pk,
            data={"code": category.code},
        )
    return category


def save_unit(
    *,
    community,
    actor,
    unit: HandlingUnit | None = None,
    kind: str,
    name: str,
    grid=None,
    compound=None,
    phone: str = "",
    is_active: bool = True,
    members=None,
) -> HandlingUnit:
    """Create or edit a handling unit of the community and set its members."""
    for place, field in ((grid, "grid"), (compound, "compound")):
        if place is not None and place.community_id != community.pk:
            raise CaseError(_("Choose a place in the community."), field=field)
    creating = unit is None
    unit = unit or HandlingUnit(community=community)
    if unit.community_id != community.pk:
        raise CaseError(_("This unit belongs to another community."))
    duplicate = (
        HandlingUnit.objects.filter(community=community, name=name.strip())
        .exclude(pk=unit.pk)
        .exists()
    )
    if duplicate:
        raise CaseError(_("A unit with this name already exists."), field="name")
    with transaction.atomic():
        unit.kind = kind
        unit.name = name.strip()
        unit.grid = grid
        unit.compound = compound
        unit.phone = phone.strip()
        unit.is_active = is_active
        unit.save()
        if members is not None:
            unit.members.set(members)
        record(
            actor=actor,
            action="case.unit_add" if creating else "case.unit_update",
            target=unit,
            data={"members": sorted(m.pk for m in members) if members is not None else None},
        )
    return unit


def save_campaign(
    *,
    community,
    actor,
    campaign: Campaign | None = None,
    title: str,
    description: str = "",
    starts_on,
    ends_on=None,
) -> Campaign:
    """Create or edit a campaign (专项行动) of the community."""
    if ends_on is not None and ends_on < starts_on:
        raise CaseError(_("The campaign ends before it starts."), field="ends_on")
    creating = campaign is None
    campaign = campaign or Campaign(community=community, created_by=actor)
    with transaction.atomic():
        campaign.title = title.strip()
        campaign.description = description.strip()
        campaign.starts_on = starts_on
        campaign.ends_on = ends_on
        campaign.save()
        record(
            actor=actor,
            action="case.campaign_add" if creating else "case.campaign_update",
            target=campaign,
        )
    return campaign


def create_case_from_need(*, need, actor, category: Category) -> Case:
    """Turn a resident's need (诉求) into a case; the need's author follows it as reporter."""
    resident = need.resident
    reporter = need.author if resident is None else (resident.user or need.author)
    with transaction.atomic():
        case = report_case(
            community=need.community,
            category=category,
            title=need.title,
            text=need.text,
            channel=Case.Channel.NEED,
            actor=actor,
            compound=need.compound,
            building=need.building,
            # A need may name no place: the community itself is where it is.
            address="" if (need.compound_id or need.building_id) else need.community.name,
            reporter=reporter,
            reporter_resident=resident,
        )
        case.need = need
        case.save(update_fields=["need", "updated_at"])
        _audit(case, actor, "from_need", need=need.pk)
    return case


def unmask_contact(*, case: Case, actor) -> dict:
    """Return the reporter's full name and phone for a call, and log that they were shown."""
    record(actor=actor, action="case.unmask", target=case, data={"fields": ["name", "phone"]})
    return {"name": case.reporter_name, "phone": case.reporter_phone}
