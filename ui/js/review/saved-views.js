// Saved views of the review: one button per view (one click shows it again), a name
// field and Save for the filter on screen, and Rename and Delete beside each view.
// Views live in the local database only.
import { api } from "../api.js";
import { Field } from "../codes.js";
import { h } from "../dom.js";
import { busy, clearError, errorSlot, showError, statusSlot } from "../ui-kit.js";

/** `current()` gives the filter to save; `open(view)` shows a view's filter. */
export function savedViews({ current, open }) {
  const list = h("ul", { id: "saved-views", class: "saved-views", "aria-label": "Saved views" });
  const name = h("input", { id: "view-name", type: "text", maxlength: "80", autocomplete: "off" });
  const error = errorSlot("view-error", name);
  const status = statusSlot("view-status");
  const save = h("button", { type: "button", id: "save-view" }, "Save view");

  const draw = async () => {
    try {
      const views = await api.listViews();
      list.replaceChildren(...(views.length
        ? views.map((v) => item(v))
        : [h("li", { class: "muted" }, "No saved views yet.")]));
    } catch (e) {
      showError(error, e);
    }
  };
  const item = (view) => {
    const openButton = h("button", { type: "button", class: "view-open", dataset: { id: view.id } }, view.name);
    openButton.addEventListener("click", () => {
      name.value = view.name;
      status.textContent = `Showing “${view.name}”.`;
      open(view);
    });
    const remove = h("button", { type: "button", class: "view-delete link", "aria-label": `Delete view ${view.name}` }, "Delete");
    remove.addEventListener("click", () => busy(remove, null, async () => {
      try {
        await api.deleteView(view.id);
        status.textContent = `Deleted “${view.name}”.`;
        await draw();
      } catch (e) {
        showError(error, e);
      }
    }));
    const rename = h("button", { type: "button", class: "view-rename link", "aria-label": `Rename view ${view.name}` }, "Rename");
    const li = h("li", {}, openButton, rename, remove);
    rename.addEventListener("click", () => li.replaceChildren(...renameForm(view, () => li.replaceChildren(openButton, rename, remove))));
    return li;
  };
  /** The view's name in a field with Rename and Cancel (Enter and Escape do the same). */
  const renameForm = (view, cancel) => {
    const field = h("input", { type: "text", id: `view-rename-${view.id}`, class: "view-rename-name", maxlength: "80", value: view.name, "aria-label": `New name for view ${view.name}` });
    const confirm = h("button", { type: "button", class: "view-rename-save" }, "Rename");
    const back = h("button", { type: "button", class: "link" }, "Cancel");
    const submit = () => busy(confirm, "Renaming…", async () => {
      clearError(error);
      try {
        const renamed = await api.renameView(view.id, field.value);
        status.textContent = `Renamed “${view.name}” to “${renamed.name}”.`;
        await draw();
      } catch (e) {
        showError(error, e, { field: e.field === Field.VIEW_NAME ? field : undefined });
      }
    });
    confirm.addEventListener("click", submit);
    back.addEventListener("click", cancel);
    field.addEventListener("keydown", (e) => {
      if (e.key === "Enter") submit();
      if (e.key === "Escape") cancel();
    });
    queueMicrotask(() => field.focus());
    return [field, confirm, back];
  };
  save.addEventListener("click", () => busy(save, "Saving…", async () => {
    clearError(error);
    try {
      const saved = await api.saveView(name.value, await current());
      status.textContent = `Saved “${saved.name}”.`;
      await draw();
    } catch (e) {
      showError(error, e, { field: e.field === Field.VIEW_NAME ? name : undefined });
    }
  }));
  const element = h("section", { class: "card", id: "views", "aria-labelledby": "views-title" },
    h("h2", { id: "views-title" }, "Saved views"),
    list,
    h("div", { class: "toolbar" }, h("label", { for: "view-name" }, "View name"), name, save),
    error, status);
  draw();
  return { element };
}
