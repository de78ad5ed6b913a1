// The public map of reports: grid clusters from the server, re-fetched as the view moves.
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("report-map");
    if (!el || !window.L) { return; }
    var map = L.map(el).setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], 11);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
    var layer = L.layerGroup().addTo(map);
    var source = el.dataset.source;
    var detail = el.dataset.detail;
    var pending = null;

    function load() {
      var b = map.getBounds();
      var bbox = [Math.max(-90, b.getSouth()), Math.max(-180, b.getWest()), Math.min(90, b.getNorth()), Math.min(180, b.getEast())]
        .map(function (v) { return v.toFixed(6); }).join(",");
      var url = source + (source.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox + "&zoom=" + map.getZoom();
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url, { signal: pending.signal, headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { clusters: [] }; })
        .then(function (data) {
          layer.clearLayers();
          data.clusters.forEach(function (c) {
            if (c.id) {
              L.circleMarker([c.lat, c.lon], { radius: 7, weight: 2, className: "pin status-" + c.status })
                .bindPopup('<a href="' + detail + c.id + '/">#' + c.id + "</a>")
                .addTo(layer);
            } else {
              var size = Math.min(56, 24 + Math.round(Math.log(c.count + 1) * 5));
              L.marker([c.lat, c.lon], {
                icon: L.divIcon({ className: "cluster", html: "<span>" + c.count + "</span>", iconSize: [size, size] }),
                keyboard: true, title: String(c.count)
              }).on("click", function () { map.setView([c.lat, c.lon], Math.min(map.getZoom() + 2, 18)); })
                .addTo(layer);
            }
          });
        })
        .catch(function () { /* a superseded request */ });
    }
    map.on("moveend", load);
    load();
  }
  document.addEventListener("DOMContentLoaded", init);
})();
