// Respondent form enhancements. The form works without this script; with it, answers are
// kept on this device while in progress (a dropped connection or closed tab loses nothing)
// and a progress bar shows how much is answered.
(function () {
  "use strict";
  var SUBMITTED = "clinwell:submitted";
  var form = document.querySelector("form[data-survey]");
  if (!form) {
    // The thank-you page: forget the answers saved for the form just submitted.
    try {
      var done = sessionStorage.getItem(SUBMITTED);
      if (done) { localStorage.removeItem(done); sessionStorage.removeItem(SUBMITTED); }
    } catch (e) { /* storage may be disabled */ }
    return;
  }
  var key = form.getAttribute("data-storage-key");
  var progress = document.querySelector("[data-progress]");
  var bar = progress && progress.querySelector("progress");
  var text = progress && progress.querySelector("[data-progress-text]");
  var saved = document.querySelector("[data-saved]");
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

  function restore() {
    var stored;
    try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    if (!stored) return;
    Object.keys(stored).forEach(function (name) {
      var fields = form.querySelectorAll("[name='" + name.replace(/'/g, "\\'") + "']");
      Array.prototype.forEach.call(fields, function (el) {
        if (el.type === "radio") {
          if (!form.querySelector("[name='" + name + "']:checked")) el.checked = el.value === stored[name];
        } else if (el.value === "") {
          el.value = stored[name];
        }
      });
    });
  }

  function update() {
    var current = values();
    var answered = questions.filter(function (name) { return current[name] !== undefined; }).length;
    if (bar) {
      bar.value = answered;
      text.textContent = answered + " of " + questions.length + " answered";
    }
    try {
      localStorage.setItem(key, JSON.stringify(current));
      if (saved) saved.hidden = false;
    } catch (e) { /* private browsing: nothing to keep */ }
  }

  if (progress) { progress.hidden = false; progress.removeAttribute("aria-hidden"); }
  restore();
  update();
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  form.addEventListener("submit", function () {
    try { sessionStorage.setItem(SUBMITTED, key); } catch (e) { /* ignore */ }
    var button = form.querySelector("button[type=submit]");
    // A double click sends one request; a retry after a network error is still safe
    // because the server records a link only once.
    if (button) { setTimeout(function () { button.disabled = true; }, 0); }
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
