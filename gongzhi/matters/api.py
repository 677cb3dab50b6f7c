"""/api/v1/matters/: a community's matters, one matter's timeline, and adding links to it.

Matters are opened by adopting a need (/api/v1/needs/{id}/transitions) and grow by links
other apps add; whoever sees the community's board sees its matters, others get 404. The
community's admins and workers link a survey's published results or a case; anyone else who
sees the matter gets 403. Refusals answer {"code", "message", "errors"}: 422 when the id is
unknown, 409 when the results are not published or the link is already there.
"""

from datetime import datetime
from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gongzhi.accounts.auth import api_auth
from gongzhi.core.api_errors import ErrorOut, error_body
from gongzhi.registry.models import Community
from gongzhi.registry.schemas import PageIn

from . import selectors, services
from .permissions import can_link_to_matter, can_view_matter, can_view_matters

router = Router(auth=api_auth, tags=["matters"])


class MatterRow(Schema):
    id: int
    community_id: int
    title: str
    stage: str
    opened_from_id: int | None
    created_at: datetime
    updated_at: datetime


class MatterPage(Schema):
    count: int
    items: list[MatterRow]


class EntryOut(Schema):
    at: datetime
    kind: str
    kind_label: str
    title: str
    text: str
    url: str
    stage: str
    actor_name: str


class MatterOut(MatterRow):
    timeline: list[EntryOut]


@router.get("/communities/{community_id}/matters", response={200: MatterPage, 404: ErrorOut})
def list_matters(request, community_id: int, page: Query[PageIn]):
    """The community's matters, most recently active first."""
    community = get_object_or_404(Community, pk=community_id)
    if not can_view_matters(request.auth, community):
        raise Http404
    rows = selectors.matters_of(community)
    return {"count": rows.count(), "items": list(rows[page.offset : page.offset + page.limit])}


@router.get("/{matter_id}", response={200: MatterOut, 404: ErrorOut})
def get_matter(request, matter_id: int):
    """One matter with its timeline: its links and its need's history, in time order."""
    matter = selectors.matter_for_page(matter_id)
    if matter is None or not can_view_matter(request.auth, matter):
        raise Http404
    return {
        **MatterRow.from_orm(matter).dict(),
        "timeline": selectors.timeline(matter, viewer=request.auth),
    }


class LinkIn(Schema):
    kind: Literal["survey", "case"]
    id: int = Field(gt=0, lt=2**63)


class LinkRow(Schema):
    id: int
    matter_id: int
    kind: str
    object_id: int
    title: str
    url: str
    stage: str
    at: datetime


class LinkOut(LinkRow):
    matter_stage: str  # the stage the matter has reached with this link


# Refusals that are about the state of things rather than a wrong id.
CONFLICTS = frozenset({"not_published", "already_linked"})


@router.post(
    "/{matter_id}/links",
    response={201: LinkOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def add_link(request, matter_id: int, payload: LinkIn):
    """Link a survey's published results or a case of the community to the timeline."""
    matter = selectors.matter_for_page(matter_id)
    if matter is None or not can_view_matter(request.auth, matter):
        raise Http404
    if not can_link_to_matter(request.auth, matter):
        return Status(403, error_body("forbidden", _("You may not do this.")))
    try:
        link = services.add_link(
            matter=matter, kind=payload.kind, object_id=payload.id, actor=request.auth
        )
    except services.MatterError as exc:
        status = 409 if exc.code in CONFLICTS else 422
        return Status(status, error_body(exc.code, exc.message, {exc.field or "id": [exc.message]}))
    return Status(201, {**LinkRow.from_orm(link).dict(), "matter_stage": matter.stage})
