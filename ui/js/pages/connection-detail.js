// Connection detail: name (edit in place), the token masked with Reveal and Swap token,
// privacy, who the token belongs to, Re-test and Delete. Everything but Reveal, Swap and
// Re-test works offline from the local database.
import { api, newRequestId } from "../api.js";
import { Code } from "../codes.js";
import { confirmDialog } from "../dialog.js";
import { h } from "../dom.js";
import { privacyLabel, rolesList, verdictBadge, verdictText, when, WEEKDAYS } from "../format.js";
import { privacyFieldset, readPrivacy } from "../privacy-field.js";
import { ROLE_RULE, scopeFieldsets } from "../scope-list.js";
import { tokenField } from "../token-field.js";
import { busy, clearError, errorSlot, showError, statusSlot } from "../ui-kit.js";

const REVEAL_SECONDS = 30;

export async function render(main, { params, go }) {
  const id = Number(params[0]);
  const page = h("div", { id: "connection-detail" });
  main.append(page);
  const cleanups = [];
  const draw = async (status) => {
    cleanups.splice(0).forEach((f) => f());
    let connection;
    try {
      connection = await api.getConnection(id);
    } catch (error) {
      const slot = errorSlot("detail-error");
      showError(slot, error);
      page.replaceChildren(h("h1", {}, "Connection"), slot, h("a", { href: "#/connections" }, "Back to Connections"));
      return;
    }
    page.replaceChildren(...sections(connection, { redraw: draw, cleanups, go }));
    if (status) page.querySelector("#detail-status").textContent = status;
  };
  await draw();
  return () => cleanups.splice(0).forEach((f) => f());
}

function sections(c, { redraw, cleanups, go }) {
  return [
    h("div", { class: "page-head" },
      h("h1", { id: "detail-title" }, c.name),
      h("div", { class: "row" },
        h("a", { href: `#/connections/${c.id}/data`, class: "button primary-link", id: "open-data" }, "Pull and review data"),
        h("a", { href: "#/connections?source=toggl", class: "button" }, "Toggl Connections"))),
    statusSlot("detail-status"),
    nameSection(c, redraw),
    tokenSection(c, redraw, cleanups),
    privacySection(c, redraw),
    accountSection(c, redraw),
    scopeSection(c, redraw),
    deleteSection(c, go),
  ];
}

function nameSection(c, redraw) {
  const value = h("span", { id: "name-value" }, c.name);
  const input = h("input", { id: "name-input", type: "text", maxlength: "100", value: c.name, hidden: true,
    "aria-labelledby": "name-label" });
  const error = errorSlot("name-error", input);
  const edit = h("button", { type: "button", id: "edit-name" }, "Edit");
  const save = h("button", { type: "button", id: "save-name", class: "primary", hidden: true }, "Save");
  const cancel = h("button", { type: "button", id: "cancel-name", hidden: true }, "Cancel");
  const editing = (on) => {
    value.hidden = on; edit.hidden = on;
    input.hidden = !on; save.hidden = !on; cancel.hidden = !on;
    if (on) input.focus();
    else { input.value = c.name; clearError(error); edit.focus(); }
  };
  const submit = () => busy(save, null, async () => {
    try {
      await api.renameConnection(c.id, input.value);
      await redraw("Name saved.");
    } catch (e) {
      showError(error, e);
      input.focus();
    }
  });
  edit.addEventListener("click", () => editing(true));
  cancel.addEventListener("click", () => editing(false));
  save.addEventListener("click", submit);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") submit();
    if (e.key === "Escape") editing(false);
  });
  return h("section", { class: "card", "aria-labelledby": "name-label" },
    h("h2", { id: "name-label" }, "Connection Name"),
    h("div", { class: "row" }, value, input, edit, save, cancel), error);
}

function tokenSection(c, redraw, cleanups) {
  const error = errorSlot("token-error");
  const reveal = revealControl(c, error, cleanups);
  const swap = swapForm(c, error, redraw, reveal.hide);
  return h("section", { class: "card", "aria-labelledby": "token-label" },
    h("h2", { id: "token-label" }, "Toggl API Token"),
    h("div", { class: "row" }, reveal.shown, reveal.button, swap.open),
    h("p", { class: "hint" }, `Reveal shows the token for ${REVEAL_SECONDS} seconds.`),
    swap.form, error);
}

