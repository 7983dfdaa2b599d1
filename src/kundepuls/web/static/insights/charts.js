// Charts of the insights pages, drawn with Plotly.js (served offline at /vendor/plotly.min.js).
// Each chart is a <div data-chart="kind" data-source="id">; its data sits in a
// <script type="application/json" id="id">. The tables beside the charts carry the same
// numbers for readers without JavaScript or a screen.
(function () {
  "use strict";

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function base(extra) {
    var lang = document.documentElement.lang || "nb";
    var layout = {
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: getComputedStyle(document.body).fontFamily, color: css("--text"), size: 13 },
      margin: { l: 60, r: 20, t: 20, b: 50 },
      separators: lang === "nb" ? ", " : ".,",
      hoverlabel: { namelength: -1 },
    };
    return Object.assign(layout, extra || {});
  }

  var config = { displaylogo: false, responsive: true,
                 modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] };

  function grid() {
    return { gridcolor: css("--line"), zerolinecolor: css("--muted"), automargin: true };
  }

  function drivers(el, data) {
    var n = data.labels.length;
    var labels = data.labels.slice().reverse();
    var value = data.importance.slice().reverse();
    var plus = data.high.map(function (h, i) { return h - data.importance[i]; }).reverse();
    var minus = data.importance.map(function (v, i) { return v - data.low[i]; }).reverse();
    Plotly.newPlot(el, [{
      type: "bar", orientation: "h", y: labels, x: value,
      marker: { color: css("--brand") },
      error_x: { type: "data", symmetric: false, array: plus, arrayminus: minus,
                 color: css("--text"), thickness: 1.5, width: 6 },
      hovertemplate: "%{y}: %{x:.1f}<extra></extra>",
    }], base({ height: Math.max(260, 48 * n + 90), margin: { l: 10, r: 30, t: 10, b: 50 },
               xaxis: Object.assign(grid(), { title: { text: data.axis_importance }, rangemode: "tozero" }),
               yaxis: { automargin: true } }), config);
  }

  function priorities(el, data) {
    var points = data.priorities;
    if (!points.length) { return; }
    var xs = points.map(function (p) { return p.performance; });
    // One driver often explains most of the variation: a log axis keeps the others apart.
    var ys = points.map(function (p) { return Math.max(p.share, 0.1); });
    var mx = xs.reduce(function (a, b) { return a + b; }, 0) / xs.length;
    var logs = ys.map(function (y) { return Math.log10(y); });
    var my = logs.reduce(function (a, b) { return a + b; }, 0) / logs.length;
    var top = Math.log10(Math.max.apply(null, ys) * 2);
    var q = data.quadrants; // fix first, keep, low priority, watch
    function note(x, y, text, anchor, yanchor) {
      return { x: x, y: y, xref: "x", yref: "paper", text: text, showarrow: false,
               xanchor: anchor, yanchor: yanchor, font: { color: css("--muted"), size: 12 } };
    }
    Plotly.newPlot(el, [{
      type: "scatter", mode: "markers+text", x: xs, y: ys,
      // Only the first priorities are named on the chart (the rest crowd the low corner).
      text: points.map(function (p, i) { return i < 4 ? p.label : ""; }),
      customdata: points.map(function (p) { return p.label; }), textposition: "top center",
      marker: { size: 13, color: css("--brand"), line: { color: css("--surface"), width: 1 } },
      hovertemplate: "%{customdata}<br>%{x:.0f} % / %{y:.1f} %<extra></extra>",
      cliponaxis: false,
    }], base({
      height: 440, showlegend: false,
      xaxis: Object.assign(grid(), { title: { text: data.axis_performance }, range: [0, 100] }),
      yaxis: Object.assign(grid(), { title: { text: data.axis_share }, type: "log",
                                     range: [-1.1, top], tickvals: [0.1, 1, 10, 100] }),
      shapes: [
        { type: "line", x0: mx, x1: mx, yref: "paper", y0: 0, y1: 1,
          line: { color: css("--muted"), dash: "dot" } },
        { type: "line", xref: "paper", x0: 0, x1: 1, y0: Math.pow(10, my), y1: Math.pow(10, my),
          line: { color: css("--muted"), dash: "dot" } },
      ],
      annotations: [note(1, 1, q[0], "left", "top"), note(99, 1, q[1], "right", "top"),
                    note(1, 0, q[2], "left", "bottom"), note(99, 0, q[3], "right", "bottom")],
    }), config);
  }

  function change(el, data) {
    var segs = data.segments.slice().reverse();
    var mix = data.mix.slice().reverse();
    var rate = data.rate.slice().reverse();
    var total = data.contribution.slice().reverse();
    var bar = function (name, values, color) {
      return { type: "bar", orientation: "h", name: name, y: segs, x: values,
               marker: { color: color }, hovertemplate: name + " %{y}: %{x:+.2f}<extra></extra>" };
    };
    Plotly.newPlot(el, [
      bar(data.names.rate, rate, css("--brand")),
      bar(data.names.mix, mix, css("--warn")),
      { type: "scatter", mode: "markers", name: data.names.contribution, y: segs, x: total,
        marker: { symbol: "diamond", size: 11, color: css("--text") },
        hovertemplate: data.names.contribution + " %{y}: %{x:+.2f}<extra></extra>" },
    ], base({ barmode: "relative", height: Math.max(300, 36 * segs.length + 110),
              margin: { l: 10, r: 20, t: 10, b: 40 },
              legend: { orientation: "h", y: -0.12 },
              xaxis: Object.assign(grid(), { zeroline: true }), yaxis: { automargin: true } }), config);
  }

  function heatmap(el, data) {
    var hours = []; for (var h = 0; h < 24; h++) { hours.push(String(h).padStart(2, "0")); }
    var n = data.n;
    Plotly.newPlot(el, [
      { type: "heatmap", z: data.grey, x: hours, y: data.days, showscale: false,
        colorscale: [[0, css("--line")], [1, css("--line")]], customdata: n,
        hovertemplate: "%{y} %{x}: " + data.low + " (n = %{customdata})<extra></extra>", xgap: 2, ygap: 2 },
      // Red where the KPI is worst: high values of a KPI where lower is better.
      { type: "heatmap", z: data.value, x: hours, y: data.days, colorscale: "YlOrRd",
        reversescale: data.lower_is_better,
        customdata: n, xgap: 2, ygap: 2, colorbar: { title: { text: "" }, thickness: 14 },
        hovertemplate: "%{y} %{x}: %{z:.1f} (n = %{customdata})<extra></extra>" },
    ], base({ height: 380, margin: { l: 10, r: 10, t: 10, b: 50 },
              xaxis: { title: { text: data.hour }, type: "category" },
              yaxis: { autorange: "reversed", automargin: true, type: "category" } }), config);
  }

  var draw = { drivers: drivers, priorities: priorities, change: change, heatmap: heatmap };

  function start() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      var fn = draw[el.dataset.chart];
      if (!source || !fn) { return; }
      fn(el, JSON.parse(source.textContent));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
