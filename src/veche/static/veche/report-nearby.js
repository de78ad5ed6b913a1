// Filing a report: once the category and the place are chosen, show the open reports of the same
// kind nearby (the server's _nearby.html), so that a resident can support one instead of filing
// the same problem twice.
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("report-form");
    var box = document.getElementById("nearby");
    if (!form || !box || !form.dataset.nearby) { return; }
    var category = form.querySelector("[name=category]");
    var lat = form.querySelector("[name=latitude]");
    var lon = form.querySelector("[name=longitude]");
    var last = null;

    function look() {
      if (!category.value || !lat.value || !lon.value) { last = null; box.textContent = ""; return; }
      var url = form.dataset.nearby + "?category=" + encodeURIComponent(category.value) +
        "&latitude=" + encodeURIComponent(lat.value) + "&longitude=" + encodeURIComponent(lon.value);
      if (url === last) { return; }
      last = url;
      fetch(url).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        if (url === last) { box.innerHTML = html; }
      });
    }
    // report-form.js tells when the map placed the point; typed coordinates and the category change here.
    document.addEventListener("report:placed", look);
    [category, lat, lon].forEach(function (input) {
      if (input) { input.addEventListener("change", look); }
    });
  }
  document.addEventListener("DOMContentLoaded", init);
})();
