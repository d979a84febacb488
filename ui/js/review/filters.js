// The filter toolbar of the review across connections: which connections (all by
// default), the range, workspace, project, client, user, tag, text and billable, and how
// to cut time into periods. It edits one `filter` object in place and can show a saved
// view's filter again (`show`).
import { h } from "../dom.js";
import { WEEKDAYS } from "../format.js";

/** `changed()` runs after every edit; text waits for a pause in typing. */
export function filterBar(options, filter, periods, changed) {
  const fields = {};
  const connections = connectionChoice(options.connections, filter, changed);
  const field = fieldMaker(filter, fields, changed);
  const text = textField(filter, fields, changed);
  const element = h("div", { class: "review-filters", role: "search", "aria-label": "Filter the review" },
    connections,
    h("div", { class: "toolbar filters" },
      ...field.date("start_date", "From"), ...field.date("end_date", "To"),
      ...field.select("workspace", "Workspace", "workspaces", options.workspaces),
      ...field.select("project", "Project", "projects", options.projects),
      ...field.select("client", "Client", "clients", options.clients),
      ...field.select("user", "User", "users", options.users),
      ...field.select("tag", "Tag", "tags", options.tags),
      h("label", { for: "filter-text" }, "Text"), text.element,
      ...field.billable()),
    periodFields(periods, changed));

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
  return { element, show, flush: text.flush };
}

/** One labelled box per connection, all ticked at first. */
function connectionChoice(connections, filter, changed) {
  const fieldset = h("fieldset", { id: "filter-connections", class: "connection-choice" },
    h("legend", {}, "Connections"),
    connections.map((c) => {
      const box = h("input", { type: "checkbox", id: `filter-connection-${c.id}`, value: c.id, checked: true });
      box.addEventListener("change", () => {
        const chosen = [...fieldset.querySelectorAll("input:checked")].map((b) => Number(b.value));
        // Every box ticked is "all connections", so a view saved that way follows new ones.
        filter.connection_ids = chosen.length === connections.length ? [] : chosen;
        changed();
      });
      return h("label", { for: box.id, class: "check" }, box, c.name);
    }));
  return fieldset;
}

/** Makers of the labelled fields that edit one key of `filter` each; every field is
 *  registered in `fields` so a saved view can be shown in it again. */
export function fieldMaker(filter, fields, changed) {
  const register = (key, el, read, value) => {
    el.addEventListener("change", () => { filter[key] = value(el.value); changed(); });
    fields[key] = { el, read };
  };
  const asText = (v) => (v == null ? "" : String(v));
  return {
    select(key, label, plural, items) {
      const el = h("select", { id: `filter-${key}` },
        h("option", { value: "" }, `All ${plural}`),
        items.map((i) => h("option", { value: i.id }, i.name)));
      register(`${key}_id`, el, asText, (v) => (v ? Number(v) : null));
      return [h("label", { for: el.id }, label), el];
    },
    date(key, label) {
      const el = h("input", { type: "date", id: `filter-${key}` });
      register(key, el, (v) => v ?? "", (v) => v || null);
      return [h("label", { for: el.id }, label), el];
    },
    billable() {
      const el = h("select", { id: "filter-billable" },
        h("option", { value: "" }, "Billable and non-billable"),
        h("option", { value: "true" }, "Billable only"),
        h("option", { value: "false" }, "Non-billable only"));
      register("billable", el, asText, (v) => (v === "" ? null : v === "true"));
      return [h("label", { for: el.id }, "Billable"), el];
    },
  };
}

/** The text filter: applied after a pause in typing, or at once by `flush` (before an
 *  export, say); `flush` says whether there was typing to apply. */
export function textField(filter, fields, changed) {
  const element = h("input", { type: "search", id: "filter-text", placeholder: "Description contains" });
  let typing = null;
  const readText = () => { filter.text = element.value.trim() || null; };
  element.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => { typing = null; readText(); changed(); }, 250);
  });
  fields.text = { el: element, read: (v) => v ?? "" };
  const flush = () => {
    if (!typing) return false;
    clearTimeout(typing);
    typing = null;
    readText();
    return true;
  };
  return { element, flush };
}

/** How time is cut into periods: by day, week or month, and the week's first day (as the
 *  connections' Toggl users have it, unless a day is chosen). */
function periodFields(periods, changed) {
  const grouping = h("select", { id: "filter-grouping" },
    ["day", "week", "month"].map((g) => h("option", { value: g, selected: g === periods.grouping }, `By ${g}`)));
  grouping.addEventListener("change", () => { periods.grouping = grouping.value; changed(); });
  const weekStart = h("select", { id: "filter-week-start" },
    h("option", { value: "", selected: periods.beginning_of_week == null }, "As in Toggl"),
    WEEKDAYS.map((d, i) => h("option", { value: i, selected: i === periods.beginning_of_week }, d)));
  weekStart.addEventListener("change", () => {
    periods.beginning_of_week = weekStart.value === "" ? null : Number(weekStart.value);
    changed();
  });
  return h("div", { class: "toolbar" },
    h("label", { for: "filter-grouping" }, "Periods"), grouping,
    h("label", { for: "filter-week-start" }, "Weeks start on"), weekStart);
}
