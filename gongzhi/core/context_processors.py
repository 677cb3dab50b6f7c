"""Values every page's shell needs."""

from gongzhi.accounts.scope import scope_of


def shell(request):
    user = getattr(request, "user", None)
    scope = scope_of(user)
    return {
        "elder_mode": getattr(request, "elder_mode", False),
        "is_staff_user": scope.is_staff_anywhere,
    }
