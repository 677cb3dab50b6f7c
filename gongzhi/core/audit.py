"""Write audit entries: one function every service calls."""

from typing import Any

from django.db import models

from .models import AuditEntry


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: Any = "",
    community_id: int | None = None,
    data: dict | None = None,
) -> AuditEntry:
    """Append one audit entry for an action by actor on target."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        if community_id is None:
            community_id = getattr(target, "community_id", None)
    # Targets that are people give a masked label: the log is read by more eyes than the record.
    label = getattr(target, "audit_label", None) if target is not None else None
    if label is None and target is not None:
        label = str(target)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        target_label=(label or "")[:200],
        community_id=community_id,
        data=data or {},
    )
