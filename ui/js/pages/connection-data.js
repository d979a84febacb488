// Pulled data of one connection: pull (with progress and Cancel) and the offline review:
// totals with charts, a filtered and paged time-entries table, and CSV export of what
// the filter shows. Only "Pull" needs Toggl; everything else reads the local database.
import { api } from "../api.js";
import { barList, columnChart, hours } from "../chart.js";
import { h } from "../dom.js";
import { clearError, errorSlot, showError, statusSlot } from "../notice.js";
import { when } from "../format.js";

const PAGE_SIZE = 50;

function isoDay(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

export async function render(main, { params }) {
  const id = Number(params[0]);
  let connection;
  try {
    connection = await api.getConnection(id);
  } catch (error) {
    const slot = errorSlot("data-error");
    showError(slot, error);
    main.append(h("h1", {}, "Data"), slot);
    return;
  }
  main.append(h("div", { class: "page-head" },
    h("h1", { id: "data-title" }, `Data of ${connection.name}`),
    h("a", { href: `#/connections/${id}`, class: "button" }, "Connection details")));

  const review = h("div", { id: "review" });
  const pull = pullSection(id, () => drawReview(id, review));
  main.append(pull.element, review);
  await drawReview(id, review);
  return pull.leave;
}

function pullSection(id, afterPull) {
  const today = new Date();
  const start = h("input", { type: "date", id: "pull-start", value: isoDay(new Date(today.getTime() - 89 * 86400000)) });
  const end = h("input", { type: "date", id: "pull-end", value: isoDay(today) });
  const button = h("button", { type: "button", id: "pull-start-button", class: "primary" }, "Pull data");
  const cancel = h("button", { type: "button", id: "pull-cancel", hidden: true }, "Cancel");
  const bar = h("progress", { id: "pull-progress", max: "1", value: "0", hidden: true, "aria-label": "Pull progress" });
  const counts = statusSlot("pull-counts");
  const error = errorSlot("pull-error");
  const last = h("p", { id: "last-pull", class: "muted" });
  let stopListening = null;
  let running = false;
  let quotaHold = null;

  const showLast = async () => {
    try {
      const summary = await api.lastPull(id);
      if (summary && summary.status !== "done" && summary.status !== "running") {
        start.value = summary.range.start_date;
        end.value = summary.range.end_date;
      }
      const resetsAt = summary?.status === "stopped_quota" && summary.quota_resets_at ? new Date(summary.quota_resets_at) : null;
      quotaHold = resetsAt && resetsAt > new Date() ? resetsAt : null;
      button.title = quotaHold ? `Toggl's hourly quota resets at ${quotaHold.toLocaleTimeString()}` : "";
      last.textContent = summary
        ? `Last pull ${when(summary.finished_at ?? summary.started_at)}: ${summary.range.start_date} to ${summary.range.end_date}, ` +
          `${summary.entries_stored} entries, ${summary.requests_used} requests to Toggl (${summary.status.replace(/_/g, " ")}).` +
          (summary.status === "stopped_quota" && summary.quota_resets_at
            ? ` Toggl's hourly quota resets at ${when(summary.quota_resets_at)}; pull again then to resume where it stopped.`
            : summary.status !== "done" ? " Pull again to resume where it stopped." : "")
        : "Nothing pulled yet.";
    } catch (e) {
      last.textContent = e.message;
    }
  };
  showLast();

  button.addEventListener("click", async () => {
    clearError(error);
    if (!start.value || !end.value || start.value > end.value) {
      showError(error, { code: "invalid_input", message: "Choose a start date on or before the end date." });
      return;
    }
    if (quotaHold && quotaHold > new Date()) {
      showError(error, { code: "quota_exhausted",
        message: `Toggl's hourly quota is used up until ${quotaHold.toLocaleTimeString()}. Pull again then; the pull resumes where it stopped.` });
      return;
    }
    running = true;
    button.disabled = true;
    cancel.hidden = false;
    bar.hidden = false;
    bar.removeAttribute("value");
    counts.textContent = "Starting…";
    try {
      stopListening = await api.onPullProgress((p) => {
      if (p.connection_id !== id) return;
      if (p.stages_total) {
        bar.max = p.stages_total;
        bar.value = p.stages_done;
      }
      counts.textContent = `${(p.stage ?? "starting").replace(/_/g, " ")}: ${p.pages_done} pages, ` +
        `${p.entries_stored} entries, ${p.requests_used} requests` +
        (p.quota_remaining == null ? "" : `, ${p.quota_remaining} left this hour`);
      });
      const report = await api.startPull(id, start.value, end.value);
      bar.max = 1;
      bar.value = 1;
      counts.textContent = `Done: ${report.entries_stored} entries, ${report.pages} pages, ${report.requests_used} requests to Toggl.`;
      await afterPull();
    } catch (e) {
      showError(error, e);
      counts.textContent = "";
      bar.hidden = true;
      await afterPull();
    } finally {
      stopListening?.();
      stopListening = null;
      running = false;
      button.disabled = false;
      cancel.hidden = true;
      showLast();
    }
  });
  cancel.addEventListener("click", () => api.cancelPull(id).catch(() => {}));

  const element = h("section", { class: "card", "aria-labelledby": "pull-title" },
    h("h2", { id: "pull-title" }, "Pull data from Toggl"),
    h("div", { class: "toolbar" },
      h("label", { for: "pull-start" }, "From"), start,
      h("label", { for: "pull-end" }, "To"), end, button, cancel),
    bar, counts, error, last);
  // Leaving the page cancels a running pull; its finished pages are kept and the next
  // Pull resumes after them.
  const leave = () => {
    stopListening?.();
    if (running) api.cancelPull(id).catch(() => {});
  };
  return { element, leave };
}

async function drawReview(id, container) {
  let options;
  try {
    options = await api.reviewOptions(id);
  } catch (e) {
    const slot = errorSlot("review-error");
    showError(slot, e);
    container.replaceChildren(slot);
    return;
  }
  const filter = { utc_offset_minutes: -new Date().getTimezoneOffset() };
  const select = (key, label, plural, items) => {
    const el = h("select", { id: `filter-${key}` },
      h("option", { value: "" }, `All ${plural}`),
      items.map((i) => h("option", { value: i.id }, i.name)));
    el.addEventListener("change", () => { filter[`${key}_id`] = el.value ? Number(el.value) : null; refresh(); });
    return [h("label", { for: `filter-${key}` }, label), el];
  };
  const date = (key, label) => {
    const el = h("input", { type: "date", id: `filter-${key}` });
    el.addEventListener("change", () => { filter[key] = el.value || null; refresh(); });
    return [h("label", { for: `filter-${key}` }, label), el];
  };
  const text = h("input", { type: "search", id: "filter-text", placeholder: "Description contains" });
  let typing = null;
  const readText = () => { filter.text = text.value.trim() || null; };
  text.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => { readText(); refresh(); }, 250);
  });
  const filters = h("div", { class: "toolbar filters", role: "search", "aria-label": "Filter time entries" },
    ...date("start_date", "From"), ...date("end_date", "To"),
    ...select("workspace", "Workspace", "workspaces", options.workspaces),
    ...select("project", "Project", "projects", options.projects),
    ...select("user", "User", "users", options.users),
    ...select("tag", "Tag", "tags", options.tags),
    h("label", { for: "filter-text" }, "Text"), text);

  const totals = h("section", { id: "totals", class: "card", "aria-labelledby": "totals-title" });
  const table = h("section", { id: "entries", class: "card", "aria-labelledby": "entries-title" });
  const exportStatus = statusSlot("export-status");
  const exportError = errorSlot("export-error");
  const exportButton = h("button", { type: "button", id: "export-csv" }, "Export CSV");
  exportButton.addEventListener("click", async () => {
    clearError(exportError);
    if (typing) {
      clearTimeout(typing);
      readText();
      await refresh();
    }
    try {
      const saved = await api.exportCsv(id, filter);
      exportStatus.replaceChildren(`Exported ${saved.rows} rows to `, h("code", { id: "export-path" }, saved.path));
    } catch (e) {
      showError(exportError, e);
    }
  });
  let page = 0;
  let generation = 0;
  const refresh = async () => {
    page = 0;
    const mine = ++generation;
    const current = () => mine === generation;
    await Promise.all([drawTotals(id, filter, totals, current), drawTable(id, filter, table, page, (p) => { page = p; }, current)]);
  };
  container.replaceChildren(
    h("h2", {}, "Review"), filters, totals, table,
    h("div", { class: "actions" }, exportButton), exportStatus, exportError);
  await refresh();
}

