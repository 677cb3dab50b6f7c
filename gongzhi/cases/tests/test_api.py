"""/api/v1/cases: every action through the API, the same permissions, JSON errors."""

import pytest
from django.test import Client

from gongzhi.accounts.models import ApiToken, hash_token
from gongzhi.cases.models import Case, Status

from .factories import case_in, seeded

API = "/api/v1/cases"


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, path, body=None):
    return client.post(API + path, body or {}, content_type="application/json")


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "errors"} and body["code"] == code
    return body


def test_the_whole_flow_through_the_api(cw):
    resident = as_user(cw.users["resident"])
    admin = as_user(cw.users["community_admin"])
    member = as_user(cw.unit_member)

    created = post(
        resident,
        "",
        {
            "community_id": cw.community.pk,
            "category_id": seeded("0102").pk,
            "text": "1栋门口垃圾",
            "building_id": cw.world.building.pk,
        },
    )
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    assert created.json()["reporter_name"] == "张*"

    assert post(admin, f"/{case_id}/dispatch", {"unit_id": cw.unit.pk}).status_code == 200
    assert post(member, f"/{case_id}/accept").json()["status"] == "accepted"
    assert post(member, f"/{case_id}/start").json()["status"] == "in_progress"
    replied = post(member, f"/{case_id}/reply", {"text": "已清运"})
    assert replied.json()["status"] == "replied"
    detail = resident.get(f"{API}/{case_id}").json()
    assert detail["actions"] == ["answer"] and detail["callbacks"] == []
    answered = post(
        resident,
        f"/{case_id}/callback",
        {"method": "online", "contacted_in_time": True, "solved": True, "satisfied": True},
    )
    assert answered.json()["status"] == "callback_done"
    closed = post(admin, f"/{case_id}/close", {"note": "办结"})
    assert closed.json()["status"] == "closed"
    assert [e["action"] for e in closed.json()["events"]] == [
        "receive",
        "dispatch",
        "accept",
        "start",
        "reply",
        "callback",
        "close",
    ]
    assert closed.json()["callbacks"][0]["satisfied"] is True


def test_an_illegal_transition_is_409_with_a_clear_message(cw):
    case = case_in(cw, Status.CLOSED)

    body = assert_error(
        post(as_user(cw.unit_member), f"/{case.pk}/accept"), 409, "illegal_transition"
    )

    assert body["message"] == "A case that is “Closed” cannot be accepted."
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_bad_input_is_422_with_field_errors(cw):
    case = case_in(cw, Status.DISPATCHED)
    client = as_user(cw.unit_member)

    assert_error(post(client, f"/{case.pk}/return", {"reason": ""}), 422, "invalid")
    body = assert_error(
        post(
            as_user(cw.users["community_admin"]),
            f"/{case_in(cw, Status.REPLIED).pk}/callback",
            {"method": "phone", "solved": True},
        ),
        422,
        "invalid",
    )
    assert "satisfied" in body["errors"]
    report = post(
        as_user(cw.users["resident"]),
        "",
        {
            "community_id": cw.community.pk,
            "category_id": seeded("0102").pk,
            "text": "垃圾",
        },
    )
    assert assert_error(report, 422, "invalid")["errors"] == {
        "address": ["Say where: choose a compound or type an address."]
    }
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED


@pytest.mark.parametrize("role", ["owners_committee", "outsider", "far_admin"])
def test_a_case_out_of_reach_is_404(cw, role):
    case = case_in(cw, Status.DISPATCHED)
    client = as_user(cw.users[role])

    assert_error(client.get(f"{API}/{case.pk}"), 404, "not_found")
    assert_error(post(client, f"/{case.pk}/accept"), 404, "not_found")


def test_an_action_the_viewer_may_not_take_is_404(cw):
    case = case_in(cw, Status.RECEIVED)

    assert_error(
        post(as_user(cw.users["resident"]), f"/{case.pk}/dispatch", {"unit_id": cw.unit.pk}),
        404,
        "not_found",
    )
    assert_error(
        post(as_user(cw.users["subdistrict_official"]), f"/{case.pk}/redirect", {"number": "110"}),
        404,
        "not_found",
    )


