/* Draws the EHR page's charts from the Vega-Lite specs embedded in the page. */
(function () {
  "use strict";
  function drawOne(holderId, specId) {
    var holder = document.getElementById(holderId);
    var source = document.getElementById(specId);
    if (!holder || !source || typeof window.vegaEmbed !== "function") { return; }
    window.vegaEmbed(holder, JSON.parse(source.textContent), window.clinwellChartOptions({ renderer: "svg" }))
      .then(function () { holder.setAttribute("data-ready", "true"); })
      .catch(function () { holder.hidden = true; });
  }
  function draw() {
    drawOne("ehr-chart", "ehr-chart-spec");
    drawOne("ehr-trend", "ehr-trend-spec");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