/** `current()` is false once a newer filter was applied: a late answer is then dropped. */
async function drawTotals(id, filter, section, current = () => true) {
  try {
    const t = await api.reviewTotals(id, { ...filter });
    if (!current()) return;
    const label = (items) => items.map((i) => ({ label: i.name ?? i.day ?? "(none)", seconds: i.seconds }));
    section.replaceChildren(
      h("h3", { id: "totals-title" }, "Totals"),
      h("p", { id: "total-hours", class: "big-number" }, `${hours(t.seconds)} h`, h("span", { class: "muted" }, ` in ${t.entries} entries`)),
      h("h4", {}, "Hours by day"), columnChart(label(t.by_day), { id: "chart-days", title: "Hours by day" }),
      h("div", { class: "chart-grid" },
        h("div", {}, h("h4", {}, "By project"), barList(label(t.by_project), { id: "chart-projects", title: "Hours by project" })),
        h("div", {}, h("h4", {}, "By user"), barList(label(t.by_user), { id: "chart-users", title: "Hours by user" })),
        h("div", {}, h("h4", {}, "By client"), barList(label(t.by_client), { id: "chart-clients", title: "Hours by client" }))));
  } catch (e) {
    const slot = errorSlot("totals-error");
    showError(slot, e);
    section.replaceChildren(slot);
  }
}

