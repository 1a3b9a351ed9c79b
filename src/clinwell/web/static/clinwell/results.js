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
