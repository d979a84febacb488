// Hours by project, client or user: horizontal bars split into billable and
// non-billable hours, and the table of the same figures with the money per currency.
import { h } from "../dom.js";
import { hours, money } from "../format.js";
import { axis, bandColours, drawChart, theme } from "./charts.js";

/** The height a chart of `n` bars needs to keep each bar readable, in pixels. */
function heightFor(n) {
  return Math.max(160, 64 + n * 28);
}

/** `rows` are the back end's total rows (largest first). Returns {element, chart, destroy}. */
export function groupChart(rows, { id, title }) {
  const t = theme();
  const [billable, rest] = bandColours(2);
  const drawn = drawChart({
    id,
    title,
    data: {
      labels: rows.map((r) => r.name),
      datasets: [
        { type: "bar", label: "Billable", data: rows.map((r) => r.billable_seconds / 3600), backgroundColor: billable, stack: "hours" },
        { type: "bar", label: "Non-billable", data: rows.map((r) => r.non_billable_seconds / 3600), backgroundColor: rest, stack: "hours" },
      ],
    },
    options: {
      indexAxis: "y",
      interaction: { mode: "index", axis: "y", intersect: false },
      scales: {
        x: axis("Hours", t, { stacked: true, beginAtZero: true }),
        y: axis("", t, { stacked: true, title: { display: false } }),
      },
    },
  });
  drawn.element.style.height = `${heightFor(rows.length)}px`;
  return drawn;
}

/** The same figures as a table: name, hours, billable, non-billable and amounts. */
export function groupTable(id, caption, rows) {
  return h("table", { id },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...["Name", "Hours", "Billable", "Non-billable", "Amounts"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {},
      h("th", { scope: "row" }, r.name),
      h("td", { class: "num" }, hours(r.seconds)),
      h("td", { class: "num" }, hours(r.billable_seconds)),
      h("td", { class: "num" }, hours(r.non_billable_seconds)),
      h("td", {}, money(r.amounts))))));
}
