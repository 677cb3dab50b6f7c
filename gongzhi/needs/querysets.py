"""Named filters and prefetch bundles for the 共谋 pages.

`NeedQuerySet.visible_to(user)` must agree with permissions.can_view_need, and
`communities_q(user)` with permissions.can_view_board; tests prove both.
"""

from django.db import models
from django.db.models import Prefetch, Q

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import COMPOUND_ROLES, STAFF_COMMUNITY_ROLES, scope_of
from gongzhi.moderation.models import ModerationStatus

PUBLISHED = ModerationStatus.PUBLISHED
_NO_RESIDENT = object()


def resident_of(user):
    """Return the user's own active Resident record, or None; cached on the user object."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_gongzhi_need_resident", _NO_RESIDENT)
    if cached is not _NO_RESIDENT:
        return cached
    from gongzhi.registry.models import Resident

    resident = (
        Resident.objects.filter(user=user, status=Resident.Status.ACTIVE)
        .only("id", "community_id", "user_id", "name", "household_id", "status")
        .first()
    )
    user._gongzhi_need_resident = resident
    return resident


def communities_q(user, field: str = "community") -> Q:
    """Rows whose community's board the user may open: its residents, its staff, officials
    of its subdistrict, its grid workers and its compounds' committees and managers.

    `field` names the community relation; "" filters Community rows themselves.
    """
    from gongzhi.registry.models import Compound, Grid

    scope = scope_of(user)
    if scope.is_superuser:
        return Q()
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    ids = f"{field}_id__in" if field else "id__in"
    subdistricts = f"{field}__subdistrict_id__in" if field else "subdistrict_id__in"
    direct = set(scope.ids(Role.RESIDENT, *STAFF_COMMUNITY_ROLES))
    resident = resident_of(user)
    if resident is not None:
        direct.add(resident.community_id)
    q = Q(**{ids: sorted(direct)})
    if scope.has(Role.SUBDISTRICT_OFFICIAL):
        q |= Q(**{subdistricts: sorted(scope.ids(Role.SUBDISTRICT_OFFICIAL))})
    if scope.has(Role.GRID_WORKER):
        grids = Grid.objects.filter(id__in=scope.ids(Role.GRID_WORKER)).values("community_id")
        q |= Q(**{ids: grids})
    if scope.has(*COMPOUND_ROLES):
        compounds = Compound.objects.filter(id__in=scope.ids(*COMPOUND_ROLES)).values(
            "community_id"
        )
        q |= Q(**{ids: compounds})
    return q


def own_content_q(user) -> Q:
    """Needs the user wrote, or that were raised for them: shown even when not published."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(author_id=user.pk)
    resident = resident_of(user)
    if resident is not None:
        q |= Q(resident_id=resident.pk)
    return q


class NeedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(moderation_status=PUBLISHED)

    def visible_to(self, user):
        """Needs the user may open: published ones on boards they may see, and their own."""
        return self.filter(communities_q(user)).filter(
            Q(moderation_status=PUBLISHED) | own_content_q(user)
        )

    def on_board(self, community):
        """The rows of one community's board: its published needs (an index range)."""
        return self.filter(community=community, moderation_status=PUBLISHED)

    def for_listing(self):
        """Rows for the board's cards and the overdue list: category and place joined."""
        return self.select_related("category", "compound", "building").defer("text")

    def for_api(self):
        """Rows for the API's lists: as for_listing, with the resident (masked name) too."""
        return self.select_related("category", "compound", "building", "resident").defer("text")

    def overdue(self, now):
        """Published needs with no public response whose response time has passed."""
        return self.filter(
            moderation_status=PUBLISHED,
            first_response_at__isnull=True,
            response_due_at__lt=now,
            status="submitted",
        )


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Comments on needs the user may open: published ones, and the user's own."""
        from .models import Need

        return self.filter(need__in=Need.objects.visible_to(user)).filter(
            Q(moderation_status=PUBLISHED) | _own_comment_q(user)
        )

    def thread_for(self, user, need):
        """Top-level comments of the need page with their replies, the authors joined."""
        from .models import Comment

        shown = Q(moderation_status=PUBLISHED) | _own_comment_q(user)
        replies = Comment.objects.filter(shown).select_related("author").order_by("created_at")
        return (
            self.filter(need=need, parent__isnull=True)
            .filter(shown)
            .select_related("author")
            .prefetch_related(Prefetch("replies", queryset=replies))
            .order_by("created_at", "id")
        )


def _own_comment_q(user) -> Q:
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    return Q(author_id=user.pk)
