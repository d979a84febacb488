// What every chart of the review and data pages shares: Chart.js (vendored in
// ui/vendor, loaded as a plain script, no remote code), colours from the page's theme,
// axes with ticks, gridlines and titles, and a tooltip that is an element of the page
// (not canvas pixels), so screen readers and tests read the hours the pointer is on.
// Each chart is followed by a table of the same figures on its page.
import "../../vendor/chart.js/chart.umd.min.js";
import { h } from "../dom.js";
import { hours } from "../format.js";

const Chart = globalThis.Chart;

/** Theme colours from the page's CSS variables, so both themes read well. */
export function theme() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  return { text: v("--text"), muted: v("--muted"), grid: v("--border"), accent: v("--accent") };
}

/** `n` distinct hues around the accent, at a lightness that reads on the theme. */
export function bandColours(n) {
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  return Array.from({ length: n }, (_, i) => `hsl(${(232 + i * 47) % 360} ${dark ? 70 : 62}% ${dark ? 66 : 48}%)`);
}

/** One axis: ticks, gridlines and a title in the theme's colours. */
export function axis(title, t, extra = {}) {
  return {
    ticks: { color: t.muted },
    grid: { color: t.grid },
    title: { display: true, text: title, color: t.muted },
    ...extra,
  };
}

/**
 * Draws `config` (Chart.js data and options) on a new canvas `id` labelled `title`,
 * with the page-text tooltip `<id>-tooltip`. Datasets flagged `always` are listed in
 * the tooltip even at zero. Returns {element, chart, destroy}.
 */
export function drawChart({ id, title, data, options }) {
  const t = theme();
  const canvas = h("canvas", { id, role: "img", "aria-label": `${title}. A table of the same figures follows.` });
  const tooltip = h("div", { id: `${id}-tooltip`, class: "chart-tooltip", role: "status", "aria-live": "polite", hidden: true });
  const element = h("div", { class: "chart-frame" }, canvas, tooltip);
  const chart = new Chart(canvas, {
    data,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      ...options,
      plugins: {
        legend: { labels: { color: t.text } },
        tooltip: { enabled: false, external: (context) => showTooltip(context, tooltip) },
      },
    },
  });
  return { element, chart, destroy: () => chart.destroy() };
}

/** The tooltip as page text: the label, then each dataset's hours at that point. */
function showTooltip({ chart, tooltip: model }, element) {
  if (!model.opacity || !model.dataPoints?.length) {
    element.hidden = true;
    return;
  }
  const index = model.dataPoints[0].dataIndex;
  const lines = chart.data.datasets
    .map((d) => ({ label: d.label, value: d.data[index], always: d.always }))
    .filter((l) => l.value > 0 || l.always);
  element.replaceChildren(
    h("strong", {}, chart.data.labels[index]),
    ...lines.map((l) => h("div", { class: "tooltip-line" }, `${l.label}: ${hours(l.value * 3600)} h`)));
  element.hidden = false;
  const x = Math.min(model.caretX + 12, chart.width - element.offsetWidth);
  element.style.left = `${Math.max(0, x)}px`;
  element.style.top = `${Math.max(0, model.caretY - element.offsetHeight / 2)}px`;
}

/** The charts drawn on a page, destroyed together before a redraw or when leaving. */
export function chartSet() {
  let live = [];
  return {
    keep: (...charts) => { live.push(...charts); },
    clear: () => { live.forEach((c) => c.destroy()); live = []; },
  };
}
