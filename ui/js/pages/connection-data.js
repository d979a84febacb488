// Pulled data of one connection: pull (with progress and Cancel) and the offline review:
// totals with the review's charts (hours by day stacked by project, hours by project,
// user and client, each followed by a table of its figures), a filtered and paged
// time-entries table, and CSV export of what the filter shows. Only "Pull" needs
// Toggl; everything else reads the local database.
import { api } from "../api.js";
import { Field } from "../codes.js";
import { h } from "../dom.js";
import { counted, hours, when } from "../format.js";
import { chartSet } from "../review/charts.js";
import { fieldMaker, textField } from "../review/filters.js";
import { groupChart, groupTable } from "../review/group-chart.js";
import { periodChart, periodTable, projectNames } from "../review/period-chart.js";
import { busy, clearError, errorSlot, showError, statusSlot } from "../ui-kit.js";

const PAGE_SIZE = 50;

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
  const charts = chartSet();
  const pull = pullSection(id, () => drawReview(id, review, charts));
  main.append(pull.element, review);
  await drawReview(id, review, charts);
  return () => {
    pull.leave();
    charts.clear();
  };
}

/** The pull card: dates, Pull and Cancel, progress, the outcome and the last pull.
 * The back end decides the dates to offer, whether a pull resumes and when Toggl's
 * limits allow the next one; this card shows those facts. */
function pullSection(id, afterPull) {
  const range = rangeFields();
  const full = fullRePullField();
  const controls = pullControls();
  const progress = progressPanel();
  const error = errorSlot("pull-error");
  const last = h("p", { id: "last-pull", class: "muted" });
  const plan = planPanel(() => api.cancelPull(id).catch(() => {}));
  const facts = factsView(id, { range, full, controls, plan, last, error }, afterPull);
  facts.show(true);
  plan.count.addEventListener("click", () => busy(plan.count, "Counting…", facts.countPlan));
  range.start.addEventListener("change", facts.showPlan);
  range.end.addEventListener("change", facts.showPlan);
  full.input.addEventListener("change", facts.showPlan);
  // A pull stopped by the quota goes on by itself in the back end: its progress shows
  // here while the page is open, whoever started the run.
  const listening = api.onPullProgress((p) => {
    if (p.connection_id === id) progress.show(p);
  });
  const run = pullRun(id, { range, full, controls, progress, error }, async () => {
    await afterPull();
    facts.show(false);
  });
  controls.start.addEventListener("click", () => busy(controls.start, null, run.pull));
  controls.cancel.addEventListener("click", () => api.cancelPull(id).catch(() => {}));

  const element = h("section", { class: "card", "aria-labelledby": "pull-title" },
    h("h2", { id: "pull-title" }, "Pull data from Toggl"),
    h("div", { class: "toolbar" }, ...range.elements, full.element, controls.start, controls.cancel),
    full.hint, plan.element, progress.bar, progress.counts, error, last);
  // Leaving the page cancels a running pull; its finished pages are kept and the next
  // Pull resumes after them. A pull waiting for the quota keeps waiting.
  const leave = () => {
    listening.then((stop) => stop?.()).catch(() => {});
    plan.clear();
    if (run.active()) api.cancelPull(id).catch(() => {});
  };
  return { element, leave };
}

/** The back end's facts about the next pull (range offered, hold, last pull) and its
 *  plan for the dates shown (estimate, a resume waiting for the quota). */
function factsView(id, { range, full, controls, plan, last, error }, afterPull) {
  const present = (facts, asFull) => {
    plan.show(facts, asFull, () => afterPull().then(() => show(false)));
    controls.resume(facts.offer_resume || Boolean(facts.auto_resume_at));
  };
  const showPlan = async () => {
    try {
      const asFull = full.input.checked;
      present(await api.pullPlan(id, range.start.value, range.end.value, asFull), asFull);
    } catch {
      plan.clear();
    }
  };
  // Only on the user's press: counting spends requests, showing the plan does not.
  const countPlan = async () => {
    clearError(error);
    try {
      // A count is of a whole walk's first pages: the plan shown is the pull's as asked.
      present(await api.countOnToggl(id, range.start.value, range.end.value), false);
    } catch (e) {
      showError(error, e, { field: e.field === Field.RANGE ? range.start : undefined });
    }
  };
  const show = async (first) => {
    try {
      const facts = await api.pullFacts(id);
      if (first || facts.resumable) range.set(facts.default_range);
      controls.hold(facts.pull_allowed_after);
      last.textContent = lastPullText(facts);
    } catch (e) {
      last.textContent = e.message;
    }
    await showPlan();
  };
  return { show, showPlan, countPlan };
}

