"""The case page: details, timeline with photos, the forms open to the viewer, query count."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.cases import services
from gongzhi.cases.models import Status
from gongzhi.core.models import AuditEntry

from .factories import case_in, png, report

# user, case, roles, units, duplicates, events, photos, call-backs, campaigns (the select of
# the campaign form); a received case adds the dispatch form's units and the grid's unit
# (its preselected choice).
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


def test_the_dispatch_form_adds_two_queries_for_the_units(client, cw):
    client.force_login(cw.users["community_admin"])
    small, big = case_in(cw, Status.RECEIVED), case_in(cw, Status.RECEIVED)
    for i in range(5):
        services.add_note(case=big, actor=cw.users["community_admin"], text=f"note {i}")
    _queries(client, small)

    assert _queries(client, small) == _queries(client, big) == CASE_PAGE_QUERIES + 2


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
