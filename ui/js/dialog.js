// An in-page confirmation dialog (<dialog>, modal, Escape = no). Native confirm() is
// avoided: it blocks the window and cannot be styled or driven by keyboard-only tests.
import { h } from "./dom.js";

/** Resolves true when the user confirms, false on Cancel or Escape. */
export function confirmDialog({ id, title, text, confirmLabel, cancelLabel = "Cancel", danger = false }) {
  return new Promise((resolve) => {
    const yes = h("button", { type: "button", id: `${id}-confirm`, class: danger ? "danger" : "primary" }, confirmLabel);
    const no = h("button", { type: "button", id: `${id}-cancel` }, cancelLabel);
    const dialog = h("dialog", { id, "aria-labelledby": `${id}-title`, "aria-describedby": `${id}-text` },
      h("h2", { id: `${id}-title` }, title),
      h("p", { id: `${id}-text` }, text),
      h("div", { class: "actions" }, no, yes));
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    yes.addEventListener("click", () => finish(true));
    no.addEventListener("click", () => finish(false));
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); finish(false); });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}
