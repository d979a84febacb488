// Add Connection: Select Source → Set Up Credentials (Finish checks the token with Toggl)
// → Review Team Privacy and Save Connection. The form keeps what was typed through every
// error, Finish cannot run twice, and the check can be cancelled. Core decides every
// rule; the page puts core's answer beside the field its `field` (or code) names.
import { api, newRequestId } from "../api.js";
import { Code, Field, TOKEN_CODES } from "../codes.js";
import { h } from "../dom.js";
import { verdictText } from "../format.js";
import { findTokenHelp } from "../help-content.js";
import { privacyFieldset, readPrivacy } from "../privacy-field.js";
import { ROLE_RULE, scopeFieldsets } from "../scope-list.js";
import { settings } from "../settings.js";
import { tokenField } from "../token-field.js";
import { busy, clearErrors, errorSlot, showError, slotFor, statusSlot } from "../ui-kit.js";

const STEPS = [
  { id: "source", label: "Select Source" },
  { id: "credentials", label: "Set Up Credentials" },
  { id: "privacy", label: "Review Team Privacy and Save Connection" },
];

export function render(main, { go }) {
  const state = { step: "source", source: null, checkId: null, check: null, requestId: newRequestId() };
  const stepper = stepperTabs(state);
  const credentials = credentialsPanel(state, stepper);
  const privacy = privacyPanel(state, stepper, credentials, go);
  const source = sourcePanel(state, stepper, credentials);
  stepper.panels = { source, credentials: credentials.panel, privacy: privacy.panel };
  credentials.onChecked = privacy.review;

  main.append(
    h("div", { class: "page-head" },
      h("h1", {}, "Add Connection"),
      h("a", { href: "#/connections", class: "button" }, "Back to Connections")),
    stepper.tabs, source, credentials.panel, privacy.panel);
  stepper.show("source");

  return () => {
    if (credentials.checking() && state.checkId) api.cancelCheck(state.checkId).catch(() => {});
  };
}

/** The step tabs: a step is reachable once the one before it is done; arrows move. */
function stepperTabs(state) {
  const tabs = h("div", { class: "stepper", role: "tablist", "aria-label": "Add Connection steps" });
  const stepper = { tabs, panels: {} };
  const reachable = (step) =>
    step === "source" || (step === "credentials" && state.source) || (step === "privacy" && state.check);
  stepper.show = (step) => {
    state.step = step;
    for (const s of STEPS) {
      const tab = tabs.querySelector(`#tab-${s.id}`);
      const selected = s.id === step;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      tab.disabled = !reachable(s.id);
      stepper.panels[s.id].hidden = !selected;
    }
  };
  for (const s of STEPS) {
    tabs.append(h("button", {
      id: `tab-${s.id}`, role: "tab", type: "button", "aria-controls": `panel-${s.id}`,
      onclick: () => reachable(s.id) && stepper.show(s.id),
    }, s.label));
  }
  tabs.addEventListener("keydown", (e) => {
    const order = STEPS.map((s) => s.id).filter(reachable);
    const at = order.indexOf(state.step);
    const next = e.key === "ArrowRight" ? order[at + 1] : e.key === "ArrowLeft" ? order[at - 1] : null;
    if (next) {
      e.preventDefault();
      stepper.show(next);
      tabs.querySelector(`#tab-${next}`).focus();
    }
  });
  return stepper;
}

function sourcePanel(state, stepper, credentials) {
  const choose = (e) => {
    state.source = "toggl";
    e.currentTarget.setAttribute("aria-pressed", "true");
    stepper.show("credentials");
    credentials.token.input.focus();
  };
  return h("section", { id: "panel-source", role: "tabpanel", "aria-labelledby": "tab-source" },
    h("p", {}, "Choose where the data comes from."),
    h("div", { class: "source-grid" },
      h("button", { type: "button", class: "source-card", id: "source-toggl", "aria-pressed": "false", onclick: choose },
        h("strong", {}, "Toggl"), h("span", { class: "muted" }, "Toggl Track time tracking")),
      ...["Jira", "Harvest", "Clockify"].map((n) =>
        h("button", { type: "button", class: "source-card", disabled: true, "aria-disabled": "true" },
          h("strong", {}, n), h("span", { class: "muted" }, "Not available yet"))),
    ));
}

