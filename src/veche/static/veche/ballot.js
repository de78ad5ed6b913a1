// The budgeting ballot's running total: projects chosen, their cost or the points given, against
// the limits. Progressive enhancement only: the form works without it and the server checks.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("ballot-form");
  var total = document.getElementById("ballot-total");
  if (!form || !total) { return; }
  var kind = form.dataset.kind;
  var budget = Number(form.dataset.budget);
  var least = Number(form.dataset.min || 0);
  var most = form.dataset.max ? Number(form.dataset.max) : null;
  var points = form.dataset.points ? Number(form.dataset.points) : null;
  var english = (document.documentElement.lang || "ru").indexOf("en") === 0;
  var money = new Intl.NumberFormat(english ? "en-GB" : "ru-RU", { maximumFractionDigits: 0 });

  function roubles(n) { return money.format(n) + "\u00a0₽"; }

  function text(ru, en) { return english ? en : ru; }

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
    var parts = [text("Выбрано проектов: ", "Projects chosen: ") + chosen];
    var problems = [];
    if (kind === "cumulative") {
      parts.push(text("баллов: ", "points: ") + given + (points !== null ? " / " + points : ""));
      if (points !== null && given > points) { problems.push(text("баллов больше, чем можно распределить", "more points than you have")); }
      if (negative) { problems.push(text("баллы не могут быть отрицательными", "points cannot be negative")); }
    } else {
      parts.push(text("стоимость: ", "cost: ") + roubles(cost) + (kind === "knapsack" ? " / " + roubles(budget) : ""));
      if (kind === "knapsack" && cost > budget) { problems.push(text("дороже бюджета", "more than the budget")); }
    }
    if (chosen < least) { problems.push(text("нужно не меньше ", "choose at least ") + least); }
    if (most !== null && chosen > most) { problems.push(text("можно не больше ", "choose at most ") + most); }
    total.textContent = parts.join(", ") + (problems.length ? " — " + problems.join("; ") : "");
    total.classList.toggle("ok", problems.length === 0);
    total.hidden = false;
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
});
