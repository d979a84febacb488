// Inline messages: an error beside the field it concerns, or a status line for a page.
import { h } from "./dom.js";

/** Shows `error.message` in the element with the given id, as an alert. */
export function showError(container, error) {
  container.replaceChildren(
    h("span", { class: "error-code" }, error.code ? `[${error.code}] ` : ""),
    error.message ?? String(error),
  );
  container.hidden = false;
  container.dataset.code = error.code ?? "";
}

export function clearError(container) {
  container.replaceChildren();
  container.hidden = true;
  delete container.dataset.code;
}

export function errorSlot(id) {
  return h("div", { id, class: "field-error", role: "alert", hidden: true });
}

/** A polite status line ("Saved", "Checking…") for screen readers and eyes. */
export function statusSlot(id) {
  return h("div", { id, class: "status", role: "status", "aria-live": "polite" });
}