/** Set Up Credentials: the token, an optional name, Finish (checks with Toggl) and Cancel. */
function credentialsPanel(state, stepper) {
  const token = tokenField({ id: "api-token", label: "API Token" });
  const name = h("input", { id: "connection-name", type: "text", maxlength: "100", autocomplete: "off",
    "aria-describedby": "name-hint" });
  const tokenError = errorSlot("token-error", token.input);
  const formError = errorSlot("check-error");
  const progress = statusSlot("check-status");
  const finish = h("button", { id: "finish", class: "primary", type: "submit" }, "Finish");
  const cancel = h("button", { id: "cancel-check", type: "button", hidden: true }, "Cancel");
  const form = h("form", { id: "credentials-form", novalidate: true },
    token.element, tokenError,
    h("div", { class: "field" },
      h("label", { for: "connection-name" }, "Connection Name"),
      name,
      h("p", { class: "hint", id: "name-hint" }, "Name it after the Toggl account you connect, for example “Toggl – name@example.com”. Leave it empty to use that suggestion.")),
    h("div", { class: "actions" }, finish, cancel), progress, formError);
  const panel = h("section", { id: "panel-credentials", role: "tabpanel", "aria-labelledby": "tab-credentials",
    class: "with-aside" }, form, h("aside", {}, findTokenHelp()));
  const credentials = { panel, token, name, formError, checking: () => Boolean(finish.dataset.busy), onChecked: null };

  const check = async () => {
    clearErrors(tokenError, formError);
    state.checkId = newRequestId();
    cancel.hidden = false;
    progress.replaceChildren(h("span", { class: "spinner", "aria-hidden": "true" }), " Checking the token and your role with Toggl…");
    try {
      state.check = await api.checkToken(token.input.value, state.checkId);
      state.requestId = newRequestId();
      if (!name.value.trim()) name.value = state.check.suggested_name;
      credentials.onChecked();
      stepper.show("privacy");
      stepper.panels.privacy.querySelector("input")?.focus();
    } catch (error) {
      const aboutToken = TOKEN_CODES.has(error.code);
      showError(aboutToken ? tokenError : formError, error);
      (aboutToken ? token.input : finish).focus();
    } finally {
      progress.textContent = "";
      cancel.hidden = true;
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    busy(finish, null, check);
  });
  cancel.addEventListener("click", () => state.checkId && api.cancelCheck(state.checkId).catch(() => {}));
  token.input.addEventListener("input", () => {
    if (!state.check) return;
    state.check = null;
    stepper.show("credentials");
  });
  return credentials;
}

/** Review Team Privacy and Save Connection: who the token belongs to, the workspaces the
 * connection is for, name, privacy, Save. */
function privacyPanel(state, stepper, credentials, go) {
  const saveName = h("input", { id: "save-name", type: "text", maxlength: "100" });
  const nameError = errorSlot("save-name-error", saveName);
  const saveError = errorSlot("save-error");
  const privacy = privacyFieldset("save-privacy", settings().default_privacy);
  const save = h("button", { id: "save-connection", class: "primary", type: "submit" }, "Save Connection");
  const account = h("div", { id: "checked-account", class: "card" });
  const scope = h("div", { id: "save-scope" });
  const scopeError = errorSlot("save-scope-error");
  let chosen = () => null;
  const form = h("form", { id: "save-form", novalidate: true },
    scope, scopeError,
    h("div", { class: "field" }, h("label", { for: "save-name" }, "Connection Name"), saveName, nameError),
    privacy.element,
    h("div", { class: "actions" }, save), saveError);
  const panel = h("section", { id: "panel-privacy", role: "tabpanel", "aria-labelledby": "tab-privacy" }, account, form);
  saveName.addEventListener("input", () => { credentials.name.value = saveName.value; });

  const review = () => {
    const { report, suggested_name: suggested } = state.check;
    saveName.value = credentials.name.value.trim() || suggested;
    account.replaceChildren(
      h("h2", {}, "Toggl accepted the token"),
      h("p", {}, `${report.user.fullname} (${report.user.email}) — `, h("strong", { id: "checked-verdict" }, verdictText(report.verdict))),
    );
    const list = scopeFieldsets("save-scope", state.check.standings,
      { checked: (s) => s.qualifies, disabled: (s) => !s.qualifies });
    chosen = list.chosen;
    scope.replaceChildren(
      h("h2", { id: "scope-label" }, "Workspaces in this connection"),
      h("p", { class: "hint", id: "scope-rule" }, "Only workspaces that qualify can be included. Role needed: ", ROLE_RULE),
      ...list.groups);
  };
  const submit = async () => {
    clearErrors(saveError, nameError, privacy.error, scopeError);
    try {
      const saved = await api.createConnection(state.checkId, saveName.value, readPrivacy(privacy), state.requestId, chosen());
      go(`#/connections?source=toggl&highlight=${saved.id}`);
    } catch (error) {
      const slots = { [Field.NAME]: nameError, [Field.TEAM]: privacy.error, [Field.SCOPE]: scopeError };
      showError(slotFor(error, slots, saveError), error);
      if (error.code === Code.CHECK_EXPIRED) {
        state.check = null;
        stepper.show("credentials");
        showError(credentials.formError, error);
      }
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    busy(save, null, submit);
  });
  return { panel, review };
}
