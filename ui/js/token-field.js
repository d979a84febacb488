// A password field for an API token with a Show/Hide toggle. The value stays in the
// input only; nothing else on the page keeps a copy.
import { h } from "./dom.js";

export function tokenField({ id, label }) {
  const input = h("input", {
    id, type: "password", autocomplete: "off", spellcheck: "false",
    autocapitalize: "off", "aria-describedby": `${id}-hint`,
  });
  const toggle = h("button", { type: "button", class: "toggle-visibility", id: `${id}-toggle`, "aria-pressed": "false",
    "aria-controls": id }, "Show");
  toggle.addEventListener("click", () => {
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    toggle.textContent = show ? "Hide" : "Show";
    toggle.setAttribute("aria-pressed", String(show));
  });
  const element = h("div", { class: "field" },
    h("label", { for: id }, label),
    h("div", { class: "input-with-button" }, input, toggle),
    h("p", { class: "hint", id: `${id}-hint` }, "32 characters, from Toggl Profile Settings → API Token."));
  return { element, input };
}