def test_the_list_is_scoped_masked_and_filtered(cw):
    case_in(cw, Status.RECEIVED)
    closed = case_in(cw, Status.CLOSED)
    client = as_user(cw.users["grid_worker"])

    body = client.get(API, {"status": "closed"}).json()

    assert body["count"] == 1 and body["items"][0]["id"] == closed.pk
    assert body["items"][0]["reporter_phone"] == "138****1234"
    assert as_user(cw.users["far_admin"]).get(API).json()["count"] == 0


def test_a_token_works_for_programs(cw):
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(
        user=cw.users["community_worker"], name="app", prefix=raw[:8], token_hash=hash_token(raw)
    )
    case = case_in(cw, Status.RECEIVED)

    response = Client().post(
        f"{API}/{case.pk}/redirect",
        {"number": "120"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )

    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).emergency_number == "120"


def test_merge_and_notes(cw):
    admin = as_user(cw.users["community_admin"])
    main, duplicate = case_in(cw, Status.RECEIVED), case_in(cw, Status.RECEIVED)

    assert_error(post(admin, f"/{duplicate.pk}/merge", {"into": 999999}), 422, "invalid")
    merged = post(admin, f"/{duplicate.pk}/merge", {"into": main.pk})
    noted = post(admin, f"/{main.pk}/notes", {"text": "居民同意自行清理"})

    assert merged.json()["merged_into_id"] == main.pk
    assert noted.json()["events"][-1]["text"] == "居民同意自行清理"


def test_putting_a_case_in_a_campaign(cw):
    import datetime as dt

    from gongzhi.cases.models import Campaign

    case = case_in(cw, Status.RECEIVED)
    campaign = Campaign.objects.create(
        community=cw.community, title="清理", starts_on=dt.date(2025, 4, 1)
    )
    elsewhere = Campaign.objects.create(
        community=cw.world.other_community, title="别处", starts_on=dt.date(2025, 4, 1)
    )
    admin = as_user(cw.users["community_admin"])

    assert (
        post(admin, f"/{case.pk}/campaign", {"campaign_id": campaign.pk}).json()["campaign_id"]
        == campaign.pk
    )
    assert_error(post(admin, f"/{case.pk}/campaign", {"campaign_id": elsewhere.pk}), 422, "invalid")
    assert_error(
        post(as_user(cw.unit_member), f"/{case.pk}/campaign", {"campaign_id": None}),
        404,
        "not_found",
    )
    case.refresh_from_db()
    assert case.campaign == campaign


def test_categories_units_and_campaigns(cw):
    admin = as_user(cw.users["community_admin"])

    categories = admin.get(f"{API}/categories", {"community": cw.community.pk}).json()
    units = admin.get(f"{API}/units", {"community": cw.community.pk}).json()

    assert any(c["code"] == "0102" and c["major_name"] == "市容环境" for c in categories)
    assert {u["name"] for u in units} == {"第一网格组", "机械小区物业"}
    assert admin.get(f"{API}/campaigns").json() == {"count": 0, "items": []}
    far = as_user(cw.users["far_admin"])
    assert far.get(f"{API}/units", {"community": cw.community.pk}).status_code == 404


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_and_the_case_run_constant_queries(cw):
    # list: user, roles, units, count, rows; case: user, case, roles, units, events,
    # photos, call-backs.
    client = as_user(cw.users["community_admin"])
    first = case_in(cw, Status.REPLIED)
    client.get(API)
    few = (_queries(client, API), _queries(client, f"{API}/{first.pk}"))
    for status in (Status.CLOSED, Status.RECEIVED, Status.DISPATCHED, Status.REPLIED):
        last = case_in(cw, status)

    assert (_queries(client, API), _queries(client, f"{API}/{last.pk}")) == few == (5, 7)
