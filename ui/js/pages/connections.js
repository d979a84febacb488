// The Connections page: the saved connections, or an empty state that leads to Add Connection.
import { h } from "../dom.js";

export function render(main) {
  main.append(
    h("div", { class: "page-head" },
      h("h1", {}, "Connections"),
      h("button", { id: "add-connection", class: "primary", type: "button" }, "Add Connection"),
    ),
    h("section", { class: "empty-state", id: "connections-empty" },
      h("h2", {}, "No connections yet"),
      h("p", {}, "Connect a Toggl Track account to pull its workspaces, projects and time entries, then review them offline."),
    ),
  );
}
