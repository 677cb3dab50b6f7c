"""API errors are JSON {"code", "message", "errors"} with a 4xx status, never a 500."""

import pytest
from django.test import Client

API = "/api/v1/registry"

LISTS = [
    "/communities",
    "/communities/{community}/compounds",
    "/communities/{community}/grids",
    "/communities/{community}/residents",
]

BAD_PAGES = [
    ({"limit": "-1"}, "limit"),
    ({"limit": "0"}, "limit"),
    ({"limit": "abc"}, "limit"),
    ({"limit": "1000"}, "limit"),
    ({"limit": "1.5"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"offset": "x"}, "offset"),
    ({"offset": str(10**30)}, "offset"),
]


@pytest.fixture
def admin(world) -> Client:
    client = Client()
    client.force_login(world.users["community_admin"])
    return client


def assert_error_shape(body: dict, code: str) -> None:
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["errors"], dict)


@pytest.mark.parametrize("params,field", BAD_PAGES)
@pytest.mark.parametrize("url", LISTS)
def test_bad_pagination_gets_422_with_field_errors(world, admin, url, params, field):
    response = admin.get(API + url.format(community=world.community.pk), params)

    assert response.status_code == 422
    body = response.json()
    assert_error_shape(body, "invalid")
    assert list(body["errors"]) == [field]
    assert all(isinstance(msg, str) and msg for msg in body["errors"][field])


@pytest.mark.parametrize(
    "params,field",
    [
        ({"building_id": "abc"}, "building_id"),
        ({"building_id": "0"}, "building_id"),
        ({"building_id": str(10**30)}, "building_id"),
        ({"status": "dead"}, "status"),
        ({"q": "张" * 51}, "q"),
    ],
)
def test_bad_resident_filters_get_422_with_field_errors(world, admin, params, field):
    response = admin.get(f"{API}/communities/{world.community.pk}/residents", params)

    assert response.status_code == 422
    body = response.json()
    assert_error_shape(body, "invalid")
    assert list(body["errors"]) == [field]


@pytest.mark.parametrize(
    "url,field",
    [
        ("/communities/abc", "community_id"),
        ("/communities/1.5/grids", "community_id"),
        ("/buildings/x", "building_id"),
        ("/residents/-", "resident_id"),
    ],
)
def test_a_malformed_id_gets_422_with_field_errors(admin, url, field):
    response = admin.get(API + url)

    assert response.status_code == 422
    body = response.json()
    assert_error_shape(body, "invalid")
    assert list(body["errors"]) == [field]


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/communities/999999"),
        ("get", "/communities/999999/residents"),
        ("get", "/buildings/999999"),
        ("get", "/residents/999999"),
        ("post", "/residents/999999/unmask"),
        ("get", "/residents/99999999999999999999999"),
    ],
)
def test_a_missing_row_gets_404_with_the_error_shape(admin, method, url):
    response = getattr(admin, method)(API + url)

    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")


def test_me_without_a_resident_record_gets_404_with_the_error_shape(admin):
    response = admin.get(f"{API}/me")

    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")


def test_no_credentials_get_401_with_the_error_shape(world):
    response = Client().get(f"{API}/communities")

    assert response.status_code == 401
    assert_error_shape(response.json(), "unauthorized")
