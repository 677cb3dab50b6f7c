"""The site navigation, grouped by the five co's (五共), showing only what exists.

An app adds its pages to ITEMS; a group with no visible item is not shown.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import STAFF_COMMUNITY_ROLES, Scope, scope_of

# The five co's in the order residents know them (SCENARIO.md).
CO_GROUPS = [
    ("decide", pgettext_lazy("five co's", "Decide together")),
    ("build", pgettext_lazy("five co's", "Build together")),
    ("manage", pgettext_lazy("five co's", "Manage together")),
    ("evaluate", pgettext_lazy("five co's", "Evaluate together")),
    ("share", pgettext_lazy("five co's", "Share the results")),
]
# Items of no co (a person's own pages) come first, without a group heading.
PERSONAL = "personal"


@dataclass(frozen=True)
class NavItem:
    """One link: its url name, label, co group and who sees it."""

    url_name: str
    label: str | Promise
    co: str
    visible: Callable[[Scope], bool]


def _registry_staff(scope: Scope) -> bool:
    """Holds a role that opens a community's registry from the home page."""
    return scope.is_superuser or scope.has(
        Role.SUBDISTRICT_OFFICIAL, *STAFF_COMMUNITY_ROLES, Role.GRID_WORKER
    )


def _resident(scope: Scope) -> bool:
    return scope.has(Role.RESIDENT)


def _signed_in(scope: Scope) -> bool:
    return scope.is_superuser or bool(scope.roles)


def _survey_managers(scope: Scope) -> bool:
    """Builds a community's surveys (问卷)."""
    return scope.is_superuser or scope.has(Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER)


def _community_admin(scope: Scope) -> bool:
    """Answers for the community's response times (overdue needs)."""
    return scope.is_superuser or scope.has(Role.COMMUNITY_ADMIN)


def _moderators(scope: Scope) -> bool:
    """Moderates a community's posts: its admins and workers."""
    return scope.is_superuser or scope.has(Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER)


def _survey_takers(scope: Scope) -> bool:
    """Answers surveys (residents) or visits households for them (grid workers)."""
    return scope.is_superuser or scope.has(Role.RESIDENT, Role.GRID_WORKER)


ITEMS = [
    NavItem("notifications:inbox", _("Inbox"), PERSONAL, _signed_in),
    NavItem("registry:my-data", _("My information"), PERSONAL, _resident),
    # The home page lists a worker's communities, each the door to its registry (台账).
    NavItem("home", _("Registry"), "manage", _registry_staff),
    NavItem("needs:index", _("Needs board"), "decide", _signed_in),
    NavItem("surveys:index", _("Surveys"), "decide", _survey_managers),
    NavItem("surveys:mine", _("Surveys for me"), "decide", _survey_takers),
    NavItem("cases:mine", _("My reports"), PERSONAL, _resident),
    NavItem("cases:list", _("Cases"), "manage", lambda scope: scope.is_staff_anywhere),
    NavItem("cases:campaigns", _("Campaigns"), "manage", _registry_staff),
    NavItem("cases:rates", _("Three rates"), "evaluate", _registry_staff),
    NavItem("moderation:index", _("Moderation"), "decide", _moderators),
    NavItem("needs:overdue-index", _("Overdue needs"), "decide", _community_admin),
]


def build_nav(request, items: list[NavItem] | None = None) -> list[dict]:
    """Return the groups of links this request's user may see, empty groups left out."""
    scope = scope_of(getattr(request, "user", None))
    path = getattr(request, "path", "")
    items = ITEMS if items is None else items
    groups = [(PERSONAL, None), *CO_GROUPS]
    nav = []
    for key, label in groups:
        links = []
        for item in items:
            if item.co != key or not item.visible(scope):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                # An app whose pages are not installed shows no link: only what exists.
                continue
            links.append({"url": url, "label": item.label, "current": url == path})
        if links:
            nav.append({"key": key, "label": label, "links": links})
    return nav
