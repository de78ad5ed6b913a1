// The public map of reports (clusters and pins from map.json, re-fetched as the view moves) and
// the small map on a report's page. Words come from the page (translated); numbers from JSON.
(function () {
  "use strict";

  // A status is a code such as "in_progress"; it becomes a class name, so only those letters pass.
  function pinIcon(status) {
    var code = String(status).replace(/[^a-z_]/g, "");
    return L.divIcon({
      className: "pin-marker",
      html: '<span class="pin status-' + code + '"></span>',
      iconSize: [44, 44]
    });
  }

  function addTiles(map, el) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  }

  function line(parent, tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (className) { node.className = className; }
    parent.appendChild(node);
    return node;
  }

  // The popup of a pin, built as nodes so that a category's name is text, never markup.
  function popupOf(pin, el) {
    var box = document.createElement("div");
    box.className = "map-popup";
    line(box, "strong", pin.category);
    var status = line(box, "p", "");
    var sign = line(status, "span", "", "pin status-" + String(pin.status).replace(/[^a-z_]/g, ""));
    sign.setAttribute("aria-hidden", "true");
    status.appendChild(document.createTextNode(" " + pin.status_label));
    var when = line(line(box, "p", ""), "time", pin.created_label);
    when.setAttribute("datetime", pin.created);
    var link = line(box, "a", el.dataset.openLabel);
    link.href = el.dataset.detail + pin.id + "/";
    return box;
  }

  // ?lat=&lon=&zoom= in the page's address, when they are numbers on the globe.
  function startFromAddress(el) {
    var params = new URLSearchParams(window.location.search);
    var lat = parseFloat(params.get("lat")), lon = parseFloat(params.get("lon"));
    var zoom = parseInt(params.get("zoom"), 10);
    var start = { lat: parseFloat(el.dataset.lat), lon: parseFloat(el.dataset.lon), zoom: parseInt(el.dataset.zoom, 10) || 11 };
    if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      start.lat = lat;
      start.lon = lon;
      start.zoom = 17;
    }
    if (isFinite(zoom) && zoom >= 0 && zoom <= 19) { start.zoom = zoom; }
    return start;
  }

  function publicMap(el) {
    var start = startFromAddress(el);
    var map = L.map(el).setView([start.lat, start.lon], start.zoom);
    addTiles(map, el);
    var layer = L.layerGroup().addTo(map);
    var source = el.dataset.source;
    var focus = el.dataset.report ? parseInt(el.dataset.report, 10) : null;
    var pending = null;

    function drawCluster(c) {
      var size = Math.min(56, 32 + Math.round(Math.log(c.count + 1) * 5));
      L.marker([c.lat, c.lon], {
        icon: L.divIcon({ className: "cluster", html: "<span>" + Number(c.count) + "</span>", iconSize: [Math.max(44, size), Math.max(44, size)] }),
        keyboard: true,
        title: c.count + " — " + el.dataset.clusterLabel
      }).on("click", function () {
        // To the box of its reports, so that it splits; always at least one step closer.
        var bounds = L.latLngBounds([c.bbox[0], c.bbox[1]], [c.bbox[2], c.bbox[3]]);
        var zoom = Math.min(18, Math.max(map.getBoundsZoom(bounds, false, L.point(40, 40)), map.getZoom() + 1));
        map.setView(bounds.getCenter(), zoom);
      }).addTo(layer);
    }

    function drawPin(pin) {
      var marker = L.marker([pin.lat, pin.lon], {
        icon: pinIcon(pin.status),
        keyboard: true,
        title: pin.category + ", " + pin.status_label
      }).bindPopup(popupOf(pin, el)).addTo(layer);
      if (pin.id === focus) {
        focus = null;  // once: moving the map later does not reopen it
        marker.openPopup();
      }
    }

    function load() {
      var b = map.getBounds();
      var bbox = [Math.max(-90, b.getSouth()), Math.max(-180, b.getWest()), Math.min(90, b.getNorth()), Math.min(180, b.getEast())]
        .map(function (v) { return v.toFixed(6); }).join(",");
      var url = source + (source.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox + "&zoom=" + map.getZoom();
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url, { signal: pending.signal, headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { clusters: [], pins: [] }; })
        .then(function (data) {
          layer.clearLayers();
          (data.clusters || []).forEach(drawCluster);
          (data.pins || []).forEach(drawPin);
        })
        .catch(function () { /* a superseded request */ });
    }
    // While a popup is open the pins stay as they are: opening one pans the map to fit it (on a
    // phone, nearly always), and redrawing then would remove the pin and its popup with it.
    var reading = false;
    var movedWhileReading = false;
    map.on("popupopen", function () { reading = true; });
    map.on("popupclose", function () {
      reading = false;
      if (movedWhileReading) { movedWhileReading = false; load(); }
    });
    map.on("moveend", function () {
      if (reading) { movedWhileReading = true; } else { load(); }
    });
    load();
  }

  // A report's own place: its pin on a map that does not catch the page's scrolling.
  function spotMap(el) {
    var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = L.map(el, {
      dragging: false, touchZoom: false, scrollWheelZoom: false, doubleClickZoom: false,
      boxZoom: false, keyboard: false, tap: false
    }).setView(at, 16);
    addTiles(map, el);
    L.marker(at, { icon: pinIcon(el.dataset.status), interactive: false, keyboard: false }).addTo(map);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) { return; }
    var el = document.getElementById("report-map");
    if (el) { publicMap(el); }
    var spot = document.getElementById("report-spot");
    if (spot) { spotMap(spot); }
    // Other pages' single places (a meeting's) mark their small map with data-spot-map.
    Array.prototype.forEach.call(document.querySelectorAll("[data-spot-map]"), spotMap);
  });
})();
