"""The community overview: figures computed by the database, kept fresh, constant queries."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.core.testing.factories import BuildingFactory, ResidentFactory
from gongzhi.registry import services
from gongzhi.registry.models import Resident
from gongzhi.registry.overview import compute_overview


def years_ago(years: int) -> date:
    today = date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def test_overview_counts_people_and_the_share_aged_60_plus(world):
    # world: 张三 and 李四 born 1950 (elderly). Add a child and an adult, one moved-out elder.
    ResidentFactory(household__dwelling__building=world.building, birth_date=years_ago(10))
    ResidentFactory(household__dwelling__building=world.building, birth_date=years_ago(40))
    ResidentFactory(
        household__dwelling__building=world.building, birth_date=years_ago(85), status="moved_out"
    )
    figures = compute_overview(world.community)
    assert figures["total"] == 4
    assert figures["elderly"] == 2
    assert figures["elderly_share"] == 0.5
    assert dict(figures["age_bands"]) == {
        "under18": 1,
        "18to59": 1,
        "60to79": 2,
        "80plus": 0,
        "unknown": 0,
    }
    by_compound = {c["name"]: c["total"] for c in figures["compounds"]}
    assert by_compound == {"机械小区": 3, "兴隆小区": 1}


def test_overview_page_shows_the_figures(client, world):
    client.force_login(world.users["community_worker"])
    response = client.get(reverse("registry:community", args=[world.community.pk]))
    assert response.status_code == 200
    assert response.context["figures"]["total"] == 2
    body = response.content.decode()
    assert "机械小区" in body and "第一网格" in body
    assert "100.0%" in body


def test_overview_is_refreshed_after_a_move_out(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["community_worker"])
    url = reverse("registry:community", args=[world.community.pk])
    assert client.get(url).context["figures"]["total"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.move_out(
            resident=world.neighbour, actor=world.users["community_worker"], on=date.today()
        )
    assert client.get(url).context["figures"]["total"] == 1


def test_overview_query_count_is_independent_of_size(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["community_worker"])
    url = reverse("registry:community", args=[world.community.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            building = BuildingFactory(compound=world.compound, grid=world.grid)
            for _ in range(4):
                ResidentFactory(household__dwelling__building=building)
        services.add_resident(community=world.community, actor=None, household=None, name="新人")
    response = client.get(url)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert (
        response.context["figures"]["total"]
        == Resident.objects.filter(community=world.community, status="active").count()
    )
    assert len(large) == len(small)
