"""Read-aloud (朗读): the browser's speech synthesis reads <main>; a second press stops it."""

import pytest

pytestmark = pytest.mark.e2e

# A stand-in for window.speechSynthesis that records what the page asks it to say;
# headless Chromium has no voices, so the real one would say nothing we could check.
FAKE_SPEECH = """
(() => {
  window.__spoken = [];
  window.__cancelled = 0;
  const fake = {
    speaking: false,
    speak(u) { window.__spoken.push({text: u.text, lang: u.lang}); },
    cancel() { window.__cancelled += 1; },
    getVoices() { return []; },
  };
  Object.defineProperty(window, 'speechSynthesis', {value: fake, configurable: true});
})();
"""
NO_SPEECH = "delete window.speechSynthesis; delete Window.prototype.speechSynthesis;"


def button(page):
    return page.locator("#read-aloud")


def test_it_reads_the_main_content_in_chinese_and_stops_on_second_press(new_context, live_server):
    context = new_context()
    context.add_init_script(FAKE_SPEECH)
    page = context.new_page()
    page.goto(live_server.url + "/")
    heading = page.locator("main h1").inner_text()

    button(page).click()

    spoken = page.evaluate("() => window.__spoken")
    assert spoken, "nothing was spoken"
    assert {u["lang"] for u in spoken} == {"zh-CN"}
    assert heading in " ".join(u["text"] for u in spoken)
    assert "Elder mode" not in " ".join(u["text"] for u in spoken)  # only <main> is read
    assert button(page).get_attribute("aria-pressed") == "true"

    button(page).click()

    assert button(page).get_attribute("aria-pressed") == "false"
    assert page.evaluate("() => window.__cancelled") >= 2  # once before speaking, once to stop


def test_it_reads_in_english_on_english_pages(new_context, live_server):
    context = new_context(locale="en-US")
    context.add_init_script(FAKE_SPEECH)
    page = context.new_page()
    page.goto(live_server.url + "/")

    button(page).click()

    assert {u["lang"] for u in page.evaluate("() => window.__spoken")} == {"en-US"}


def test_button_stays_hidden_without_speech_synthesis(new_context, live_server):
    context = new_context()
    context.add_init_script(NO_SPEECH)
    page = context.new_page()
    page.goto(live_server.url + "/")

    assert page.evaluate("() => 'speechSynthesis' in window") is False
    assert button(page).is_hidden()


def test_button_is_shown_when_the_browser_can_speak(page, live_server):
    page.goto(live_server.url + "/")

    assert page.evaluate("() => 'speechSynthesis' in window") is True
    assert button(page).is_visible()