/** The masked token and Reveal, which shows it for REVEAL_SECONDS (or until Hide). */
function revealControl(c, error, cleanups) {
  const masked = c.token_state === "unreadable"
    ? "The credential store is locked or unavailable: unlock your keyring to see or use the token"
    : c.token_last4 ? `${"•".repeat(28)}${c.token_last4}` : "Token missing: enter it again with Swap token";
  const shown = h("code", { id: "token-value", class: c.token_state === "present" ? "" : "warn" }, masked);
  const button = h("button", { type: "button", id: "reveal-token", disabled: c.token_state !== "present" }, "Reveal");
  let timer = null;
  const hide = () => {
    clearTimeout(timer);
    timer = null;
    shown.textContent = masked;
    button.textContent = "Reveal";
  };
  cleanups.push(hide);
  button.addEventListener("click", async () => {
    if (timer) return hide();
    clearError(error);
    try {
      shown.textContent = await api.revealToken(c.id);
      button.textContent = "Hide";
      timer = setTimeout(hide, REVEAL_SECONDS * 1000);
    } catch (e) {
      showError(error, e);
    }
  });
  return { shown, button, hide };
}

/** Swap token: check the new token with Toggl, then swap (confirming a different account). */
function swapForm(c, error, redraw, hideToken) {
  const open = h("button", { type: "button", id: "swap-token" }, "Swap token");
  const field = tokenField({ id: "new-token", label: "New API Token" });
  const done = h("button", { type: "submit", id: "swap-done", class: "primary" }, "Done");
  const cancel = h("button", { type: "button", id: "swap-cancel" }, "Cancel");
  const progress = statusSlot("swap-status");
  const form = h("form", { id: "swap-form", hidden: true, novalidate: true },
    field.element, h("div", { class: "actions" }, done, cancel), progress);
  let checkId = null;
  const toggle = (show) => {
    form.hidden = !show;
    open.hidden = show;
    (show ? field.input : open).focus();
  };
  open.addEventListener("click", () => {
    hideToken();
    toggle(true);
  });
  cancel.addEventListener("click", () => {
    if (checkId) api.cancelCheck(checkId).catch(() => {});
    field.input.value = "";
    clearError(error);
    toggle(false);
  });
  const swap = async () => {
    clearError(error);
    checkId = newRequestId();
    progress.textContent = "Checking the new token with Toggl…";
    try {
      await api.checkToken(field.input.value, checkId);
      await swapChecked(c, checkId);
      await redraw("Token swapped and checked with Toggl.");
    } catch (err) {
      progress.textContent = "";
      if (form.hidden) return open.focus();
      showError(error, err);
      field.input.focus();
    } finally {
      checkId = null;
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    busy(done, null, swap);
  });
  return { open, form };
}

/** Swaps to a checked token; a different account is swapped only once the user confirms. */
async function swapChecked(c, checkId) {
  try {
    await api.swapToken(c.id, checkId, false);
  } catch (err) {
    if (err.code !== Code.DIFFERENT_ACCOUNT) throw err;
    const switchAccount = await confirmDialog({ id: "different-account-dialog", title: "A different Toggl account",
      text: err.message, confirmLabel: "Switch account" });
    if (!switchAccount) throw { code: Code.CANCELLED, message: "Swap cancelled. The connection keeps its token." };
    await api.swapToken(c.id, checkId, true);
  }
}

function privacySection(c, redraw) {
  const field = privacyFieldset("detail-privacy", c.privacy);
  const save = h("button", { type: "button", id: "save-privacy", class: "primary" }, "Save privacy");
  save.addEventListener("click", () => busy(save, null, async () => {
    clearError(field.error);
    try {
      await api.setPrivacy(c.id, readPrivacy(field));
      await redraw("Privacy saved.");
    } catch (e) {
      showError(field.error, e);
    }
  }));
  return h("section", { class: "card", "aria-labelledby": "privacy-label" },
    h("h2", { id: "privacy-label" }, "Privacy"),
    h("p", {}, "Now: ", h("strong", { id: "privacy-value" }, privacyLabel(c.privacy))),
    field.element, save);
}

function accountSection(c, redraw) {
  const { user } = c.access;
  const error = errorSlot("retest-error");
  const retest = h("button", { type: "button", id: "retest" }, "Re-test");
  retest.addEventListener("click", () => busy(retest, "Re-testing…", async () => {
    clearError(error);
    try {
      const summary = await api.retestConnection(c.id);
      await redraw(summary.workspaces_lost.length
        ? `Re-tested with Toggl: the qualifying role was lost in ${summary.workspaces_lost.join(", ")}; ` +
          "those workspaces are left out of pulls and their data is kept until you remove them (see Workspaces)."
        : "Re-tested with Toggl: the token works.");
    } catch (e) {
      // Core decides whether a failure is booked on the record: redraw shows what it kept.
      await redraw();
      showError(document.getElementById("retest-error") ?? error, e);
    }
  }));
  return h("section", { class: "card", "aria-labelledby": "account-label" },
    h("h2", { id: "account-label" }, "Toggl account"),
    h("dl", { class: "facts" },
      h("dt", {}, "Name"), h("dd", { id: "account-name" }, user.fullname),
      h("dt", {}, "Email"), h("dd", { id: "account-email" }, user.email),
      h("dt", {}, "Time zone"), h("dd", {}, user.timezone ?? "—"),
      h("dt", {}, "Weeks start on"), h("dd", { id: "account-week-start" }, WEEKDAYS[c.access.beginning_of_week] ?? "—"),
      h("dt", {}, "Access"), h("dd", { id: "account-verdict" }, verdictBadge(c), " ", verdictText(c.verdict)),
      h("dt", {}, "Last checked"), h("dd", { id: "checked-at" }, when(c.access.checked_at)),
    ),
    h("h3", {}, "Roles"), rolesList(c.access),
    h("div", { class: "actions" }, retest), error);
}

