// The one wrapper around Tauri's invoke: a closed list of commands, each a typed
// function, and every failure turned into {code, message} the pages can switch on.
// The API token goes *to* the back end when the user pastes it; it comes back only
// from revealToken, which the user asks for explicitly.

const invoke = window.__TAURI__?.core?.invoke;

/** Calls a command; rejects with {code, message} whatever went wrong. */
async function call(command, args = {}) {
  if (!invoke) {
    throw { code: "no_backend", message: "The app's back end is not available." };
  }
  try {
    return await invoke(command, args);
  } catch (error) {
    if (error && typeof error === "object" && "code" in error) throw error;
    throw { code: "internal", message: String(error) };
  }
}

export const api = {
  appInfo: () => call("app_info"),
  listConnections: () => call("list_connections"),
  getConnection: (id) => call("get_connection", { id }),
  /** Checks a pasted token with Toggl; resolves to {check_id, report}. */
  checkToken: (token, checkId) => call("check_token", { token, checkId }),
  cancelCheck: (checkId) => call("cancel_check", { checkId }),
  /** workspaceIds: the chosen scope (null takes every qualifying workspace). */
  createConnection: (checkId, name, privacy, requestId, workspaceIds = null) =>
    call("create_connection", { checkId, name, privacy, requestId, workspaceIds }),
  renameConnection: (id, name) => call("rename_connection", { id, name }),
  setPrivacy: (id, privacy) => call("set_privacy", { id, privacy }),
  swapToken: (id, checkId, confirmDifferentAccount) =>
    call("swap_token", { id, checkId, confirmDifferentAccount }),
  retestConnection: (id) => call("retest_connection", { id }),
  addWorkspace: (id, workspaceId) => call("add_workspace", { id, workspaceId }),
  /** {entries, members, metadata}: what removing the workspace deletes. */
  workspaceRows: (id, workspaceId) => call("workspace_rows", { id, workspaceId }),
  removeWorkspace: (id, workspaceId) => call("remove_workspace", { id, workspaceId }),
  revealToken: (id) => call("reveal_token", { id }),
  deleteConnection: (id) => call("delete_connection", { id }),
  openTogglProfile: () => call("open_toggl_profile"),
  saveTicket: (ticket) => call("save_ticket", { ticket }),
  /** Pulls the range; resolves to the outcome (also when stopped or cancelled). */
  startPull: (id, startDate, endDate, full = false) => call("start_pull", { id, startDate, endDate, full }),
  cancelPull: (id) => call("cancel_pull", { id }),
  /** {default_range, last, resumable, pull_allowed_after}: what the data page starts from. */
  pullFacts: (id) => call("pull_facts", { id }),
  pullPlan: (id, startDate, endDate, full = false) => call("pull_plan", { id, startDate, endDate, full }),
  /** Has Toggl count the range (one request per report workspace, reused by the pull); resolves to the plan. */
  countOnToggl: (id, startDate, endDate) => call("count_on_toggl", { id, startDate, endDate }),
  /** Subscribes to pull progress events; resolves to the unsubscribe function. */
  onPullProgress: (handler) => window.__TAURI__.event.listen("pull-progress", (e) => handler(e.payload)),
  reviewOptions: (id) => call("review_options", { id }),
  reviewTotals: (id, filter) => call("review_totals", { id, filter }),
  reviewEntries: (id, filter, page, pageSize) => call("review_entries", { id, filter, page, pageSize }),
  exportCsv: (id, filter) => call("export_csv", { id, filter }),
  exportDefinitions: () => call("export_definitions"),
  // The review across connections: `filter.connection_ids` empty means every connection.
  acrossOptions: (filter) => call("across_options", { filter }),
  acrossTotals: (filter) => call("across_totals", { filter }),
  /** `request` is {grouping: "day"|"week"|"month", beginning_of_week: 0-6, or null for the
   *  connections' Toggl setting}. */
  acrossPeriods: (filter, request) => call("across_periods", { filter, request }),
  /** {beginning_of_week, agreed, connections: [{connection_id, name, beginning_of_week}]}. */
  acrossWeekStart: (filter) => call("across_week_start", { filter }),
  acrossEntries: (filter, page, pageSize) => call("across_entries", { filter, page, pageSize }),
  /** `format` is "csv" or "xlsx"; resolves to {path, count}. */
  exportReview: (filter, request, format) => call("export_review", { filter, request, format }),
  listViews: () => call("list_views"),
  saveView: (name, filter) => call("save_view", { name, filter }),
  renameView: (id, name) => call("rename_view", { id, name }),
  deleteView: (id) => call("delete_view", { id }),
  getSettings: () => call("get_settings"),
  saveSettings: (settings) => call("save_settings", { settings }),
};

/** A fresh id for one user intent (a Finish, a Save), so a double submit is recognised. */
export function newRequestId() {
  return crypto.randomUUID();
}
