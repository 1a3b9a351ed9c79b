// A clinician's own results across survey waves, kept only in their browser.
//
// Opt-in: nothing is stored until the clinician presses "Keep a copy in this browser".
// The copy lives in this browser's localStorage under one name, holds the day and each
// measure's label and value, and is never sent anywhere: the server keeps no link between
// a person and their answers (docs/privacy.md). On the next feedback page the earlier
// copies are shown beside the new results, and one button deletes them all.
(function () {
  "use strict";
  var NAME = "clinwell:my-results";
  var MAX_ENTRIES = 12;
  var section = document.querySelector("[data-keep]");
  var source = document.getElementById("clinwell-my-results");
  if (!section || !source) return;

  var today;
  try { today = JSON.parse(source.textContent) || []; } catch (e) { return; }
  var storage;
  try { storage = window.localStorage; storage.getItem(NAME); } catch (e) { return; }

  function load() {
    try {
      var list = JSON.parse(storage.getItem(NAME) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }
  function day() {
    var d = new Date();
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
  }
  function readable(isoDay) {
    var d = isoDay ? new Date(isoDay + "T12:00:00") : null;
    if (!d || isNaN(d.getTime())) return "Earlier";
    return d.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
  }
  function cell(tag, text, scope) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (scope) el.setAttribute("scope", scope);
    return el;
  }

  var earlier = section.querySelector("[data-keep-earlier]");
  var head = section.querySelector("[data-keep-head]");
  var body = section.querySelector("[data-keep-body]");
  var save = section.querySelector("[data-keep-save]");
  var forget = section.querySelector("[data-keep-forget]");
  var status = section.querySelector("[data-keep-status]");

  function showEarlier(list) {
    head.textContent = "";
    body.textContent = "";
    var shown = list.slice(-3);
    if (!shown.length) { earlier.hidden = true; return; }
    var row = document.createElement("tr");
    row.appendChild(cell("th", "Measure", "col"));
    shown.forEach(function (entry) { row.appendChild(cell("th", readable(entry.day), "col")); });
    row.appendChild(cell("th", "Today", "col"));
    head.appendChild(row);
    today.forEach(function (item) {
      var tr = document.createElement("tr");
      tr.appendChild(cell("th", item.label, "row"));
      shown.forEach(function (entry) {
        var value = entry.values && entry.values[item.key];
        tr.appendChild(cell("td", value ? value[1] : "—"));
      });
      tr.appendChild(cell("td", item.value));
      body.appendChild(tr);
    });
    earlier.hidden = false;
  }

  var list = load();
  showEarlier(list);
  forget.hidden = list.length === 0;
  section.hidden = false;

  save.addEventListener("click", function () {
    var values = {};
    today.forEach(function (item) { values[item.key] = [item.label, item.value]; });
    var stored = load();
    stored.push({ day: day(), values: values });
    try {
      storage.setItem(NAME, JSON.stringify(stored.slice(-MAX_ENTRIES)));
    } catch (e) {
      status.textContent = "This browser would not keep the copy (its storage is off or full).";
      return;
    }
    save.disabled = true;
    forget.hidden = false;
    status.textContent = "Kept in this browser. Next time you answer here, you will see these results beside the new ones.";
  });
  forget.addEventListener("click", function () {
    try { storage.removeItem(NAME); } catch (e) { /* nothing to delete */ }
    showEarlier([]);
    save.disabled = false;
    forget.hidden = true;
    status.textContent = "Your saved results are deleted from this browser.";
  });
})();