/** One Pull press: progress while it runs, the outcome or the error after, then
 *  `finished` (the review and the facts are read again). */
function pullRun(id, { range, full, controls, progress, error }, finished) {
  let active = false;
  const pull = async () => {
    clearError(error);
    active = true;
    controls.cancel.hidden = false;
    progress.begin();
    try {
      progress.end(await api.startPull(id, range.start.value, range.end.value, full.input.checked));
    } catch (e) {
      showError(error, e, { field: e.field === Field.RANGE ? range.start : undefined });
      progress.clear();
    } finally {
      active = false;
      controls.cancel.hidden = true;
      await finished();
    }
  };
  return { pull, active: () => active };
}

/** The From and To date fields, filled with the range the back end offers. */
function rangeFields() {
  const start = h("input", { type: "date", id: "pull-start" });
  const end = h("input", { type: "date", id: "pull-end" });
  return {
    start,
    end,
    elements: [h("label", { for: "pull-start" }, "From"), start, h("label", { for: "pull-end" }, "To"), end],
    set: ({ start_date, end_date }) => {
      start.value = start_date;
      end.value = end_date;
    },
  };
}

/** "Full re-pull": walk every entry of the range again instead of asking Toggl only for
 * what changed since the last pull of it (only a full walk finds entries others deleted
 * in a workspace you administer). A labelled checkbox, described by its hint. */
function fullRePullField() {
  const input = h("input", { type: "checkbox", id: "pull-full", "aria-describedby": "pull-full-hint" });
  const hint = h("p", { id: "pull-full-hint", class: "muted" },
    "A re-pull asks Toggl only for what changed since the last pull of these dates. " +
    "Full re-pull reads every entry again, which also finds entries others deleted in " +
    "workspaces you administer; it costs as many requests as a first pull.");
  const element = h("label", { for: "pull-full", class: "check" }, input, "Full re-pull");
  return { input, element, hint };
}

/** What pulling the dates will cost (core's estimate and where its numbers come from),
 * and a pull stopped by the quota: the countdown to when it goes on by itself, with
 * Cancel; `resumed` runs when the countdown is over. */
function planPanel(cancelWait) {
  const estimate = h("span", { id: "pull-estimate", class: "muted", role: "status" });
  const count = h("button", {
    type: "button",
    id: "pull-count",
    hidden: true,
    "aria-describedby": "pull-count-help",
  }, "Count on Toggl");
  const countHelp = h("span", { id: "pull-count-help", hidden: true },
    "Asks Toggl for the first page of each workspace's report: one request each, which the pull then reuses.");
  const countdown = h("span", { id: "auto-resume-countdown", role: "timer", "aria-live": "off" });
  const cancel = h("button", { type: "button", id: "auto-resume-cancel" }, "Cancel the automatic resume");
  const waiting = h("p", { id: "auto-resume", hidden: true }, countdown, " ", cancel);
  let ticker = null;
  const stop = () => {
    clearInterval(ticker);
    ticker = null;
    waiting.hidden = true;
  };
  cancel.addEventListener("click", () => { stop(); cancelWait(); });
  return {
    element: h("div", { id: "pull-plan" }, h("p", {}, estimate, " ", count, countHelp), waiting),
    count,
    show: (facts, full, resumed) => {
      estimate.textContent = facts.estimate.message;
      estimate.dataset.source = facts.estimate.source;
      estimate.dataset.requests = String(facts.estimate.requests);
      estimate.dataset.full = String(full);
      count.hidden = !facts.count_offered;
      stop();
      if (!facts.auto_resume_at) return;
      const at = new Date(facts.auto_resume_at);
      const tick = () => {
        const secs = Math.max(0, Math.round((at - Date.now()) / 1000));
        countdown.textContent = `The quota resets at ${at.toLocaleTimeString()}: the pull goes on by itself in ` +
          `${Math.floor(secs / 60)} min ${String(secs % 60).padStart(2, "0")} s.`;
        if (secs === 0) { stop(); resumed(); }
      };
      waiting.hidden = false;
      tick();
      ticker = setInterval(tick, 1000);
    },
    clear: () => { stop(); estimate.textContent = ""; count.hidden = true; },
  };
}

