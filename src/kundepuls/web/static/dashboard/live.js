// kundepuls overview: live tiles and lazily loaded findings. No framework, no CDN.
// Listens to /live (server-sent events, see kundepuls/dashboard/live.py) and, when new
// data arrived, fetches the tiles fragment again and swaps it in without a reload.
(function () {
  "use strict";
  var tiles = document.getElementById("tiles");
  var status = document.getElementById("live-status");

  function loadFindings() {
    var box = document.getElementById("findings");
    if (!box || !box.dataset.src) return;
    fetch(box.dataset.src, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        box.innerHTML = html;
        box.removeAttribute("aria-busy");
        delete box.dataset.src;
      })
      .catch(function () { box.removeAttribute("aria-busy"); });
  }

  function announce() {
    if (!status) return;
    var now = new Date();
    var time = now.toLocaleTimeString(document.documentElement.lang === "nb" ? "nb-NO" : "en-GB",
      { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    status.textContent = status.dataset.text.replace("{time}", time);
    status.classList.remove("visually-hidden");
  }

  var busy = false, again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var focused = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("[data-kpi]") : null;
    var focusKey = focused ? focused.dataset.kpi : null;
    fetch(tiles.dataset.tilesUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        tiles.innerHTML = html;
        if (focusKey) {
          var link = tiles.querySelector('[data-kpi="' + focusKey + '"] a');
          if (link) link.focus();
        }
        announce();
      })
      .catch(function () { /* the next event tries again */ })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  loadFindings();
  if (!tiles || !window.EventSource) return;
  var url = tiles.dataset.live + "?since=" + encodeURIComponent(tiles.dataset.marker || "");
  var source = new EventSource(url);
  source.addEventListener("data", function (e) {
    try { tiles.dataset.marker = JSON.parse(e.data).marker; } catch (err) { /* keep going */ }
    refresh();
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
