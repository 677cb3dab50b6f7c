"""Reads for the matter pages and API: the list and one matter's timeline."""

from dataclasses import dataclass
from datetime import datetime

from gongzhi.needs.models import NeedEvent

from .models import Matter, MatterLink


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


def timeline(matter) -> list[Entry]:
    """The matter's links and its need's history in time order (two queries)."""
    from gongzhi.core.masking import mask_name

    entries = [
        Entry(
            at=link.at,
            kind=link.kind,
            kind_label=str(link.get_kind_display()),
            title=link.title,
            text="",
            url=link.url,
            stage=link.stage,
            actor_name=mask_name(link.actor.name) if link.actor else "",
        )
        for link in MatterLink.objects.filter(matter=matter).select_related("actor")
    ]
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
