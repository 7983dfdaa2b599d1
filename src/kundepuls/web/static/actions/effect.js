// The chart of an action's detail page, drawn with Plotly.js (served offline at
// /vendor/plotly.min.js): the KPI per week for the action's segment and the comparison
// group, the start date as a vertical line, and the before and after windows shaded.
// The table beside it carries the same numbers for readers without JavaScript or a screen.
(function () {
  "use strict";

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function effect(el, data) {
    var lang = document.documentElement.lang || "nb";
    var colours = { treated: css("--brand"), all: css("--brand"), compare: css("--warn") };
    var format = "%{y:." + data.digits + "f}";
    var traces = data.series.map(function (s) {
      return {
        type: "scatter", mode: "lines+markers", name: s.name, x: s.x, y: s.y, customdata: s.n,
        line: { color: colours[s.group], width: 2, dash: s.group === "compare" ? "dot" : "solid" },
        marker: { size: 5 },
        hovertemplate: s.name + " %{x|%d.%m.%Y}: " + format + " (n = %{customdata})<extra></extra>",
      };
    });
    var band = function (x0, x1, opacity) {
      return { type: "rect", xref: "x", yref: "paper", x0: x0, x1: x1, y0: 0, y1: 1,
               fillcolor: css("--brand"), opacity: opacity, line: { width: 0 }, layer: "below" };
    };
    var note = function (x, text, anchor) {
      return { x: x, y: 1, xref: "x", yref: "paper", text: text, showarrow: false,
               xanchor: anchor, yanchor: "bottom", font: { color: css("--muted"), size: 12 } };
    };
    Plotly.newPlot(el, traces, {
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: getComputedStyle(document.body).fontFamily, color: css("--text"), size: 13 },
      separators: lang === "nb" ? ", " : ".,",
      margin: { l: 60, r: 20, t: 30, b: 40 }, height: 380,
      legend: { orientation: "h", y: -0.15 }, hovermode: "closest",
      xaxis: { type: "date", gridcolor: css("--line"), automargin: true },
      yaxis: { title: { text: data.y_title }, gridcolor: css("--line"), automargin: true },
      shapes: [
        band(data.before_start, data.start, 0.06),
        band(data.start, data.after_end, 0.14),
        { type: "line", xref: "x", yref: "paper", x0: data.start, x1: data.start, y0: 0, y1: 1,
          line: { color: css("--text"), width: 2, dash: "dash" } },
      ],
      annotations: [note(data.before_start, data.labels.before, "left"),
                    note(data.start, data.labels.start, "center"),
                    note(data.after_end, data.labels.after, "right")],
    }, { displaylogo: false, responsive: true,
         modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] });
  }

  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
  }

  function start() {
    confirmations();
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-chart='effect']").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (source) { effect(el, JSON.parse(source.textContent)); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
