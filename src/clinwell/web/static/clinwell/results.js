/* Render the Vega-Lite charts of the results pages with the vendored vega-embed.
   Each chart's spec is a <script type="application/json"> next to its container; the
   container carries the chart's text alternative (role="img" + aria-label), and a data
   table follows, so the page reads the same without JavaScript. */
(function () {
  "use strict";
  function render() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      var options = window.clinwellChartOptions((spec.usermeta && spec.usermeta.embedOptions) || {});
      window.vegaEmbed(el, spec, options).then(function () {
        el.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
      }).catch(function (err) { el.textContent = "The chart could not be drawn; see the data table."; console.error(err); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", render); } else { render(); }
})();

/* A table wider than its box scrolls sideways; say so above it (the last columns are
   otherwise easy to miss on a laptop), and drop the note once everything fits. */
(function () {
  "use strict";
  function hint(wrap) {
    var note = wrap.previousElementSibling;
    var has = note && note.classList.contains("scroll-hint");
    var wide = wrap.scrollWidth > wrap.clientWidth + 1;
    if (wide && !has) {
      note = document.createElement("p");
      note.className = "scroll-hint small muted";
      note.textContent = "This table is wider than the screen: scroll it sideways to see every column.";
      wrap.parentNode.insertBefore(note, wrap);
    } else if (!wide && has) {
      note.remove();
    }
  }
  function all() { document.querySelectorAll(".table-wrap").forEach(hint); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", all); } else { all(); }
  window.addEventListener("resize", all);
})();
