/* Survey answering forms: live show-if questions and visit drafts that survive a reload.
   Every form works without this file: conditional questions are then all shown with a note
   saying when to answer them, and the server keeps a draft when "Save half-filled" is pressed.
   No framework; written for old phone browsers (no arrow functions, no look-behind). */
(function () {
  "use strict";

  var FIELD = /^(q\d+|respondent)$/;
  var SAVE_DELAY = 600;

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  /* ---------- show-if ---------- */

  function valuesOf(block) {
    var out = [];
    each(block.querySelectorAll("input, textarea, select"), function (el) {
      if (el.disabled) return;
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) out.push(el.value);
      } else if (el.value && el.value.trim()) {
        out.push(el.value.trim());
      }
    });
    return out;
  }

  function setShown(block, shown) {
    block.hidden = !shown;
    each(block.querySelectorAll("input, textarea, select"), function (el) {
      el.disabled = !shown;
    });
  }

  function updateShowIf(container) {
    // In page order: a question's condition refers to an earlier question, already settled.
    each(container.querySelectorAll("[data-question]"), function (block) {
      var ref = block.getAttribute("data-show-if");
      if (!ref) return;
      var source = container.querySelector('[data-question="' + ref + '"]');
      var wanted = (block.getAttribute("data-show-if-values") || "").split(",");
      var shown = false;
      if (source && !source.hidden) {
        valuesOf(source).forEach(function (value) {
          if (wanted.indexOf(value) >= 0) shown = true;
        });
      }
      setShown(block, shown);
    });
  }

  function setUpShowIf(container) {
    container.classList.add("js-live");
    updateShowIf(container);
    container.addEventListener("change", function () { updateShowIf(container); });
    container.addEventListener("input", function () { updateShowIf(container); });
  }

  /* ---------- visit drafts: on the server and on the phone ---------- */

  function readLocal(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function writeLocal(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* private mode or full: the server copy still counts */ }
  }

  function removeLocal(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (e) { /* nothing to remove */ }
  }

  function collect(form) {
    var fields = {};
    each(form.elements, function (el) {
      if (!el.name || !FIELD.test(el.name) || el.disabled) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      if (el.type !== "radio" && el.type !== "checkbox" && !el.value) return;
      (fields[el.name] = fields[el.name] || []).push(el.value);
    });
    return fields;
  }

  function fill(form, fields) {
    each(form.elements, function (el) {
      if (!el.name || !FIELD.test(el.name)) return;
      var given = fields[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = given.indexOf(el.value) >= 0;
      } else {
        el.value = given.length ? given[0] : "";
      }
    });
  }

  function timeNow() {
    var now = new Date();
    var mm = now.getMinutes();
    return now.getHours() + ":" + (mm < 10 ? "0" : "") + mm;
  }

  function setUpDraft(form) {
    var key = form.getAttribute("data-draft-key");
    var url = form.getAttribute("data-draft-url");
    var serverSaved = parseInt(form.getAttribute("data-draft-saved") || "0", 10) * 1000;
    var status = form.querySelector("[data-draft-status]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var timer = null;
    var pending = false;

    function say(attr, fallback) {
      if (!status) return;
      var text = form.getAttribute(attr) || fallback;
      status.textContent = text.replace("{time}", timeNow());
    }

    function send() {
      if (!window.fetch || !window.FormData) return;
      var body = new window.FormData();
      var fields = collect(form);
      Object.keys(fields).forEach(function (name) {
        fields[name].forEach(function (value) { body.append(name, value); });
      });
      if (token) body.append("csrfmiddlewaretoken", token.value);
      window.fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: token ? { "X-CSRFToken": token.value } : {},
      }).then(function (response) {
        // A lapsed session redirects to the login page: that is not a saved draft.
        if (!response.ok || response.redirected) throw new Error("draft not saved");
        pending = false;
        say("data-msg-saved", "Saved {time}");
      }).catch(function () {
        pending = true;
        say("data-msg-offline", "Kept on this phone");
      });
    }

    function save() {
      writeLocal(key, { savedAt: Date.now(), fields: collect(form) });
      send();
    }

    function later() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, SAVE_DELAY);
    }

    var local = readLocal(key);
    if (local && local.fields && local.savedAt > serverSaved) {
      fill(form, local.fields);
      var container = form.querySelector("[data-questionnaire]");
      if (container) updateShowIf(container);
      say("data-msg-restored", "Restored");
      send();
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    window.addEventListener("online", function () { if (pending) send(); });
    form.setAttribute("data-draft-ready", "1");
  }

  /* ---------- small things ---------- */

  function setUp() {
    each(document.querySelectorAll("[data-questionnaire]"), setUpShowIf);
    each(document.querySelectorAll("form[data-draft-url]"), setUpDraft);
    each(document.querySelectorAll("[data-clear-draft]"), function (el) {
      removeLocal(el.getAttribute("data-clear-draft"));
    });
    each(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