/** The workspaces: the scope with each standing and when it was checked, the others
 * the token sees (add one that qualifies), and rows of workspaces that left (delete). */
function scopeSection(c, redraw) {
  const error = errorSlot("scope-error");
  const act = (button, label, work) => busy(button, label, async () => {
    clearError(error);
    try {
      await redraw(await work());
    } catch (e) {
      showError(document.getElementById("scope-error") ?? error, e);
    }
  });
  const remove = (w) => {
    const button = h("button", { type: "button", id: `remove-ws-${w.workspace_id}`, class: "danger" },
      w.in_scope ? "Remove from connection" : "Delete its data");
    button.addEventListener("click", async () => {
      clearError(error);
      const rows = await api.workspaceRows(c.id, w.workspace_id).catch((e) => { showError(error, e); return null; });
      if (!rows) return;
      const sure = await confirmDialog({ id: "remove-ws-dialog", danger: true,
        title: `Remove “${w.workspace_name}”?`,
        text: `${rows.entries} time entries, ${rows.members} members (with their e-mails) and ${rows.metadata} projects, clients and tags pulled for “${w.workspace_name}” will be deleted from this computer.`,
        confirmLabel: "Remove and delete", cancelLabel: "Keep it" });
      if (!sure) return button.focus();
      act(button, "Removing…", async () => {
        const gone = await api.removeWorkspace(c.id, w.workspace_id);
        return `“${w.workspace_name}” removed: ${gone.entries} entries and ${gone.members} members deleted.`;
      });
    });
    return button;
  };
  const add = (w) => {
    const button = h("button", { type: "button", id: `add-ws-${w.workspace_id}` }, "Add to connection");
    button.addEventListener("click", () => act(button, "Checking with Toggl…", async () => {
      await api.addWorkspace(c.id, w.workspace_id);
      return `“${w.workspace_name}” added: Toggl confirmed the role.`;
    }));
    return button;
  };
  const extra = (w) => {
    const parts = [];
    if (w.in_scope) {
      parts.push(h("span", { class: "checked-at" }, ` Checked: ${when(w.confirmed_at)}.`));
      if (w.lost) parts.push(h("strong", { class: "badge warn" }, " Role lost: left out of pulls"));
    }
    if (w.pulled.entries || w.pulled.members) parts.push(` Stored: ${w.pulled.entries} entries, ${w.pulled.members} members.`);
    if (!w.in_scope && w.qualifies) parts.push(" ", add(w));
    if (w.in_scope || w.pulled.entries || w.pulled.members || w.pulled.metadata) parts.push(" ", remove(w));
    return parts;
  };
  const list = scopeFieldsets("detail-scope", c.workspaces,
    { checked: (w) => w.in_scope, disabled: () => true, extra });
  return h("section", { class: "card", "aria-labelledby": "scope-label", id: "scope-section" },
    h("h2", { id: "scope-label" }, "Workspaces"),
    h("p", { class: "hint" }, `In this connection: ${c.workspaces_in_scope}. Pulls, review and exports use only these. Role needed: ${ROLE_RULE}`),
    ...list.groups, error);
}

function deleteSection(c, go) {
  const open = h("button", { type: "button", id: "delete-connection", class: "danger" }, "Delete connection");
  const error = errorSlot("delete-error");
  open.addEventListener("click", async () => {
    clearError(error);
    const sure = await confirmDialog({ id: "delete-dialog", title: `Delete “${c.name}”?`, danger: true,
      text: `The connection “${c.name}” and its API token will be removed from this computer, with any data pulled for it.`,
      confirmLabel: "Delete", cancelLabel: "Keep it" });
    if (!sure) return open.focus();
    await busy(open, "Deleting…", async () => {
      try {
        await api.deleteConnection(c.id);
        go("#/connections?source=toggl");
      } catch (e) {
        showError(error, e);
      }
    });
  });
  return h("section", { class: "card danger-zone" }, open, error);
}
