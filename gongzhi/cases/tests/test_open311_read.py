"""Open311 GeoReport v2, reading: discovery, services, definitions, requests, tokens.

Each test acts as a client written from the spec (open311_client checks every answer's
shape); the spec is http://wiki.open311.org/GeoReport_v2.
"""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases.models import Case, Category
from gongzhi.cases.open311 import token_for
from gongzhi.core.testing.factories import CommunityFactory

from . import open311_client as spec
from .open311_helpers import build, report

BASE = spec.BASE
FORMATS = ["xml", "json"]


@pytest.fixture
def o311(world):
    return build(world)


def get(client, path, **params):
    return client.get(f"{BASE}/{path}", params)


def ids(items):
    return [item["service_request_id"] for item in items]


# --- discovery and services -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_spec_the_endpoint_and_both_formats(client, fmt):
    response = get(client, f"discovery.{fmt}")

    assert response.status_code == 200
    data = spec.discovery(response, fmt)
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert spec.W3C_DATETIME.match(data["changeset"])


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_the_seeded_minor_categories(client, fmt):
    response = get(client, f"services.{fmt}")

    assert response.status_code == 200
    items = {item["service_code"]: item for item in spec.services(response, fmt)}
    assert items["0102"]["service_name"] == "暴露垃圾"
    assert items["0102"]["group"] == "市容环境"
    assert items["0102"]["metadata"] in ("false", False)
    assert items["0102"]["type"] == "realtime"
    assert "暴露垃圾" in items["0102"]["keywords"]
    # Component classes repeat the event codes' numbers, so they carry a C.
    assert items["C0101"]["service_name"] == "井盖"
    assert len(items) == Category.objects.filter(community__isnull=True).minors().count()


@pytest.mark.django_db
def test_services_of_a_jurisdiction_show_its_own_copy_of_a_category(client, world):
    shared = Category.objects.get(community__isnull=True, kind="event", major_code="01",
                                  minor_code="02")  # fmt: skip
    Category.objects.create(
        community=world.community,
        kind="event",
        major_code="01",
        minor_code="02",
        parent=shared.parent,
        based_on=shared,
        name="暴露垃圾（本社区）",
    )

    response = get(client, "services.json", jurisdiction_id=world.community.full_code)

    items = {item["service_code"]: item for item in spec.services(response, "json")}
    assert items["0102"]["service_name"] == "暴露垃圾（本社区）"


@pytest.mark.django_db
def test_services_of_an_unknown_jurisdiction_are_a_404(client):
    response = get(client, "services.xml", jurisdiction_id="999999999999")

    assert response.status_code == 404
    assert spec.errors(response, "xml")[0]["code"] == 404


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_has_the_code_and_no_attributes(client, fmt):
    response = get(client, f"services/0102.{fmt}")

    assert response.status_code == 200
    data = spec.service_definition(response, fmt)
    assert data["service_code"] == "0102"
    assert len(data["attributes"]) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_definition_is_a_404_in_the_spec_format(client, fmt):
    response = get(client, f"services/9999.{fmt}")

    assert response.status_code == 404
    (error,) = spec.errors(response, fmt)
    assert error["code"] == 404
    assert "9999" in error["description"]


@pytest.mark.django_db
def test_an_unknown_format_is_a_400_in_xml(client):
    response = get(client, "services.csv")

    assert response.status_code == 400
    assert spec.errors(response, "xml")[0]["code"] == 400


