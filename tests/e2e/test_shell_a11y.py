"""The page shell in a real browser: axe finds nothing serious; the language switch works."""

import re

import pytest

from .conftest import PHONE_LABEL, assert_accessible, login, toggle_elder_mode

pytestmark = pytest.mark.e2e


def test_home_is_accessible_for_visitors(page, live_server):
    page.goto(live_server.url + "/")

    assert_accessible(page)


def test_login_page_is_accessible_with_and_without_errors(page, live_server, db):
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)

    page.get_by_label(PHONE_LABEL).fill("13800000000")
    with page.expect_navigation():
        page.locator("main").get_by_role("button").last.click()

    assert page.locator(".form-errors").is_visible()
    assert_accessible(page)


def test_home_is_accessible_in_elder_mode(page, live_server):
    page.goto(live_server.url + "/")
    toggle_elder_mode(page)

    assert "elder" in page.locator("html").get_attribute("class")
    assert_accessible(page)


def test_workers_home_is_accessible_in_both_modes(page, live_server, world):
    login(page, live_server, world.users["community_worker"].phone)
    assert page.get_by_role("navigation", name=re.compile("Main|主")).is_visible()
    assert_accessible(page)

    toggle_elder_mode(page)

    assert_accessible(page)


def test_language_switch_to_english_changes_the_visible_text(page, live_server, db):
    page.goto(live_server.url + "/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    chinese = page.locator("main").inner_text()
    # Django's own catalogue is complete, so the password label is Chinese already.
    assert "密码" in chinese

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()

    assert page.url == live_server.url + "/accounts/login/"
    assert page.locator("html").get_attribute("lang") == "en"
    english = page.locator("main").inner_text()
    assert english != chinese
    assert "Password" in english
    assert page.get_by_role("button", name="English").get_attribute("aria-current") == "true"

    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()

    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("main").inner_text() == chinese


def test_skip_link_moves_focus_to_the_main_content(page, live_server):
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")

    assert page.evaluate("() => document.activeElement.id") == "main"
