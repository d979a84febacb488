// "Still stuck?": the guide's steps, and a ticket form whose file is saved locally with
// the app version, the OS and recent error codes (never the token).
import { api } from "../api.js";
import { h } from "../dom.js";
import { findTokenHelp } from "../help-content.js";
import { busy, clearError, errorSlot, showError, statusSlot } from "../ui-kit.js";

const FIELDS = [
  { id: "tried", label: "What did you try?" },
  { id: "expected", label: "What did you expect?" },
  { id: "got", label: "What did you get instead?" },
];

export function render(main) {
  const error = errorSlot("ticket-error");
  const status = statusSlot("ticket-status");
  const areas = Object.fromEntries(FIELDS.map((f) => [f.id, h("textarea", { id: `ticket-${f.id}`, rows: "3" })]));
  const submit = h("button", { type: "submit", class: "primary", id: "save-ticket" }, "Save ticket");
  const form = h("form", { id: "ticket-form", novalidate: true },
    ...FIELDS.map((f) => h("div", { class: "field" }, h("label", { for: `ticket-${f.id}` }, f.label), areas[f.id])),
    h("div", { class: "actions" }, submit), status, error);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    busy(submit, "Saving…", async () => {
      clearError(error);
      status.textContent = "";
      try {
        const saved = await api.saveTicket(Object.fromEntries(FIELDS.map((f) => [f.id, areas[f.id].value])));
        status.replaceChildren("Ticket saved to ", h("code", { id: "ticket-path" }, saved.path),
          ". Attach this file when you write to BlinkMetrics support.");
      } catch (err) {
        showError(error, err);
      }
    });
  });
  main.append(
    h("h1", {}, "Still stuck?"),
    h("div", { class: "with-aside" },
      h("section", { class: "card", "aria-labelledby": "ticket-title" },
        h("h2", { id: "ticket-title" }, "File a support ticket"),
        h("p", { class: "muted" }, "The ticket file includes the app version, your operating system and the codes of recent errors. It never includes your API token."),
        form),
      h("aside", {}, findTokenHelp())));
}
