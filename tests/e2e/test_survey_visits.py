"""Door-to-door visits on a phone: a grid worker works through a building's visit list.

One household is not at home, two answer (one after a dropped connection and a reload), a
resident answers online, and the coverage page counts it all.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.core.testing import factories as f
from gongzhi.surveys.models import Participation, Question, Response, Visit, VisitDraft
from gongzhi.surveys.respond_services import issue_household_codes
from gongzhi.surveys.tests.factories import OptionFactory, QuestionFactory, SurveyFactory

from .conftest import axe_check, describe, login

pytestmark = pytest.mark.e2e

DRAFT_URL = re.compile(r".*/visits/\d+/draft/$")
STATUS_IS_OFFLINE = """() => {
  const form = document.querySelector("form[data-draft-url]");
  return form.querySelector("[data-draft-status]").textContent
    === form.getAttribute("data-msg-offline");
}"""


@pytest.fixture
def visit_world(world):
    """The world, with households 101-103 beside 张三's (104) in building 1 and a survey."""
    dwelling = world.resident.household.dwelling
    dwelling.number = "104"
    dwelling.save()
    for number, name in (("101", "王大妈"), ("102", "李师傅"), ("103", "赵老师")):
        f.ResidentFactory(
            household__dwelling__building=world.building,
            household__dwelling__number=number,
            name=name,
        )
    survey = SurveyFactory(community=world.community, title="艺术舞台意见征集", status="open")
    stage = QuestionFactory(
        survey=survey, kind=Question.Kind.SINGLE, position=0, text="舞台建在哪里"
    )
    for i, label in enumerate(("小区广场", "社区公园", "不建")):
        OptionFactory(question=stage, position=i, label=label)
    noisy = QuestionFactory(survey=survey, kind=Question.Kind.YES_NO, position=1, text="担心噪音吗")
    QuestionFactory(
        survey=survey,
        kind=Question.Kind.SHORT_TEXT,
        position=2,
        text="什么时间最怕吵",
        show_if_question=noisy,
        show_if_values=["yes"],
    )
    world.survey = survey
    return world


def choose(page, question_text: str, value: str) -> None:
    """Tap the answer row of a choice question (by its value: option id, yes/no)."""
    block = page.locator("[data-question]", has_text=question_text)
    block.locator(f"label.choice:has(input[value='{value}'])").click()


def open_household(page, number: str) -> None:
    with page.expect_navigation():
        page.locator(".visit-list").get_by_role("link", name=re.compile(f"^{number}")).click()
    assert number in page.locator("h1").inner_text()


def row_text(page, number: str) -> str:
    return page.locator(".visit-row", has_text=number).inner_text()


