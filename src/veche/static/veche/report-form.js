// Filing a report: pick the place on a map. After each placing it sends "report:placed", on which
// report-nearby.js looks for open reports of the same kind nearby.
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("report-form");
    var el = document.getElementById("pick-map");
    if (!form || !el || !window.L) { return; }
    var lat = form.querySelector("[name=latitude]");
    var lon = form.querySelector("[name=longitude]");
    // The place typed or kept from a refused filing, else the city centre.
    var start = [parseFloat(lat.value) || parseFloat(el.dataset.lat), parseFloat(lon.value) || parseFloat(el.dataset.lon)];
    var map = L.map(el).setView(start, 13);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
    var marker = L.marker(start, { draggable: true, keyboard: true }).addTo(map);

    function placed() { document.dispatchEvent(new CustomEvent("report:placed")); }
    function place(latlng) {
      marker.setLatLng(latlng);
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      placed();
    }
    map.on("click", function (e) { place(e.latlng); });
    marker.on("dragend", function () { place(marker.getLatLng()); });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var p = [parseFloat(lat.value), parseFloat(lon.value)];
        if (!isNaN(p[0]) && !isNaN(p[1])) { marker.setLatLng(p); map.panTo(p); placed(); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", init);
})();
