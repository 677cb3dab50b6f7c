"""Open311 GeoReport v2, POST requests: a client creates a case with an api_key.

Arguments are form-encoded as the spec's example request; answers are checked by the
spec-only client in open311_client.
"""

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.models import ApiToken
from gongzhi.cases.models import Case
from gongzhi.core.models import AuditEntry

from . import open311_client as spec
from .open311_helpers import build

BASE = spec.BASE


@pytest.fixture
def o311(world):
    return build(world)


def form(o311, **overrides):
    data = {
        "api_key": o311.api_key,
        "jurisdiction_id": o311.jurisdiction,
        "service_code": "0102",
        "lat": "30.654321",
        "long": "113.123456",
        "address_string": "机械小区3栋东侧",
        "email": "someone@example.com",
        "device_id": "tt222111",
        "account_id": "acct-42",
        "first_name": "三",
        "last_name": "张",
        "phone": "13900001111",
        "description": "垃圾桶旁边堆满了装修垃圾",
        "media_url": "https://example.com/photo.jpg",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, fmt, data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def count():
    return Case.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_client_creates_a_request_and_reads_it_back(client, o311, fmt):
    before = count()

    response = post(client, fmt, form(o311))

    assert response.status_code == 200
    (item,) = spec.created(response, fmt)
    assert item["account_id"] == "acct-42"
    assert "2" in item["service_notice"]  # 暴露垃圾: 2 working days
    case = Case.objects.get(pk=int(item["service_request_id"]))
    assert count() == before + 1
    assert case.channel == Case.Channel.OPEN311
    assert case.community == o311.world.community
    assert case.category.code == "0102"
    assert case.text == "垃圾桶旁边堆满了装修垃圾"
    assert case.reporter_name == "张三"
    assert case.reporter_phone == "13900001111"
    assert str(case.latitude) == "30.654321"
    assert case.media_url == "https://example.com/photo.jpg"
    assert case.created_by == o311.app_user
    assert case.status == Case.Status.RECEIVED
    assert case.due_at is not None
    assert AuditEntry.objects.filter(action="case.report", target_id=str(case.pk)).exists()
    got = client.get(f"{BASE}/requests/{case.pk}.{fmt}")
    (read,) = spec.service_requests(got, fmt)
    assert read["status"] == "open"
    assert read["media_url"] == "https://example.com/photo.jpg"
    body = got.content.decode()
    assert "13900001111" not in body and "张三" not in body and "example.com/photo" in body


@pytest.mark.django_db
def test_the_spec_example_request_body_works_with_csrf_checks_on(o311):
    client = Client(enforce_csrf_checks=True)
    body = (
        f"api_key={o311.api_key}&jurisdiction_id={o311.jurisdiction}&service_code=0102"
        "&lat=37.76524078&long=-122.4212043&address_string=1234+5th+street"
        "&email=smit333%40sfgov.edu&device_id=tt222111&account_id=123456&first_name=john"
        "&last_name=smith&phone=111111111&description=A+large+sinkhole+is+destroying+the+street"
        "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
        "&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001"
    )

    response = client.post(
        f"{BASE}/requests.xml",
        body,
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )

    assert response.status_code == 200
    (item,) = spec.created(response, "xml")
    case = Case.objects.get(pk=int(item["service_request_id"]))
    assert case.text == "A large sinkhole is destroying the street"
    assert case.reporter_name == "smithjohn"


@pytest.mark.django_db
def test_an_address_id_is_a_building_of_the_community(client, o311):
    building = o311.world.building

    response = post(
        client,
        "json",
        form(o311, lat=None, long=None, address_string=None, address_id=str(building.pk)),
    )

    assert response.status_code == 200
    case = Case.objects.get(pk=int(spec.created(response, "json")[0]["service_request_id"]))
    assert case.building == building
    assert case.grid == building.grid


@pytest.mark.django_db
def test_a_missing_description_takes_the_service_name(client, o311):
    response = post(client, "json", form(o311, description=None))

    assert response.status_code == 200
    case = Case.objects.get(pk=int(spec.created(response, "json")[0]["service_request_id"]))
    assert case.text == "暴露垃圾"


# --- refusals: nothing is created -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_missing_api_key_is_a_403(client, o311, fmt):
    before = count()

    response = post(client, fmt, form(o311, api_key=None))

    assert response.status_code == 403
    assert spec.errors(response, fmt)[0]["code"] == 403
    assert count() == before


@pytest.mark.django_db
def test_a_wrong_or_revoked_api_key_is_a_403(client, o311):
    before = count()
    wrong = post(client, "xml", form(o311, api_key="gz_not-a-key"))
    ApiToken.objects.filter(user=o311.app_user).update(revoked_at=timezone.now())
    revoked = post(client, "xml", form(o311))

    assert wrong.status_code == 403
    assert revoked.status_code == 403
    assert spec.errors(revoked, "xml")[0]["code"] == 403
    assert count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"jurisdiction_id": None}, 400),
        ({"jurisdiction_id": "429005100999"}, 404),
        ({"service_code": None}, 400),
        ({"service_code": "8801"}, 404),
        ({"service_code": "01"}, 404),
        ({"lat": None, "long": None, "address_string": None}, 400),
        ({"long": None, "address_string": None}, 400),
        ({"lat": "91", "long": "10"}, 400),
        ({"lat": "north", "long": "10"}, 400),
        ({"address_id": "99999999"}, 400),
        ({"media_url": "javascript:alert(1)"}, 400),
        ({"description": "长" * 4001}, 400),
    ],
)
def test_bad_requests_are_refused_in_the_spec_format(client, o311, overrides, status):
    before = count()

    response = post(client, "json", form(o311, **overrides))

    assert response.status_code == status
    assert spec.errors(response, "json")[0]["code"] == status
    assert count() == before


@pytest.mark.django_db
def test_an_address_id_of_another_community_is_refused(client, o311):
    before = count()

    response = post(client, "xml", form(o311, address_id=str(o311.world.far_building.pk)))

    assert response.status_code == 400
    assert count() == before
