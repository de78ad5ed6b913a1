// The report form on a phone: photos shrunk on the device before they are sent (the server still
// re-encodes them), the text kept on the device as it is typed (a closed tab loses nothing), and,
// without a connection, the report kept in the device's outbox (app.js) to be sent when it returns.
// Without this script the form posts as it always did.
(function () {
  "use strict";
  var LONG_SIDE = 1600;   // px: enough to see a pothole, a tenth of a phone camera's bytes
  var QUALITY = 0.82;
  var FIELDS = ["category", "address", "district", "latitude", "longitude", "description"];

  function init() {
    var form = document.getElementById("report-form");
    if (!form || !form.dataset.slug) { return; }
    var slugs = JSON.parse(document.getElementById("report-slugs").textContent);
    var photos = form.querySelector("input[name=photos]");
    var note = document.getElementById("device-note");
    var draftKey = "veche-draft:" + (window.VecheOutbox ? window.VecheOutbox.account() : "") + ":" + form.dataset.slug;
    var shrinking = Promise.resolve();

    function say(text) { note.textContent = text; note.hidden = !text; }

    // Photos ------------------------------------------------------------------------------------
    function shrink(file) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) { return Promise.resolve(file); }
      return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
        var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
        if (scale === 1 && file.size < 1024 * 1024) { return file; }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        return new Promise(function (resolve) {
          canvas.toBlob(function (blob) {
            if (!blob || blob.size >= file.size) { resolve(file); return; }
            var name = file.name.replace(/\.[^.]+$/, "") + ".jpg";
            resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
          }, "image/jpeg", QUALITY);
        });
      }, function () { return file; });
    }
    function kb(bytes) { return Math.max(1, Math.round(bytes / 1024)); }
    if (photos && window.DataTransfer) {
      photos.addEventListener("change", function () {
        var chosen = Array.prototype.slice.call(photos.files);
        if (!chosen.length) { return; }
        var before = chosen.reduce(function (sum, f) { return sum + f.size; }, 0);
        say(form.dataset.shrinking);
        shrinking = Promise.all(chosen.map(shrink)).then(function (smaller) {
          var after = smaller.reduce(function (sum, f) { return sum + f.size; }, 0);
          var list = new DataTransfer();
          smaller.forEach(function (f) { list.items.add(f); });
          photos.files = list.files;
          say(after < before ? form.dataset.shrunk.replace("{before}", kb(before)).replace("{after}", kb(after)) : "");
        });
      });
    }

    // The draft ---------------------------------------------------------------------------------
    function field(name) { return form.querySelector("[name=" + name + "]"); }
    function values() {
      var found = {};
      FIELDS.forEach(function (name) { var el = field(name); if (el) { found[name] = el.value; } });
      return found;
    }
    function saveDraft() {
      try { localStorage.setItem(draftKey, JSON.stringify(values())); } catch (e) { /* storage full or off */ }
    }
    function dropDraft() { try { localStorage.removeItem(draftKey); } catch (e) { /* as above */ } }
    // A form the server showed again (refused, or asking about reports nearby) has its own values.
    var fresh = FIELDS.every(function (name) { var el = field(name); return !el || !el.value; });
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (e) { kept = null; }
    if (fresh && kept && Object.keys(kept).some(function (name) { return kept[name]; })) {
      FIELDS.forEach(function (name) {
        var el = field(name);
        if (el && kept[name]) { el.value = kept[name]; el.dispatchEvent(new Event("change")); }
      });
      say(form.dataset.restored);
    }
    form.addEventListener("input", saveDraft);
    form.addEventListener("change", saveDraft);

    // Sending -----------------------------------------------------------------------------------
    function offline() { return !navigator.onLine || document.body.hasAttribute("data-offline-copy"); }
    function missing() {
      var data = values();
      var wrong = [];
      if (!data.category) { wrong.push(field("category")); }
      if (!data.latitude || !data.longitude || isNaN(parseFloat(data.latitude)) || isNaN(parseFloat(data.longitude))) {
        wrong.push(field("latitude"));
      }
      if (!data.description.trim()) { wrong.push(field("description")); }
      return wrong;
    }
    form.addEventListener("submit", function (event) {
      if (!offline() || !window.VecheOutbox || !window.indexedDB) {
        // Online: the form posts as ever; the draft goes once the report is filed (app.js sees the
        // page that follows), and stays if the server shows the form again.
        try {
          sessionStorage.setItem("veche-draft-sent", JSON.stringify({ key: draftKey, path: location.pathname }));
        } catch (e) { /* as above */ }
        return;
      }
      event.preventDefault();
      var wrong = missing();
      if (wrong.length) {
        say(form.dataset.incomplete);
        if (wrong[0] === field("latitude")) { document.getElementById("coordinates").open = true; }
        wrong[0].focus();
        return;
      }
      shrinking.then(function () {
        var data = values();
        var category = form.querySelector("[name=category] option:checked");
        var item = {
          endpoint: form.dataset.endpoint,
          title: (category ? category.textContent.trim() + ": " : "") + data.description.trim().slice(0, 80),
          fields: {
            category: slugs.categories[data.category] || "",
            district: slugs.districts[data.district] || "",
            latitude: data.latitude,
            longitude: data.longitude,
            address: data.address,
            description: data.description
          },
          photos: photos ? Array.prototype.slice.call(photos.files) : [],
          names: photos ? Array.prototype.map.call(photos.files, function (f) { return f.name; }) : []
        };
        return window.VecheOutbox.add(item);
      }).then(function () {
        dropDraft();
        form.reset();
        if (photos) { photos.value = ""; }
        say(form.dataset.kept);
        document.getElementById("device-link").hidden = false;
        note.focus();
      }, function () { say(form.dataset.notkept); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
