"""Elder mode (长辈模式, DOMAIN.md §7): one switch enlarges text and tap targets, JS or not."""

import pytest

from .conftest import body_font_size, login, toggle_elder_mode

pytestmark = pytest.mark.e2e

PAGES = ["/", "/accounts/login/"]

# Visible controls a finger must hit; links inside running text are exempt (WCAG 2.5.8).
TAP_TARGETS_JS = """
() => [...document.querySelectorAll('button, a, input:not([type=hidden]), select, textarea')]
  .filter(el => !el.closest('p') || el.matches('.button, button'))
  .filter(el => !el.classList.contains('skip-link'))
  .map(el => ({el, box: el.getBoundingClientRect()}))
  .filter(({el, box}) => box.width > 0 && box.height > 0)
  .filter(({el}) => getComputedStyle(el).visibility !== 'hidden')
  .map(({el, box}) => ({
    what: el.outerHTML.slice(0, 80), width: Math.round(box.width), height: Math.round(box.height)
  }))
"""


def switch_height(page) -> float:
    return page.locator("#elder-switch").bounding_box()["height"]


def small_targets(page, minimum: int) -> list[dict]:
    return [
        t for t in page.evaluate(TAP_TARGETS_JS) if t["height"] < minimum or t["width"] < minimum
    ]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_switch_enlarges_text_and_targets_and_back(new_context, live_server, path, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto(live_server.url + path)
    assert body_font_size(page) < 22
    assert page.locator("#elder-switch").get_attribute("aria-pressed") == "false"

    toggle_elder_mode(page)

    assert page.url == live_server.url + path
    assert "elder" in (page.locator("html").get_attribute("class") or "")
    assert page.locator("#elder-switch").get_attribute("aria-pressed") == "true"
    assert body_font_size(page) >= 22
    line_height = page.evaluate("() => parseFloat(getComputedStyle(document.body).lineHeight)")
    assert line_height >= 1.5 * body_font_size(page)
    assert switch_height(page) >= 60

    toggle_elder_mode(page)

    assert "elder" not in (page.locator("html").get_attribute("class") or "")
    assert body_font_size(page) == 18
    assert switch_height(page) < 60


@pytest.mark.parametrize("path", PAGES)
def test_every_tap_target_is_60px_in_elder_mode_and_44px_otherwise(page, live_server, path):
    page.goto(live_server.url + path)
    assert small_targets(page, 44) == []

    toggle_elder_mode(page)

    assert small_targets(page, 60) == []


def test_elder_mode_is_remembered_across_pages(page, live_server):
    page.goto(live_server.url + "/")
    toggle_elder_mode(page)

    page.goto(live_server.url + "/accounts/login/")

    assert body_font_size(page) >= 22


def test_elder_mode_hides_secondary_things(page, live_server, world):
    login(page, live_server, world.users["community_worker"].phone)
    assert page.locator(".user-name").is_visible()

    toggle_elder_mode(page)

    assert not page.locator(".user-name").is_visible()