# --- GET requests ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_default_to_the_last_90_days_of_the_jurisdiction_newest_first(client, o311, fmt):
    response = get(client, f"requests.{fmt}", jurisdiction_id=o311.jurisdiction)

    assert response.status_code == 200
    items = spec.service_requests(response, fmt)
    expected = [o311.merged, o311.closed, o311.dispatched, o311.received]
    assert ids(items) == [str(case.pk) for case in expected]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_request_fields_follow_the_case(client, o311, fmt):
    response = get(client, f"requests.{fmt}", jurisdiction_id=o311.jurisdiction)

    items = {item["service_request_id"]: item for item in spec.service_requests(response, fmt)}
    closed, received = items[str(o311.closed.pk)], items[str(o311.received.pk)]
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "杂物已清运，通道恢复畅通。"
    assert closed["agency_responsible"] == "第一网格组"
    assert closed["service_code"] == "0102"
    assert closed["service_name"] == "暴露垃圾"
    assert closed["description"] == "通道被杂物堵住"
    assert closed["updated_datetime"] == timezone.localtime(o311.closed.closed_at).isoformat(
        timespec="seconds"
    )
    assert closed["requested_datetime"].endswith("+08:00")
    assert received["status"] == "open"
    assert float(received["lat"]) == pytest.approx(30.123456)
    assert float(received["long"]) == pytest.approx(113.654321)
    assert received["address"] == "机械小区1栋旁"
    assert received["expected_datetime"] == timezone.localtime(o311.received.due_at).isoformat(
        timespec="seconds"
    )
    merged = items[str(o311.merged.pk)]
    assert merged["status"] == "closed"
    assert str(o311.received.pk) in merged["status_notes"]
    dispatched = items[str(o311.dispatched.pk)]
    assert dispatched["status"] == "open"
    assert "第一网格组" in dispatched["status_notes"]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_carry_no_personal_data_of_the_reporter(client, o311, fmt):
    Case.objects.filter(pk=o311.received.pk).update(
        reporter_name="张三丰", reporter_phone="13812345678"
    )

    response = get(client, f"requests.{fmt}", jurisdiction_id=o311.jurisdiction)

    body = response.content.decode()
    assert response.status_code == 200
    assert "张三丰" not in body
    assert "13812345678" not in body
    assert o311.world.users["resident"].phone not in body


@pytest.mark.django_db
def test_text_with_markup_and_control_characters_stays_well_formed_xml(client, o311):
    Case.objects.filter(pk=o311.received.pk).update(text="<b>垃圾</b> & 杂物\x07\x1b")

    response = get(client, f"requests/{o311.received.pk}.xml")

    (item,) = spec.service_requests(response, "xml")
    assert item["description"] == "<b>垃圾</b> & 杂物"


@pytest.mark.django_db
def test_service_request_ids_override_every_other_argument(client, o311):
    response = get(
        client,
        "requests.json",
        jurisdiction_id=o311.jurisdiction,
        service_request_id=f"{o311.old.pk},{o311.closed.pk},{o311.elsewhere.pk}",
        status="open",
    )

    items = spec.service_requests(response, "json")
    # The old case is outside 90 days and the closed one is not open, but ids win;
    # the case of another community stays out of this jurisdiction.
    assert sorted(ids(items)) == sorted([str(o311.old.pk), str(o311.closed.pk)])


@pytest.mark.django_db
def test_requests_filter_by_status(client, o311):
    closed = get(client, "requests.xml", jurisdiction_id=o311.jurisdiction, status="closed")
    both = get(client, "requests.xml", jurisdiction_id=o311.jurisdiction, status="open,closed")

    assert ids(spec.service_requests(closed, "xml")) == [
        str(o311.merged.pk),
        str(o311.closed.pk),
    ]
    assert len(spec.service_requests(both, "xml")) == 4


@pytest.mark.django_db
def test_requests_filter_by_service_code_repeated_or_comma_delimited(client, o311):
    one = get(client, "requests.json", jurisdiction_id=o311.jurisdiction, service_code="0106")
    both = client.get(
        f"{BASE}/requests.json",
        {"jurisdiction_id": o311.jurisdiction, "service_code": ["0106", "0102"]},
    )

    assert ids(spec.service_requests(one, "json")) == [str(o311.dispatched.pk)]
    assert len(spec.service_requests(both, "json")) == 4


