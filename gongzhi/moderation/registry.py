"""The models whose rows can be reported and moderated.

An app registers its content model once, from its AppConfig.ready():

    from gongzhi.moderation.registry import register
    register(Need, text_fields=("title", "text"), url_for=lambda need: need.get_absolute_url(),
             visible_to=Need.objects.visible_to)

The model must have `moderation_status` (choices ModerationStatus), `author` (FK to the user,
nullable) and `community` (FK to registry.Community).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import STAFF_COMMUNITY_ROLES, scope_of

from .models import ModerationStatus

REQUIRED_FIELDS = ("moderation_status", "author", "community")


class NotModerated(LookupError):
    """The model was never registered for moderation."""


@dataclass(frozen=True)
class Moderated:
    """How moderation treats one registered model."""

    model: type[models.Model]
    text_fields: tuple[str, ...]
    url_for: Callable[[models.Model], str]
    # user -> the rows this user may see; reports need the item to be visible to the reporter.
    visible_to: Callable[..., QuerySet] | None = None
    # (obj, old_status, new_status) -> None, called inside the transaction after a change,
    # e.g. to hide the item from search.
    on_status_change: Callable[[models.Model, str, str], None] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    def text_of(self, obj: models.Model) -> str:
        """Return the item's moderated text: its text fields, one per line."""
        parts = (str(getattr(obj, name, "") or "") for name in self.text_fields)
        return "\n".join(p for p in parts if p)

    def visible_rows(self, user) -> QuerySet:
        """Return the published rows this user may see (and so may report)."""
        rows = self.visible_to(user) if self.visible_to else _default_visible(self.model, user)
        return rows.filter(moderation_status=ModerationStatus.PUBLISHED)


_REGISTRY: dict[str, Moderated] = {}


def register(
    model: type[models.Model],
    *,
    text_fields: Sequence[str],
    url_for: Callable[[models.Model], str],
    visible_to: Callable[..., QuerySet] | None = None,
    on_status_change: Callable[[models.Model, str, str], None] | None = None,
) -> Moderated:
    """Make a content model reportable and moderatable."""
    names = {f.name for f in model._meta.get_fields()}
    missing = [name for name in REQUIRED_FIELDS if name not in names]
    if missing:
        raise TypeError(f"{model._meta.label} lacks moderation fields: {', '.join(missing)}")
    entry = Moderated(
        model=model,
        text_fields=tuple(text_fields),
        url_for=url_for,
        visible_to=visible_to,
        on_status_change=on_status_change,
    )
    _REGISTRY[entry.label] = entry
    return entry


def unregister(model: type[models.Model]) -> None:
    """Forget a model (tests register their own)."""
    _REGISTRY.pop(model._meta.label_lower, None)


def entry_for(model_or_obj) -> Moderated:
    """Return the registration of a model or of an object's model."""
    model: type[models.Model] = (
        model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    )
    entry = _REGISTRY.get(model._meta.label_lower)
    if entry is None:
        raise NotModerated(model._meta.label)
    return entry


def entry_by_label(label: str) -> Moderated | None:
    """Return the registration for "app_label.model", or None."""
    return _REGISTRY.get((label or "").lower())


def entries() -> list[Moderated]:
    return list(_REGISTRY.values())


def _default_visible(model: type[models.Model], user) -> QuerySet:
    """Rows of communities where the user holds a community-wide role (or a subdistrict's)."""
    scope = scope_of(user)
    rows = model._default_manager.all()
    if scope.is_superuser:
        return rows
    if not getattr(user, "is_authenticated", False):
        return rows.none()
    community_ids = scope.ids(Role.RESIDENT, *STAFF_COMMUNITY_ROLES)
    subdistrict_ids = scope.ids(Role.SUBDISTRICT_OFFICIAL)
    return rows.filter(
        Q(community_id__in=community_ids) | Q(community__subdistrict_id__in=subdistrict_ids)
    )
