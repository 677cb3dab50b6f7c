"""The case page: details, timeline with photos, the forms open to the viewer, query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.cases import services
from gongzhi.cases.models import AlertLevel, Case, Status
from gongzhi.core.models import AuditEntry

from .factories import case_in, png, report

# user, case, roles, the viewer's units, duplicates, events, photos, call-backs, campaigns (the
# select of the campaign form, offered on open cases only); a received case adds the dispatch
# form's categories, its units and the units again (to preselect the grid's unit).
CASE_PAGE_QUERIES = 9


def page(client, case):
    return client.get(reverse("cases:detail", args=[case.pk]))


def test_the_reporter_sees_the_timeline_and_no_worker_names(client, cw):
    case = case_in(cw, Status.REPLIED)
    client.force_login(cw.users["resident"])

    response = page(client, case)

    assert response.status_code == 200
    html = response.content.decode()
    assert "已清运" in html and "第一网格组" in html
    assert "unit_member" not in html  # workers' names stay with staff
    assert [a["name"] for a in response.context["actions"]] == ["answer"]


def test_staff_see_the_masked_contact_and_can_unmask_it_with_an_audit_entry(client, cw):
    case = case_in(cw, Status.DISPATCHED)
    client.force_login(cw.users["community_worker"])

    html = page(client, case).content.decode()
    assert "张*" in html and "138****1234" in html and "13812341234" not in html

    response = client.post(reverse("cases:unmask", args=[case.pk]))

    assert response.status_code == 200
    assert "13812341234" in response.content.decode()
    assert AuditEntry.objects.filter(action="case.unmask", target_id=str(case.pk)).exists()


def test_photos_are_served_to_those_who_see_the_case_only(client, cw):
    case = report(cw, photos=[png()])
    photo = case.photos.get()
    client.force_login(cw.users["resident"])
    response = client.get(reverse("cases:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]

    client.force_login(cw.users["owners_committee"])
    assert client.get(reverse("cases:photo", args=[photo.pk])).status_code == 404


def test_an_illegal_action_comes_back_with_the_message_and_changes_nothing(client, cw):
    case = case_in(cw, Status.CLOSED)
    client.force_login(cw.users["community_admin"])

    response = client.post(
        reverse("cases:action", args=[case.pk, "redirect"]), {"redirect-number": "110"}
    )

    assert response.status_code == 409
    assert "cannot be redirected" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_bad_input_keeps_what_was_typed(client, cw):
    case = case_in(cw, Status.IN_PROGRESS)
    client.force_login(cw.unit_member)
    bad = {"reply-text": "清运了三车垃圾"}
    files = {"reply-photos": [png(), png("b.png")] + [png(f"{i}.png") for i in range(5)]}

    response = client.post(reverse("cases:action", args=[case.pk, "reply"]), {**bad, **files})

    assert response.status_code == 400
    assert "清运了三车垃圾" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_a_reply_with_a_photo_through_the_page(client, cw):
    case = case_in(cw, Status.IN_PROGRESS)
    client.force_login(cw.unit_member)

    response = client.post(
        reverse("cases:action", args=[case.pk, "reply"]),
        {"reply-text": "已清理干净", "reply-photos": [png()]},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REPLIED and case.reply_text == "已清理干净"
    assert case.events.get(action="reply").photos.count() == 1


def test_a_merged_case_links_to_the_main_case(client, cw):
    case = case_in(cw, Status.MERGED)
    client.force_login(cw.users["resident"])

    html = page(client, case).content.decode()

    assert reverse("cases:detail", args=[case.merged_into_id]) in html


def test_a_redirected_case_shows_the_number(client, cw):
    case = case_in(cw, Status.REDIRECTED_EMERGENCY)
    client.force_login(cw.users["resident"])

    assert "119" in page(client, case).content.decode()


def test_the_dispatch_form_adds_three_queries(client, cw):
    client.force_login(cw.users["community_admin"])
    small, big = case_in(cw, Status.RECEIVED), case_in(cw, Status.RECEIVED)
    for i in range(5):
        services.add_note(case=big, actor=cw.users["community_admin"], text=f"note {i}")
    _queries(client, small)

    assert _queries(client, small) == _queries(client, big) == CASE_PAGE_QUERIES + 3


def _queries(client, case) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert page(client, case).status_code == 200
    return len(ctx.captured_queries)


def test_the_case_page_runs_a_constant_number_of_queries(client, cw):
    admin = cw.users["community_admin"]
    small = case_in(cw, Status.REPLIED)
    big = case_in(cw, Status.REPLIED)
    for i in range(6):
        services.add_note(case=big, actor=admin, text=f"第{i}次上门")
    services.record_callback(case=big, actor=admin, method="phone", answered=False)
    services.record_callback(case=big, actor=admin, method="sms", answered=False)
    client.force_login(admin)
    _queries(client, small)  # warm the session and caches

    assert _queries(client, small) == _queries(client, big) == CASE_PAGE_QUERIES


def _long_timeline(cw, *, close: bool):
    """A case with ~30 events: two units, photos, call-backs, notes by several people."""
    admin, worker = cw.users["community_admin"], cw.users["community_worker"]
    member, manager = cw.unit_member, cw.users["property_manager"]
    case = report(cw, photos=[png(), png("b.png")])
    services.dispatch_case(case=case, actor=admin, unit=cw.unit)
    services.return_case(case=case, actor=member, reason="物业负责")
    services.dispatch_case(case=case, actor=worker, unit=cw.property_unit)
    services.accept_case(case=case, actor=manager)
    services.start_case(case=case, actor=manager)
    for n, actor in enumerate([admin, worker, manager, cw.users["grid_worker"]] * 5):
        services.add_note(case=case, actor=actor, text=f"第{n}次跟进")
    services.reply_case(case=case, actor=manager, text="已清运", photos=[png("c.png")])
    services.record_callback(case=case, actor=worker, method="phone", answered=False)
    services.record_callback(
        case=case,
        actor=admin,
        method="phone",
        contacted_in_time=True,
        solved=False,
        satisfied=False,
        comment="还有一堆",
    )
    services.start_case(case=case, actor=manager)
    if close:
        services.reply_case(case=case, actor=manager, text="全部清完", photos=[png("d.png")])
        services.record_callback(
            case=case,
            actor=admin,
            method="sms",
            contacted_in_time=True,
            solved=True,
            satisfied=True,
        )
        services.close_case(case=case, actor=admin)
    case.refresh_from_db()
    return case


def test_an_open_case_page_costs_the_same_for_2_or_30_events(client, cw, django_assert_num_queries):
    short = case_in(cw, Status.DISPATCHED)
    long = _long_timeline(cw, close=False)
    assert short.events.count() == 2 and long.events.count() >= 30
    assert long.status == Status.IN_PROGRESS and long.photos.count() == 3
    client.force_login(cw.users["community_worker"])
    page(client, short)  # warm the session

    for case in (short, long):
        with django_assert_num_queries(CASE_PAGE_QUERIES):
            assert page(client, case).status_code == 200


def test_a_finished_case_page_costs_the_same_for_2_or_30_events(
    client, cw, django_assert_num_queries
):
    # The benchmark's pair: a merged case (no unit) and a long closed one (with a unit). The
    # viewer's units used to be read only for the second.
    short = case_in(cw, Status.MERGED)
    long = _long_timeline(cw, close=True)
    assert short.events.count() == 2 and long.events.count() >= 30
    assert long.status == Status.CLOSED and long.photos.count() == 4
    client.force_login(cw.users["community_worker"])
    page(client, short)

    for case in (short, long):
        # No campaign form on a finished case.
        with django_assert_num_queries(CASE_PAGE_QUERIES - 1):
            assert page(client, case).status_code == 200


def test_the_reporter_page_costs_the_same_for_2_or_30_events(client, cw, django_assert_num_queries):
    short = case_in(cw, Status.DISPATCHED)
    long = _long_timeline(cw, close=True)
    client.force_login(cw.users["resident"])
    page(client, short)

    # user, case, roles, units, duplicates, events, photos (no call-backs for the reporter).
    for case in (short, long):
        with django_assert_num_queries(7):
            response = page(client, case)
        assert response.status_code == 200


def test_staff_see_which_deadline_alert_was_sent(client, cw):
    case = case_in(cw, Status.DISPATCHED)
    Case.objects.filter(pk=case.pk).update(alert_level=AlertLevel.ESCALATED)
    client.force_login(cw.users["community_worker"])
    assert "alert sent: escalated to the subdistrict" in page(client, case).content.decode()

    client.force_login(cw.users["resident"])
    assert "escalated to the subdistrict" not in page(client, case).content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements")
def test_on_postgresql_the_case_page_reuses_the_plan_of_its_join(client, cw):
    case = report(cw)
    client.force_login(cw.users["community_admin"])
    for _ in range(6):
        assert page(client, case).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('WHERE "cases_case"."id" = $1' in s and "JOIN" in s for s in statements)
