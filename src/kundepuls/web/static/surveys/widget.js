/* kundepuls survey widget: <script src=".../static/surveys/widget.js" data-kundepuls-survey="LINK" async></script>
   adds the survey as an iframe right after the script tag. The survey itself needs no JavaScript. */
(function () {
  var scripts = document.querySelectorAll("script[data-kundepuls-survey]");
  for (var i = 0; i < scripts.length; i++) {
    var script = scripts[i];
    if (script.getAttribute("data-kundepuls-done")) continue;
    script.setAttribute("data-kundepuls-done", "1");
    var frame = document.createElement("iframe");
    frame.src = script.getAttribute("data-kundepuls-survey");
    frame.title = script.getAttribute("data-kundepuls-title") || "Survey";
    frame.loading = "lazy";
    frame.style.cssText = "width:100%;max-width:560px;height:540px;border:0";
    script.parentNode.insertBefore(frame, script.nextSibling);
  }
})();
