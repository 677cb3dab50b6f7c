"""Shapes of the cases API. Reporters' names and phones are always masked here."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema

from gongzhi.core.masking import mask_name, mask_phone
from gongzhi.registry.schemas import PageIn

ID = Field(..., ge=1, le=2**63 - 1)


class Ref(Schema):
    id: int
    name: str


class CategoryOut(Schema):
    id: int
    code: str
    kind: str
    major_code: str
    minor_code: str
    name: str
    major_name: str = ""
    time_limit: int
    time_unit: str
    filing_criteria: str
    closing_criteria: str
    default_unit_id: int | None
    community_id: int | None

    @staticmethod
    def resolve_major_name(obj) -> str:
        return obj.parent.name if obj.parent_id else ""


class UnitOut(Schema):
    id: int
    kind: str
    name: str
    community_id: int
    grid_id: int | None
    compound_id: int | None
    phone: str
    is_active: bool


class CaseRow(Schema):
    id: int
    community: Ref
    category: CategoryOut
    title: str
    status: str
    status_label: str
    channel: str
    address: str
    compound_id: int | None
    building_id: int | None
    grid_id: int | None
    current_unit: Ref | None
    campaign_id: int | None
    reporter_name: str = Field(description="Masked (张*).")
    reporter_phone: str = Field(description="Masked (138****1234).")
    created_at: datetime
    due_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_reporter_name(obj) -> str:
        return mask_name(obj.reporter_name)

    @staticmethod
    def resolve_reporter_phone(obj) -> str:
        return mask_phone(obj.reporter_phone)


class CasePage(Schema):
    count: int
    items: list[CaseRow]


class PhotoOut(Schema):
    id: int
    url: str = Field(description="The JPEG, for the same session or token (GET).")

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("api-v1:case_photo", kwargs={"photo_id": obj.pk})


class EventOut(Schema):
    id: int
    at: datetime
    action: str
    from_status: str
    to_status: str
    unit_id: int | None
    text: str
    data: dict
    photos: list[PhotoOut]


class CallBackOut(Schema):
    id: int
    round: int
    at: datetime
    method: str
    answered: bool
    contacted_in_time: bool | None
    solved: bool | None
    satisfied: bool | None
    comment: str


class CaseDetail(CaseRow):
    text: str
    latitude: Decimal | None
    longitude: Decimal | None
    owner_unit: Ref | None
    reply_text: str
    callback_round: int
    merged_into_id: int | None
    emergency_number: str
    need_id: int | None
    events: list[EventOut] = Field(..., alias="api_events")
    photos: list[PhotoOut] = Field(
        [], description="Every photo of the case, oldest first (each also under its event)."
    )
    callbacks: list[CallBackOut] = Field(
        ..., alias="api_callbacks", description="Only for those who work on the case."
    )
    actions: list[str] = Field(
        ..., alias="api_actions", description="The actions this user may take now."
    )

    @staticmethod
    def resolve_photos(obj) -> list:
        # From the timeline's prefetched photos: no query of its own.
        return [photo for event in obj.api_events for photo in event.photos.all()]


class CaseFilter(PageIn):
    status: str | None = Field(None, description="A status, or 'open'.")
    due: Literal["overdue", "nearly", "escalated"] | None = None
    mine: bool = Field(False, description="Only the cases of my handling units.")
    category: str | None = Field(None, description="kind:major, e.g. event:01.")
    campaign: int | None = Field(None, ge=1, le=2**63 - 1)
    community: int | None = Field(None, ge=1, le=2**63 - 1)


class ReportIn(Schema):
    community_id: int = ID
    category_id: int = ID
    text: str = Field(..., min_length=1, max_length=5000)
    title: str = Field("", max_length=200)
    channel: Literal["web", "patrol", "phone", "walk_in"] = "web"
    address: str = Field("", max_length=300)
    compound_id: int | None = Field(None, ge=1, le=2**63 - 1)
    building_id: int | None = Field(None, ge=1, le=2**63 - 1)
    grid_id: int | None = Field(None, ge=1, le=2**63 - 1)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    reporter_name: str = Field("", max_length=50)
    reporter_phone: str = Field("", pattern=r"^(1[3-9]\d{9})?$")
    campaign_id: int | None = Field(None, ge=1, le=2**63 - 1)


class DispatchIn(Schema):
    unit_id: int = ID
    category_id: int | None = Field(None, ge=1, le=2**63 - 1)
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class ReplyIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000)


class CallbackIn(Schema):
    method: Literal["phone", "sms", "online"]
    answered: bool = True
    contacted_in_time: bool | None = None
    solved: bool | None = None
    satisfied: bool | None = None
    comment: str = Field("", max_length=2000)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class TextIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000)


class MergeIn(Schema):
    into: int = ID
    note: str = Field("", max_length=2000)


class RedirectIn(Schema):
    number: Literal["110", "119", "120"]
    note: str = Field("", max_length=2000)


class CaseCampaignIn(Schema):
    campaign_id: int | None = Field(None, ge=1, le=2**63 - 1, description="null takes it out.")


class CampaignOut(Schema):
    id: int
    community_id: int
    title: str
    description: str
    starts_on: date
    ends_on: date | None
    case_total: int
    case_closed: int
    case_overdue: int


class CampaignPage(Schema):
    count: int
    items: list[CampaignOut]


class StatusCount(Schema):
    status: str
    label: str
    count: int


class CampaignDetail(CampaignOut):
    percent_closed: int
    by_status: list[StatusCount]