def test_a_grid_worker_works_through_a_building_then_coverage_counts_it(
    new_context, live_server, visit_world
):
    world = visit_world
    survey = world.survey
    stage = survey.questions.get(position=0)
    square = stage.options.get(label="小区广场").pk
    park = stage.options.get(label="社区公园").pk
    context = new_context()
    page = context.new_page()
    login(page, live_server, world.users["grid_worker"].phone)

    page.goto(f"{live_server.url}/surveys/{survey.pk}/visits/")
    rows = page.locator(".visit-row")
    assert rows.count() == 4
    assert "王*妈" in rows.first.inner_text() and "王大妈" not in page.content()
    assert axe_check(page) == [], describe(axe_check(page))

    # 101: nobody at home; come back in two days.
    open_household(page, "101")
    page.locator("#outcome-not-home summary").click()
    revisit = (timezone.localdate() + timedelta(days=2)).isoformat()
    page.locator("#revisit_on").fill(revisit)
    with page.expect_navigation():
        page.locator("#outcome-not-home button[type=submit]").click()
    assert "not_home" not in row_text(page, "101")  # shown as words, not a code
    assert Visit.objects.get(household__dwelling__number="101").revisit_on.isoformat() == revisit

    # 102: answers; the phone drops its connection half-way and the page is reloaded.
    open_household(page, "102")
    assert axe_check(page) == [], describe(axe_check(page))
    follow_up = page.locator("[data-question]", has_text="什么时间最怕吵")
    assert follow_up.is_hidden()  # shown only after "yes", live
    choose(page, "舞台建在哪里", str(park))
    choose(page, "担心噪音吗", "yes")
    assert follow_up.is_visible()
    follow_up.locator("input").fill("晚上九点以后")
    page.locator("[data-draft-status]", has_text=re.compile(r"\d:\d\d")).wait_for()
    draft = VisitDraft.objects.get(household__dwelling__number="102")
    assert draft.data[f"q{stage.pk}"] == [str(park)]
    # The connection drops: the change reaches only the phone's storage.
    page.route(DRAFT_URL, lambda route: route.abort())
    choose(page, "舞台建在哪里", str(square))
    page.wait_for_function(STATUS_IS_OFFLINE)
    draft.refresh_from_db()
    assert draft.data[f"q{stage.pk}"] == [str(park)]
    page.unroute(DRAFT_URL)
    page.reload()
    assert page.locator(f"input[value='{square}']").is_checked()
    assert page.locator("input[value='yes']").is_checked()
    assert follow_up.locator("input").input_value() == "晚上九点以后"
    with page.expect_navigation():
        page.locator("button[name=outcome][value=answered]").click()
    assert "101" in page.locator(".visit-list").inner_text()

    # 103: answers "no", so the follow-up question stays away.
    open_household(page, "103")
    choose(page, "舞台建在哪里", str(square))
    choose(page, "担心噪音吗", "no")
    assert page.locator("[data-question]", has_text="什么时间最怕吵").is_hidden()
    with page.expect_navigation():
        page.locator("button[name=outcome][value=answered]").click()

    answered = Response.objects.filter(survey=survey, channel="visit")
    assert answered.count() == 2
    by_home = {
        r.household.dwelling.number: r for r in answered.select_related("household__dwelling")
    }
    texts = list(by_home["102"].answers.exclude(text="").values_list("text", flat=True))
    assert texts == ["晚上九点以后"]
    assert by_home["102"].answers.get(question=stage).option_id == square
    assert not by_home["103"].answers.exclude(text="").exists()

    # A resident (张三, 104) answers online on their own phone.
    resident_page = new_context().new_page()
    login(resident_page, live_server, world.users["resident"].phone)
    resident_page.goto(f"{live_server.url}/surveys/{survey.pk}/answer/")
    assert axe_check(resident_page) == [], describe(axe_check(resident_page))
    choose(resident_page, "舞台建在哪里", str(park))
    choose(resident_page, "担心噪音吗", "no")
    with resident_page.expect_navigation():
        resident_page.locator("form.answer-form button[type=submit]").click()
    assert resident_page.locator(".notice").count() >= 1
    assert Participation.objects.filter(survey=survey, channel="online").count() == 1

    # The coverage page counts it all: building 1 has 4 households, all reached.
    page.goto(f"{live_server.url}/surveys/{survey.pk}/coverage/")
    building_row = page.locator(".coverage-table").last.locator(
        f"tr[data-key='{world.building.pk}']"
    )
    cells = building_row.locator("td").all_inner_texts()
    assert [c.split()[0] for c in cells] == ["4", "4", "3", "1", "0", "1"]
    assert page.locator("#cov-answered dd").inner_text().startswith("3")
    assert page.locator("#cov-households dd").inner_text() == "5"  # with 李四 in building 2
    to_visit = page.locator(".to-visit-table").inner_text()
    assert "101" in to_visit and "102" not in to_visit
    assert axe_check(page) == [], describe(axe_check(page))


def test_the_visit_questionnaire_works_without_javascript(new_context, live_server, visit_world):
    world = visit_world
    survey = world.survey
    page = new_context(java_script_enabled=False).new_page()
    login(page, live_server, world.users["grid_worker"].phone)

    page.goto(f"{live_server.url}/surveys/{survey.pk}/visits/")
    open_household(page, "103")
    follow_up = page.locator("[data-question]", has_text="什么时间最怕吵")
    assert follow_up.is_visible()
    assert follow_up.locator(".show-if-note").is_visible()
    stage = survey.questions.get(position=0)
    choose(page, "舞台建在哪里", str(stage.options.first().pk))
    with page.expect_navigation():
        page.locator("button[name=outcome][value=answered]").click()

    # "Do you worry about noise?" was not answered: the page says so and keeps the choice.
    assert page.locator(".errorlist").count() == 1
    assert page.locator(f"input[value='{stage.options.first().pk}']").is_checked()
    assert not Response.objects.exists()


def test_the_poster_code_page_and_paper_entry_are_accessible(new_context, live_server, visit_world):
    world = visit_world
    survey = world.survey
    issue_household_codes(survey=survey, actor=None)
    page = new_context().new_page()
    login(page, live_server, world.users["community_admin"].phone)
    base = f"{live_server.url}/surveys/{survey.pk}"

    for path in (f"/poster/{world.building.pk}/", f"/slips/{world.building.pk}/", "/paper/"):
        page.goto(base + path)
        assert axe_check(page) == [], (path, describe(axe_check(page)))
    page.goto(f"{live_server.url}/surveys/s/{survey.pk}/")
    assert axe_check(page) == [], describe(axe_check(page))
