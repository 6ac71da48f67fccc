// Engage console behaviour: no inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  // What only works with scripts (.js-only) shows once they run.
  document.documentElement.classList.add("js");

  // Selects with data-autosubmit submit their form on change (the brand switcher).
  document.addEventListener("change", function (e) {
    if (e.target.matches("select[data-autosubmit]")) {
      e.target.form.requestSubmit();
    }
  });

  // Tables with data-sortable sort by a column when its header is clicked.
  document.addEventListener("click", function (e) {
    var th = e.target.closest("table[data-sortable] th");
    if (!th) return;
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].textContent.trim(), y = b.cells[index].textContent.trim();
      var cmp = x.localeCompare(y, undefined, { numeric: true });
      return asc ? cmp : -cmp;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });

  // Charts: a [data-chart] element is filled from the JSON its attribute names.
  function drawCharts() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]:not([data-drawn])").forEach(function (el) {
      el.setAttribute("data-drawn", "pending");
      fetch(el.getAttribute("data-chart"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          var chart = window.echarts.init(el);
          chart.setOption({
            tooltip: { trigger: "axis" },
            grid: { left: 40, right: 16, top: 16, bottom: 32 },
            xAxis: { type: "category", data: d.days },
            yAxis: { type: "value", minInterval: 1 },
            series: [{ name: d.label, type: "bar", data: d.counts, itemStyle: { color: "#2f6f5e" } }]
          });
          el.setAttribute("data-drawn", "true");
          window.addEventListener("resize", function () { chart.resize(); });
        });
    });
  }
  // A [data-chart-option] element carries its ECharts option; with data-chart-money its values
  // are yuan, shown as ¥1,234.50.
  var yuan = function (v) {
    return "¥" + Number(v).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  };
  function drawOptionCharts() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart-option]:not([data-drawn])").forEach(function (el) {
      var option = JSON.parse(el.getAttribute("data-chart-option"));
      option.tooltip = { trigger: "axis" };
      option.grid = { left: 56, right: 48, top: option.legend ? 36 : 16, bottom: 32 };
      if (el.hasAttribute("data-chart-money")) {
        option.tooltip.valueFormatter = yuan;
        option.yAxis.axisLabel = { formatter: function (v) { return "¥" + Number(v).toLocaleString("en-US"); } };
      }
      var chart = window.echarts.init(el);
      chart.setOption(option);
      el.setAttribute("data-drawn", "true");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  window.addEventListener("load", drawCharts);
  window.addEventListener("load", drawOptionCharts);
  // Charts can arrive later, in a section htmx loads.
  document.addEventListener("htmx:afterSettle", drawCharts);
  document.addEventListener("htmx:afterSettle", drawOptionCharts);

  // A button with data-copy copies the value of the input its selector names, and says so
  // (data-copied) for a moment. Without the clipboard API (a page not served securely, or
  // refused) it copies the selected text the older way; the text stays selected either way,
  // for the admin to copy with the keyboard.
  document.addEventListener("click", function (e) {
    var button = e.target.closest("button[data-copy]");
    if (!button) return;
    var input = document.querySelector(button.getAttribute("data-copy"));
    if (!input) return;
    var label = button.textContent;
    function done() {
      button.textContent = button.getAttribute("data-copied") || label;
      button.setAttribute("data-done", "true");
      setTimeout(function () { button.textContent = label; button.removeAttribute("data-done"); }, 2500);
    }
    function fallback() {
      input.focus();
      input.select();
      if (document.execCommand && document.execCommand("copy")) done();
    }
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, fallback);
    } else {
      fallback();
    }
  });

  // A picker's filter (input[data-picker-filter] names its select) shows the options whose
  // names contain what is typed. A single choice moves to the first of them when its own is
  // hidden, and says so (change: the live count follows); chosen options of a multiple choice
  // stay shown. Enter in a filter does not submit its form.
  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[data-picker-filter]")) return;
    var select = document.querySelector('select[name="' + CSS.escape(input.getAttribute("data-picker-filter")) + '"]');
    if (!select) return;
    var q = input.value.trim().toLowerCase();
    var first = null;
    Array.prototype.forEach.call(select.options, function (o) {
      var match = q === "" || o.textContent.toLowerCase().indexOf(q) >= 0 || o.value.toLowerCase().indexOf(q) >= 0;
      o.hidden = !match && !(select.multiple && o.selected);
      if (match && !first) first = o;
    });
    if (q !== "" && !first) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    var chosen = select.options[select.selectedIndex];
    if (!select.multiple && first && chosen && chosen.hidden) {
      first.selected = true;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches("input[data-picker-filter]")) e.preventDefault();
  });

  // A toast disappears after a few seconds.
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target.id === "toast") {
      setTimeout(function () { e.target.innerHTML = ""; }, 6000);
    }
  });
})();
