"""Named filters and prefetch bundles for the survey pages.

`visible_to(user)` must agree with permissions.can_view_survey; a test proves it.
"""

from datetime import date

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import STAFF_COMMUNITY_ROLES, scope_of


def _age(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def _count_of(model, **filters):
    """A subquery counting model rows that point at the outer survey (no join fan-out)."""
    rows = (
        model.objects.filter(survey=OuterRef("pk"), **filters)
        .order_by()
        .values("survey")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def audience_q_for_resident(resident, today: date | None = None) -> Q:
    """Surveys of the resident's community whose audience includes this resident.

    Mirrors audience.is_in_audience in one filter: the resident's age (resident surveys) or
    the age of the oldest active member of the household (household surveys) against the
    survey's minimum age, and the home's building and compound against the chosen places.
    """
    from gongzhi.registry.models import Resident

    from .models import Survey

    if resident is None or resident.status != Resident.Status.ACTIVE:
        return Q(pk__in=[])
    today = today or date.today()
    household = resident.household
    dwelling = household.dwelling if household is not None else None
    building_id = dwelling.building_id if dwelling is not None else None
    compound_id = dwelling.building.compound_id if dwelling is not None else None

    place = Q(audience=Survey.Audience.COMMUNITY)
    if building_id is not None:
        place |= Q(audience=Survey.Audience.COMPOUNDS, audience_compounds=compound_id)
        place |= Q(audience=Survey.Audience.BUILDINGS, audience_buildings=building_id)

    def old_enough(age: int | None) -> Q:
        if age is None:
            return Q(audience_min_age__isnull=True)
        return Q(audience_min_age__isnull=True) | Q(audience_min_age__lte=age)

    as_resident = Q(unit=Survey.Unit.RESIDENT) & old_enough(_age(resident.birth_date, today))
    as_household = Q(pk__in=[])
    if household is not None and household.is_active:
        oldest = (
            Resident.objects.filter(household=household, status=Resident.Status.ACTIVE)
            .exclude(birth_date__isnull=True)
            .order_by("birth_date")
            .values_list("birth_date", flat=True)
            .first()
        )
        as_household = Q(unit=Survey.Unit.HOUSEHOLD) & old_enough(_age(oldest, today))
    return Q(community_id=resident.community_id) & place & (as_resident | as_household)


def resident_of(user):
    """The user's own active Resident record with its home, or None."""
    from gongzhi.registry.models import Resident

    if user is None or not user.is_authenticated:
        return None
    return (
        Resident.objects.select_related("household__dwelling__building")
        .filter(user=user, status=Resident.Status.ACTIVE)
        .first()
    )


class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Surveys the user may see: all of their communities' for staff; for residents,
        the open or published surveys they are in the audience of."""
        scope = scope_of(user)
        if scope.is_superuser:
            return self
        if user is None or not user.is_authenticated:
            return self.none()
        staff = (
            Q(community__subdistrict_id__in=scope.ids(Role.SUBDISTRICT_OFFICIAL))
            | Q(community_id__in=scope.ids(*STAFF_COMMUNITY_ROLES))
            | Q(community__grids__id__in=scope.ids(Role.GRID_WORKER))
        )
        shown = Q(status=self.model.Status.OPEN) | Q(results_published_at__isnull=False)
        as_resident = shown & audience_q_for_resident(resident_of(user))
        # Joins through grids and the audience places can repeat a survey.
        return self.filter(pk__in=self.model.objects.filter(staff | as_resident).values("pk"))

    def managed_by(self, user):
        """Surveys the user may build: those of communities where they are admin or worker."""
        scope = scope_of(user)
        if scope.is_superuser:
            return self
        return self.filter(community_id__in=scope.ids(Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER))

    def for_listing(self):
        """Rows for the builder's survey list: counts of questions and responses, newest first."""
        from .models import Question, Response

        return self.annotate(
            question_count=_count_of(Question), response_count=_count_of(Response)
        ).order_by("-created_at", "-id")

    def for_builder(self):
        """The survey for the builder's edit page: places chosen, sections prefetched."""
        from .models import Section

        return self.select_related("community", "copied_from").prefetch_related(
            "audience_compounds",
            "audience_buildings",
            Prefetch("sections", queryset=Section.objects.order_by("position", "id")),
        )


def questions_for(survey):
    """The survey's questions in questionnaire order, with section, options and condition."""
    from .models import Option, Question

    return (
        Question.objects.filter(survey=survey)
        .select_related("section", "show_if_question")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position", "id")))
        .order_by("position", "id")
    )


def surveys():
    """The Survey queryset with the methods above (until Survey.objects is this manager)."""
    from .models import Survey

    manager = Survey.objects
    if hasattr(manager, "visible_to"):
        return manager.all()
    return SurveyQuerySet(Survey)
