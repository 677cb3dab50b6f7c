"""Named filters and prefetch bundles for the registry's pages.

Each `visible_to(user)` must agree with the predicates in permissions.py; a test proves it.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import COMPOUND_ROLES, STAFF_COMMUNITY_ROLES, scope_of


def elderly_cutoff(today: date | None = None) -> date:
    """Return the latest birth date of someone aged ELDERLY_AGE or more today."""
    today = today or date.today()
    try:
        return today.replace(year=today.year - settings.ELDERLY_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - settings.ELDERLY_AGE, day=28)


class CommunityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Communities whose overview the user may open (staff who look after people there)."""
        scope = scope_of(user)
        if scope.is_superuser:
            return self
        return self.filter(
            Q(subdistrict_id__in=scope.ids(Role.SUBDISTRICT_OFFICIAL))
            | Q(id__in=scope.ids(*STAFF_COMMUNITY_ROLES))
            | Q(grids__id__in=scope.ids(Role.GRID_WORKER))
        ).distinct()

    def for_listing(self):
        """Rows for the community list on the home page."""
        return self.select_related("subdistrict").order_by("subdistrict__code", "code")


class BuildingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Buildings the user may drill into."""
        scope = scope_of(user)
        if scope.is_superuser:
            return self
        return self.filter(
            Q(community__subdistrict_id__in=scope.ids(Role.SUBDISTRICT_OFFICIAL))
            | Q(community_id__in=scope.ids(*STAFF_COMMUNITY_ROLES))
            | Q(grid_id__in=scope.ids(Role.GRID_WORKER))
            | Q(compound_id__in=scope.ids(*COMPOUND_ROLES))
        )

    def for_listing(self):
        """Rows for the community overview's building table: compound and grid joined."""
        return self.select_related("compound", "grid").order_by("compound__name", "name")


class DwellingQuerySet(models.QuerySet):
    def for_listing(self):
        """Rows for the building page: each dwelling with its households' counts."""
        return self.order_by("number")


class HouseholdQuerySet(models.QuerySet):
    def for_listing(self):
        """Households of a building page, with their active residents prefetched."""
        from .models import Resident

        return self.select_related("dwelling").prefetch_related(
            models.Prefetch(
                "residents",
                queryset=Resident.objects.active().defer("is_party_member").order_by("birth_date"),
            )
        )


class ResidentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status="active")

    def elderly(self, today: date | None = None):
        return self.filter(birth_date__lte=elderly_cutoff(today))

    def visible_to(self, user):
        """Residents whose (masked) record the user may see."""
        scope = scope_of(user)
        if scope.is_superuser:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(community__subdistrict_id__in=scope.ids(Role.SUBDISTRICT_OFFICIAL))
            | Q(community_id__in=scope.ids(*STAFF_COMMUNITY_ROLES))
            | Q(household__dwelling__building__grid_id__in=scope.ids(Role.GRID_WORKER))
            | Q(household__dwelling__building__compound_id__in=scope.ids(*COMPOUND_ROLES))
            | Q(user_id=user.pk)
        )

    def for_listing(self):
        """Rows for resident lists and search results: the home joined, nothing sensitive."""
        return self.select_related("household__dwelling__building__compound").defer(
            "is_party_member"
        )
