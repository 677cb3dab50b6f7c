"""Who may do what in moderation: one predicate per action, agreeing with querysets.py.

Moderators of a community are its admins and workers. Anyone logged in may report what they
can see; the author of a removed item may appeal once; community admins keep the review-word
list and the moderation settings.
"""

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import scope_of

MODERATOR_ROLES = (Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER)


def moderated_community_ids(user) -> frozenset[int] | None:
    """Return the ids of the communities the user moderates; None means every community."""
    scope = scope_of(user)
    if scope.is_superuser:
        return None
    return scope.ids(*MODERATOR_ROLES)


def is_moderator(user) -> bool:
    """Moderates at least one community (for the navigation)."""
    ids = moderated_community_ids(user)
    return ids is None or bool(ids)


def can_moderate(user, community_id: int) -> bool:
    """See the community's queue and decide its cases."""
    ids = moderated_community_ids(user)
    return ids is None or community_id in ids


def can_report(user, obj) -> bool:
    """Report a published item the user can see, once, unless they wrote it."""
    from .registry import entry_for

    if not getattr(user, "is_authenticated", False):
        return False
    if obj.author_id == user.pk:
        return False
    return entry_for(obj).visible_rows(user).filter(pk=obj.pk).exists()


def can_appeal(user, case) -> bool:
    """The author appeals a removal once."""
    return (
        getattr(user, "is_authenticated", False)
        and case.author_id == user.pk
        and case.state == case.State.CLOSED
        and case.outcome == case.Outcome.REMOVED
        and case.appealed_at is None
    )


def can_view_own_case(user, case) -> bool:
    """The author sees the decision on their own item (and the appeal form)."""
    return getattr(user, "is_authenticated", False) and case.author_id == user.pk


def can_manage_blocked_words(user, community_id: int) -> bool:
    """Keep the community's review-word list and moderation settings."""
    scope = scope_of(user)
    return scope.is_superuser or community_id in scope.ids(Role.COMMUNITY_ADMIN)
