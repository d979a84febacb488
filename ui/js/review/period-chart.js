// Hours per period, stacked by project, with the previous period as a line beside it:
// Chart.js (vendored in ui/vendor, loaded as a plain script) draws axes, gridlines and
// bars on a canvas; its tooltip is an HTML element of the page, so screen readers and
// tests read the hours the pointer is on. A table of the same figures follows the chart
// for screen readers and for anyone who prefers numbers.
import "../../vendor/chart.js/chart.umd.min.js";
import { h } from "../dom.js";
import { hours } from "../chart.js";

const Chart = globalThis.Chart;
/** Projects drawn as their own band; the rest are summed as "Other projects". */
const MAX_BANDS = 8;

/** Theme colours from the page's CSS variables, so both themes read well. */
function theme() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  return { text: v("--text"), muted: v("--muted"), grid: v("--border"), accent: v("--accent"), surface: v("--surface") };
}

/** Band colours around the accent: distinct hues at the theme's lightness. */
function bandColours(n, dark) {
  return Array.from({ length: n }, (_, i) => `hsl(${(232 + i * 47) % 360} ${dark ? 70 : 62}% ${dark ? 66 : 48}%)`);
}

/** `periods` from the back end, `projectName(id)` for the labels. Returns {element, destroy}. */
export function periodChart(periods, { id, title, projectName }) {
  const labels = periods.map((p) => p.start);
  const totalsByProject = new Map();
  for (const p of periods) {
    for (const slice of p.current.by_project) {
      totalsByProject.set(slice.id, (totalsByProject.get(slice.id) ?? 0) + slice.seconds);
    }
  }
  const ranked = [...totalsByProject.entries()].sort((a, b) => b[1] - a[1]).map(([pid]) => pid);
  const banded = ranked.slice(0, MAX_BANDS);
  const other = new Set(ranked.slice(MAX_BANDS));
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  const colours = bandColours(banded.length + 1, dark);
  const seconds = (p, pid) => p.current.by_project.find((s) => s.id === pid)?.seconds ?? 0;
  const datasets = banded.map((pid, i) => ({
    type: "bar",
    label: projectName(pid),
    data: periods.map((p) => seconds(p, pid) / 3600),
    backgroundColor: colours[i],
    stack: "hours",
  }));
  if (other.size) {
    datasets.push({
      type: "bar",
      label: "Other projects",
      data: periods.map((p) => p.current.by_project.filter((s) => other.has(s.id)).reduce((n, s) => n + s.seconds, 0) / 3600),
      backgroundColor: colours[banded.length],
      stack: "hours",
    });
  }
  const t = theme();
  datasets.push({
    type: "line",
    label: "Previous period",
    data: periods.map((p) => p.previous.seconds / 3600),
    borderColor: t.muted,
    backgroundColor: t.muted,
    borderDash: [6, 4],
    pointRadius: 3,
  });

  const canvas = h("canvas", { id, role: "img", "aria-label": `${title}. The table below has the same figures.` });
  const tooltip = h("div", { id: `${id}-tooltip`, class: "chart-tooltip", role: "status", "aria-live": "polite", hidden: true });
  const frame = h("div", { class: "chart-frame" }, canvas, tooltip);
  const chart = new Chart(canvas, {
    data: { labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { stacked: true, ticks: { color: t.muted }, grid: { color: t.grid }, title: { display: true, text: "Period starting", color: t.muted } },
        y: { stacked: true, beginAtZero: true, ticks: { color: t.muted }, grid: { color: t.grid }, title: { display: true, text: "Hours", color: t.muted } },
      },
      plugins: {
        legend: { labels: { color: t.text } },
        tooltip: { enabled: false, external: (context) => showTooltip(context, tooltip) },
      },
    },
  });
  return { element: frame, chart, destroy: () => chart.destroy() };
}

/** The tooltip as page text: the period, each band's hours and the previous period's. */
function showTooltip({ chart, tooltip: model }, element) {
  if (!model.opacity || !model.dataPoints?.length) {
    element.hidden = true;
    return;
  }
  const index = model.dataPoints[0].dataIndex;
  const lines = chart.data.datasets
    .map((d) => ({ label: d.label, value: d.data[index] }))
    .filter((l) => l.value > 0 || l.label === "Previous period");
  element.replaceChildren(
    h("strong", {}, chart.data.labels[index]),
    ...lines.map((l) => h("div", { class: "tooltip-line" }, `${l.label}: ${hours(l.value * 3600)} h`)));
  element.hidden = false;
  const x = Math.min(model.caretX + 12, chart.width - element.offsetWidth);
  element.style.left = `${Math.max(0, x)}px`;
  element.style.top = `${Math.max(0, model.caretY - element.offsetHeight / 2)}px`;
}

/** The same figures as a table: period, hours, billable hours, the previous period. */
export function periodTable(periods, { id, caption }) {
  return h("table", { id, class: "period-table" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...["Period", "Hours", "Billable hours", "Previous period", "Previous hours"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, periods.map((p) => h("tr", {},
      h("th", { scope: "row" }, `${p.start} – ${p.end}`),
      h("td", { class: "num" }, hours(p.current.seconds)),
      h("td", { class: "num" }, hours(p.current.billable_seconds)),
      h("td", {}, `${p.previous_start} – ${p.previous_end}`),
      h("td", { class: "num" }, hours(p.previous.seconds))))));
}
