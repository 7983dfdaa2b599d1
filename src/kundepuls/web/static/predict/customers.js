// The RFM segment chart of the customers page, drawn with Plotly.js (served offline at
// /vendor/plotly.min.js). The table beside it carries the same numbers.
(function () {
  "use strict";

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function draw() {
    var el = document.getElementById("segments-chart");
    var source = document.getElementById("chart-data");
    if (!el || !source || typeof Plotly === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (!data.labels.length) { return; }
    var lang = document.documentElement.lang || "nb";
    var labels = data.labels.slice().reverse();
    var custom = data.labels.map(function (_, i) {
      return [data.share[i], data.mean_clv[i] === null ? "–" : data.mean_clv[i]];
    }).reverse();
    Plotly.newPlot(el, [{
      type: "bar", orientation: "h", y: labels, x: data.customers.slice().reverse(),
      customdata: custom, marker: { color: css("--brand") },
      text: data.customers.slice().reverse(), textposition: "auto",
      hovertemplate: "%{y}: %{x} (%{customdata[0]} %)<br>" + data.value_label +
        ": %{customdata[1]:,.0f}<extra></extra>",
    }], {
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: getComputedStyle(document.body).fontFamily, color: css("--text"), size: 13 },
      separators: lang === "nb" ? ", " : ".,",
      height: Math.max(260, 40 * labels.length + 80),
      margin: { l: 10, r: 20, t: 10, b: 50 },
      xaxis: { title: { text: data.axis }, gridcolor: css("--line"), rangemode: "tozero",
               automargin: true },
      yaxis: { automargin: true },
    }, { displaylogo: false, responsive: true,
         modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
