// mm dashboard: draws each chart from its data-figure, auto-submits market pickers, and refreshes the live page.
"use strict";

function drawCharts(root) {
  for (const div of root.querySelectorAll("div.chart[data-figure]")) {
    const figure = JSON.parse(div.dataset.figure);
    Plotly.react(div, figure.data, figure.layout, { displaylogo: false, displayModeBar: false, responsive: true });
  }
}

function wirePickers(root) {
  for (const select of root.querySelectorAll("select.autosubmit")) {
    select.addEventListener("change", () => select.form.submit());
  }
}

function startRefresh() {
  const live = document.getElementById("live");
  if (!live) {
    return;
  }
  const interval = Number(live.dataset.refreshMs) || 1000;
  let busy = false;
  async function refresh() {
    if (busy) {
      return;
    }
    busy = true;
    try {
      const response = await fetch(live.dataset.panelUrl, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) {
        const scrollY = window.scrollY;
        live.innerHTML = await response.text();
        live.classList.remove("offline");
        drawCharts(live);
        window.scrollTo(0, scrollY);
      } else {
        live.classList.add("offline");
      }
    } catch (error) {
      live.classList.add("offline");
    } finally {
      busy = false;
    }
  }
  window.setInterval(refresh, interval);
}

document.addEventListener("DOMContentLoaded", () => {
  drawCharts(document);
  wirePickers(document);
  startRefresh();
});
