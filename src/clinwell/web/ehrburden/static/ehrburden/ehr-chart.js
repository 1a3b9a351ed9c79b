/* Draws the WOW8-vs-burnout chart from the Vega-Lite spec embedded in the page. */
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("ehr-chart");
    var source = document.getElementById("ehr-chart-spec");
    if (!holder || !source || typeof window.vegaEmbed !== "function") { return; }
    window.vegaEmbed(holder, JSON.parse(source.textContent), window.clinwellChartOptions({ renderer: "svg" }))
      .then(function () { holder.setAttribute("data-ready", "true"); })
      .catch(function () { holder.hidden = true; });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
