// The review across connections: any set of connections (all by default) with the same
// totals, chart, table and exports as one connection's review, billable hours and money
// per currency, periods beside the previous ones, and saved views. Reads the local
// database only. `?view=<id>` opens a saved view.
import { api } from "../api.js";
import { h } from "../dom.js";
import { cash, hours, money, WEEKDAYS } from "../format.js";
import { filterBar } from "../review/filters.js";
import { groupTable } from "../review/group-chart.js";
import { periodChart, periodTable, projectNames } from "../review/period-chart.js";
import { savedViews } from "../review/saved-views.js";
import { busy, clearError, errorSlot, showError, statusSlot } from "../ui-kit.js";

const PAGE_SIZE = 50;

export async function render(main, { query }) {
  main.append(h("div", { class: "page-head" },
    h("h1", { id: "review-title" }, "Review across connections"),
    h("a", { href: "#/connections", class: "button" }, "Connections")));
  let options;
  try {
    options = await api.acrossOptions({});
  } catch (error) {
    const slot = errorSlot("review-error");
    showError(slot, error);
    main.append(slot);
    return;
  }
  const filter = { connection_ids: [], utc_offset_minutes: -new Date().getTimezoneOffset() };
  // Weeks start as the connections' Toggl users have it until a day is chosen.
  const periods = { grouping: "week", beginning_of_week: null };
  const sections = {
    totals: h("section", { id: "review-totals", class: "card", "aria-labelledby": "review-totals-title" }),
    chart: h("section", { id: "review-chart", class: "card", "aria-labelledby": "review-chart-title" }),
    groups: h("section", { id: "review-groups", class: "card", "aria-labelledby": "review-groups-title" }),
    table: h("section", { id: "review-entries", class: "card", "aria-labelledby": "review-entries-title" }),
  };
  const tickets = { filter: 0, page: 0 };
  const ticket = (kind) => {
    const mine = ++tickets[kind];
    return () => mine === tickets[kind];
  };
  const live = { chart: null };
  const names = projectNames(options);
  const goToPage = (page) => drawTable({ ...filter }, sections.table, page, goToPage, ticket("page"));
  const refresh = async () => {
    const current = ticket("filter");
    const snapshot = { ...filter };
    await Promise.all([
      drawTotals(snapshot, options, sections, current),
      drawChart(snapshot, { ...periods }, sections.chart, names, live, current),
      goToPage(0),
    ]);
  };
  const filters = filterBar(options, filter, periods, refresh);
  const settle = async () => {
    if (filters.flush()) await refresh();
    return { ...filter };
  };
  const views = savedViews({
    current: settle,
    open: (view) => {
      filters.show(view.filter);
      refresh();
    },
  });
  main.append(filters.element, views.element, sections.totals, sections.chart, sections.groups,
    sections.table, exportPanel(periods, settle));
  if (query.view) {
    try {
      const saved = (await api.listViews()).find((v) => String(v.id) === query.view);
      if (saved) filters.show(saved.filter);
    } catch {
      // The views card shows the error; the review opens unfiltered.
    }
  }
  await refresh();
  return () => live.chart?.destroy();
}

