"""Reads for the matter pages and API: the list and one matter's timeline."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.core.masking import mask_name
from gongzhi.needs.models import NeedEvent
from gongzhi.surveys.models import Survey

from .models import Matter, MatterLink
from .permissions import can_open_linked_cases

# How many surveys the matter page's "Add to the timeline" list offers.
SURVEY_CHOICES = 30


@dataclass
class Entry:
    """One line of a timeline: a link another app added, or a step of the need's history."""

    at: datetime
    kind: str
    kind_label: str
    title: str
    text: str
    url: str
    stage: str
    actor_name: str
    anchor: str = ""  # the element id of a link's line, for "#link-12"


def matters_of(community):
    """The community's matters, most recently active first (list page, API)."""
    return (
        Matter.objects.filter(community=community)
        .select_related("opened_from")
        .order_by("-updated_at", "-id")
    )


def matter_for_page(matter_id: int):
    return (
        Matter.objects.select_related("community__subdistrict", "opened_from")
        .filter(pk=matter_id)
        .first()
    )


def linkable_surveys(community):
    """The community's surveys with published results, latest first (matter page pick list)."""
    return (
        Survey.objects.filter(community=community, results_published_at__isnull=False)
        .order_by("-results_published_at", "-id")
        .only("id", "title")[:SURVEY_CHOICES]
    )


def _is_survey(link) -> bool:
    return link.content_type.app_label == "surveys" and link.content_type.model == "survey"


def _is_case(link) -> bool:
    return link.content_type.app_label == "cases" and link.content_type.model == "case"


def _link_entry(link, open_cases: bool) -> Entry:
    """A link as the viewer may follow it: no url to results no longer published, nor to a
    case page that would answer 404."""
    url, text = link.url, ""
    if url and _is_survey(link) and not link.survey_published:
        url, text = "", _("The results are not published at the moment.")
    if url and _is_case(link) and not (open_cases or getattr(link, "own_case", False)):
        url = ""
    return Entry(
        at=link.at,
        kind=link.kind,
        kind_label=str(link.get_kind_display()),
        title=link.title,
        text=text,
        url=url,
        stage=link.stage,
        actor_name=mask_name(link.actor.name) if link.actor else "",
        anchor=f"link-{link.pk}",
    )


def timeline(matter, viewer=None) -> list[Entry]:
    """The matter's links and its need's history in time order (two queries).

    Each link row carries whether a survey of that id has published results, and whether
    the viewer reported or follows a case of that id (subqueries of the same query), so a
    link the viewer cannot follow loses its url at no extra query.
    """
    published = Survey.objects.filter(pk=OuterRef("object_id"), results_published_at__isnull=False)
    links = (
        MatterLink.objects.filter(matter=matter)
        .select_related("actor", "content_type")
        .annotate(survey_published=Exists(published))
    )
    open_cases = can_open_linked_cases(viewer, matter.community)
    if not open_cases and viewer is not None and viewer.is_authenticated:
        # Reporters see their own cases (cases.permissions.is_reporter).
        own = Case.objects.filter(pk=OuterRef("object_id")).filter(
            Q(reporter=viewer) | Q(created_by=viewer) | Q(followers=viewer)
        )
        links = links.annotate(own_case=Exists(own))
    entries = [_link_entry(link, open_cases) for link in links]
    if matter.opened_from_id:
        events = (
            NeedEvent.objects.filter(need_id=matter.opened_from_id)
            .exclude(kind=NeedEvent.Kind.CREATED)
            .select_related("actor")
        )
        entries += [
            Entry(
                at=event.created_at,
                kind=f"need_{event.kind}",
                kind_label=str(event.get_kind_display()),
                title="",
                text=event.text,
                url=event.get_absolute_url(),
                stage="plan",
                actor_name=mask_name(event.actor.name) if event.actor else "",
            )
            for event in events
        ]
    entries.sort(key=lambda e: e.at)
    return entries
