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
  container.field?.setAttribute("aria-invalid", "true");
}

export function clearError(container) {
  container.replaceChildren();
  container.hidden = true;
  delete container.dataset.code;
  container.field?.removeAttribute("aria-invalid");
}

/** An alert slot for errors; given the field it concerns, the field points at it
 * (aria-describedby) and is marked aria-invalid while an error shows. */
export function errorSlot(id, field) {
  const slot = h("div", { id, class: "field-error", role: "alert", hidden: true });
  if (field) {
    slot.field = field;
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? `${described} ${id}` : id);
  }
  return slot;
}

/** A polite status line ("Saved", "Checking…") for screen readers and eyes. */
export function statusSlot(id) {
  return h("div", { id, class: "status", role: "status", "aria-live": "polite" });
}
