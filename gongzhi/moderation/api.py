"""/api/v1/moderation/: report, queue, case, decide, appeal, review words, settings.

The same services and permissions as the pages: what a user may not act on answers 404,
like a row that does not exist; a refused change answers 409 (state) or 422 (fields) with
{"code", "message", "errors"}.
"""

from datetime import datetime
from typing import Annotated, Literal

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from gongzhi.accounts.auth import api_auth
from gongzhi.core.api_errors import ErrorOut, error_body
from gongzhi.registry.models import Community
from gongzhi.registry.schemas import PageIn

from . import services
from .detect import describe
from .models import BlockedWord, ModerationCase, ReportReason
from .permissions import can_appeal, can_manage_blocked_words, can_moderate, can_view_own_case
from .querysets import (
    cases_visible_to,
    for_case_page,
    for_queue,
    pending_reports,
    reports_for,
)
from .registry import entry_by_label
from .screening import SETTING_FIELDS, settings_for
from .views import SHOW, item_view

router = Router(auth=api_auth, tags=["moderation"])

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
WRITE_ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- Shapes --------------------------------------------------------------------------------


class ReportIn(Schema):
    item: str = Field(description='The moderated model, "app_label.model", e.g. "needs.need".')
    object_id: Id
    reason: Literal["spam", "abuse", "personal_data", "off_topic", "other"]
    text: str = Field("", max_length=500)


class ReportOut(Schema):
    id: int
    item: str
    object_id: int
    reason: str
    item_status: str = Field(description="The item's moderation status after the report.")


class ItemOut(Schema):
    kind: str
    text: str
    url: str
    status: str


class CaseOut(Schema):
    id: int
    community_id: int
    item: ItemOut
    state: str
    trigger: str
    reasons: list[str]
    pending_reports: int
    outcome: str
    decision_reason: str
    decided_at: datetime | None
    appealed: bool
    appeal_text: str
    created_at: datetime
    updated_at: datetime


class QueueOut(Schema):
    count: int
    items: list[CaseOut]


class QueueFilter(PageIn):
    community_id: Id
    show: Literal["held", "hidden", "appealed"] | None = None


class ReportRow(Schema):
    reason: str
    text: str
    created_at: datetime
    pending: bool


class EventRow(Schema):
    action: str
    reason: str
    at: datetime


class CaseDetailOut(CaseOut):
    reports: list[ReportRow]
    events: list[EventRow]


class DecideIn(Schema):
    outcome: Literal["restored", "removed"]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class AppealIn(Schema):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class AppealOut(Schema):
    id: int
    state: str
    outcome: str
    decision_reason: str
    appealed: bool
    can_appeal: bool


class WordIn(Schema):
    word: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class WordOut(Schema):
    id: int
    word: str
    community_id: int | None


class SettingsOut(Schema):
    report_threshold: int
    flood_max_posts: int
    flood_window_minutes: int
    duplicate_window_days: int


class SettingsPatch(Schema):
    report_threshold: int | None = Field(None, ge=1, le=100)
    flood_max_posts: int | None = Field(None, ge=1, le=1000)
    flood_window_minutes: int | None = Field(None, ge=1, le=1440)
    duplicate_window_days: int | None = Field(None, ge=1, le=90)


# --- Helpers -------------------------------------------------------------------------------


def _refusal(exc: services.ModerationError):
    if exc.field:
        return Status(422, error_body("invalid", exc.message, {exc.field: [exc.message]}))
    return Status(409, error_body("conflict", exc.message))


