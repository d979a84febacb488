// The page's shared behaviour for actions and their answers: a button that is busy
// while its work runs, and error panels that show `[code] message` beside the field
// the error is about (aria-describedby / aria-invalid), or a polite status line.
import { h } from "./dom.js";

/** Runs `work` with `button` disabled (and showing `label`, if given); restores the
 * button however the work ends. A click while busy does nothing and resolves undefined. */
export async function busy(button, label, work) {
  if (button.dataset.busy) return undefined;
  const text = button.textContent;
  button.dataset.busy = "true";
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  if (label) button.textContent = label;
  try {
    return await work();
  } finally {
    delete button.dataset.busy;
    button.disabled = false;
    button.removeAttribute("aria-busy");
    if (label) button.textContent = text;
  }
}

/** An alert slot for errors; given the field it concerns, the field points at it
 * (aria-describedby) and is marked aria-invalid while an error shows. */
export function errorSlot(id, field) {
  const slot = h("div", { id, class: "field-error", role: "alert", hidden: true });
  if (field) describe(slot, field);
  return slot;
}

/** Shows `[code] message` in `slot`. `field` (default: the slot's own field) is marked
 * aria-invalid until the slot is cleared. */
export function showError(slot, error, { field } = {}) {
  clearError(slot);
  slot.replaceChildren(
    h("span", { class: "error-code" }, error?.code ? `[${error.code}] ` : ""),
    error?.message ?? String(error),
  );
  slot.hidden = false;
  slot.dataset.code = error?.code ?? "";
  const invalid = field ?? slot.field;
  if (invalid && invalid !== slot.field) describe(slot, invalid);
  invalid?.setAttribute("aria-invalid", "true");
  slot.invalid = invalid;
}

export function clearError(slot) {
  slot.replaceChildren();
  slot.hidden = true;
  delete slot.dataset.code;
  slot.invalid?.removeAttribute("aria-invalid");
  slot.invalid = null;
}

/** The slot for `error`: the one given for its `field` (see codes.js `Field`), else `fallback`. */
export function slotFor(error, slotsByField, fallback) {
  return (error?.field && slotsByField[error.field]) || fallback;
}

/** A polite status line ("Saved", "Checking…") for screen readers and eyes. */
export function statusSlot(id) {
  return h("div", { id, class: "status", role: "status", "aria-live": "polite" });
}

/** Clears every slot given. */
export function clearErrors(...slots) {
  for (const slot of slots) clearError(slot);
}

function describe(slot, field) {
  if (!slot.field) slot.field = field;
  const described = (field.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
  if (!described.includes(slot.id)) field.setAttribute("aria-describedby", [...described, slot.id].join(" "));
}
