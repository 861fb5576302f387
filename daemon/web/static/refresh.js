/* parcelwatch: reload the page when the parcels change.
   The page carries a change stamp; every data-refresh seconds (and when the
   tab becomes visible again) this asks the server for the current stamp and
   reloads only if it moved. Without JavaScript nothing happens: the page is
   complete as served, and the browser's reload works as always. */
(function () {
  "use strict";
  var body = document.body;
  var stamp = body.getAttribute("data-stamp");
  var url = body.getAttribute("data-stamp-url");
  var seconds = Number(body.getAttribute("data-refresh")) || 60;
  var note = document.getElementById("auto-refresh");
  if (!stamp || !url || !window.fetch) {
    return;
  }
  if (note) {
    note.textContent = "This page reloads itself when a parcel moves.";
  }
  function check() {
    if (document.hidden) {
      return;
    }
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (now) {
        if (now !== null && now.trim() !== stamp) {
          window.location.reload();
        }
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }
  window.setInterval(check, seconds * 1000);
  document.addEventListener("visibilitychange", check);
}());
