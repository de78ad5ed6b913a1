// The budgeting ballot's running total, in the bar pinned to the bottom of the screen: projects
// chosen, their cost or the points given, against the limits. Progressive enhancement only: the
// server renders the same total and checks the ballot. Numbers are read from data-* attributes,
// which are never localised, and written for people in the page's language.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("ballot-form");
  var bar = document.getElementById("ballot-bar");
  if (!form || !bar) { return; }
  var kind = form.dataset.kind;
  var budget = Number(form.dataset.budget);
  var least = Number(form.dataset.min || 0);
  var most = form.dataset.max ? Number(form.dataset.max) : null;
  var points = form.dataset.points ? Number(form.dataset.points) : null;
  var number = new Intl.NumberFormat(document.documentElement.lang || "ru", { maximumFractionDigits: 0 });

  function part(name) { return bar.querySelector("[data-total=" + name + "]"); }

  function roubles(n) { return number.format(n) + "\u00a0₽"; }

  function update() {
    var chosen = 0;
    var cost = 0;
    var given = 0;
    var negative = false;
    if (kind === "cumulative") {
      form.querySelectorAll("input.points").forEach(function (input) {
        var value = Number(input.value || 0);
        if (value < 0) { negative = true; }
        if (value > 0) { chosen += 1; given += value; cost += Number(input.dataset.cost); }
      });
    } else {
      form.querySelectorAll("input[name=projects]:checked").forEach(function (input) {
        chosen += 1;
        cost += Number(input.dataset.cost);
      });
    }
    var problems = [];
    if (kind === "cumulative") {
      if (points !== null && given > points) { problems.push(bar.dataset.overPoints); }
      if (negative) { problems.push(bar.dataset.negative); }
    } else if (kind === "knapsack" && cost > budget) {
      problems.push(bar.dataset.overBudget);
    }
    if (chosen < least) { problems.push(bar.dataset.tooFew.replace("{n}", number.format(least))); }
    if (most !== null && chosen > most) { problems.push(bar.dataset.tooMany.replace("{n}", number.format(most))); }
    bar.dataset.chosen = String(chosen);
    bar.dataset.spent = String(cost);
    bar.dataset.given = String(given);
    if (kind === "cumulative") {
      part("given").textContent = number.format(given);
    } else {
      part("cost").textContent = roubles(cost);
    }
    part("chosen").textContent = number.format(chosen);
    part("problems").textContent = problems.length ? "— " + problems.join("; ") : "";
    bar.classList.toggle("ok", problems.length === 0 && chosen > 0);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
});
