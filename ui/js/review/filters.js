// The filter toolbar of the review across connections: which connections (all by
// default), the range, workspace, project, client, user, tag, text and billable, and how
// to cut time into periods. It edits one `filter` object in place and can show a saved
// view's filter again (`show`).
import { h } from "../dom.js";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** `changed()` runs after every edit; text waits for a pause in typing. */
export function filterBar(options, filter, periods, changed) {
  const fields = {};
  const connections = h("fieldset", { id: "filter-connections", class: "connection-choice" },
    h("legend", {}, "Connections"),
    options.connections.map((c) => {
      const box = h("input", { type: "checkbox", id: `filter-connection-${c.id}`, value: c.id, checked: true });
      box.addEventListener("change", () => {
        const chosen = [...connections.querySelectorAll("input:checked")].map((b) => Number(b.value));
        // Every box ticked is "all connections", so a view saved that way follows new ones.
        filter.connection_ids = chosen.length === options.connections.length ? [] : chosen;
        changed();
      });
      return h("label", { for: box.id, class: "check" }, box, c.name);
    }));

  const select = (key, label, plural, items) => {
    const el = h("select", { id: `filter-${key}` },
      h("option", { value: "" }, `All ${plural}`),
      items.map((i) => h("option", { value: i.id }, i.name)));
    el.addEventListener("change", () => { filter[`${key}_id`] = el.value ? Number(el.value) : null; changed(); });
    fields[`${key}_id`] = { el, read: (v) => (v == null ? "" : String(v)) };
    return [h("label", { for: el.id }, label), el];
  };
  const date = (key, label) => {
    const el = h("input", { type: "date", id: `filter-${key}` });
    el.addEventListener("change", () => { filter[key] = el.value || null; changed(); });
    fields[key] = { el, read: (v) => v ?? "" };
    return [h("label", { for: el.id }, label), el];
  };
  const billable = h("select", { id: "filter-billable" },
    h("option", { value: "" }, "Billable and non-billable"),
    h("option", { value: "true" }, "Billable only"),
    h("option", { value: "false" }, "Non-billable only"));
  billable.addEventListener("change", () => { filter.billable = billable.value === "" ? null : billable.value === "true"; changed(); });
  fields.billable = { el: billable, read: (v) => (v == null ? "" : String(v)) };

  const text = h("input", { type: "search", id: "filter-text", placeholder: "Description contains" });
  let typing = null;
  const readText = () => { filter.text = text.value.trim() || null; };
  text.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => { typing = null; readText(); changed(); }, 250);
  });
  fields.text = { el: text, read: (v) => v ?? "" };

  const grouping = h("select", { id: "filter-grouping" },
    ["day", "week", "month"].map((g) => h("option", { value: g, selected: g === periods.grouping }, `By ${g}`)));
  grouping.addEventListener("change", () => { periods.grouping = grouping.value; changed(); });
  const weekStart = h("select", { id: "filter-week-start" },
    WEEKDAYS.map((d, i) => h("option", { value: i, selected: i === periods.beginning_of_week }, d)));
  weekStart.addEventListener("change", () => { periods.beginning_of_week = Number(weekStart.value); changed(); });

  const element = h("div", { class: "review-filters", role: "search", "aria-label": "Filter the review" },
    connections,
    h("div", { class: "toolbar filters" },
      ...date("start_date", "From"), ...date("end_date", "To"),
      ...select("workspace", "Workspace", "workspaces", options.workspaces),
      ...select("project", "Project", "projects", options.projects),
      ...select("client", "Client", "clients", options.clients),
      ...select("user", "User", "users", options.users),
      ...select("tag", "Tag", "tags", options.tags),
      h("label", { for: "filter-text" }, "Text"), text,
      h("label", { for: "filter-billable" }, "Billable"), billable),
    h("div", { class: "toolbar" },
      h("label", { for: "filter-grouping" }, "Periods"), grouping,
      h("label", { for: "filter-week-start" }, "Weeks start on"), weekStart));

  /** Shows `saved` (a saved view's filter) in the fields; the caller then redraws. */
  const show = (saved) => {
    for (const [key, { el, read }] of Object.entries(fields)) {
      el.value = read(saved[key]);
      filter[key] = saved[key] ?? null;
    }
    filter.connection_ids = saved.connection_ids ?? [];
    for (const box of connections.querySelectorAll("input")) {
      box.checked = filter.connection_ids.length === 0 || filter.connection_ids.includes(Number(box.value));
    }
  };
  const flush = () => {
    if (!typing) return false;
    clearTimeout(typing);
    typing = null;
    readText();
    return true;
  };
  return { element, show, flush };
}
