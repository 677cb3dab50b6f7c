"""Values every page's shell needs."""

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import scope_of

from .navigation import build_nav


def shell(request):
    user = getattr(request, "user", None)
    scope = scope_of(user)
    return {
        "elder_mode": getattr(request, "elder_mode", False),
        "is_staff_user": scope.is_staff_anywhere,
        "is_resident_user": scope.has(Role.RESIDENT),
        "nav": build_nav(request),
    }