async function drawTable(id, filter, section, page, setPage, current = () => true) {
  try {
    const result = await api.reviewEntries(id, { ...filter }, page, PAGE_SIZE);
    if (!current()) return;
    const pages = Math.max(1, Math.ceil(result.total_count / PAGE_SIZE));
    const go = (p) => { setPage(p); drawTable(id, filter, section, p, setPage); };
    section.replaceChildren(
      h("h3", { id: "entries-title" }, "Time entries"),
      h("table", { id: "entries-table" },
        h("thead", {}, h("tr", {}, ...["Start", "Duration", "User", "Project", "Description", "Tags"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, result.rows.map((r) => h("tr", {},
          h("td", {}, new Date(r.start).toLocaleString()),
          h("td", { class: "num" }, `${hours(r.duration_seconds ?? 0)} h`),
          h("td", {}, r.user_name ?? ""),
          h("td", {}, r.project_name ?? ""),
          h("td", {}, r.description ?? ""),
          h("td", {}, (r.tags ?? []).join(", ")))))),
      h("div", { class: "pager" },
        h("button", { type: "button", id: "page-prev", disabled: page === 0, onclick: () => go(page - 1) }, "Previous"),
        h("span", { id: "page-info", role: "status" }, `Page ${page + 1} of ${pages} · ${result.total_count} entries`),
        h("button", { type: "button", id: "page-next", disabled: page + 1 >= pages, onclick: () => go(page + 1) }, "Next")));
  } catch (e) {
    const slot = errorSlot("entries-error");
    showError(slot, e);
    section.replaceChildren(slot);
  }
}
