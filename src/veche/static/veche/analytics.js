// The analytics dashboard's charts: each <canvas data-chart="ID"> is drawn with Chart.js (vendor/chartjs)
// from the JSON in the script element ID that the page wrote ({type, stacked, unit, labels, datasets}).
// Without this script the charts' boxes stay hidden and their tables carry the figures.
(function () {
  "use strict";
  // Colours that keep 3:1 against white and differ in lightness, so neighbours in a stack stay apart.
  var PALETTE = ["#0b5cad", "#c2510a", "#1e6b32", "#7b3fa0", "#a4161a", "#00727a", "#8a6d00", "#4a5561", "#c2185b"];
  var lang = document.documentElement.lang || undefined;

  function formatter(unit) {
    return function (value) {
      if (value === null || value === undefined) return "—";
      if (unit === "share") return Math.round(value * 100).toLocaleString(lang) + "\u00a0%";
      if (unit === "hours") return value.toLocaleString(lang, { maximumFractionDigits: 1 });
      return value.toLocaleString(lang);
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") return;
    var spec = JSON.parse(source.textContent);
    var format = formatter(spec.unit);
    var bar = spec.type === "bar";
    canvas.parentElement.hidden = false;
    // A series with nothing in the period stays in the table and the CSV, not in the picture.
    var shown = spec.datasets.filter(function (set) {
      return set.data.some(function (v) { return v; });
    });
    var datasets = (shown.length ? shown : spec.datasets.slice(0, 1)).map(function (set, i) {
      var colour = PALETTE[i % PALETTE.length];
      return {
        label: set.label,
        data: set.data,
        backgroundColor: bar ? colour : colour + "22",
        borderColor: colour,
        borderWidth: bar ? 0 : 2,
        pointRadius: 3,
        spanGaps: false,
        fill: false,
        tension: 0
      };
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: lang,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: spec.stacked },
          y: {
            stacked: spec.stacked,
            beginAtZero: true,
            suggestedMax: spec.unit === "share" ? 1 : undefined,
            ticks: { callback: format, precision: spec.unit === "count" ? 0 : undefined }
          }
        },
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) { return item.dataset.label + ": " + format(item.parsed.y); }
            }
          }
        }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
