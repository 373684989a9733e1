// voiceverify: counts down the code page's "You can ask for a new call in N seconds." once a
// second (docs/architecture.md, "The code page"). Progressive enhancement only: without it the
// page says the same at load, and the "Call me again" button answers with the sentence as a
// banner until the time has come. The words come from the page (data-one, data-other: the
// catalogue's sentence for 1 and for 2 seconds; data-ready: the sentence once allowed), never
// from here; the CSP allows this file as script-src 'self', and no inline script.
(function () {
  "use strict";
  var line = document.getElementById("call-again-wait");
  if (!line) return;
  var total = parseInt(line.getAttribute("data-seconds"), 10);
  var one = line.getAttribute("data-one");
  var other = line.getAttribute("data-other");
  var ready = line.getAttribute("data-ready");
  if (!(total > 0) || !one || !other || !ready) return;
  var started = Date.now();
  var timer = null;
  function tick() {
    var left = total - Math.floor((Date.now() - started) / 1000);
    if (left <= 0) {
      line.textContent = ready;
      window.clearInterval(timer);
      return;
    }
    // Minutes stay as the page said them; seconds are counted.
    if (left < 60) line.textContent = left === 1 ? one : other.replace(/\b2\b/, String(left));
  }
  timer = window.setInterval(tick, 1000);
})();
