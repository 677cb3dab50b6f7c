"""Writes on matters: open one from an adopted need, and link anything to its timeline.

Later apps call link_to_matter() when a survey, meeting, vote, project, case, review or
notice concerns a matter; the link's kind sets the stage the matter has reached.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from gongzhi.core.audit import record

from .models import STAGE_ORDER, Matter, MatterLink, Stage

# The stage each kind of link belongs to (the five co's, SCENARIO.md).
STAGE_OF_KIND: dict[str, str] = {
    MatterLink.Kind.NEED: Stage.PLAN,
    MatterLink.Kind.REPLY: Stage.PLAN,
    MatterLink.Kind.SURVEY: Stage.PLAN,
    MatterLink.Kind.MEETING: Stage.PLAN,
    MatterLink.Kind.VOTE: Stage.PLAN,
    MatterLink.Kind.PROJECT: Stage.BUILD,
    MatterLink.Kind.CASE: Stage.MANAGE,
    MatterLink.Kind.REVIEW: Stage.EVALUATE,
    MatterLink.Kind.NOTICE: Stage.SHARE,
}


class MatterError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@transaction.atomic
def open_matter(*, need, actor) -> Matter:
    """Open the matter of an adopted need (once), with the need as its first link."""
    existing = Matter.objects.filter(opened_from=need).first()
    if existing is not None:
        return existing
    matter = Matter.objects.create(
        community_id=need.community_id, title=need.title, opened_from=need, opened_by=actor
    )
    link_to_matter(
        matter=matter, obj=need, kind=MatterLink.Kind.NEED, title=need.title, actor=actor,
        at=need.created_at,
    )  # fmt: skip
    record(actor=actor, action="matter.opened", target=matter, data={"need": need.pk})
    return matter


@transaction.atomic
def link_to_matter(
    *, matter, obj, kind: str, title: str, actor, stage: str | None = None, at=None
) -> MatterLink:
    """Add obj to the matter's timeline (once per object and kind); move the stage forward.

    `stage` defaults to the kind's stage; a matter never moves back a stage by a link.
    """
    if kind not in MatterLink.Kind.values:
        raise MatterError("bad_kind", f"unknown link kind {kind!r}")
    stage = stage or STAGE_OF_KIND[kind]
    if stage not in STAGE_ORDER:
        raise MatterError("bad_stage", f"unknown stage {stage!r}")
    obj_community = getattr(obj, "community_id", None)
    if obj_community is not None and obj_community != matter.community_id:
        raise MatterError("other_community", "the object belongs to another community")
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    link, created = MatterLink.objects.get_or_create(
        matter=matter,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        kind=kind,
        defaults={
            "community_id": matter.community_id,
            "title": str(title)[:200],
            "url": url[:300],
            "stage": stage,
            "actor": actor,
            "at": at or timezone.now(),
        },
    )
    if not created:
        return link
    updates: dict[str, object] = {"updated_at": timezone.now()}
    if STAGE_ORDER[stage] > STAGE_ORDER[matter.stage]:
        updates["stage"] = stage
        matter.stage = stage
    Matter.objects.filter(pk=matter.pk).update(**updates)
    record(
        actor=actor,
        action="matter.linked",
        target=matter,
        data={"kind": kind, "object": f"{link.content_type_id}:{obj.pk}", "stage": stage},
    )
    return link
