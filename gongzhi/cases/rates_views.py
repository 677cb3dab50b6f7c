"""The rates pages: the three rates and on-time closure, and the cases behind every number.

For community staff (their communities) and subdistrict officials (their subdistrict's
communities). Asking for a community or subdistrict the user may not see answers 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .rates import (
    GROUPINGS,
    MEASURE_LABELS,
    MEASURES,
    RateQueryError,
    RateRow,
    can_view_rates,
    drilldown_cases,
    percent,
    period_choices,
    rate_communities,
    rate_table,
    resolve_rate_query,
)

PAGE_SIZE = 25


def _query_or_404(request):
    """Read the filters, or answer 404 for places the user may not see."""
    if not can_view_rates(request.user):
        raise Http404
    places = {
        "subdistrict": request.GET.get("subdistrict"),
        "community": request.GET.get("community"),
    }
    try:
        query = resolve_rate_query(
            request.user,
            **places,
            period=request.GET.get("period"),
            group=request.GET.get("group"),
        )
    except LookupError:
        raise Http404 from None
    except RateQueryError as exc:
        # The places were checked before the period and grouping, so this cannot refuse.
        return resolve_rate_query(request.user, **places), str(exc)
    return query, None


def _filters(user):
    """Communities and subdistricts for the filter form (one query)."""
    communities = list(rate_communities(user))
    subdistricts = {c.subdistrict_id: c.subdistrict for c in communities}
    return communities, list(subdistricts.values())


# (label, numerator field, measure behind the numerator, measure behind the rest, rate)
RATE_COLUMNS = (
    (_("Response rate"), "contacted", "answered", "contacted", "not_contacted"),
    (_("Resolution rate"), "solved", "answered", "solved", "not_solved"),
    (_("Satisfaction rate"), "satisfied", "answered", "satisfied", "not_satisfied"),
    (_("On-time closure rate"), "on_time", "closed", "on_time", "late"),
)


def _cells(row: RateRow) -> list[dict]:
    """The rate cells of one row: the percentage, its numerator and its denominator."""
    cells = []
    for label, numerator, denominator, measure, rest_measure in RATE_COLUMNS:
        num, den = getattr(row, numerator), getattr(row, denominator)
        rate = getattr(row, RATE_PROPERTIES[numerator])
        cells.append(
            {
                "label": label,
                "percent": percent(rate),
                "numerator": num,
                "denominator": den,
                "rest": den - num,
                "measure": measure,
                "measure_label": MEASURE_LABELS[measure],
                "rest_measure": rest_measure,
                "rest_label": MEASURE_LABELS[rest_measure],
                "denominator_measure": denominator,
            }
        )
    return cells


RATE_PROPERTIES = {
    "contacted": "response_rate",
    "solved": "resolution_rate",
    "satisfied": "satisfaction_rate",
    "on_time": "on_time_rate",
}


@login_required
@require_GET
def rates(request):
    """Show the rates of the chosen communities over a period, grouped, with denominators."""
    query, error = _query_or_404(request)
    table = rate_table(
        community_ids=query.community_ids, window=query.window, grouping=query.grouping
    )
    communities, subdistricts = _filters(request.user)
    base = urlencode(query.params())
    context = {
        "query": query,
        "table": table,
        "rows": [(row, _cells(row)) for row in table.rows],
        "total_cells": _cells(table.total),
        "columns": [column[0] for column in RATE_COLUMNS],
        "error": error,
        "communities": communities,
        "subdistricts": subdistricts,
        "groupings": GROUPINGS.values(),
        "periods": period_choices(),
        "drill_base": f"{reverse('cases:rates-cases')}?{base}",
    }
    return render(request, "cases/rates/rates.html", context)


def _case_url(case_id: int) -> str | None:
    try:
        return reverse("cases:detail", args=[case_id])
    except NoReverseMatch:
        return None


@login_required
@require_GET
def rate_cases(request):
    """List the cases behind one number of the rates table."""
    query, error = _query_or_404(request)
    if error:
        raise Http404
    measure = request.GET.get("measure", "")
    key = request.GET.get("key") or None
    if measure not in MEASURES:
        raise Http404
    try:
        cases = drilldown_cases(
            community_ids=query.community_ids,
            window=query.window,
            grouping=query.grouping,
            key=key,
            measure=measure,
        )
    except ValueError:
        raise Http404 from None
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, _case_url(case.pk)) for case in page]
    params = {**query.params(), "measure": measure, **({"key": key} if key else {})}
    context = {
        "query": query,
        "measure": measure,
        "measure_label": MEASURE_LABELS[measure],
        "key": key,
        "page": page,
        "rows": rows,
        "page_base": f"?{urlencode(params)}",
        "back": f"{reverse('cases:rates')}?{urlencode(query.params())}",
    }
    return render(request, "cases/rates/cases.html", context)
