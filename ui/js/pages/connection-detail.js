// Connection detail: name (edit in place), the token masked with Reveal and Swap token,
// privacy, who the token belongs to, Re-test and Delete. Everything but Reveal, Swap and
// Re-test works offline from the local database.
import { api, newRequestId } from "../api.js";
import { confirmDialog } from "../dialog.js";
import { h } from "../dom.js";
import { privacyLabel, rolesList, verdictBadge, verdictText, when } from "../format.js";
import { clearError, errorSlot, showError, statusSlot } from "../notice.js";
import { privacyFieldset, readPrivacy } from "../privacy-field.js";
import { go } from "../router.js";
import { tokenField } from "../token-field.js";

const REVEAL_SECONDS = 30;

export async function render(main, { params }) {
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
    page.replaceChildren(...sections(connection, draw, cleanups));
    if (status) page.querySelector("#detail-status").textContent = status;
  };
  await draw();
  return () => cleanups.splice(0).forEach((f) => f());
}

function sections(c, redraw, cleanups) {
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
    deleteSection(c),
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
  let saving = false;
  const submit = async () => {
    if (saving) return;
    saving = true;
    save.disabled = true;
    try {
      await api.renameConnection(c.id, input.value);
      await redraw("Name saved.");
    } catch (e) {
      showError(error, e);
      input.focus();
    } finally {
      saving = false;
      save.disabled = false;
    }
  };
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
  const masked = c.token_state === "unreadable"
    ? "The credential store is locked or unavailable: unlock your keyring to see or use the token"
    : c.token_last4 ? `${"•".repeat(28)}${c.token_last4}` : "Token missing: enter it again with Swap token";
  const shown = h("code", { id: "token-value", class: c.token_state === "present" ? "" : "warn" }, masked);
  const reveal = h("button", { type: "button", id: "reveal-token", disabled: c.token_state !== "present" }, "Reveal");
  let timer = null;
  const hide = () => {
    clearTimeout(timer);
    timer = null;
    shown.textContent = masked;
    reveal.textContent = "Reveal";
  };
  cleanups.push(hide);
  reveal.addEventListener("click", async () => {
    if (timer) return hide();
    try {
      shown.textContent = await api.revealToken(c.id);
      reveal.textContent = "Hide";
      timer = setTimeout(hide, REVEAL_SECONDS * 1000);
    } catch (e) {
      showError(error, e);
    }
  });

  const swap = h("button", { type: "button", id: "swap-token" }, "Swap token");
  const field = tokenField({ id: "new-token", label: "New API Token" });
  const done = h("button", { type: "submit", id: "swap-done", class: "primary" }, "Done");
  const cancel = h("button", { type: "button", id: "swap-cancel" }, "Cancel");
  const progress = statusSlot("swap-status");
  const form = h("form", { id: "swap-form", hidden: true, novalidate: true },
    field.element, h("div", { class: "actions" }, done, cancel), progress);
  let checkId = null;
  const closeForm = () => {
    if (checkId) api.cancelCheck(checkId).catch(() => {});
    form.hidden = true;
    swap.hidden = false;
    field.input.value = "";
    clearError(error);
    swap.focus();
  };
  swap.addEventListener("click", () => {
    hide();
    form.hidden = false;
    swap.hidden = true;
    field.input.focus();
  });
  cancel.addEventListener("click", closeForm);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (checkId) return;
    clearError(error);
    done.disabled = true;
    checkId = newRequestId();
    progress.textContent = "Checking the new token with Toggl…";
    try {
      await api.checkToken(field.input.value, checkId);
      try {
        await api.swapToken(c.id, checkId, false);
      } catch (err) {
        if (err.code !== "different_account") throw err;
        const switchAccount = await confirmDialog({ id: "different-account-dialog", title: "A different Toggl account",
          text: err.message, confirmLabel: "Switch account" });
        if (!switchAccount) throw { code: "cancelled", message: "Swap cancelled. The connection keeps its token." };
        await api.swapToken(c.id, checkId, true);
      }
      checkId = null;
      await redraw("Token swapped and checked with Toggl.");
    } catch (err) {
      progress.textContent = "";
      if (form.hidden) {
        swap.focus();
      } else {
        showError(error, err);
        field.input.focus();
      }
    } finally {
      checkId = null;
      done.disabled = false;
    }
  });

  return h("section", { class: "card", "aria-labelledby": "token-label" },
    h("h2", { id: "token-label" }, "Toggl API Token"),
    h("div", { class: "row" }, shown, reveal, swap),
    h("p", { class: "hint" }, `Reveal shows the token for ${REVEAL_SECONDS} seconds.`),
    form, error);
}

function privacySection(c, redraw) {
  const field = privacyFieldset("detail-privacy", c.privacy);
  const save = h("button", { type: "button", id: "save-privacy", class: "primary" }, "Save privacy");
  save.addEventListener("click", async () => {
    clearError(field.error);
    save.disabled = true;
    try {
      await api.setPrivacy(c.id, readPrivacy(field));
      await redraw("Privacy saved.");
    } catch (e) {
      showError(field.error, e);
      save.disabled = false;
    }
  });
  return h("section", { class: "card", "aria-labelledby": "privacy-label" },
    h("h2", { id: "privacy-label" }, "Privacy"),
    h("p", {}, "Now: ", h("strong", { id: "privacy-value" }, privacyLabel(c.privacy))),
    field.element, save);
}

function accountSection(c, redraw) {
  const { user } = c.access;
  const error = errorSlot("retest-error");
  const retest = h("button", { type: "button", id: "retest" }, "Re-test");
  retest.addEventListener("click", async () => {
    retest.disabled = true;
    clearError(error);
    try {
      await api.retestConnection(c.id);
      await redraw("Re-tested with Toggl: the token works.");
    } catch (e) {
      if (e.code === "token_rejected" || e.code === "role_insufficient") {
        await redraw();
        const slot = document.getElementById("retest-error");
        if (slot) showError(slot, e);
      } else {
        retest.disabled = false;
        showError(error, e);
      }
    }
  });
  return h("section", { class: "card", "aria-labelledby": "account-label" },
    h("h2", { id: "account-label" }, "Toggl account"),
    h("dl", { class: "facts" },
      h("dt", {}, "Name"), h("dd", { id: "account-name" }, user.fullname),
      h("dt", {}, "Email"), h("dd", { id: "account-email" }, user.email),
      h("dt", {}, "Time zone"), h("dd", {}, user.timezone ?? "—"),
      h("dt", {}, "Access"), h("dd", { id: "account-verdict" }, verdictBadge(c), " ", verdictText(c.verdict)),
      h("dt", {}, "Last checked"), h("dd", { id: "checked-at" }, when(c.access.checked_at)),
    ),
    h("h3", {}, "Roles"), rolesList(c.access),
    h("div", { class: "actions" }, retest), error);
}

function deleteSection(c) {
  const open = h("button", { type: "button", id: "delete-connection", class: "danger" }, "Delete connection");
  const error = errorSlot("delete-error");
  open.addEventListener("click", async () => {
    clearError(error);
    const sure = await confirmDialog({ id: "delete-dialog", title: `Delete “${c.name}”?`, danger: true,
      text: `The connection “${c.name}” and its API token will be removed from this computer, with any data pulled for it.`,
      confirmLabel: "Delete", cancelLabel: "Keep it" });
    if (!sure) return open.focus();
    open.disabled = true;
    try {
      await api.deleteConnection(c.id);
      go("#/connections?source=toggl");
    } catch (e) {
      open.disabled = false;
      showError(error, e);
    }
  });
  return h("section", { class: "card danger-zone" }, open, error);
}
