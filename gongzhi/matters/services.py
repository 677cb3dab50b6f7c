"""Writes on matters: open one from an adopted need, and link anything to its timeline.

Later apps call link_to_matter() when a survey, meeting, vote, project, case, review or
notice concerns a matter; the link's kind sets the stage the matter has reached. Staff link
a survey's published results and cases from the matter page and the API through add_link().
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.core.audit import record
from gongzhi.surveys.models import Survey

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
    """A link the rules refuse; `code` for programs, `message` for people, `field` to blame."""

    def __init__(self, code: str, message: str, field: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


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
    *,
    matter,
    obj,
    kind: str,
    title: str,
    actor,
    stage: str | None = None,
    at=None,
    url: str | None = None,
) -> MatterLink:
    """Add obj to the matter's timeline (once per object and kind); move the stage forward.

    `stage` defaults to the kind's stage; a matter never moves back a stage by a link.
    `url` defaults to the object's get_absolute_url().
    """
    if kind not in MatterLink.Kind.values:
        raise MatterError("bad_kind", f"unknown link kind {kind!r}")
    stage = stage or STAGE_OF_KIND[kind]
    if stage not in STAGE_ORDER:
        raise MatterError("bad_stage", f"unknown stage {stage!r}")
    obj_community = getattr(obj, "community_id", None)
    if obj_community is not None and obj_community != matter.community_id:
        raise MatterError("other_community", "the object belongs to another community")
    if url is None:
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


# --- Links staff add from the matter page and the API ----------------------------------------


@transaction.atomic
def add_link(*, matter, kind: str, object_id: int, actor) -> MatterLink:
    """Link the community's survey results or case with this id; refuse anything else."""
    if kind == MatterLink.Kind.SURVEY:
        survey = Survey.objects.filter(pk=object_id, community_id=matter.community_id).first()
        if survey is None:
            # Same answer for another community's survey: nothing reveals that it exists.
            raise MatterError(
                "unknown_survey", _("There is no such survey in this community."), "id"
            )
        return link_survey_results(matter=matter, survey=survey, actor=actor)
    if kind == MatterLink.Kind.CASE:
        case = Case.objects.filter(pk=object_id, community_id=matter.community_id).first()
        if case is None:
            raise MatterError(
                "unknown_case",
                _("There is no case #%(number)s in this community.") % {"number": object_id},
                "id",
            )
        return link_case(matter=matter, case=case, actor=actor)
    raise MatterError("bad_kind", _("Choose a survey or a case."), "kind")


def results_url(survey) -> str:
    """The survey's results page, which residents see once the results are published."""
    return reverse("surveys:results", args=[survey.pk])


@transaction.atomic
def link_survey_results(*, matter, survey, actor) -> MatterLink:
    """Put the survey's published results on the matter's timeline, dated when published.

    A survey already on the timeline without a page (linked when it opened) is completed
    into its results entry rather than listed twice: a link is once per object and kind.
    """
    if survey.community_id != matter.community_id:
        raise MatterError("other_community", _("This survey belongs to another community."), "id")
    if survey.results_published_at is None:
        raise MatterError("not_published", _("Publish the results first."), "id")
    url = results_url(survey)
    title = _("%(title)s: results") % {"title": survey.title}
    existing = (
        MatterLink.objects.select_for_update()
        .filter(
            matter=matter,
            content_type=ContentType.objects.get_for_model(Survey),
            object_id=survey.pk,
            kind=MatterLink.Kind.SURVEY,
        )
        .first()
    )
    if existing is None:
        return link_to_matter(
            matter=matter, obj=survey, kind=MatterLink.Kind.SURVEY, title=title, actor=actor,
            at=survey.results_published_at, url=url,
        )  # fmt: skip
    if existing.url == url:
        raise MatterError("already_linked", _("These results are already on the timeline."), "id")
    existing.title, existing.url = title[:200], url
    existing.at, existing.actor = survey.results_published_at, actor
    existing.save(update_fields=["title", "url", "at", "actor"])
    Matter.objects.filter(pk=matter.pk).update(updated_at=timezone.now())
    record(
        actor=actor,
        action="matter.linked",
        target=matter,
        data={
            "kind": MatterLink.Kind.SURVEY,
            "object": f"{existing.content_type_id}:{survey.pk}",
            "stage": existing.stage,
            "completed": True,
        },
    )
    return existing


@transaction.atomic
def link_case(*, matter, case, actor) -> MatterLink:
    """Put a case of the community on the matter's timeline, dated when it was reported."""
    if case.community_id != matter.community_id:
        raise MatterError("other_community", _("This case belongs to another community."), "id")
    already = MatterLink.objects.filter(
        matter=matter,
        content_type=ContentType.objects.get_for_model(Case),
        object_id=case.pk,
        kind=MatterLink.Kind.CASE,
    ).exists()
    if already:
        raise MatterError(
            "already_linked",
            _("Case #%(number)s is already on the timeline.") % {"number": case.pk},
            "id",
        )
    return link_to_matter(
        matter=matter, obj=case, kind=MatterLink.Kind.CASE, title=f"#{case.pk} {case.title}",
        actor=actor, at=case.created_at, url=reverse("cases:detail", args=[case.pk]),
    )  # fmt: skip