def _case_out(case: ModerationCase, pending: int | None = None) -> dict:
    item = item_view(case)
    return {
        "id": case.pk,
        "community_id": case.community_id,
        "item": {"kind": item.kind, "text": item.text, "url": item.url, "status": item.status},
        "state": case.state,
        "trigger": case.trigger,
        "reasons": [describe(f) for f in case.findings],
        "pending_reports": getattr(case, "pending_reports", pending or 0),
        "outcome": case.outcome,
        "decision_reason": case.decision_reason,
        "decided_at": case.decided_at,
        "appealed": case.appealed,
        "appeal_text": case.appeal_text,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def _moderated_case(user, case_id: int) -> ModerationCase:
    cases = for_case_page(cases_visible_to(user)).annotate(pending_reports=pending_reports())
    return get_object_or_404(cases, pk=case_id)


def _admin_community(user, community_id: int) -> Community:
    community = get_object_or_404(Community, pk=community_id)
    if not can_manage_blocked_words(user, community.pk):
        raise Http404
    return community


# --- Reports -------------------------------------------------------------------------------


@router.post("/reports", response={201: ReportOut, **WRITE_ERRORS})
def create_report(request, payload: ReportIn):
    """Report a post or comment you can see; after the community's threshold it is hidden."""
    entry = entry_by_label(payload.item)
    if entry is None:
        raise Http404
    obj = entry.visible_rows(request.auth).filter(pk=payload.object_id).first()
    if obj is None or obj.author_id == request.auth.pk:
        raise Http404
    try:
        report = services.report_item(
            obj=obj, reporter=request.auth, reason=ReportReason(payload.reason), text=payload.text
        )
    except services.ModerationError as exc:
        return _refusal(exc)
    status = (
        type(obj)._default_manager.filter(pk=obj.pk).values_list("moderation_status", flat=True)[0]
    )
    return Status(
        201,
        {
            "id": report.pk,
            "item": entry.label,
            "object_id": obj.pk,
            "reason": report.reason,
            "item_status": status,
        },
    )


# --- Queue and decisions -------------------------------------------------------------------


@router.get("/queue", response={200: QueueOut, 404: ErrorOut})
def queue(request, filters: Query[QueueFilter]):
    """The items of a community waiting for a moderator, longest waiting first."""
    if not can_moderate(request.auth, filters.community_id):
        raise Http404
    get_object_or_404(Community, pk=filters.community_id)
    cases = ModerationCase.objects.filter(community_id=filters.community_id)
    if filters.show:
        cases = cases.filter(SHOW[filters.show])
    rows = for_queue(cases)
    count = rows.count()
    page = list(rows[filters.offset : filters.offset + filters.limit])
    return {"count": count, "items": [_case_out(case) for case in page]}


@router.get("/cases/{case_id}", response={200: CaseDetailOut, 404: ErrorOut})
def case_detail(request, case_id: int):
    """One case: the item, why it waits, its reports (without reporters) and history."""
    case = _moderated_case(request.auth, case_id)
    data = _case_out(case)
    data["reports"] = [
        {
            "reason": r.reason,
            "text": r.text,
            "created_at": r.created_at,
            "pending": r.resolved_at is None,
        }
        for r in reports_for(case)[:100]
    ]
    data["events"] = [
        {"action": e.action, "reason": e.reason, "at": e.at} for e in case.events.all()
    ]
    return data


@router.post("/cases/{case_id}/decide", response={200: CaseOut, **WRITE_ERRORS})
def decide(request, case_id: int, payload: DecideIn):
    """Publish ("restored") or remove ("removed") a waiting item, with a reason."""
    case = _moderated_case(request.auth, case_id)
    try:
        services.decide_case(
            case=case, actor=request.auth, outcome=payload.outcome, reason=payload.reason
        )
    except services.ModerationError as exc:
        return _refusal(exc)
    return _case_out(_moderated_case(request.auth, case_id))


@router.get("/cases/{case_id}/decision", response={200: AppealOut, 404: ErrorOut})
def my_decision(request, case_id: int):
    """The author reads the decision on their own item."""
    case = get_object_or_404(ModerationCase, pk=case_id)
    if not can_view_own_case(request.auth, case):
        raise Http404
    return _appeal_out(request.auth, case)


@router.post("/cases/{case_id}/appeal", response={200: AppealOut, **WRITE_ERRORS})
def appeal(request, case_id: int, payload: AppealIn):
    """The author appeals a removal, once; the case goes back to the queue."""
    case = get_object_or_404(ModerationCase, pk=case_id)
    if not can_view_own_case(request.auth, case):
        raise Http404
    try:
        case = services.appeal_case(case=case, actor=request.auth, text=payload.text)
    except services.ModerationError as exc:
        return _refusal(exc)
    return _appeal_out(request.auth, case)


def _appeal_out(user, case: ModerationCase) -> dict:
    return {
        "id": case.pk,
        "state": case.state,
        "outcome": case.outcome,
        "decision_reason": case.decision_reason,
        "appealed": case.appealed,
        "can_appeal": can_appeal(user, case),
    }


# --- Review words and settings -------------------------------------------------------------


@router.get(
    "/communities/{community_id}/blocked-words", response={200: list[WordOut], 404: ErrorOut}
)
def list_words(request, community_id: int):
    """The community's review words and the global ones."""
    community = _admin_community(request.auth, community_id)
    return BlockedWord.objects.filter(Q(community=community) | Q(community__isnull=True)).order_by(
        "word", "id"
    )


@router.post("/communities/{community_id}/blocked-words", response={201: WordOut, **WRITE_ERRORS})
def add_word(request, community_id: int, payload: WordIn):
    """Add a review word to the community's list."""
    community = _admin_community(request.auth, community_id)
    try:
        word = services.add_blocked_word(community=community, word=payload.word, actor=request.auth)
    except services.ModerationError as exc:
        return _refusal(exc)
    return Status(201, word)


@router.delete(
    "/communities/{community_id}/blocked-words/{word_id}", response={204: None, 404: ErrorOut}
)
def delete_word(request, community_id: int, word_id: int):
    """Take a word off the community's list."""
    community = _admin_community(request.auth, community_id)
    word = get_object_or_404(BlockedWord, pk=word_id, community=community)
    services.remove_blocked_word(blocked_word=word, actor=request.auth)
    return Status(204, None)


@router.get("/communities/{community_id}/settings", response={200: SettingsOut, 404: ErrorOut})
def get_settings(request, community_id: int):
    """The community's moderation numbers."""
    return settings_for(_admin_community(request.auth, community_id))


@router.patch("/communities/{community_id}/settings", response={200: SettingsOut, **WRITE_ERRORS})
def patch_settings(request, community_id: int, payload: SettingsPatch):
    """Change some of the community's moderation numbers."""
    community = _admin_community(request.auth, community_id)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.update_settings(
        community=community,
        actor=request.auth,
        **{k: v for k, v in values.items() if k in SETTING_FIELDS},
    )
