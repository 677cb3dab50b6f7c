"""Browser tests: Debian's Chromium driven by Playwright's sync API, axe-core for accessibility.

Pages come from pytest-django's `live_server`, which serves static files through
django.contrib.staticfiles' handler whatever DEBUG says. Data is built with the `world`
fixture and factories, never the demo.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
# in the same thread are still synchronous, so Django's async-safety check must be lifted.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct-horse-9"
PHONE_LABEL = re.compile(r"Mobile number|手机号")
PASSWORD_LABEL = re.compile(r"^(Password|密码)")


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests on a machine without Chromium instead of failing them."""
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser):
    """Open a browser context like a phone (390×844, Chinese); close it after the test."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", PHONE)
        options.setdefault("locale", "zh-CN")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A fresh page in a fresh phone-sized context."""
    return new_context().new_page()


def login(page, live_server, phone: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(PHONE_LABEL).fill(phone)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    with page.expect_navigation():
        page.locator("main").get_by_role("button").last.click()
    assert "/accounts/login/" not in page.url, "login failed"


def axe_check(page) -> list[dict]:
    """Run axe-core on the page; return its serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    """Say what axe found, for an assertion message."""
    lines = []
    for v in violations:
        targets = ", ".join(str(node["target"]) for node in v["nodes"][:5])
        lines.append(f"{v['impact']} {v['id']}: {v['help']} at {targets}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail with axe's findings when the page has serious or critical violations."""
    violations = axe_check(page)
    assert violations == [], describe(violations)


def toggle_elder_mode(page) -> None:
    """Press the elder-mode switch and wait for the page to come back."""
    with page.expect_navigation():
        page.locator("#elder-switch").click()


def body_font_size(page) -> float:
    """The computed font size of <body>, in CSS pixels."""
    return page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
