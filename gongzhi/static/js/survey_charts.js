/* Survey result charts: one horizontal bar chart per question, drawn by ECharts as SVG
   (crisp on screen and on paper) from the JSON blob the page carries (#survey-chart-data).
   Every chart sits next to a table with the same figures, so the page reads the same
   without JavaScript, to a screen reader (charts are aria-hidden) and when printed. */
(function () {
  "use strict";

  var PRINT_WIDTH = 640; // px: an A4 page's text width at 96 dpi, less margins

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function option(chart, fontSize) {
    var text = cssVar("--text", "#1f2328");
    return {
      animation: false,
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: {
        type: "value",
        minInterval: 1,
        axisLabel: { color: text, fontSize: Math.round(fontSize * 0.8) },
        splitLine: { lineStyle: { color: cssVar("--line", "#d6d0c4") } }
      },
      yAxis: {
        type: "category",
        inverse: true,
        data: chart.labels,
        axisLabel: { color: text, fontSize: Math.round(fontSize * 0.85), width: 180, overflow: "break" }
      },
      series: [{
        type: "bar",
        data: chart.values,
        barMaxWidth: Math.round(fontSize * 1.4),
        itemStyle: { color: cssVar("--primary", "#a61b1b") },
        label: { show: true, position: "right", color: text, fontSize: Math.round(fontSize * 0.85) }
      }]
    };
  }

  function drawCharts() {
    var blob = document.getElementById("survey-chart-data");
    if (!blob || typeof window.echarts === "undefined") {
      return;
    }
    var fontSize = parseFloat(getComputedStyle(document.body).fontSize) || 18;
    var instances = [];
    JSON.parse(blob.textContent).forEach(function (chart) {
      var element = document.getElementById(chart.id);
      if (!element) {
        return;
      }
      element.style.height = Math.max(120, chart.labels.length * fontSize * 2.4 + 48) + "px";
      var instance = window.echarts.init(element, null, { renderer: "svg" });
      instance.setOption(option(chart, fontSize));
      instances.push(instance);
    });
    function resizeAll(width) {
      instances.forEach(function (instance) {
        instance.resize(width ? { width: width } : undefined);
      });
    }
    window.addEventListener("resize", function () { resizeAll(); });
    // Paper is narrower than most screens: draw at the page's width, then back.
    window.addEventListener("beforeprint", function () { resizeAll(PRINT_WIDTH); });
    window.addEventListener("afterprint", function () { resizeAll(); });
  }

  function enablePrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function start() {
    drawCharts();
    enablePrintButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
