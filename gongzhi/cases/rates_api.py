"""The rates endpoints (mounted by cases/api.py under /api/v1/cases/).

Same filters and the same scope as the rates page: a subdistrict or community the user may
not see answers 404; a period or grouping that cannot be read answers 400.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gongzhi.accounts.auth import api_auth
from gongzhi.core.api_errors import ErrorOut, error_body

from .rates import (
    GROUPINGS,
    MEASURES,
    RateQueryError,
    RateRow,
    can_view_rates,
    drilldown_cases,
    percent,
    rate_table,
    resolve_rate_query,
)

router = Router(auth=api_auth, tags=["cases"])
MAX_LIMIT = 200


class RatesIn(Schema):
    subdistrict: int | None = Field(None, ge=1, le=2**63 - 1)
    community: int | None = Field(None, ge=1, le=2**63 - 1)
    period: str | None = Field(None, description="2025, 2025-Q1 or 2025-03; default this year")
    group: str = Field("community", description=", ".join(GROUPINGS))


class RateOut(Schema):
    numerator: int
    denominator: int
    percent: str = Field(description="One decimal, e.g. 66.7%; a dash when nothing counted.")


class RateRowOut(Schema):
    key: str = Field(description="The group: an id, a category code, a period, or 'none'.")
    label: str
    answered: int = Field(description="Latest answered call-backs in the period.")
    contacted_in_time: int
    solved: int
    satisfied: int
    closed: int = Field(description="Cases closed in the period.")
    closed_on_time: int
    response_rate: RateOut
    resolution_rate: RateOut
    satisfaction_rate: RateOut
    on_time_closure_rate: RateOut


class RatesOut(Schema):
    period: str
    start: str
    end: str = Field(description="Exclusive.")
    group: str
    communities: list[int]
    rows: list[RateRowOut]
    total: RateRowOut


class RateCasesIn(RatesIn):
    measure: str = Field(..., description=", ".join(MEASURES))
    key: str | None = Field(None, description="A row's key; none for the total row.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000_000)


class RateCaseOut(Schema):
    id: int
    title: str
    community_id: int
    category: str
    owner_unit: str | None
    status: str
    created_at: str


class RateCasesOut(Schema):
    count: int
    items: list[RateCaseOut]


def _rate(numerator: int, denominator: int, value) -> dict:
    return {"numerator": numerator, "denominator": denominator, "percent": percent(value)}


def _row_out(row: RateRow) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "answered": row.answered,
        "contacted_in_time": row.contacted,
        "solved": row.solved,
        "satisfied": row.satisfied,
        "closed": row.closed,
        "closed_on_time": row.on_time,
        "response_rate": _rate(row.contacted, row.answered, row.response_rate),
        "resolution_rate": _rate(row.solved, row.answered, row.resolution_rate),
        "satisfaction_rate": _rate(row.satisfied, row.answered, row.satisfaction_rate),
        "on_time_closure_rate": _rate(row.on_time, row.closed, row.on_time_rate),
    }


def _query(user, filters: RatesIn):
    if not can_view_rates(user):
        raise Http404
    try:
        return resolve_rate_query(
            user,
            subdistrict=filters.subdistrict,
            community=filters.community,
            period=filters.period,
            group=filters.group,
        )
    except LookupError:
        raise Http404 from None


@router.get("/rates/table", response={200: RatesOut, 400: ErrorOut, 404: ErrorOut})
def get_rates(request, filters: Query[RatesIn]):
    """Return the three rates and the on-time closure rate, grouped, with denominators."""
    try:
        query = _query(request.auth, filters)
    except RateQueryError as exc:
        return Status(400, error_body("invalid", str(exc)))
    table = rate_table(
        community_ids=query.community_ids, window=query.window, grouping=query.grouping
    )
    return {
        "period": query.window.name,
        "start": query.window.start.isoformat(),
        "end": query.window.end.isoformat(),
        "group": query.grouping.name,
        "communities": list(query.community_ids),
        "rows": [_row_out(row) for row in table.rows],
        "total": _row_out(table.total),
    }


@router.get("/rates/cases", response={200: RateCasesOut, 400: ErrorOut, 404: ErrorOut})
def get_rate_cases(request, filters: Query[RateCasesIn]):
    """Return the cases behind one number of the rates table."""
    try:
        query = _query(request.auth, filters)
    except RateQueryError as exc:
        return Status(400, error_body("invalid", str(exc)))
    if filters.measure not in MEASURES:
        body = error_body("invalid", _("Choose which cases to list."), {"measure": list(MEASURES)})
        return Status(400, body)
    try:
        cases = drilldown_cases(
            community_ids=query.community_ids,
            window=query.window,
            grouping=query.grouping,
            key=filters.key,
            measure=filters.measure,
        )
    except ValueError:
        return Status(400, error_body("invalid", _("No such row in the rates table.")))
    page = cases[filters.offset : filters.offset + filters.limit]
    return {
        "count": cases.count(),
        "items": [
            {
                "id": case.pk,
                "title": case.title,
                "community_id": case.community_id,
                "category": case.category.code,
                "owner_unit": case.owner_unit.name if case.owner_unit else None,
                "status": case.status,
                "created_at": case.created_at.isoformat(),
            }
            for case in page
        ],
    }
