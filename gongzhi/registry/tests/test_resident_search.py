"""Resident search: name, pinyin initials, full pinyin, phone tail; scoped; masked."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.core.testing.factories import ResidentFactory
from gongzhi.registry.models import Resident
from gongzhi.registry.search import search_residents


@pytest.fixture
def people(world):
    building = world.building
    return {
        "zhang_san": world.resident,
        "zhang_shan": ResidentFactory(
            household__dwelling__building=building, name="张珊", phone="13900005678"
        ),
        "li_si": ResidentFactory(
            household__dwelling__building=building, name="李思", phone="13700001111"
        ),
        "chen": ResidentFactory(household__dwelling__building=building, name="陈小明", phone=""),
    }


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("zs", {"张三", "张珊"}),
        ("ZS", {"张三", "张珊"}),
        ("zhangsan", {"张三"}),
        ("zhang", {"张三", "张珊"}),
        ("zhang san", {"张三"}),
        ("1234", {"张三"}),
        ("5678", {"张珊"}),
        ("张", {"张三", "张珊"}),
        ("小明", {"陈小明"}),
        ("cxm", {"陈小明"}),
        ("xyz", set()),
    ],
)
def test_search_finds_by_every_key(world, people, q, expected):
    user = world.users["community_admin"]
    assert names(search_residents(user, world.community, q)) == expected


def test_search_is_scoped_to_what_the_user_may_see(world, people):
    # 李四 lives in the other grid: the grid worker of grid 1 must not find them.
    assert names(search_residents(world.users["grid_worker"], world.community, "ls")) == {"李思"}
    assert names(search_residents(world.users["community_admin"], world.community, "ls")) == {
        "李思",
        "李四",
    }


def test_search_page_lists_masked_results(client, world, people):
    client.force_login(world.users["grid_worker"])
    response = client.get(reverse("registry:residents", args=[world.community.pk]), {"q": "zs"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "张*" in body and "139****5678" in body
    assert "张三" not in body and "张珊" not in body


def test_search_page_keeps_the_query_and_handles_long_or_odd_input(client, world, people):
    client.force_login(world.users["community_admin"])
    url = reverse("registry:residents", args=[world.community.pk])
    assert client.get(url, {"q": "%_'\";--"}).status_code == 200
    assert client.get(url, {"q": "z" * 500}).status_code == 200
    assert client.get(url, {"q": "zs", "page": "abc"}).status_code == 200
    assert 'value="zs"' in client.get(url, {"q": "zs"}).content.decode()


def test_moved_out_residents_are_filtered_by_status(client, world, people):
    Resident.objects.filter(pk=people["zhang_shan"].pk).update(status=Resident.Status.MOVED_OUT)
    client.force_login(world.users["community_admin"])
    url = reverse("registry:residents", args=[world.community.pk])
    active = client.get(url, {"q": "zs"}).context["page"].object_list
    moved = client.get(url, {"q": "zs", "status": "moved_out"}).context["page"].object_list
    assert [r.name for r in active] == ["张三"]
    assert [r.name for r in moved] == ["张珊"]


def test_search_page_query_count_does_not_grow_with_rows(client, world):
    client.force_login(world.users["community_admin"])
    url = reverse("registry:residents", args=[world.community.pk])
    client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(20):
        ResidentFactory(household__dwelling__building=world.building)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_given_name_is_found_through_its_own_key(world):
    from gongzhi.core.text import given_name

    assert given_name("张建国") == "建国"
    assert given_name("欧阳小明") == "小明"
    assert given_name("王") == ""
    ResidentFactory(household__dwelling__building=world.building, name="张建国")
    ResidentFactory(household__dwelling__building=world.building, name="李国建")
    user = world.users["community_admin"]
    assert names(search_residents(user, world.community, "建国")) == {"张建国"}
    assert names(search_residents(user, world.community, "张建")) == {"张建国"}
