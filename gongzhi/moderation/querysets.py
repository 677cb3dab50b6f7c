"""Named filters and bundles for moderation lists."""

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import CaseEvent, ModerationCase, Report
from .permissions import moderated_community_ids


def cases_visible_to(user) -> QuerySet[ModerationCase]:
    """Return the cases of the communities this user moderates (agrees with can_moderate)."""
    ids = moderated_community_ids(user)
    cases = ModerationCase.objects.all()
    return cases if ids is None else cases.filter(community_id__in=ids)


def for_queue(cases: QuerySet[ModerationCase]) -> QuerySet[ModerationCase]:
    """Rows for the moderation queue page and API: open cases, longest waiting first.

    The queue reads each item (content_object: one query per content type), the community,
    and the number of reports not yet resolved.
    """
    return (
        cases.filter(state=ModerationCase.State.OPEN)
        .select_related("community", "content_type")
        .prefetch_related("content_object")
        .annotate(pending_reports=pending_reports())
        .order_by("updated_at", "id")
    )


def for_case_page(cases: QuerySet[ModerationCase]) -> QuerySet[ModerationCase]:
    """The decision page's case: item, community, author and history in fixed queries."""
    events = CaseEvent.objects.select_related("actor").order_by("at", "id")
    return cases.select_related(
        "community", "content_type", "author", "decided_by"
    ).prefetch_related("content_object", Prefetch("events", queryset=events))


def reports_for(case: ModerationCase) -> QuerySet[Report]:
    """The reports of a case's item, newest first."""
    return Report.objects.filter(
        content_type_id=case.content_type_id, object_id=case.object_id
    ).order_by("-created_at", "-id")


def pending_reports():
    """An annotation: reports of the case's item made since the last decision."""
    pending = (
        Report.objects.filter(
            content_type_id=OuterRef("content_type_id"),
            object_id=OuterRef("object_id"),
            resolved_at__isnull=True,
        )
        .order_by()
        .values("content_type_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(pending), 0)
