"""Deadline alerts: tell people when a case awaiting a reply is nearly due, overdue, escalated.

The lists (querysets.py: nearly_due, overdue, escalated) show these cases; this module sends
the inbox messages, run every 10-15 minutes by `manage.py send_case_alerts` (cron).

Each case's `alert_level` says how far the alerts for its current deadline went; a new
deadline (reopening, a new category) starts again at NONE (services._set_deadlines). A case
gets each level's message once, and a case that passed several thresholds since the last
sweep gets only the highest. Who is told grows with the level, so nobody misses a step:

- nearly due: the handling unit's members (the community managers if no unit has it yet);
- overdue: the community managers (admins and workers) and the unit's members;
- escalated: the subdistrict's officials as well (DOMAIN.md §3: "escalated to the community
  admin, then the subdistrict").

Each level is claimed with a conditional UPDATE before anyone is told, so two sweeps running
at once never send a message twice. The sweep reads one community at a time through the
(community, status, ...) indexes and brings into Python only the cases that need an alert.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from gongzhi.accounts.models import Role, RoleAssignment
from gongzhi.registry.models import Community

from .models import AlertLevel, Case
from .querysets import AWAITING_REPLY
from .services import _audit, _community_managers, _tell, _unit_members

# Highest first: the first threshold a case has passed is the level it reaches.
THRESHOLDS = (
    (AlertLevel.ESCALATED, "escalate_at"),
    (AlertLevel.OVERDUE, "due_at"),
    (AlertLevel.NEARLY_DUE, "warn_at"),
)
NAMES: dict[int, str] = {
    AlertLevel.NEARLY_DUE: "nearly_due",
    AlertLevel.OVERDUE: "overdue",
    AlertLevel.ESCALATED: "escalated",
}
TITLES: dict[int, Promise] = {
    AlertLevel.NEARLY_DUE: gettext_lazy("Case #%(id)s is nearly due (%(due)s)."),
    AlertLevel.OVERDUE: gettext_lazy("Case #%(id)s is overdue (it was due %(due)s)."),
    AlertLevel.ESCALATED: gettext_lazy(
        "Case #%(id)s is overdue and escalated to the subdistrict (it was due %(due)s)."
    ),
}


def level_reached(case: Case, now: datetime) -> int:
    """Return the highest alert level whose moment the case has passed (as the lists count)."""
    for level, field in THRESHOLDS:
        moment = getattr(case, field)
        if moment is None:
            continue
        # Nearly due from warn_at itself; overdue and escalated only after the moment.
        if moment < now or (level == AlertLevel.NEARLY_DUE and moment <= now):
            return level
    return AlertLevel.NONE


def cases_to_alert(community_id: int, now: datetime):
    """The community's cases awaiting a reply that passed a threshold not yet alerted."""
    return (
        Case.objects.filter(community_id=community_id, status__in=AWAITING_REPLY)
        .filter(
            Q(warn_at__lte=now, alert_level__lt=AlertLevel.NEARLY_DUE)
            | Q(due_at__lt=now, alert_level__lt=AlertLevel.OVERDUE)
            | Q(escalate_at__lt=now, alert_level__lt=AlertLevel.ESCALATED)
        )
        .select_related("current_unit")
        .only(
            "id",
            "community_id",
            "title",
            "status",
            "current_unit__id",
            "due_at",
            "warn_at",
            "escalate_at",
            "alert_level",
        )
        # No ORDER BY: sorting by due_at makes SQLite walk the community's whole
        # (community, due_at) index instead of seeking the few statuses awaiting a reply.
        .order_by()
    )


def _claim(case: Case, level: int) -> bool:
    """Raise the case's alert level unless a concurrent sweep or a new deadline came first."""
    claimed = Case.objects.filter(
        pk=case.pk,
        alert_level__lt=level,
        status__in=AWAITING_REPLY,
        due_at=case.due_at,
    ).update(alert_level=level)
    return claimed == 1


class _Recipients:
    """Who to tell, each group read once per sweep (many cases share a community or unit)."""

    def __init__(self) -> None:
        self.managers: dict[int, set[int]] = {}
        self.officials: dict[int, set[int]] = {}
        self.units: dict[int, set[int]] = {}

    def unit(self, case: Case) -> set[int]:
        if case.current_unit_id is None:
            return set()
        if case.current_unit_id not in self.units:
            self.units[case.current_unit_id] = _unit_members(case.current_unit)
        return self.units[case.current_unit_id]

    def community(self, community_id: int) -> set[int]:
        if community_id not in self.managers:
            self.managers[community_id] = _community_managers(community_id)
        return self.managers[community_id]

    def subdistrict(self, subdistrict_id: int) -> set[int]:
        if subdistrict_id not in self.officials:
            self.officials[subdistrict_id] = set(
                RoleAssignment.objects.filter(
                    role=Role.SUBDISTRICT_OFFICIAL, subdistrict_id=subdistrict_id
                ).values_list("user_id", flat=True)
            )
        return self.officials[subdistrict_id]

    def for_level(self, case: Case, level: int, subdistrict_id: int) -> set[int]:
        unit = self.unit(case)
        if level == AlertLevel.NEARLY_DUE:
            return set(unit) or set(self.community(case.community_id))
        people = unit | self.community(case.community_id)
        if level == AlertLevel.ESCALATED:
            people |= self.subdistrict(subdistrict_id)
        return people


def send_deadline_alerts(now: datetime | None = None) -> dict[str, int]:
    """Send each due deadline alert once; return how many cases got each level's message."""
    now = now or timezone.now()
    counts = dict.fromkeys(NAMES.values(), 0)
    recipients = _Recipients()
    communities = Community.objects.order_by("pk").values_list("pk", "subdistrict_id")
    for community_id, subdistrict_id in communities:
        for case in sorted(cases_to_alert(community_id, now), key=lambda c: c.pk):
            level = level_reached(case, now)
            if level <= case.alert_level:
                continue
            # Read before the write transaction: SQLite holds its write lock from BEGIN.
            people = recipients.for_level(case, level, subdistrict_id)
            due = timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M") if case.due_at else ""
            with transaction.atomic():
                if not _claim(case, level):
                    continue
                _audit(
                    case,
                    None,
                    f"alert_{NAMES[level]}",
                    due_at=case.due_at.isoformat() if case.due_at else None,
                    recipients=len(people),
                )
                _tell(
                    case,
                    people,
                    TITLES[level],
                    {"id": case.pk, "due": due},
                    case.title,
                    kind=f"case.{NAMES[level]}",
                )
            counts[NAMES[level]] += 1
    return counts
