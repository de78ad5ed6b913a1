// Progressive enhancement only: every form works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // The language switch applies on change; its button stays for keyboards and no-JS.
  var select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
  // An official's answer starts from the chosen template's text.
  var templates = document.getElementById("answer-templates");
  var choice = document.querySelector("#answer-form [name=template]");
  if (templates && choice) {
    var bodies = JSON.parse(templates.textContent);
    choice.addEventListener("change", function () {
      var note = choice.form.querySelector("[name=note]");
      if (bodies[choice.value] && note && !note.value.trim()) { note.value = bodies[choice.value]; }
    });
  }
});
