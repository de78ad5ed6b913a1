// Filing a report: once the category and the place are chosen, show the open reports of the same
// kind nearby (the server's _nearby.html), whose "Me too" and "Follow" act here, without leaving
// the form and what was typed in it. The box carries a hidden "confirm" field naming the reports
// shown, so that the server files at once what the resident saw, and asks first about the rest.
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("report-form");
    var box = document.getElementById("nearby");
    if (!form || !box || !form.dataset.nearby) { return; }
    var category = form.querySelector("[name=category]");
    var lat = form.querySelector("[name=latitude]");
    var lon = form.querySelector("[name=longitude]");
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    var last = null;

    function address() {
      if (!category.value || !lat.value || !lon.value) { return null; }
      return form.dataset.nearby + "?category=" + encodeURIComponent(category.value) +
        "&latitude=" + encodeURIComponent(lat.value) + "&longitude=" + encodeURIComponent(lon.value);
    }
    // `then`, when given, runs once the box shows the answer (a message to add on top of it).
    function look(force, then) {
      var url = address();
      if (url === null) { last = null; box.textContent = ""; return; }
      if (url === last && !force) { return; }
      last = url;
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        if (url !== last) { return; }
        box.innerHTML = html;
        if (then) { then(); }
      });
    }
    function say(text, failed) {
      var note = document.createElement("p");
      note.className = failed ? "error" : "done";
      note.setAttribute("role", failed ? "alert" : "status");
      note.textContent = text;
      var target = box.querySelector(".nearby") || box;
      target.insertBefore(note, target.firstChild);
    }
    box.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[data-url]") : null;
      if (!button || !box.contains(button)) { return; }
      event.preventDefault();
      button.disabled = true;
      var body = new FormData();
      if (token) { body.append("csrfmiddlewaretoken", token.value); }
      if (button.name) { body.append(button.name, button.value); }
      fetch(button.dataset.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" }
      }).then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; }, function () { return { ok: false, data: {} }; });
      }).then(function (answer) {
        var text = answer.ok ? answer.data.message : (answer.data.error && answer.data.error.message) || box.dataset.failed || "";
        look(true, function () { if (text) { say(text, !answer.ok); } });
      }, function () {
        button.disabled = false;
      });
    });
    // report-form.js tells when the map placed the point; typed coordinates and the category change here.
    document.addEventListener("report:placed", function () { look(false); });
    [category, lat, lon].forEach(function (input) {
      if (input) { input.addEventListener("change", function () { look(false); }); }
    });
    // A form shown again (refused, or the step that asks about duplicates) already has its box.
    if (!box.querySelector(".nearby")) { look(false); } else { last = address(); }
  }
  document.addEventListener("DOMContentLoaded", init);
})();
