// Filing a report: put the place on a map (tap, drag, "My location", the map's centre, an address
// found). After each placing it sends "report:placed", on which report-nearby.js looks for open
// reports of the same kind nearby. Without this script the form asks for the coordinates instead,
// so everything here only adds to it.
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("report-form");
    var el = document.getElementById("pick-map");
    var pick = document.getElementById("pick");
    if (!form || !el || !pick || !window.L) { return; }
    var lat = form.querySelector("[name=latitude]");
    var lon = form.querySelector("[name=longitude]");
    var status = document.getElementById("place-status");

    // The map replaces the typed-coordinates hint; it must be shown before Leaflet measures it.
    pick.hidden = false;
    document.getElementById("place-hint-plain").hidden = true;
    // A place typed or kept from a refused filing gets the marker; otherwise the map opens on the
    // city centre with no marker, so that nobody files the centre by not looking.
    var kept = [parseFloat(lat.value), parseFloat(lon.value)];
    var hasPlace = !isNaN(kept[0]) && !isNaN(kept[1]);
    var start = hasPlace ? kept : [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = L.map(el, { keyboard: true }).setView(start, hasPlace ? 16 : 13);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
    var marker = null;

    function say(text) { status.textContent = text; }

    function placed() { document.dispatchEvent(new CustomEvent("report:placed")); }
    function setMarker(latlng) {
      if (marker) { marker.setLatLng(latlng); return; }
      marker = L.marker(latlng, { draggable: true, keyboard: true }).addTo(map);
      marker.on("dragend", function () { place(marker.getLatLng()); });
    }
    function place(latlng) {
      latlng = L.latLng(latlng);
      setMarker(latlng);
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      placed();
    }
    if (hasPlace) { setMarker(start); }

    map.on("click", function (e) { place(e.latlng); });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var p = [parseFloat(lat.value), parseFloat(lon.value)];
        if (!isNaN(p[0]) && !isNaN(p[1])) { setMarker(p); map.panTo(p); placed(); }
      });
    });

    // The keyboard's way: the map pans with the arrow keys (Leaflet), a cross marks its centre,
    // and this button puts the marker there.
    document.getElementById("put-here").addEventListener("click", function () {
      place(map.getCenter());
      say(pick.dataset.placed);
    });

    var mine = document.getElementById("my-location");
    if ("geolocation" in navigator) {
      mine.hidden = false;
      mine.addEventListener("click", function () {
        say(pick.dataset.locating);
        navigator.geolocation.getCurrentPosition(function (position) {
          var here = L.latLng(position.coords.latitude, position.coords.longitude);
          place(here);
          map.setView(here, 17);
          say(pick.dataset.located);
        }, function (error) {
          say(error.code === error.PERMISSION_DENIED ? pick.dataset.denied : pick.dataset.unavailable);
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }

    var search = document.getElementById("address-search");
    if (search) {
      var address = form.querySelector("[name=address]");
      var results = document.getElementById("address-results");
      var find = document.getElementById("address-find");
      search.hidden = false;
      // Enter in the address looks it up rather than sending an unplaced report.
      address.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); find.click(); }
      });
      find.addEventListener("click", function () {
        results.textContent = "";
        say(search.dataset.searching);
        fetch(search.dataset.url + "?q=" + encodeURIComponent(address.value), {
          headers: { Accept: "application/json" }, credentials: "same-origin"
        }).then(function (r) { return r.json(); }).then(function (data) {
          var found = data.candidates || [];
          say(data.message || (data.error && data.error.message) || "");
          found.forEach(function (candidate) {
            var item = document.createElement("li");
            var choose = document.createElement("button");
            choose.type = "button";
            choose.className = "secondary";
            choose.textContent = candidate.label;
            choose.addEventListener("click", function () {
              var there = L.latLng(candidate.latitude, candidate.longitude);
              place(there);
              map.setView(there, 17);
              results.textContent = "";
              say(candidate.label);
            });
            item.appendChild(choose);
            results.appendChild(item);
          });
        }).catch(function () { say(search.dataset.failed); });
      });
    }
  }
  document.addEventListener("DOMContentLoaded", init);
})();