async function drawTotals(filter, options, sections, current) {
  try {
    const chosen = filter.connection_ids.length ? filter.connection_ids : options.connections.map((c) => c.id);
    const [t, perConnection] = await Promise.all([
      api.acrossTotals(filter),
      Promise.all(chosen.map((id) => api.acrossTotals({ ...filter, connection_ids: [id] }))),
    ]);
    if (!current()) return;
    const connectionName = (id) => options.connections.find((c) => c.id === id)?.name ?? `Connection ${id}`;
    sections.totals.replaceChildren(
      h("h2", { id: "review-totals-title" }, "Totals"),
      h("p", { id: "review-total-hours", class: "big-number", dataset: { seconds: t.seconds } },
        `${hours(t.seconds)} h`, h("span", { class: "muted" }, ` in ${t.entries} entries`)),
      h("p", { id: "review-billable" },
        `Billable ${hours(t.billable_seconds)} h · non-billable ${hours(t.non_billable_seconds)} h · `,
        h("span", { id: "review-amounts" }, money(t.amounts))),
      h("table", { id: "review-by-connection" },
        h("caption", {}, "By connection"),
        h("thead", {}, h("tr", {}, ...["Connection", "Hours", "Entries", "Billable amounts"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, perConnection.map((p, i) => h("tr", { dataset: { connection: chosen[i], seconds: p.seconds } },
          h("th", { scope: "row" }, connectionName(chosen[i])),
          h("td", { class: "num" }, hours(p.seconds)),
          h("td", { class: "num" }, p.entries),
          h("td", {}, money(p.amounts)))))));
    sections.groups.replaceChildren(
      h("h2", { id: "review-groups-title" }, "By project, client and user"),
      h("div", { class: "chart-grid" },
        groupTable("review-by-project", "By project", t.by_project),
        groupTable("review-by-client", "By client", t.by_client),
        groupTable("review-by-user", "By user", t.by_user)));
  } catch (e) {
    if (!current()) return;
    const slot = errorSlot("review-totals-error");
    showError(slot, e);
    sections.totals.replaceChildren(slot);
  }
}

async function drawChart(filter, periods, section, projectName, live, current) {
  try {
    const [rows, week] = await Promise.all([
      api.acrossPeriods(filter, periods),
      periods.grouping === "week" ? api.acrossWeekStart(filter) : null,
    ]);
    if (!current()) return;
    live.chart?.destroy();
    const title = `Hours by ${periods.grouping}, stacked by project, with the previous ${periods.grouping}`;
    const chart = periodChart(rows, { id: "review-period-chart", title, projectName });
    live.chart = chart;
    section.replaceChildren(
      h("h2", { id: "review-chart-title" }, `Hours by ${periods.grouping}`),
      weekNote(week, periods),
      chart.element,
      h("details", { id: "review-period-details" },
        h("summary", {}, "The same figures as a table"),
        periodTable(rows, { id: "review-period-table", caption: title })));
  } catch (e) {
    if (!current()) return;
    const slot = errorSlot("review-chart-error");
    showError(slot, e);
    section.replaceChildren(slot);
  }
}

/** Which day the weeks start on and why: the connections' Toggl setting, Monday when
 *  they disagree (core's rule), or the day chosen in the filter bar. */
function weekNote(week, periods) {
  if (!week) return null;
  const note = h("p", { id: "review-week-start", class: "muted", dataset: { day: week.beginning_of_week } });
  if (periods.beginning_of_week != null) {
    note.dataset.day = periods.beginning_of_week;
    note.textContent = `Weeks start on ${WEEKDAYS[periods.beginning_of_week]}, as chosen above.`;
  } else if (week.agreed) {
    const whose = week.connections.length === 1 ? `the Toggl user of ${week.connections[0].name} has it` : "the connections' Toggl users have it";
    note.textContent = `Weeks start on ${WEEKDAYS[week.beginning_of_week]}, as ${whose}.`;
  } else {
    const days = week.connections.map((c) => `${c.name}: ${WEEKDAYS[c.beginning_of_week]}`).join(", ");
    note.textContent = `The connections' Toggl users start weeks on different days (${days}), so weeks here ` +
      `start on ${WEEKDAYS[week.beginning_of_week]}, Toggl's default. Choose a day under “Weeks start on” to use another.`;
  }
  return note;
}

async function drawTable(filter, section, page, goToPage, current) {
  try {
    const result = await api.acrossEntries(filter, page, PAGE_SIZE);
    if (!current()) return;
    const pages = Math.max(1, Math.ceil(result.total_count / PAGE_SIZE));
    section.replaceChildren(
      h("h2", { id: "review-entries-title" }, "Time entries"),
      h("table", { id: "review-entries-table" },
        h("thead", {}, h("tr", {}, ...["Connection", "Workspace", "Start", "Duration", "User", "Project", "Description", "Billable"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, result.rows.map((r) => h("tr", { dataset: { connection: r.connection_id } },
          h("td", {}, r.connection_name),
          h("td", {}, r.workspace_name ?? `Workspace ${r.workspace_id}`),
          h("td", {}, new Date(r.start).toLocaleString()),
          h("td", { class: "num" }, `${hours(r.duration_seconds ?? 0)} h`),
          h("td", {}, r.user_name ?? ""),
          h("td", {}, r.project_name ?? ""),
          h("td", {}, r.description ?? ""),
          h("td", {}, billableCell(r)))))),
      h("div", { class: "pager" },
        h("button", { type: "button", id: "review-page-prev", disabled: page === 0, onclick: () => goToPage(page - 1) }, "Previous"),
        h("span", { id: "review-page-info", role: "status" }, `Page ${page + 1} of ${pages} · ${result.total_count} entries`),
        h("button", { type: "button", id: "review-page-next", disabled: page + 1 >= pages, onclick: () => goToPage(page + 1) }, "Next")));
  } catch (e) {
    if (!current()) return;
    const slot = errorSlot("review-entries-error");
    showError(slot, e);
    section.replaceChildren(slot);
  }
}

/** "no", the amount Toggl gave, or the amount at the project's rate (marked as such). */
function billableCell(r) {
  if (!r.billable) return "no";
  if (r.billable_amount_cents == null) return "yes, no amount";
  const amount = cash(r.billable_amount_cents, r.currency);
  return r.amount_derived ? `${amount} (project rate)` : amount;
}

/** CSV or Excel of what the filter shows; `settle` applies text still being typed. */
function exportPanel(periods, settle) {
  const status = statusSlot("review-export-status");
  const error = errorSlot("review-export-error");
  const button = (format, label) => {
    const el = h("button", { type: "button", id: `review-export-${format}` }, label);
    el.addEventListener("click", () => busy(el, "Exporting…", async () => {
      clearError(error);
      try {
        const saved = await api.exportReview(await settle(), { ...periods }, format);
        status.replaceChildren(`Exported ${saved.count} entries to `, h("code", { id: "review-export-path" }, saved.path));
      } catch (e) {
        showError(error, e);
      }
    }));
    return el;
  };
  return h("section", { class: "card", "aria-label": "Export" },
    h("div", { class: "actions" }, button("csv", "Export CSV"), button("xlsx", "Export Excel")), status, error);
}
