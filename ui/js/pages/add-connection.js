// Add Connection: Select Source → Set Up Credentials (Finish checks the token with Toggl)
// → Review Team Privacy and Save Connection. The form keeps what was typed through every
// error, Finish cannot run twice, and the check can be cancelled.
import { api, newRequestId } from "../api.js";
import { h } from "../dom.js";
import { verdictText } from "../format.js";
import { findTokenHelp } from "../help-content.js";
import { clearError, errorSlot, showError, statusSlot } from "../notice.js";
import { go } from "../router.js";
import { privacyFieldset, readPrivacy } from "../privacy-field.js";
import { settings } from "../settings.js";
import { tokenField } from "../token-field.js";

const STEPS = [
  { id: "source", label: "Select Source" },
  { id: "credentials", label: "Set Up Credentials" },
  { id: "privacy", label: "Review Team Privacy and Save Connection" },
];

/** Errors about the token itself are shown under the API Token field. */
const TOKEN_ERRORS = new Set(["token_empty", "token_malformed", "token_rejected", "role_insufficient"]);

export function render(main) {
  const state = {
    step: "source",
    source: null,
    checkId: null,
    check: null,
    checking: false,
    requestId: newRequestId(),
    suggestedName: "",
  };

  const tabs = h("div", { class: "stepper", role: "tablist", "aria-label": "Add Connection steps" });
  const panels = {};
  const token = tokenField({ id: "api-token", label: "API Token" });
  const name = h("input", { id: "connection-name", type: "text", maxlength: "100", autocomplete: "off" });
  const tokenError = errorSlot("token-error", token.input);
  const formError = errorSlot("check-error");
  const progress = statusSlot("check-status");
  const finish = h("button", { id: "finish", class: "primary", type: "submit" }, "Finish");
  const cancel = h("button", { id: "cancel-check", type: "button", hidden: true }, "Cancel");

  const showStep = (step) => {
    state.step = step;
    for (const s of STEPS) {
      const tab = tabs.querySelector(`#tab-${s.id}`);
      const selected = s.id === step;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      tab.disabled = !reachable(s.id);
      panels[s.id].hidden = !selected;
    }
  };
  const reachable = (step) =>
    step === "source" || (step === "credentials" && state.source) || (step === "privacy" && state.check);

  for (const s of STEPS) {
    tabs.append(h("button", {
      id: `tab-${s.id}`, role: "tab", type: "button", "aria-controls": `panel-${s.id}`,
      onclick: () => reachable(s.id) && showStep(s.id),
    }, s.label));
  }
  tabs.addEventListener("keydown", (e) => {
    const order = STEPS.map((s) => s.id).filter(reachable);
    const at = order.indexOf(state.step);
    const next = e.key === "ArrowRight" ? order[at + 1] : e.key === "ArrowLeft" ? order[at - 1] : null;
    if (next) {
      e.preventDefault();
      showStep(next);
      tabs.querySelector(`#tab-${next}`).focus();
    }
  });

  panels.source = h("section", { id: "panel-source", role: "tabpanel", "aria-labelledby": "tab-source" },
    h("p", {}, "Choose where the data comes from."),
    h("div", { class: "source-grid" },
      h("button", { type: "button", class: "source-card", id: "source-toggl", "aria-pressed": "false",
        onclick: (e) => {
          state.source = "toggl";
          e.currentTarget.setAttribute("aria-pressed", "true");
          showStep("credentials");
          token.input.focus();
        } },
        h("strong", {}, "Toggl"), h("span", { class: "muted" }, "Toggl Track time tracking")),
      ...["Jira", "Harvest", "Clockify"].map((n) =>
        h("button", { type: "button", class: "source-card", disabled: true, "aria-disabled": "true" },
          h("strong", {}, n), h("span", { class: "muted" }, "Not available yet"))),
    ));

  const form = h("form", { id: "credentials-form", novalidate: true },
    token.element, tokenError,
    h("div", { class: "field" },
      h("label", { for: "connection-name" }, "Connection Name"),
      name,
      h("p", { class: "hint", id: "name-hint" }, "Name it after the Toggl account you connect, for example “Toggl – name@example.com”. Leave it empty to use that suggestion.")),
    h("div", { class: "actions" }, finish, cancel), progress, formError);
  name.setAttribute("aria-describedby", "name-hint");
  panels.credentials = h("section", { id: "panel-credentials", role: "tabpanel", "aria-labelledby": "tab-credentials", class: "with-aside" },
    form, h("aside", {}, findTokenHelp()));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (state.checking) return;
    clearError(tokenError);
    clearError(formError);
    state.checking = true;
    state.checkId = newRequestId();
    finish.disabled = true;
    cancel.hidden = false;
    progress.replaceChildren(h("span", { class: "spinner", "aria-hidden": "true" }), " Checking the token and your role with Toggl…");
    try {
      const result = await api.checkToken(token.input.value, state.checkId);
      state.check = result;
      state.requestId = newRequestId();
      state.suggestedName = result.suggested_name;
      if (!name.value.trim()) name.value = result.suggested_name;
      progress.textContent = "";
      renderReview();
      showStep("privacy");
      panels.privacy.querySelector("input")?.focus();
    } catch (error) {
      progress.textContent = "";
      showError(TOKEN_ERRORS.has(error.code) ? tokenError : formError, error);
      (TOKEN_ERRORS.has(error.code) ? token.input : finish).focus();
    } finally {
      state.checking = false;
      finish.disabled = false;
      cancel.hidden = true;
    }
  });
  cancel.addEventListener("click", () => state.checkId && api.cancelCheck(state.checkId).catch(() => {}));
  token.input.addEventListener("input", () => {
    if (!state.check) return;
    state.check = null;
    showStep("credentials");
  });

  const saveError = errorSlot("save-error");
  const saveName = h("input", { id: "save-name", type: "text", maxlength: "100" });
  const nameError = errorSlot("save-name-error", saveName);
  const privacy = privacyFieldset("save-privacy", settings().default_privacy);
  const save = h("button", { id: "save-connection", class: "primary", type: "submit" }, "Save Connection");
  const account = h("div", { id: "checked-account", class: "card" });
  panels.privacy = h("section", { id: "panel-privacy", role: "tabpanel", "aria-labelledby": "tab-privacy" },
    account,
    h("form", { id: "save-form", novalidate: true },
      h("div", { class: "field" }, h("label", { for: "save-name" }, "Connection Name"), saveName, nameError),
      privacy.element,
      h("div", { class: "actions" }, save), saveError));

  const renderReview = () => {
    const { report } = state.check;
    saveName.value = name.value.trim() || state.suggestedName;
    account.replaceChildren(
      h("h2", {}, "Toggl accepted the token"),
      h("p", {}, `${report.user.fullname} (${report.user.email}) — `, h("strong", { id: "checked-verdict" }, verdictText(report.verdict))),
    );
  };
  saveName.addEventListener("input", () => { name.value = saveName.value; });

  let saving = false;
  panels.privacy.querySelector("form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (saving) return;
    clearError(saveError);
    clearError(nameError);
    let chosen;
    try {
      chosen = readPrivacy(privacy);
    } catch (error) {
      showError(privacy.error, error);
      return;
    }
    saving = true;
    save.disabled = true;
    try {
      const saved = await api.createConnection(state.checkId, saveName.value, chosen, state.requestId);
      go(`#/connections?source=toggl&highlight=${saved.id}`);
    } catch (error) {
      const nameProblem = error.code === "name_taken" || (error.code === "invalid_input" && /name/i.test(error.message));
      showError(nameProblem ? nameError : saveError, error);
      if (error.code === "check_expired") {
        state.check = null;
        showStep("credentials");
        showError(formError, error);
      }
    } finally {
      saving = false;
      save.disabled = false;
    }
  });

  main.append(
    h("div", { class: "page-head" },
      h("h1", {}, "Add Connection"),
      h("a", { href: "#/connections", class: "button" }, "Back to Connections")),
    tabs, panels.source, panels.credentials, panels.privacy);
  showStep("source");

  return () => {
    if (state.checking && state.checkId) api.cancelCheck(state.checkId).catch(() => {});
  };
}
