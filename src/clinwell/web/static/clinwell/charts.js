/* Options every chart is drawn with, so that charts render under the site's strict
   Content-Security-Policy: vega's expressions run in its interpreter (no eval), and
   neither vega-embed nor its tooltips add a <style> element of their own (app.css styles
   the tooltip). */
(function () {
  "use strict";
  window.clinwellChartOptions = function (options) {
    var safe = { actions: false, defaultStyle: false, tooltip: { disableDefaultStyle: true } };
    if (window.vegaInterpreter) {
      safe.ast = true;
      safe.expr = window.vegaInterpreter.expressionInterpreter;
    }
    return Object.assign({}, options || {}, safe);
  };
})();
