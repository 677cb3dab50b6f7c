"""/api/v1/inbox/: the user's messages."""

from datetime import datetime

from ninja import Query, Router, Schema

from gongzhi.accounts.auth import api_auth
from gongzhi.registry.schemas import PageIn

from . import services
from .models import Message

router = Router(auth=api_auth, tags=["inbox"])


class MessageOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class InboxOut(Schema):
    count: int
    unread: int
    items: list[MessageOut]


class MarkReadIn(Schema):
    ids: list[int] | None = None


@router.get("/", response=InboxOut)
def inbox(request, params: Query[PageIn]):
    """Return the user's messages, newest first."""
    qs = Message.objects.filter(recipient=request.auth)
    items = list(qs.for_listing()[params.offset : params.offset + params.limit])
    return {"count": qs.count(), "unread": qs.unread().count(), "items": items}


@router.post("/read", response={200: dict})
def mark_read(request, payload: MarkReadIn):
    """Mark messages read (all when no ids are given)."""
    return {"marked": services.mark_read(user=request.auth, message_ids=payload.ids)}
