/* Gongzhi page helpers: read-aloud of the main content (DOMAIN.md §7) and keyboard access to
   sideways-scrolling tables. No framework.
   Every form works without this file; it only adds what needs a browser API. */
(function () {
  "use strict";

  // Chrome stops long utterances after about 15 seconds, so speak sentence by sentence.
  var MAX_CHUNK = 160;

  function chunks(text) {
    var out = [];
    // Lines are blocks of the page; within a line, end a chunk after a sentence mark.
    // (No look-behind in the pattern: older phone browsers cannot parse it.)
    text.split(/\n+/).forEach(function (line) {
      var sentences = line.match(/[^。！？；!?;]+[。！？；!?;]*/g) || [];
      sentences.forEach(function (part) {
        part = part.replace(/\s+/g, " ").trim();
        while (part.length > MAX_CHUNK) {
          var cut = part.lastIndexOf(" ", MAX_CHUNK);
          if (cut < MAX_CHUNK / 2) cut = MAX_CHUNK;
          out.push(part.slice(0, cut));
          part = part.slice(cut).trim();
        }
        if (part) out.push(part);
      });
    });
    return out;
  }

  function pickVoice(synth, lang) {
    var prefix = lang.slice(0, 2).toLowerCase();
    var voices = synth.getVoices ? synth.getVoices() : [];
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.toLowerCase().indexOf(prefix) === 0) return voices[i];
    }
    return null;
  }

  function setUpReadAloud() {
    var button = document.getElementById("read-aloud");
    var main = document.getElementById("main");
    if (!button || !main || !("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) {
      return;
    }
    var synth = window.speechSynthesis;
    var lang = button.getAttribute("data-speech-lang") || "zh-CN";
    var elder = document.documentElement.classList.contains("elder");
    var reading = false;

    function setReading(on) {
      reading = on;
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }

    function stop() {
      synth.cancel();
      setReading(false);
    }

    function start() {
      var parts = chunks(main.innerText || "");
      if (!parts.length) return;
      synth.cancel();
      var voice = pickVoice(synth, lang);
      setReading(true);
      parts.forEach(function (text, index) {
        var utterance = new window.SpeechSynthesisUtterance(text);
        utterance.lang = lang;
        if (voice) utterance.voice = voice;
        // A slower pace in elder mode, as care modes of other apps do.
        utterance.rate = elder ? 0.85 : 1;
        if (index === parts.length - 1) {
          utterance.onend = function () { setReading(false); };
        }
        utterance.onerror = function () { setReading(false); };
        synth.speak(utterance);
      });
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      if (reading) stop();
      else start();
    });
    // Leaving the page should not leave the browser talking.
    window.addEventListener("pagehide", function () { if (reading) synth.cancel(); });
  }

  // A table wider than the phone scrolls sideways; keyboard users can only scroll it if the
  // box takes focus, so give overflowing boxes tabindex and a name (its table's caption).
  function markScrollables() {
    var boxes = document.querySelectorAll(".table-scroll, .table-wrap");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var overflowing = box.scrollWidth > box.clientWidth + 1;
      if (overflowing && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-gz-scroll", "");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (caption && !box.hasAttribute("aria-label")) {
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (!overflowing && box.hasAttribute("data-gz-scroll")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-gz-scroll");
      }
    }
  }

  function setUp() {
    setUpReadAloud();
    markScrollables();
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(markScrollables, 150);
    });
    // htmx swaps in new rows (live search); check them too.
    document.body.addEventListener("htmx:afterSettle", markScrollables);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
