"""Who a survey is for: households or residents in its places, optionally a filtered group."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from gongzhi.registry.models import Household, Resident

from .models import Survey


def _birth_cutoff(min_age: int, today: date | None = None) -> date:
    today = today or date.today()
    try:
        return today.replace(year=today.year - min_age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - min_age, day=28)


def _place_filter(survey: Survey, prefix: str) -> Q:
    """Filter on the survey's places; prefix leads from the queried model to the Building."""
    if survey.audience == Survey.Audience.COMPOUNDS:
        return Q(**{f"{prefix}compound__in": survey.audience_compounds.all()})
    if survey.audience == Survey.Audience.BUILDINGS:
        return Q(**{f"{prefix}in": survey.audience_buildings.all()})
    return Q()


def audience_residents(survey: Survey) -> QuerySet[Resident]:
    """Active residents the survey is for."""
    qs = Resident.objects.filter(community_id=survey.community_id, status=Resident.Status.ACTIVE)
    qs = qs.filter(_place_filter(survey, "household__dwelling__building__"))
    if survey.audience_min_age:
        qs = qs.filter(birth_date__lte=_birth_cutoff(survey.audience_min_age))
    return qs


def audience_households(survey: Survey) -> QuerySet[Household]:
    """Active households the survey is for (with a qualifying member when a group is set)."""
    qs = Household.objects.filter(community_id=survey.community_id, is_active=True)
    qs = qs.filter(_place_filter(survey, "dwelling__building__"))
    if survey.audience_min_age:
        members = Resident.objects.filter(
            household=OuterRef("pk"),
            status=Resident.Status.ACTIVE,
            birth_date__lte=_birth_cutoff(survey.audience_min_age),
        )
        qs = qs.filter(Exists(members))
    return qs


def is_in_audience(survey: Survey, resident: Resident) -> bool:
    """Whether this resident (or, for household surveys, their household) is asked."""
    if survey.unit == Survey.Unit.RESIDENT:
        return audience_residents(survey).filter(pk=resident.pk).exists()
    if resident.household_id is None:
        return False
    return audience_households(survey).filter(pk=resident.household_id).exists()
