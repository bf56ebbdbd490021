/* Dashboard charts of the public portal (own code over the vendored Chart.js; nothing from the internet).
   The figures come from the json_script element "portal-chart-data"; every chart's figures are also
   on the page as a table, so the page says everything without JavaScript. */
(function () {
  "use strict";

  // Colour-blind-safe series colours (Okabe–Ito), in the order signed, in force, implemented.
  var SERIES = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9"];
  var HIGHLIGHT = "#d55e00";

  function readData() {
    var element = document.getElementById("portal-chart-data");
    return element ? JSON.parse(element.textContent) : null;
  }

  function datasets(spec) {
    return spec.series.map(function (series, index) {
      var colour = SERIES[index % SERIES.length];
      var colours = colour;
      if (spec.highlight && spec.series.length === 1) {
        colours = spec.highlight.map(function (on) {
          return on ? HIGHLIGHT : colour;
        });
      }
      return { label: series.name, data: series.values, backgroundColor: colours, borderWidth: 0 };
    });
  }

  function draw(canvas, spec) {
    var horizontal = Boolean(spec.horizontal);
    if (horizontal) {
      // A bar per label: give each its room, so long urusan names stay readable on a phone.
      var rows = spec.labels.length * Math.max(1, spec.series.length);
      canvas.parentNode.style.height = Math.max(180, 40 + rows * 14 + spec.labels.length * 8) + "px";
    }
    return new window.Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: spec.series.length > 1, position: "bottom" },
          tooltip: { intersect: false, mode: "index" },
        },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0, autoSkip: false } },
        },
      },
    });
  }

  function start() {
    var data = readData();
    if (!data || !window.Chart) {
      return;
    }
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = "#1b1f24";
    var canvases = document.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var spec = data[canvas.getAttribute("data-chart")];
      if (spec && spec.labels.length) {
        draw(canvas, spec);
        canvas.setAttribute("data-drawn", "true");
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
