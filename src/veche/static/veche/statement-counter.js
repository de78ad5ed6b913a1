// The characters left in a statement as it is typed; without this file the page says "at most N".
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    var limit = field && parseInt(field.getAttribute("maxlength"), 10);
    if (!field || !limit) { return; }
    var template = counter.getAttribute("data-template");
    function update() {
      counter.textContent = template.replace("%(n)s", String(limit - field.value.length));
    }
    field.addEventListener("input", update);
    update();
  });
});
