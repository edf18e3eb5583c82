// A session board polls the server every few seconds. Once the person leaves the page (a form
// sent, a link followed), a poll still under way must not reload the old page: the reload would
// replace the page being opened and lose its message ("Now: Ideas."). Coming back to the page
// from the browser's history starts polling again.
(function () {
  var leaving = false;
  window.addEventListener("beforeunload", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; });
  function holdWhileLeaving(event) {
    if (leaving) {
      event.preventDefault();
    }
  }
  document.addEventListener("htmx:beforeRequest", holdWhileLeaving);
  document.addEventListener("htmx:beforeOnLoad", holdWhileLeaving);
})();
