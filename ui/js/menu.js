// The Settings cog's menu: opens on click, Enter, Space or ArrowDown; arrow keys move
// between items; Escape or a click elsewhere closes it and gives focus back to the cog.

export function initSettingsMenu() {
  const button = document.getElementById("settings-button");
  const menu = document.getElementById("settings-menu");
  const items = () => [...menu.querySelectorAll('[role="menuitem"]')];

  const open = (focusFirst) => {
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    if (focusFirst) items()[0]?.focus();
  };
  const close = (returnFocus) => {
    menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (returnFocus) button.focus();
  };

  button.addEventListener("click", () => (menu.hidden ? open(false) : close(false)));
  button.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      open(true);
    }
  });
  menu.addEventListener("keydown", (e) => {
    const list = items();
    const at = list.indexOf(document.activeElement);
    if (e.key === "Tab") return close(false);
    if (e.key === "Escape") close(true);
    else if (e.key === "ArrowDown") list[(at + 1) % list.length].focus();
    else if (e.key === "ArrowUp") list[(at - 1 + list.length) % list.length].focus();
    else return;
    e.preventDefault();
  });
  menu.addEventListener("click", (e) => {
    if (e.target.closest('[role="menuitem"]')) close(false);
  });
  document.addEventListener("click", (e) => {
    if (!menu.hidden && !e.target.closest(".menu")) close(false);
  });
}