/** Pull and Cancel (shown while a pull runs); while Toggl's limits hold pulls, Pull says until when. */
function pullControls() {
  const start = h("button", { type: "button", id: "pull-start-button", class: "primary" }, "Pull data");
  const cancel = h("button", { type: "button", id: "pull-cancel", hidden: true }, "Cancel");
  return {
    start,
    cancel,
    resume: (stopped) => { start.textContent = stopped ? "Resume pull" : "Pull data"; },
    hold: (until) => {
      start.title = until ? `Toggl's request limits hold pulls until ${new Date(until).toLocaleTimeString()}` : "";
    },
  };
}

/** What is left this hour, bucket by bucket: Toggl counts user-level calls and each
 * organization's calls apart. */
function quotaLeft(p) {
  const buckets = p.quota_buckets ?? [];
  if (!buckets.length) return p.quota_remaining == null ? "" : `, ${p.quota_remaining} left this hour`;
  return ", left this hour: " + buckets.map((q) => `${q.label} ${q.remaining}`).join(", ");
}

/** The progress bar and the counts line: live progress, then the outcome's sentence. */
function progressPanel() {
  const bar = h("progress", { id: "pull-progress", max: "1", value: "0", hidden: true, "aria-label": "Pull progress" });
  const counts = statusSlot("pull-counts");
  return {
    bar,
    counts,
    begin: () => {
      bar.hidden = false;
      bar.removeAttribute("value");
      counts.textContent = "Starting…";
    },
    show: (p) => {
      bar.hidden = false;
      if (p.stages_total) {
        bar.max = p.stages_total;
        bar.value = p.stages_done;
      }
      const expected = p.expected;
      const ofEntries = expected?.entries == null ? "" : ` of about ${expected.entries}`;
      const timeLeft = !expected ? "" : expected.time_left_secs === 0 ? "; finishes within this hour"
        : `; about ${Math.max(1, Math.round(expected.time_left_secs / 3600))} h left on the quota`;
      counts.textContent = `${(p.stage ?? "starting").replace(/_/g, " ")}: ${counted(p.pages_done, "page")}, ` +
        `${p.entries_stored}${ofEntries} entries, ` +
        `${p.requests_used}${expected ? ` of about ${expected.requests}` : ""} requests` + quotaLeft(p) + timeLeft;
    },
    end: (outcome) => {
      if (outcome.status === "done") {
        bar.max = 1;
        bar.value = 1;
      }
      counts.textContent = outcome.message;
      counts.dataset.status = outcome.status;
    },
    clear: () => {
      counts.textContent = "";
      delete counts.dataset.status;
      bar.hidden = true;
    },
  };
}

function lastPullText({ last, resumable, pull_allowed_after: allowedAfter }) {
  if (!last) return "Nothing pulled yet.";
  const said = `Last pull ${when(last.finished_at ?? last.started_at)}: ${last.range.start_date} to ${last.range.end_date}, ` +
    `${last.entries_stored} entries, ${last.requests_used} requests to Toggl (${last.status.replace(/_/g, " ")}).`;
  if (allowedAfter) {
    return `${said} Toggl's request limits hold pulls until ${when(allowedAfter)}; pull again then to resume where it stopped.`;
  }
  return resumable ? `${said} Pull again to resume where it stopped.` : said;
}

async function drawReview(id, container, charts) {
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
  const totals = h("section", { id: "totals", class: "card", "aria-labelledby": "totals-title" });
  const table = h("section", { id: "entries", class: "card", "aria-labelledby": "entries-title" });
  // Each redraw takes a ticket; an answer whose ticket is no longer the newest is
  // dropped, so a slow answer never overwrites a newer filter or page.
  const tickets = { filter: 0, page: 0 };
  const ticket = (kind) => {
    const mine = ++tickets[kind];
    return () => mine === tickets[kind];
  };
  const goToPage = (page) => drawTable(id, filter, table, page, goToPage, ticket("page"));
  const refresh = async () => {
    const view = { id, options, charts };
    await Promise.all([drawTotals(view, filter, totals, ticket("filter")), goToPage(0)]);
  };
  const filters = filterBar(options, filter, refresh);
  const exporter = exportPanel(id, filter, async () => {
    if (filters.flush()) await refresh();
  });
  container.replaceChildren(h("h2", {}, "Review"), filters.element, totals, table, ...exporter);
  await refresh();
}

