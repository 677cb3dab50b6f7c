"""A grid worker's day in the registry: log in, find a resident by pinyin initials, drill down."""

import re

import pytest

from gongzhi.core.testing import factories as f

from .conftest import assert_accessible, login, toggle_elder_mode

pytestmark = pytest.mark.e2e


@pytest.fixture
def grid_world(world):
    """The world, plus a second "zs" (赵四) in another grid the grid worker does not look after."""
    f.ResidentFactory(household__dwelling__building=world.other_building, name="赵四")
    return world


def open_community_from_home(page, world) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=world.community.name).click()
    assert page.locator("h1").inner_text().startswith(world.community.name)


def search_residents(page, world, q: str) -> None:
    """Open the residents page from the overview and submit a search."""
    with page.expect_navigation():
        page.locator(".actions").get_by_role("link").first.click()
    assert f"/registry/communities/{world.community.pk}/residents/" in page.url
    page.locator("#q").fill(q)
    with page.expect_navigation():
        page.locator("form.search-form button[type=submit]").click()


def test_grid_worker_finds_a_resident_by_pinyin_initials(page, live_server, grid_world):
    world = grid_world
    login(page, live_server, world.users["grid_worker"].phone)
    open_community_from_home(page, world)

    search_residents(page, world, "zs")

    results = page.locator(".resident-list")
    assert results.get_by_role("link").all_inner_texts() == ["张*"]
    assert "张三" not in page.content()
    assert "赵" not in results.inner_text()  # another grid's resident stays out

    with page.expect_navigation():
        results.get_by_role("link", name="张*").click()

    assert page.url.endswith(f"/registry/residents/{world.resident.pk}/")
    assert page.locator("h1").inner_text().startswith("张*")
    assert "138****1234" in page.locator("main").inner_text()


def test_live_search_updates_the_results_as_the_worker_types(page, live_server, grid_world):
    world = grid_world
    login(page, live_server, world.users["grid_worker"].phone)
    page.goto(f"{live_server.url}/registry/communities/{world.community.pk}/residents/?q=nobody")
    assert page.locator(".resident-list").count() == 0

    page.locator("#q").fill("zs")

    page.locator(".resident-list").get_by_role("link", name="张*").wait_for()
    assert re.search(r"[?&]q=zs", page.url)


def test_grid_worker_drills_down_from_the_overview_to_a_building(page, live_server, grid_world):
    world = grid_world
    login(page, live_server, world.users["grid_worker"].phone)
    open_community_from_home(page, world)

    # Each compound's buildings are folded under a summary, to keep the phone page short.
    compound = page.locator("main h3", has_text=world.compound.name)
    compound.locator("xpath=following-sibling::details[1]/summary").click()
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=world.building.name, exact=True).click()

    assert page.url.endswith(f"/registry/buildings/{world.building.pk}/")
    table = page.locator("table.dwellings")
    dwelling = world.resident.household.dwelling
    assert table.get_by_role("rowheader", name=dwelling.number).is_visible()
    assert table.get_by_role("link", name="张*").is_visible()
    assert "张三" not in table.inner_text()


def test_search_works_without_javascript(new_context, live_server, grid_world):
    world = grid_world
    page = new_context(java_script_enabled=False).new_page()
    login(page, live_server, world.users["grid_worker"].phone)
    open_community_from_home(page, world)

    search_residents(page, world, "zs")

    assert page.locator(".resident-list").get_by_role("link").all_inner_texts() == ["张*"]


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_registry_pages_are_accessible(page, live_server, grid_world, elder):
    world = grid_world
    login(page, live_server, world.users["grid_worker"].phone)
    if elder:
        toggle_elder_mode(page)
        assert "elder" in page.locator("html").get_attribute("class")
    base = f"{live_server.url}/registry"

    page.goto(f"{base}/communities/{world.community.pk}/")
    assert_accessible(page)

    page.goto(f"{base}/communities/{world.community.pk}/residents/?q=zs")
    assert page.locator(".resident-list .card").count() == 1
    assert_accessible(page)

    page.goto(f"{base}/residents/{world.resident.pk}/")
    assert_accessible(page)

    page.goto(f"{base}/buildings/{world.building.pk}/")
    assert_accessible(page)
