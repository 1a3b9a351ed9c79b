// Respondent form enhancements. The form works without this script; with it, answers are
// kept while in progress (a dropped connection or a reload loses nothing) and a progress
// bar shows how much is answered.
//
// Drafts are for this respondent only, on a device others may use next:
// - kept in sessionStorage (this browser tab only; gone when the tab or browser closes),
//   never in localStorage, and cleared once the response is recorded;
// - stored under a name and encrypted (AES-GCM) with a key, both derived in the browser
//   from the survey link (SHA-256 of the link path with a purpose label). Nothing in the
//   name identifies the person; the server and its database never see the name or the
//   key, and another link in another tab can neither find nor read the draft;
// - dropped after two hours without a change;
// - announced when put back, with a button to clear them ("Not yours?").
// Without Web Crypto (an insecure context) no draft is kept.
(function () {
  "use strict";
  var SUBMITTED = "clinwell:submitted";
  var MAX_AGE_MS = 2 * 60 * 60 * 1000;
  var subtle = window.crypto && window.crypto.subtle;
  var encoder = new TextEncoder();

  function digest(label) {
    return subtle.digest("SHA-256", encoder.encode(label + location.pathname));
  }
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function draftName() {
    return digest("clinwell-draft-name:").then(function (d) { return "clinwell-draft:" + hex(d); });
  }
  function draftKey() {
    return digest("clinwell-draft-key:").then(function (d) {
      return subtle.importKey("raw", d, "AES-GCM", false, ["encrypt", "decrypt"]);
    });
  }
  function b64(bytes) { return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes))); }
  function unb64(text) { return Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); }); }

  function forget(name) {
    try { sessionStorage.removeItem(name); } catch (e) { /* storage may be disabled */ }
  }

  var form = document.querySelector("form[data-survey]");
  if (!form) {
    // The thank-you page: forget the draft of the form just submitted.
    try {
      var done = sessionStorage.getItem(SUBMITTED);
      if (done) { forget(done); sessionStorage.removeItem(SUBMITTED); }
    } catch (e) { /* storage may be disabled */ }
    return;
  }
  var progress = document.querySelector("[data-progress]");
  var bar = progress && progress.querySelector("progress");
  var text = progress && progress.querySelector("[data-progress-text]");
  var saved = document.querySelector("[data-saved]");
  var restored = document.querySelector("[data-restored]");
  var questions = Array.prototype.slice.call(form.querySelectorAll("[name^='q:']"))
    .map(function (el) { return el.name; })
    .filter(function (name, i, all) { return all.indexOf(name) === i; });

  function values() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "nonce") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      if (el.value !== "") out[el.name] = el.value;
    });
    return out;
  }

  function fill(stored) {
    var any = false;
    Object.keys(stored).forEach(function (name) {
      var fields = form.querySelectorAll("[name='" + name.replace(/'/g, "\\'") + "']");
      Array.prototype.forEach.call(fields, function (el) {
        if (el.type === "radio") {
          if (!form.querySelector("[name='" + name + "']:checked") && el.value === stored[name]) {
            el.checked = true;
            any = true;
          }
        } else if (el.value === "") {
          el.value = stored[name];
          any = true;
        }
      });
    });
    return any;
  }

  function showProgress() {
    var current = values();
    var answered = questions.filter(function (name) { return current[name] !== undefined; }).length;
    if (bar) {
      bar.value = answered;
      text.textContent = answered + " of " + questions.length + " answered";
    }
  }

  if (progress) { progress.hidden = false; progress.removeAttribute("aria-hidden"); }
  showProgress();
  form.addEventListener("change", showProgress);
  form.addEventListener("input", showProgress);
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    // A double click sends one request; a retry after a network error is still safe
    // because the server records a link only once.
    if (button) { setTimeout(function () { button.disabled = true; }, 0); }
  });
  if (!subtle) return;

  Promise.all([draftName(), draftKey()]).then(function (both) {
    var name = both[0];
    var key = both[1];

    function save() {
      var iv = window.crypto.getRandomValues(new Uint8Array(12));
      var plain = encoder.encode(JSON.stringify({ at: Date.now(), values: values() }));
      return subtle.encrypt({ name: "AES-GCM", iv: iv }, key, plain).then(function (sealed) {
        try {
          sessionStorage.setItem(name, b64(iv) + "." + b64(sealed));
          if (saved) saved.hidden = false;
        } catch (e) { /* storage disabled or full: nothing to keep */ }
      });
    }

    function restore() {
      var raw = null;
      try { raw = sessionStorage.getItem(name); } catch (e) { raw = null; }
      if (!raw || raw.indexOf(".") < 0) return Promise.resolve();
      var parts = raw.split(".");
      return subtle.decrypt({ name: "AES-GCM", iv: unb64(parts[0]) }, key, unb64(parts[1]))
        .then(function (plain) {
          var draft = JSON.parse(new TextDecoder().decode(plain));
          if (!draft || Date.now() - draft.at > MAX_AGE_MS) { forget(name); return; }
          if (fill(draft.values || {}) && restored) { restored.hidden = false; }
          showProgress();
        })
        .catch(function () { forget(name); });
    }

    var clear = document.querySelector("[data-clear-draft]");
    if (clear) {
      clear.addEventListener("click", function () {
        forget(name);
        form.reset();
        if (restored) restored.hidden = true;
        showProgress();
      });
    }
    restore().then(function () {
      form.addEventListener("change", save);
      form.addEventListener("input", save);
      form.addEventListener("submit", function () {
        try { sessionStorage.setItem(SUBMITTED, name); } catch (e) { /* ignore */ }
      });
    });
  });
})();
