"""共谋 end to end, in elder mode on a phone: a resident raises a need, a neighbour supports
it, a worker adopts it, the matter page shows the timeline, and the resident reads the reply
in their inbox.
"""

import re

import pytest

from gongzhi.accounts.models import Role
from gongzhi.core.testing import factories as f
from gongzhi.matters.models import Matter
from gongzhi.needs import indexing
from gongzhi.needs.models import Need
from gongzhi.needs.tests.helpers import make_need

from .conftest import assert_accessible, body_font_size, login, toggle_elder_mode

pytestmark = pytest.mark.e2e

TITLE = "三号楼前的路灯坏了"
TEXT = "路灯坏了一个多月，晚上老人出门看不清台阶，希望尽快修好。"
REPLY = "社区已立项，联系物业和供电所一起更换小区路灯。"


@pytest.fixture
def need_world(world):
    """The world, with a login for the neighbour (李四) and an older need about a street lamp."""
    neighbour = f.UserFactory(name="李四")
    world.neighbour.user = neighbour
    world.neighbour.save()
    f.give_role(neighbour, Role.RESIDENT, world.community)
    world.users["neighbour"] = neighbour
    older = make_need(
        world.community,
        author=neighbour,
        resident=world.neighbour,
        title="广场的路灯不亮",
        text="广场东边的路灯晚上不亮，跳舞的老人看不清路。",
    )
    indexing.index_need(older)
    return world


def raise_need(page, live_server, world) -> Need:
    """The resident raises a need from the board, seeing a similar one suggested on the way."""
    page.goto(f"{live_server.url}/needs/")
    assert page.url.endswith(f"/needs/communities/{world.community.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href='/needs/communities/{world.community.pk}/new/']").click()
    assert_accessible(page)

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_text").fill(TEXT)
    suggestions = page.locator("#similar")
    suggestions.get_by_role("link", name="广场的路灯不亮").wait_for()
    page.locator("#id_category").select_option(index=2)  # index 0 is the empty choice
    page.locator("#id_compound").select_option(str(world.compound.pk))
    with page.expect_navigation():
        page.locator("#need-form button[type=submit]").click()

    need = Need.objects.get(title=TITLE)
    assert page.url.endswith(f"/needs/{need.pk}/")
    assert TITLE in page.locator("h1").inner_text()
    return need


def test_a_need_goes_from_a_resident_to_a_matter_and_back_to_the_inbox(
    new_context, live_server, need_world
):
    world = need_world

    # 1. 张三 raises the need in elder mode.
    resident_page = new_context().new_page()
    login(resident_page, live_server, world.users["resident"].phone)
    resident_page.goto(f"{live_server.url}/needs/")
    toggle_elder_mode(resident_page)
    assert body_font_size(resident_page) >= 22
    need = raise_need(resident_page, live_server, world)
    assert_accessible(resident_page)

    # 2. The neighbour supports it; the count updates in place.
    neighbour_page = new_context().new_page()
    login(neighbour_page, live_server, world.users["neighbour"].phone)
    neighbour_page.goto(f"{live_server.url}/needs/{need.pk}/")
    toggle_elder_mode(neighbour_page)
    neighbour_page.locator("#support button[type=submit]").click()
    neighbour_page.locator("#support").get_by_text(re.compile("1")).first.wait_for()
    neighbour_page.locator("#support button", has_text=re.compile("Withdraw|撤")).wait_for()
    need.refresh_from_db()
    assert need.support_count == 1

    # 3. A community worker adopts it with a public reply: the matter page opens.
    worker_page = new_context().new_page()
    login(worker_page, live_server, world.users["community_worker"].phone)
    worker_page.goto(f"{live_server.url}/needs/{need.pk}/")
    worker_page.locator("#triage input[name=to_status][value=adopted]").check()
    worker_page.locator("#triage textarea[name=reply]").fill(REPLY)
    with worker_page.expect_navigation():
        worker_page.locator("#triage form").first.locator("button[type=submit]").click()

    matter = Matter.objects.get(opened_from=need)
    assert worker_page.url.endswith(f"/matters/{matter.pk}/")
    timeline = worker_page.locator(".timeline")
    assert TITLE in timeline.inner_text()
    assert REPLY in timeline.inner_text()
    assert_accessible(worker_page)

    # 4. 张三 reads the reply in the inbox and follows it back to the need.
    resident_page.goto(f"{live_server.url}/inbox/")
    inbox = resident_page.locator("main")
    assert REPLY in inbox.inner_text()
    with resident_page.expect_navigation():
        inbox.locator("li", has_text=REPLY).get_by_role("button").click()
    assert f"/needs/{need.pk}/" in resident_page.url
    assert "matters" in resident_page.locator("main").inner_html()
    need.refresh_from_db()
    assert need.status == Need.Status.ADOPTED
