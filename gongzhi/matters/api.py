"""/api/v1/matters/: a community's matters and one matter's timeline, read-only.

Matters are opened by adopting a need (/api/v1/needs/{id}/transitions) and grow by links
other apps add; whoever sees the community's board sees its matters, others get 404.
"""

from datetime import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from gongzhi.accounts.auth import api_auth
from gongzhi.core.api_errors import ErrorOut
from gongzhi.registry.models import Community
from gongzhi.registry.schemas import PageIn

from . import selectors
from .permissions import can_view_matter, can_view_matters

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
    return {**MatterRow.from_orm(matter).dict(), "timeline": selectors.timeline(matter)}
