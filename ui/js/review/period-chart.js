// Hours per period, stacked by project, optionally with the previous period as a line
// beside it, and the table of the same figures for screen readers and for anyone who
// prefers numbers.
import { h } from "../dom.js";
import { hours } from "../format.js";
import { axis, bandColours, drawChart, theme } from "./charts.js";

/** Projects drawn as their own band; the rest are summed as "Other projects". */
const MAX_BANDS = 8;

/** A name for each project id of the filter choices ("(no project)" for none). */
export function projectNames(options) {
  const byId = new Map(options.projects.map((p) => [p.id, p.name]));
  return (id) => (id == null ? "(no project)" : byId.get(id) ?? `Project ${id}`);
}

/** `periods` from the back end, `projectName(id)` for the labels; `previous: false`
 *  leaves out the previous period's line. Returns {element, chart, destroy}. */
export function periodChart(periods, { id, title, projectName, previous = true }) {
  const totalsByProject = new Map();
  for (const p of periods) {
    for (const slice of p.current.by_project) {
      totalsByProject.set(slice.id, (totalsByProject.get(slice.id) ?? 0) + slice.seconds);
    }
  }
  const ranked = [...totalsByProject.entries()].sort((a, b) => b[1] - a[1]).map(([pid]) => pid);
  const banded = ranked.slice(0, MAX_BANDS);
  const other = new Set(ranked.slice(MAX_BANDS));
  const colours = bandColours(banded.length + 1);
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
  if (previous) {
    datasets.push({
      type: "line",
      label: "Previous period",
      data: periods.map((p) => p.previous.seconds / 3600),
      borderColor: t.muted,
      backgroundColor: t.muted,
      borderDash: [6, 4],
      pointRadius: 3,
      always: true,
    });
  }
  return drawChart({
    id,
    title,
    data: { labels: periods.map((p) => p.start), datasets },
    options: {
      interaction: { mode: "index", intersect: false },
      scales: {
        x: axis("Period starting", t, { stacked: true }),
        y: axis("Hours", t, { stacked: true, beginAtZero: true }),
      },
    },
  });
}

/** The same figures as a table: period, hours, billable hours and, unless
 *  `previous: false`, the previous period. */
export function periodTable(periods, { id, caption, previous = true }) {
  const columns = ["Period", "Hours", "Billable hours", ...(previous ? ["Previous period", "Previous hours"] : [])];
  return h("table", { id, class: "period-table" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, periods.map((p) => h("tr", {},
      h("th", { scope: "row" }, p.start === p.end ? p.start : `${p.start} – ${p.end}`),
      h("td", { class: "num" }, hours(p.current.seconds)),
      h("td", { class: "num" }, hours(p.current.billable_seconds)),
      previous && h("td", {}, `${p.previous_start} – ${p.previous_end}`),
      previous && h("td", { class: "num" }, hours(p.previous.seconds))))));
}
