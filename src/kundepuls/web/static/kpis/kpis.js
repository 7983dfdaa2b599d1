/* KPI detail charts: trend with its interval band, breakdown with error bars, weekday x hour
   heat map. Data comes from <script type="application/json"> next to each chart; the
   tables on the page hold the same numbers for readers without JavaScript. */
(function () {
  "use strict";

  var BRAND = "#0b5c6b";
  var BAND = "rgba(11, 92, 107, 0.16)";
  var GREY = "#b8c0c6";
  var WARN = "#b45309";
  var CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] };

  function css(name, fallback) {
    var v = getComputedStyle(document.documentElement).getPropertyValue(name);
    return (v && v.trim()) || fallback;
  }

  function base() {
    var text = css("--text", "#1d2327");
    return {
      margin: { l: 56, r: 16, t: 12, b: 48 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 13, color: text },
      hoverlabel: { font: { size: 13 } },
      showlegend: false
    };
  }

  function fmt(v) {
    if (v === null || v === undefined) { return "–"; }
    var lang = document.documentElement.lang === "en" ? "en-GB" : "nb-NO";
    return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(v);
  }

  function trend(el, d) {
    var text = d.x.map(function (x, i) {
      return x + "<br>" + fmt(d.y[i]) + " " + (d.unit || "") + "<br>" + d.labels.interval + " " +
        fmt(d.low[i]) + "–" + fmt(d.high[i]) + "<br>n = " + fmt(d.n[i]);
    });
    var traces = [
      { x: d.x, y: d.high, mode: "lines", line: { width: 0 }, hoverinfo: "skip", connectgaps: false },
      { x: d.x, y: d.low, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: BAND,
        hoverinfo: "skip", name: d.labels.interval, connectgaps: false },
      { x: d.x, y: d.y, mode: "lines+markers", name: d.name, text: text, hoverinfo: "text",
        line: { color: BRAND, width: 2.5 },
        marker: { size: 7, color: d.lowSample.map(function (l) { return l ? "#ffffff" : BRAND; }),
                  line: { color: d.lowSample.map(function (l) { return l ? WARN : BRAND; }), width: 2 } } }
    ];
    var layout = base();
    layout.xaxis = { type: "date", automargin: true, gridcolor: css("--line", "#d9dde1"), title: { text: d.labels.period, standoff: 12 } };
    layout.yaxis = { gridcolor: css("--line", "#d9dde1"), zeroline: false, ticksuffix: d.unit === "%" ? " %" : "" };
    if (d.target !== null && d.target !== undefined) {
      layout.shapes = [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: d.target, y1: d.target,
                         line: { color: WARN, width: 1.5, dash: "dash" } }];
      layout.annotations = [{ xref: "paper", x: 1, y: d.target, xanchor: "right", yanchor: "bottom",
                              text: d.labels.target + " " + fmt(d.target), showarrow: false,
                              font: { color: WARN, size: 12 } }];
    }
    Plotly.newPlot(el, traces, layout, CONFIG);
  }

  function breakdown(el, d) {
    var n = d.labels.length;
    var labels = d.labels.slice().reverse();
    var rev = function (a) { return a.slice().reverse(); };
    var y = rev(d.y), low = rev(d.low), high = rev(d.high), lowS = rev(d.lowSample),
        sig = rev(d.significant), counts = rev(d.n);
    var plus = y.map(function (v, i) { return v === null || high[i] === null ? 0 : high[i] - v; });
    var minus = y.map(function (v, i) { return v === null || low[i] === null ? 0 : v - low[i]; });
    var colors = lowS.map(function (l, i) { return l ? GREY : (sig[i] ? BRAND : "#5f9aa5"); });
    var text = labels.map(function (l, i) {
      return l + "<br>" + fmt(y[i]) + " " + (d.unit || "") + "<br>" + d.labelsText.interval + " " +
        fmt(low[i]) + "–" + fmt(high[i]) + "<br>n = " + fmt(counts[i]) + (lowS[i] ? "<br>" + d.labelsText.lowSample : "");
    });
    var trace = { type: "bar", orientation: "h", x: y, y: labels, marker: { color: colors },
                  error_x: { type: "data", symmetric: false, array: plus, arrayminus: minus, color: "#33404a", thickness: 1.5, width: 4 },
                  text: text, hoverinfo: "text", textposition: "none" };
    var layout = base();
    layout.margin.l = Math.min(220, 14 + 7.5 * Math.max.apply(null, labels.map(function (l) { return l.length; }).concat([4])));
    layout.height = Math.max(220, 34 * n + 70);
    layout.xaxis = { gridcolor: css("--line", "#d9dde1"), zeroline: true, ticksuffix: d.unit === "%" ? " %" : "" };
    layout.yaxis = { automargin: true };
    layout.bargap = 0.35;
    Plotly.newPlot(el, [trace], layout, CONFIG);
    var raw = rev(d.raw || []);
    drillOn(el, function (point) {
      var value = raw[point.pointIndex];
      return value === null || value === undefined ? null : [el.getAttribute("data-dimension") + "=" + value];
    });
  }

  /* A click on a bar or cell opens the rows behind it (the tables carry the same links). */
  function drillOn(el, filters) {
    var base = el.getAttribute("data-drill");
    if (!base || !el.on) { return; }
    el.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      var wanted = point ? filters(point) : null;
      if (!wanted) { return; }
      window.location.href = base + wanted.map(function (w) { return "&where=" + encodeURIComponent(w); }).join("");
    });
  }

  function heatmap(el, d) {
    var scale = d.higherIsBetter
      ? [[0, "#b91c1c"], [0.5, "#f5f0e6"], [1, BRAND]]
      : [[0, BRAND], [0.5, "#f5f0e6"], [1, "#b91c1c"]];
    function texts(grid, extra) {
      return grid.map(function (row, i) {
        return row.map(function (v, h) {
          return d.days[i] + " " + d.hours[h] + ":00<br>" + fmt(v) + " " + (d.unit || "") +
            "<br>n = " + fmt(d.n[i][h]) + extra;
        });
      });
    }
    var common = { type: "heatmap", x: d.hours, y: d.days, colorscale: scale, zmin: d.zmin, zmax: d.zmax,
                   hoverinfo: "text", xgap: 2, ygap: 2 };
    var traces = [
      Object.assign({}, common, { z: d.z, text: texts(d.z, ""), colorbar: { thickness: 12, outlinewidth: 0 } }),
      /* low-sample cells: the same colours, washed out towards grey */
      Object.assign({}, common, { z: d.low, text: texts(d.low, "<br>" + d.labels.lowSample), showscale: false, opacity: 0.28 })
    ];
    var layout = base();
    layout.margin.l = 48;
    layout.height = 300;
    layout.plot_bgcolor = css("--bg", "#f7f7f4");
    layout.yaxis = { autorange: "reversed", showgrid: false, type: "category" };
    layout.xaxis = { showgrid: false, type: "category" };
    Plotly.newPlot(el, traces, layout, CONFIG);
    drillOn(el, function (point) {
      var day = d.days.indexOf(point.y), hour = d.hours.indexOf(point.x);
      if (day < 0 || hour < 0 || !d.n[day][hour]) { return null; }
      return ["weekday=" + d.weekdays[day], "hour=" + parseInt(d.hours[hour], 10)];
    });
  }

  var DRAW = { trend: trend, breakdown: breakdown, heatmap: heatmap };

  function drawAll() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-source"));
      var draw = DRAW[el.getAttribute("data-chart")];
      if (!source || !draw) { return; }
      try {
        draw(el, JSON.parse(source.textContent));
        el.setAttribute("data-drawn", "true");
      } catch (err) {
        el.setAttribute("data-error", String(err));
      }
    });
  }

  /* Live: when GET /live says that rows of this KPI's tables arrived, fetch the same URL
     again and swap in the new numbers, tables and charts (see kundepuls.dashboard.live). */
  function live() {
    var root = document.getElementById("kp-live");
    var status = document.getElementById("kp-live-status");
    if (!root || typeof EventSource === "undefined" || !window.fetch) { return; }
    var wanted = (root.getAttribute("data-tables") || "").split(" ");
    var busy = false, again = false;

    function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (text) {
          if (!text) { return; }
          var fresh = new DOMParser().parseFromString(text, "text/html").getElementById("kp-live");
          if (!fresh) { return; }
          var open = Array.prototype.map.call(root.querySelectorAll("details[open]"), function (d) { return d.id; });
          root.innerHTML = fresh.innerHTML;
          open.forEach(function (id) { var d = id && document.getElementById(id); if (d) { d.open = true; } });
          drawAll();
          root.setAttribute("data-refreshed", String(Date.now()));
          if (status) { status.textContent = status.getAttribute("data-text"); }
        })
        .catch(function () { /* the next event tries again */ })
        .then(function () { busy = false; if (again) { again = false; refresh(); } });
    }

    var source = new EventSource("/live");
    source.addEventListener("data", function (event) {
      var tables = [];
      try { tables = JSON.parse(event.data).tables || []; } catch (err) { tables = []; }
      var touched = !tables.length || tables.some(function (t) { return wanted.indexOf(t) >= 0; });
      if (touched) { refresh(); }
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  function start() { drawAll(); live(); }

  window.kundepulsKpiCharts = drawAll;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
