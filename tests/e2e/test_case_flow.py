"""A case from patrol to call-back on a phone screen (issue 5's browser story).

A grid worker finds exposed rubbish (01-02 暴露垃圾) that a resident pointed out, photographs
it and files it; the community dispatches it to the grid's unit; a unit member accepts,
starts and replies; the resident answers the call-back online; the call-back counts in the
rates (cases:rates). Data comes from the `world` fixture, never the demo.
"""

import io
import re

import pytest
from PIL import Image

from gongzhi.cases.models import Case, Category, HandlingUnit, Status
from gongzhi.cases.tests.factories import ensure_seeded_categories
from gongzhi.core.testing import factories as f

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def case_world(world, settings, tmp_path):
    """The world plus the grid's handling unit (the grid worker and a second member)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # The live server's database is flushed between tests, seeded categories included.
    ensure_seeded_categories()
    member = f.UserFactory(name="保洁员老周")
    unit = HandlingUnit.objects.create(
        community=world.community, kind="grid", name="第一网格服务组", grid=world.grid
    )
    unit.members.add(world.users["grid_worker"], member)
    world.unit = unit
    world.unit_member = member
    return world


def photo(tmp_path) -> str:
    path = tmp_path / "rubbish.png"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 60)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def exposed_rubbish() -> Category:
    return Category.objects.get(
        community__isnull=True, kind="event", major_code="01", minor_code="02"
    )


def act(page, action: str) -> None:
    """Press the button of one action form on the case page and wait for the page to return."""
    form = page.locator(f"form[action$='/act/{action}/']")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def status_of(case_id: int) -> str:
    return Case.objects.get(pk=case_id).status


def answered_calls(page, live_server, community_id: int) -> str:
    """The total of call-backs answered on the rates page ("0" while there is no row)."""
    page.goto(f"{live_server.url}/cases/rates/?community={community_id}")
    total = page.locator("table.rates-table tfoot td")
    return total.first.inner_text().strip() if total.count() else "0"


def test_patrol_report_to_call_back_moves_the_rates(new_context, live_server, case_world, tmp_path):
    world = case_world
    category = exposed_rubbish()

    # The community admin looks at the rates first: nothing answered yet.
    admin = new_context().new_page()
    login(admin, live_server, world.users["community_admin"].phone)
    assert answered_calls(admin, live_server, world.community.pk) == "0"

    # 1. The grid worker reports on patrol, photo first, on a phone.
    worker = new_context().new_page()
    login(worker, live_server, world.users["grid_worker"].phone)
    worker.goto(f"{live_server.url}/cases/patrol/")
    assert_accessible(worker)
    worker.set_input_files("input[name=photos]", photo(tmp_path))
    worker.select_option("select[name=category]", str(category.pk))
    worker.fill("textarea[name=text]", "1栋垃圾桶外堆满生活垃圾，已经三天没人清")
    worker.select_option("select[name=building]", str(world.building.pk))
    worker.fill("input[name=resident_phone]", world.resident.phone)
    with worker.expect_navigation():
        worker.locator("main form button[type=submit]").last.click()
    match = re.search(r"/cases/(\d+)/$", worker.url)
    assert match, worker.url
    case_id = int(match.group(1))
    assert status_of(case_id) == Status.RECEIVED
    assert worker.locator(".timeline img").count() == 1
    assert Case.objects.get(pk=case_id).reporter == world.users["resident"]

    # 2. The community dispatches it to the grid's unit.
    admin.goto(f"{live_server.url}/cases/{case_id}/")
    admin.select_option("select[name=dispatch-unit]", str(world.unit.pk))
    act(admin, "dispatch")
    assert status_of(case_id) == Status.DISPATCHED

    # 3. The unit accepts, starts and replies.
    member = new_context().new_page()
    login(member, live_server, world.unit_member.phone)
    member.goto(f"{live_server.url}/cases/{case_id}/")
    act(member, "accept")
    act(member, "start")
    member.fill("textarea[name=reply-text]", "已清运垃圾两车，垃圾桶旁增设一个收集点。")
    act(member, "reply")
    assert status_of(case_id) == Status.REPLIED
    assert_accessible(member)

    # 4. The resident sees it in "my reports" and answers the call-back.
    resident = new_context().new_page()
    login(resident, live_server, world.users["resident"].phone)
    resident.goto(f"{live_server.url}/cases/mine/")
    with resident.expect_navigation():
        resident.locator(f"a[href='/cases/{case_id}/']").click()
    assert "已清运垃圾两车" in resident.locator("main").inner_text()
    for question in ("contacted_in_time", "solved", "satisfied"):
        resident.check(f"input[name=answer-{question}][value=yes]")
    act(resident, "answer")
    assert status_of(case_id) == Status.CALLBACK_DONE
    assert_accessible(resident)

    # 5. The rates move: one call-back answered, all three rates at 100%.
    assert answered_calls(admin, live_server, world.community.pk) == "1"
    footer = admin.locator("table.rates-table tfoot").inner_text()
    assert footer.count("100") >= 3


def test_a_resident_reports_without_javascript(new_context, live_server, case_world, tmp_path):
    world = case_world
    page = new_context(java_script_enabled=False).new_page()
    login(page, live_server, world.users["resident"].phone)
    page.goto(f"{live_server.url}/cases/report/")
    assert page.locator("#use-location").is_hidden()  # the location button needs JS

    page.select_option("select[name=category]", str(exposed_rubbish().pk))
    page.fill("textarea[name=text]", "单元门口有人丢弃旧沙发")
    page.fill("input[name=address]", "机械小区1栋单元门口")
    page.set_input_files("input[name=photos]", photo(tmp_path))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()

    case = Case.objects.get()
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert case.channel == Case.Channel.WEB and case.photos.count() == 1
