// The data page's upload with a progress bar, and the import page's polling.
// Without JavaScript the form posts normally and the import page refreshes itself.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  var lang = document.documentElement.lang === "en" ? "en-GB" : "nb-NO";

  function showError(text) {
    var box = document.getElementById("upload-error");
    document.getElementById("upload-error-text").textContent = text;
    box.hidden = false;
    box.focus();
  }

  var form = document.getElementById("upload-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      var input = document.getElementById("upload-file");
      var file = input.files && input.files[0];
      if (!file) { return; }
      event.preventDefault();
      if (file.size > Number(form.dataset.maxBytes)) {
        showError(form.dataset.tooLarge);
        return;
      }
      var box = document.getElementById("upload-progress");
      var bar = document.getElementById("upload-bar");
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      box.hidden = false;
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      if (token) { request.setRequestHeader("X-CSRF-Token", token.content); }
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      request.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(request.responseText); } catch (ignored) { body = {}; }
        if (request.status === 202 && body.url) {
          window.location.assign(body.url);
          return;
        }
        button.disabled = false;
        box.hidden = true;
        showError(body.detail || request.statusText || String(request.status));
      });
      request.addEventListener("error", function () {
        button.disabled = false;
        box.hidden = true;
        showError(form.dataset.tooLarge);
      });
      request.send(new FormData(form));
    });
  }

  var section = document.getElementById("import");
  if (section && (section.dataset.state === "queued" || section.dataset.state === "running")) {
    var bar = document.getElementById("import-bar");
    var text = document.getElementById("import-state-text");
    var numbers = new Intl.NumberFormat(lang);
    var poll = function () {
      fetch("/data/imports/" + section.dataset.id, { headers: { Accept: "application/json" } })
        .then(function (r) {
          if (!r.ok) { throw new Error(String(r.status)); }
          return r.json();
        })
        .then(function (status) {
          bar.value = Math.round(100 * status.progress);
          section.dataset.state = status.state;
          if (status.state === "done" || status.state === "failed") {
            window.location.reload();
            return;
          }
          text.textContent = status.state === "queued"
            ? text.dataset.queued
            : text.dataset.running.replace("{rows}", numbers.format(status.rows));
          window.setTimeout(poll, 400);
        })
        .catch(function (error) {
          // The upload is gone (a restart): the page itself says so. Else try again.
          if (error.message === "404") { window.location.reload(); return; }
          window.setTimeout(poll, 2000);
        });
    };
    window.setTimeout(poll, 300);
  }
})();
