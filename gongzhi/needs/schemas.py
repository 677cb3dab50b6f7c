"""Shapes of the needs API: names masked, 代办 details only for those who may see them."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from gongzhi.core.masking import mask_name
from gongzhi.registry.schemas import PageIn

MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
CommentText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
]
StatusName = Literal["submitted", "accepted", "merged", "declined", "answered", "adopted"]
MoveName = Literal["accepted", "merged", "declined", "answered", "adopted"]


class BoardFilter(PageIn):
    status: StatusName | None = None
    category_id: Id | None = None
    compound_id: Id | None = None
    sort: Literal["supported", "newest", "answered"] = "supported"


class SearchIn(PageIn):
    q: str = Field(..., min_length=1, max_length=100)


class SimilarIn(Schema):
    text: str = Field(..., min_length=1, max_length=2000)


class CategoryOut(Schema):
    id: int
    code: str
    label: str
    is_active: bool

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.label)


class CategoryIn(Schema):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class CategoryPatch(Schema):
    is_active: bool


class SettingsIO(Schema):
    support_threshold: int = Field(..., ge=1, le=100_000)
    response_working_days: int = Field(..., ge=1, le=60)


class NeedRow(Schema):
    id: int
    community_id: int
    kind: str
    title: str
    status: str
    moderation_status: str
    category_id: int
    category: str
    compound_id: int | None
    building_id: int | None
    support_count: int
    author: str = Field(description="Masked name of the resident it speaks for, or the author.")
    created_at: datetime
    response_due_at: datetime
    first_response_at: datetime | None
    last_response_at: datetime | None
    flagged_for_agenda_at: datetime | None
    merged_into_id: int | None

    @staticmethod
    def resolve_category(obj) -> str:
        return str(obj.category.label)

    @staticmethod
    def resolve_author(obj) -> str:
        if obj.resident_id:
            return mask_name(obj.resident.name)
        return mask_name(obj.author.name) if obj.author_id else ""


class NeedPage(Schema):
    count: int
    items: list[NeedRow]


class NeedIn(Schema):
    kind: Literal["need", "proposal"] = "need"
    title: Title
    text: Text
    category_id: Id
    compound_id: Id | None = None
    building_id: Id | None = None
    on_behalf_of_id: Id | None = Field(
        None, description="代办: the resident who asked a worker to raise this for them."
    )
    consent_method: Literal["verbal", "written", "phone"] | None = Field(
        None, description="How the resident agreed; required with on_behalf_of_id."
    )


class NeedPatch(Schema):
    title: Title
    text: Text
    category_id: Id
    compound_id: Id | None = None
    building_id: Id | None = None


class EventOut(Schema):
    id: int
    kind: str
    from_status: str
    to_status: str
    text: str
    other_need_id: int | None
    actor: str
    created_at: datetime

    @staticmethod
    def resolve_actor(obj) -> str:
        return mask_name(obj.actor.name) if obj.actor_id and obj.actor else ""


class PhotoOut(Schema):
    id: int
    url: str


class OnBehalfOut(Schema):
    resident_id: int
    resident: str
    consent_method: str


class NeedDetail(NeedRow):
    """One need with its photos and history; supported and following are the caller's."""

    text: str
    photos: list[PhotoOut]
    history: list[EventOut]
    supported: bool
    following: bool
    matter_id: int | None
    on_behalf_of: OnBehalfOut | None = Field(
        None, description="代办 details, for triage staff, the author and the resident."
    )

    @staticmethod
    def resolve_photos(obj) -> list[dict]:
        from django.urls import reverse

        rows = obj.photos.order_by("position", "id").values_list("pk", flat=True)
        return [{"id": pk, "url": reverse("needs:photo", args=[pk])} for pk in rows]

    @staticmethod
    def resolve_history(obj) -> list:
        from .selectors import history

        return history(obj)

    @staticmethod
    def resolve_supported(obj, context) -> bool:
        from .selectors import supported_ids

        return bool(supported_ids(context["request"].auth, [obj.pk]))

    @staticmethod
    def resolve_following(obj, context) -> bool:
        return obj.follows.filter(user=context["request"].auth).exists()

    @staticmethod
    def resolve_matter_id(obj) -> int | None:
        matter = getattr(obj, "matter", None) if obj.status == "adopted" else None
        return matter.pk if matter is not None else None

    @staticmethod
    def resolve_on_behalf_of(obj, context) -> dict | None:
        from .permissions import can_see_on_behalf_details

        if not (obj.on_behalf and obj.resident_id):
            return None
        if not can_see_on_behalf_details(context["request"].auth, obj):
            return None
        return {
            "resident_id": obj.resident_id,
            "resident": mask_name(obj.resident.name),
            "consent_method": obj.consent_method,
        }


class SupportOut(Schema):
    support_count: int
    supported: bool


class FollowOut(Schema):
    following: bool


class CommentIn(Schema):
    text: CommentText
    parent_id: Id | None = None


class CommentOut(Schema):
    id: int
    parent_id: int | None
    author: str
    text: str
    moderation_status: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> str:
        return mask_name(obj.author.name) if obj.author_id and obj.author else ""


class CommentThread(CommentOut):
    replies: list[CommentOut]

    @staticmethod
    def resolve_replies(obj) -> list:
        return list(obj.replies.all())


class TransitionIn(Schema):
    to_status: MoveName
    reply: Text
    merge_into_id: Id | None = None


class ReplyIn(Schema):
    text: Text


class SearchHitOut(Schema):
    need: NeedRow
    kind: str = Field(description="Where the words were found: need, need_reply, need_comment.")
    title_html: str
    snippet_html: str


class SearchOut(Schema):
    count: int
    items: list[SearchHitOut]
