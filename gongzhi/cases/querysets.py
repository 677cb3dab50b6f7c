"""Named filters and prefetch bundles for the case pages.

`CaseQuerySet.visible_to(user)` must agree with permissions.can_view_case; a test proves it.
"""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import STAFF_COMMUNITY_ROLES, scope_of

# Statuses whose reply deadline still runs (kept here to avoid importing the models).
AWAITING_REPLY = ("received", "dispatched", "accepted", "returned", "in_progress", "reopened")
FINAL = ("closed", "merged", "redirected_emergency")
# Listed as IN, not NOT IN FINAL: the database then seeks the few open cases in the
# (community, status) indexes instead of reading every case of the community.
OPEN = (*AWAITING_REPLY, "replied", "callback_done")


class CategoryQuerySet(models.QuerySet):
    def for_community(self, community):
        """The classes in use in a community: its own rows, and shared rows not overridden."""
        from .models import Category

        overridden = Category.objects.filter(
            community=community,
            kind=OuterRef("kind"),
            major_code=OuterRef("major_code"),
            minor_code=OuterRef("minor_code"),
        )
        return self.filter(
            Q(community=community) | (Q(community__isnull=True) & ~Exists(overridden))
        )

    def minors(self):
        return self.exclude(minor_code="")

    def majors(self):
        return self.filter(minor_code="")

    def for_picker(self):
        """Minor classes in use, with their major class, for the report form's picker."""
        return (
            self.minors()
            .filter(is_active=True)
            .select_related("parent")
            .order_by("-kind", "major_code", "minor_code")
        )


class HandlingUnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_listing(self):
        """Rows for the units admin page: place joined, members counted."""
        return (
            self.select_related("grid", "compound")
            .annotate(member_count=Count("members", distinct=True))
            .order_by("kind", "name")
        )


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Campaigns of the communities whose cases the user works on or oversees."""
        scope = scope_of(user)
        if scope.is_superuser:
            return self
        from gongzhi.registry.models import Grid

        # A subquery, not a join: a join on grids would multiply the progress counts.
        patrolled = Grid.objects.filter(
            community_id=OuterRef("community_id"), id__in=scope.ids(Role.GRID_WORKER)
        )
        return self.filter(
            Q(community__subdistrict_id__in=scope.ids(Role.SUBDISTRICT_OFFICIAL))
            | Q(community_id__in=scope.ids(*STAFF_COMMUNITY_ROLES))
            | Exists(patrolled)
        )

    def with_progress(self):
        """Each campaign with its case counts: total, closed, open, overdue (one query)."""
        now = timezone.now()
        return self.annotate(
            case_total=Count("cases", filter=~Q(cases__status__in=("merged",))),
            case_closed=Count("cases", filter=Q(cases__status="closed")),
            case_overdue=Count(
                "cases",
                filter=Q(cases__status__in=AWAITING_REPLY, cases__due_at__lt=now),
            ),
        )

    def for_listing(self):
        """Rows for the campaigns page, with progress and community."""
        return self.select_related("community").with_progress().order_by("-starts_on", "-id")


class CaseQuerySet(models.QuerySet):
    def handled_by(self, user):
        """Cases in the user's work: the worker's case list (community, grid, unit, subdistrict)."""
        from .permissions import unit_ids_of

        scope = scope_of(user)
        if scope.is_superuser:
            return self
        q = Q(pk__in=[])
        if ids := scope.ids(*STAFF_COMMUNITY_ROLES):
            q |= Q(community_id__in=ids)
        if ids := scope.ids(Role.SUBDISTRICT_OFFICIAL):
            from gongzhi.registry.models import Community

            # A subquery, not a join: the case table is filtered by its own indexed column.
            q |= Q(community_id__in=Community.objects.filter(subdistrict_id__in=ids).values("id"))
        if ids := scope.ids(Role.GRID_WORKER):
            q |= Q(grid_id__in=ids)
        if units := unit_ids_of(user):
            q |= Q(current_unit_id__in=units) | Q(owner_unit_id__in=units)
        return self.filter(q)

    def reported_by(self, user):
        """Cases the user reported, entered or follows: the "my cases" page."""
        from .models import Case

        if not user.is_authenticated:
            return self.none()
        follows = Case.followers.through.objects.filter(case_id=OuterRef("pk"), user_id=user.pk)
        return self.filter(Q(reporter_id=user.pk) | Q(created_by_id=user.pk) | Exists(follows))

    def visible_to(self, user):
        """Cases whose page the user may open."""
        if not user.is_authenticated:
            return self.none()
        scope = scope_of(user)
        if scope.is_superuser:
            return self
        return self.handled_by(user) | self.reported_by(user)

    def awaiting_reply(self):
        return self.filter(status__in=AWAITING_REPLY)

    def open(self):
        return self.filter(status__in=OPEN)

    def overdue(self, now=None):
        """Past the reply deadline with no reply: listed for the community admin."""
        return self.awaiting_reply().filter(due_at__lt=now or timezone.now())

    def nearly_due(self, now=None):
        """In the last 20% of the time limit (or 4 working hours), not yet overdue."""
        now = now or timezone.now()
        return self.awaiting_reply().filter(warn_at__lte=now, due_at__gte=now)

    def escalated(self, now=None):
        """Overdue for longer than the further period: listed for the subdistrict as well."""
        return self.awaiting_reply().filter(escalate_at__lt=now or timezone.now())

    def deadline_counts(self, now=None) -> dict:
        """Overdue, nearly due and escalated counts in one query."""
        now = now or timezone.now()
        # Only cases awaiting a reply are read (a partial index holds just those).
        return self.awaiting_reply().aggregate(
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            nearly_due=Count("pk", filter=Q(warn_at__lte=now, due_at__gte=now)),
            escalated=Count("pk", filter=Q(escalate_at__lt=now)),
        )

    def filtered(self, data: dict, user):
        """Apply the case list's filters (cleaned CaseFilterForm data or API query)."""
        from .permissions import unit_ids_of

        cases = self
        status = data.get("status")
        if status == "open":
            cases = cases.open()
        elif status:
            cases = cases.filter(status=status)
        due = data.get("due")
        if due == "overdue":
            cases = cases.overdue()
        elif due == "nearly":
            cases = cases.nearly_due()
        elif due == "escalated":
            cases = cases.escalated()
        if data.get("mine"):
            units = unit_ids_of(user)
            cases = cases.filter(Q(current_unit_id__in=units) | Q(owner_unit_id__in=units))
        if category := data.get("category"):
            kind, _sep, major = category.partition(":")
            cases = cases.filter(category__kind=kind, category__major_code=major)
        if data.get("campaign"):
            cases = cases.filter(campaign_id=data["campaign"])
        if data.get("community"):
            cases = cases.filter(community_id=data["community"])
        return cases

    def for_listing(self):
        """Rows for the worker's case list and "my cases": class, unit and place joined."""
        return self.select_related(
            "community", "category__parent", "current_unit", "compound", "building"
        ).defer("text", "reply_text")

    def listing_rows(self, ids) -> list:
        """The cases with these ids, in this order, as for_listing() (one query).

        A list pages through ids on the case table alone, then joins only its page's rows:
        the join planned and ran once per page rather than over every row skipped, and on
        PostgreSQL its plan is reused (core.db.prepared_plans) whatever the filters were.
        """
        ids = list(ids)
        found = {case.pk: case for case in self.filter(pk__in=ids).for_listing()}
        return [found[pk] for pk in ids if pk in found]

    def for_page(self):
        """The case page's row: everything it shows in one query."""
        return self.select_related(
            "community__subdistrict",
            "category__parent",
            "current_unit",
            "owner_unit",
            "compound",
            "building",
            "grid",
            "reporter",
            "created_by",
            "merged_into",
            "campaign",
        )


def campaign_progress(campaign) -> dict:
    """Counts by status, share closed and overdue count of a campaign's cases (one query)."""
    from .models import FINAL_STATUSES, Case, Status

    rows = (
        Case.objects.filter(campaign=campaign)
        .exclude(status=Status.MERGED)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_status = {row["status"]: row["n"] for row in rows}
    total = sum(by_status.values())
    closed = by_status.get(Status.CLOSED, 0)
    finished = sum(n for s, n in by_status.items() if s in FINAL_STATUSES)
    return {
        "total": total,
        "closed": closed,
        "open": total - finished,
        "percent_closed": round(100 * closed / total) if total else 0,
        "by_status": [
            {"status": s, "label": s.label, "count": by_status[s]} for s in Status if s in by_status
        ],
    }