@pytest.mark.django_db
def test_requests_filter_by_start_and_end_date(client, o311):
    start = (timezone.now() - dt.timedelta(days=130)).isoformat()
    end = (
        (timezone.now() - dt.timedelta(days=100)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )

    response = get(
        client, "requests.xml", jurisdiction_id=o311.jurisdiction, start_date=start, end_date=end
    )

    assert ids(spec.service_requests(response, "xml")) == [str(o311.old.pk)]


@pytest.mark.django_db
def test_a_start_date_alone_gives_the_90_days_after_it(client, o311):
    start = (timezone.now() - dt.timedelta(days=125)).isoformat()

    response = get(client, "requests.json", jurisdiction_id=o311.jurisdiction, start_date=start)

    assert ids(spec.service_requests(response, "json")) == [str(o311.old.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"},
        {"start_date": "2025-03-01T00:00:00Z", "end_date": "2025-02-01T00:00:00Z"},
        {"start_date": "yesterday"},
        {"status": "pending"},
        {"service_request_id": "12,abc"},
    ],
)
def test_bad_arguments_are_a_400_in_the_spec_format(client, o311, params):
    response = get(client, "requests.json", jurisdiction_id=o311.jurisdiction, **params)

    assert response.status_code == 400
    assert spec.errors(response, "json")[0]["code"] == 400


@pytest.mark.django_db
def test_requests_without_a_jurisdiction_are_a_400(client, o311):
    response = get(client, "requests.xml")

    assert response.status_code == 400
    assert "jurisdiction_id" in spec.errors(response, "xml")[0]["description"]


@pytest.mark.django_db
def test_requests_of_an_unknown_jurisdiction_are_a_404(client, o311):
    response = get(client, "requests.xml", jurisdiction_id="429005100999")

    assert response.status_code == 404
    assert spec.errors(response, "xml")[0]["code"] == 404


@pytest.mark.django_db
def test_requests_return_at_most_1000(client, o311, world):
    category = o311.received.category
    Case.objects.bulk_create(
        Case(
            community=world.community,
            category=category,
            title=f"批量 {n}",
            text="批量",
            address="某处",
            channel=Case.Channel.WEB,
        )
        for n in range(1001)
    )

    response = get(client, "requests.json", jurisdiction_id=o311.jurisdiction)

    assert len(spec.service_requests(response, "json")) == 1000


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_requests(client, o311, world, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.OPEN311_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as few:
        get(client, "requests.json", jurisdiction_id=o311.jurisdiction)
    for n in range(10):
        report(world, text=f"又一个问题 {n}")
    with CaptureQueriesContext(connection) as many:
        response = get(client, "requests.json", jurisdiction_id=o311.jurisdiction)

    assert len(spec.service_requests(response, "json")) == 14
    assert len(many) == len(few) <= 3


@pytest.mark.django_db
def test_a_repeated_get_is_served_from_the_cache(client, o311, django_assert_num_queries):
    first = get(client, "requests.json", jurisdiction_id=o311.jurisdiction)
    report(o311.world, text="缓存期间的新问题")

    with django_assert_num_queries(0):
        again = get(client, "requests.json", jurisdiction_id=o311.jurisdiction)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.django_db
def test_errors_are_not_cached(client, world):
    code = f"{world.subdistrict.code}009"
    missing = get(client, "services.json", jurisdiction_id=code)
    CommunityFactory(subdistrict=world.subdistrict, code="009")

    found = get(client, "services.json", jurisdiction_id=code)

    assert missing.status_code == 404
    assert found.status_code == 200


# --- one request and tokens -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_by_id(client, o311, fmt):
    response = get(client, f"requests/{o311.closed.pk}.{fmt}")

    assert response.status_code == 200
    (item,) = spec.service_requests(response, fmt)
    assert item["service_request_id"] == str(o311.closed.pk)
    assert item["status"] == "closed"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["requests/99999999.xml", "requests/abc.xml"])
def test_an_unknown_request_is_a_404(client, o311, path):
    response = get(client, path)

    assert response.status_code == 404
    assert spec.errors(response, "xml")[0]["code"] == 404


@pytest.mark.django_db
def test_one_request_outside_the_given_jurisdiction_is_a_404(client, o311):
    response = get(client, f"requests/{o311.elsewhere.pk}.json", jurisdiction_id=o311.jurisdiction)

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_resolves_to_its_request_id(client, o311, fmt):
    token = token_for(o311.received)

    response = get(client, f"tokens/{token}.{fmt}")

    assert response.status_code == 200
    data = spec.parse(response, fmt)
    if fmt == "xml":
        data = [{child.tag: child.text for child in r} for r in data.findall("request")]
    assert data == [{"service_request_id": str(o311.received.pk), "token": token}]


@pytest.mark.django_db
def test_a_forged_token_is_a_404(client, o311):
    token = token_for(o311.received)
    forged = f"{o311.closed.pk}.{token.split('.', 1)[1]}"

    response = get(client, f"tokens/{forged}.xml")

    assert response.status_code == 404
    assert spec.errors(response, "xml")[0]["code"] == 404


@pytest.mark.django_db
def test_post_is_the_only_other_method(client, o311):
    response = client.put(f"{BASE}/requests.json")

    assert response.status_code == 405
