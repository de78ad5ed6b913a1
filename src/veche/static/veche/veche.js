// Progressive enhancement only: every form works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // The language switch applies on change; its button stays for keyboards and no-JS.
  var select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
});
