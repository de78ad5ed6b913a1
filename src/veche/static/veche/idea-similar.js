// Proposing an idea: while the title and text are typed, show the project's ideas that look like it
// (the server's ideas/_similar.html), whose "Support this idea instead" acts here without leaving the
// form. The box carries a hidden "confirm" field naming the ideas shown, so that the server publishes
// at once what the resident saw, and asks first about the rest (as reports' duplicates).
(function () {
  "use strict";
  var WAIT = 500;
  function init() {
    var form = document.getElementById("idea-form");
    var box = document.getElementById("similar");
    if (!form || !box || !form.dataset.similar) { return; }
    var title = form.querySelector("[name=title]");
    var body = form.querySelector("[name=body]");
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    var last = null;
    var timer = null;

    function address() {
      var text = (title.value + " " + body.value).trim();
      if (text.length < 3) { return null; }
      return form.dataset.similar + "?text=" + encodeURIComponent(text.slice(0, 2000));
    }
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
    function later() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(function () { look(false); }, WAIT);
    }
    function say(text, failed) {
      var note = document.createElement("p");
      note.className = failed ? "error" : "done";
      note.setAttribute("role", failed ? "alert" : "status");
      note.textContent = text;
      box.insertBefore(note, box.firstChild);
    }
    box.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[data-support]") : null;
      if (!button || !box.contains(button)) { return; }
      event.preventDefault();
      button.disabled = true;
      var data = new FormData();
      if (token) { data.append("csrfmiddlewaretoken", token.value); }
      fetch(button.dataset.support, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" }
      }).then(function (r) {
        return r.json().then(function (answer) { return { ok: r.ok, data: answer }; }, function () { return { ok: false, data: {} }; });
      }).then(function (answer) {
        var text = answer.ok ? answer.data.message : (answer.data.error && answer.data.error.message) || box.dataset.failed || "";
        look(true, function () { if (text) { say(text, !answer.ok); } });
      }, function () {
        button.disabled = false;
      });
    });
    [title, body].forEach(function (input) {
      if (input) { input.addEventListener("input", later); }
    });
    if (!box.querySelector("#similar-box")) { look(false); } else { last = address(); }
  }
  document.addEventListener("DOMContentLoaded", init);
})();
