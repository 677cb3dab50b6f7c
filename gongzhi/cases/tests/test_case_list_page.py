"""The worker's case list: scope, filters, masked reporters, constant queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases import services
from gongzhi.cases.models import Campaign, Case, Status
from gongzhi.core.pagination import CappedPaginator

from .factories import case_in, report

# user, roles, units, communities, campaigns, majors (category filter), deadline counts,
# page count, the page's ids, its rows.
LIST_QUERIES = 10


def listed(client, **params) -> list[int]:
    response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return [row["case"].pk for row in response.context["rows"]]


def test_a_resident_has_no_case_list(client, cw):
    client.force_login(cw.users["resident"])

    assert client.get(reverse("cases:list")).status_code == 404


def test_the_grid_worker_sees_their_grid_and_unit_cases_only(client, cw):
    mine = case_in(cw, Status.RECEIVED)
    elsewhere = report(cw, building=cw.world.other_building)
    client.force_login(cw.users["grid_worker"])

    assert listed(client) == [mine.pk]
    services.dispatch_case(case=elsewhere, actor=cw.users["community_admin"], unit=cw.unit)
    assert set(listed(client)) == {mine.pk, elsewhere.pk}


def test_reporters_are_masked_in_the_list(client, cw):
    case_in(cw, Status.RECEIVED)
    client.force_login(cw.users["community_admin"])

    html = client.get(reverse("cases:list")).content.decode()

    assert "张*" in html and "138****1234" in html
    assert "张三" not in html and "13812341234" not in html


def test_filters_status_unit_overdue_category_campaign(client, cw):
    admin = cw.users["community_admin"]
    received = case_in(cw, Status.RECEIVED)
    dispatched = case_in(cw, Status.DISPATCHED)
    closed = case_in(cw, Status.CLOSED)
    sheds = report(cw, code="0101", text="违建")
    campaign = Campaign.objects.create(
        community=cw.community, title="清理卫生死角", starts_on=dt.date(2025, 4, 1)
    )
    services.set_campaign(case=received, actor=admin, campaign=campaign)
    Case.objects.filter(pk=dispatched.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(admin)

    assert set(listed(client, status="open")) == {received.pk, dispatched.pk, sheds.pk}
    assert listed(client, status="closed") == [closed.pk]
    assert listed(client, due="overdue") == [dispatched.pk]
    assert listed(client, category="event:01") != []
    assert set(listed(client, category="event:01")) == {
        received.pk,
        dispatched.pk,
        closed.pk,
        sheds.pk,
    }
    assert listed(client, campaign=campaign.pk) == [received.pk]
    client.force_login(cw.unit_member)
    assert set(listed(client, mine="on")) == {dispatched.pk, closed.pk}


def test_bad_filters_are_ignored_not_an_error(client, cw):
    case_in(cw, Status.RECEIVED)
    client.force_login(cw.users["community_admin"])

    response = client.get(reverse("cases:list"), {"status": "nonsense", "campaign": "x"})

    assert response.status_code == 200


def _count(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("cases:list"), params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"status": "open", "category": "event:01"}])
def test_the_list_runs_a_constant_number_of_queries(client, cw, params):
    client.force_login(cw.users["community_admin"])
    case_in(cw, Status.DISPATCHED)
    _count(client)
    few = _count(client, **params)
    for status in (Status.RECEIVED, Status.CLOSED, Status.REPLIED, Status.DISPATCHED):
        case_in(cw, status)

    assert _count(client, **params) == few == LIST_QUERIES


def test_past_the_cap_the_list_says_more_than_and_pages_the_newest(client, cw, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    monkeypatch.setattr("gongzhi.cases.views.PAGE_SIZE", 1)
    case_in(cw, Status.CLOSED)
    received = [case_in(cw, Status.RECEIVED) for _ in range(3)]
    client.force_login(cw.users["community_admin"])

    first = client.get(reverse("cases:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    last = client.get(reverse("cases:list"), {"page": 9}, HTTP_ACCEPT_LANGUAGE="en")
    closed = client.get(reverse("cases:list"), {"status": "closed"}, HTTP_ACCEPT_LANGUAGE="en")

    assert "More than 2 cases: filter to narrow them down." in first
    assert "Page 1 of the first 2" in first
    assert [row["case"].pk for row in last.context["rows"]] == [received[1].pk]
    assert "Page 2 of the first 2" in last.content.decode()
    # Under the cap the count is exact again.
    assert "1 case<" in closed.content.decode() and "More than" not in closed.content.decode()


def test_rows_come_newest_first_and_overdue_ones_by_deadline(client, cw):
    cases = [case_in(cw, Status.DISPATCHED) for _ in range(3)]
    now = timezone.now()
    for hours, case in zip((1, 3, 2), cases, strict=True):
        Case.objects.filter(pk=case.pk).update(due_at=now - dt.timedelta(hours=hours))
    client.force_login(cw.users["community_admin"])

    assert listed(client) == [c.pk for c in reversed(cases)]
    assert listed(client, due="overdue") == [cases[1].pk, cases[2].pk, cases[0].pk]


def test_a_card_escapes_what_residents_typed_and_links_the_case(client, cw):
    case = report(cw)
    Case.objects.filter(pk=case.pk).update(
        title="<script>alert(1)</script>楼道堆物",
        address="<b>东门</b>",
        building=None,
        compound=None,
    )
    client.force_login(cw.users["community_admin"])

    html = client.get(reverse("cases:list")).content.decode()

    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<span>&lt;b&gt;东门&lt;/b&gt;</span>" in html
    assert f'href="{reverse("cases:detail", args=[case.pk])}">#{case.pk} ' in html