/** The filter toolbar; every change updates `filter` and calls `changed`. Text waits
 * for a pause in typing; `flush()` applies pending text at once (true if there was some). */
function filterBar(options, filter, changed) {
  const field = fieldMaker(filter, {}, changed);
  const text = textField(filter, {}, changed);
  const element = h("div", { class: "toolbar filters", role: "search", "aria-label": "Filter time entries" },
    ...field.date("start_date", "From"), ...field.date("end_date", "To"),
    ...field.select("workspace", "Workspace", "workspaces", options.workspaces),
    ...field.select("project", "Project", "projects", options.projects),
    ...field.select("user", "User", "users", options.users),
    ...field.select("tag", "Tag", "tags", options.tags),
    h("label", { for: "filter-text" }, "Text"), text.element);
  return { element, flush: text.flush };
}

/** Export CSV of what the filter shows; `beforeExport` settles a filter still being typed. */
function exportPanel(id, filter, beforeExport) {
  const status = statusSlot("export-status");
  const error = errorSlot("export-error");
  const button = h("button", { type: "button", id: "export-csv" }, "Export CSV");
  button.addEventListener("click", () => busy(button, "Exporting…", async () => {
    clearError(error);
    await beforeExport();
    try {
      const saved = await api.exportCsv(id, filter);
      status.replaceChildren(`Exported ${saved.count} rows to `, h("code", { id: "export-path" }, saved.path));
    } catch (e) {
      showError(error, e);
    }
  }));
  return [h("div", { class: "actions" }, button), status, error];
}

/** `current()` is false once a newer filter was applied: a late answer is then dropped.
 *  The charts are the review page's (Chart.js), each followed by its table. */
async function drawTotals({ id, options, charts }, filter, section, current) {
  try {
    const snapshot = { ...filter };
    const [t, days] = await Promise.all([
      api.reviewTotals(id, snapshot),
      api.acrossPeriods({ ...snapshot, connection_ids: [id] }, { grouping: "day", beginning_of_week: null }),
    ]);
    if (!current()) return;
    charts.clear();
    const byDay = periodChart(days, { id: "chart-days", title: "Hours by day, stacked by project", projectName: projectNames(options), previous: false });
    const groups = [["projects", "project", t.by_project], ["users", "user", t.by_user], ["clients", "client", t.by_client]]
      .map(([key, one, rows]) => ({ key, one, rows, chart: groupChart(rows, { id: `chart-${key}`, title: `Hours by ${one}, billable and non-billable` }) }));
    charts.keep(byDay, ...groups.map((g) => g.chart));
    const figures = (table) => h("details", {}, h("summary", {}, "The same figures as a table"), table);
    section.replaceChildren(
      h("h3", { id: "totals-title" }, "Totals"),
      h("p", { id: "total-hours", class: "big-number" }, `${hours(t.seconds)} h`, h("span", { class: "muted" }, ` in ${t.entries} entries`)),
      h("h4", {}, "Hours by day"), byDay.element,
      figures(periodTable(days, { id: "chart-days-table", caption: "Hours by day", previous: false })),
      h("div", { class: "chart-grid" }, groups.map((g) => h("div", {},
        h("h4", {}, `By ${g.one}`), g.chart.element,
        figures(groupTable(`chart-${g.key}-table`, `Hours by ${g.one}`, g.rows))))));
  } catch (e) {
    if (!current()) return;
    const slot = errorSlot("totals-error");
    showError(slot, e);
    section.replaceChildren(slot);
  }
}

/** `current()` is false once a newer page or filter was asked for: a late answer is dropped. */
async function drawTable(id, filter, section, page, goToPage, current) {
  try {
    const result = await api.reviewEntries(id, { ...filter }, page, PAGE_SIZE);
    if (!current()) return;
    const pages = Math.max(1, Math.ceil(result.total_count / PAGE_SIZE));
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
        h("button", { type: "button", id: "page-prev", disabled: page === 0, onclick: () => goToPage(page - 1) }, "Previous"),
        h("span", { id: "page-info", role: "status" }, `Page ${page + 1} of ${pages} · ${result.total_count} entries`),
        h("button", { type: "button", id: "page-next", disabled: page + 1 >= pages, onclick: () => goToPage(page + 1) }, "Next")));
  } catch (e) {
    if (!current()) return;
    const slot = errorSlot("entries-error");
    showError(slot, e);
    section.replaceChildren(slot);
  }
}
