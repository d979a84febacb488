// The Connections page: every saved connection with search and a source filter, or an
// empty state that leads to Add Connection. `?source=toggl` is the Toggl Connections page;
// `&highlight=<id>` marks the listing just saved.
import { api } from "../api.js";
import { h } from "../dom.js";
import { privacyLabel, verdictBadge, when } from "../format.js";
import { showError } from "../notice.js";
import { go } from "../router.js";

const SOURCES = [{ value: "", label: "All sources" }, { value: "toggl", label: "Toggl" }];

export async function render(main, { query }) {
  const source = query.source ?? "";
  const title = source === "toggl" ? "Toggl Connections" : "Connections";
  const addButton = h("button", { id: "add-connection", class: "primary", type: "button",
    onclick: () => go("#/connections/new") }, "Add Connection");
  main.append(h("div", { class: "page-head" }, h("h1", {}, title), addButton));

  let connections;
  try {
    connections = await api.listConnections();
  } catch (error) {
    const slot = h("div", { class: "field-error", role: "alert" });
    showError(slot, error);
    main.append(slot);
    return;
  }
  if (connections.length === 0) {
    main.append(h("section", { class: "empty-state", id: "connections-empty" },
      h("h2", {}, "No connections yet"),
      h("p", {}, "Connect a Toggl Track account to pull its workspaces, projects and time entries, then review them offline."),
      h("button", { class: "primary", type: "button", onclick: () => go("#/connections/new") }, "Add your first connection"),
    ));
    return;
  }

  const search = h("input", { id: "connection-search", type: "search", placeholder: "Search by name", value: query.q ?? "" });
  const sourceSelect = h("select", { id: "source-filter" },
    SOURCES.map((s) => h("option", { value: s.value, selected: s.value === source }, s.label)));
  const list = h("ul", { class: "connection-list", id: "connection-list", "aria-label": title });
  const count = h("p", { class: "muted", id: "connection-count", role: "status" });

  const draw = () => {
    const needle = search.value.trim().toLowerCase();
    const shown = connections.filter((c) =>
      (!sourceSelect.value || c.source === sourceSelect.value) && c.name.toLowerCase().includes(needle));
    list.replaceChildren(...shown.map((c) => listing(c, String(c.id) === query.highlight)));
    count.textContent = shown.length === connections.length
      ? `${shown.length} connection${shown.length === 1 ? "" : "s"}`
      : `${shown.length} of ${connections.length} connections`;
  };
  search.addEventListener("input", draw);
  sourceSelect.addEventListener("change", () => {
    const params = new URLSearchParams();
    if (sourceSelect.value) params.set("source", sourceSelect.value);
    if (search.value.trim()) params.set("q", search.value.trim());
    go(`#/connections${params.size ? `?${params}` : ""}`);
  });

  const exportStatus = h("p", { id: "definitions-status", role: "status" });
  const exportButton = h("button", { type: "button", id: "export-definitions",
    title: "Names, privacy and Toggl identity of connections shared with the workspace or a team. Never tokens; never Private to Me connections." },
  "Export shared connections");
  exportButton.addEventListener("click", async () => {
    try {
      const saved = await api.exportDefinitions();
      exportStatus.replaceChildren(`Exported ${saved.count} shared connection${saved.count === 1 ? "" : "s"} to `,
        h("code", { id: "definitions-path" }, saved.path));
    } catch (error) {
      showError(exportStatus, error);
    }
  });
  main.append(
    h("div", { class: "toolbar" },
      h("label", { for: "connection-search" }, "Search"), search,
      h("label", { for: "source-filter" }, "Source"), sourceSelect, exportButton),
    count, list, exportStatus);
  draw();
  list.querySelector(".highlight a")?.focus();
}

function listing(c, highlighted) {
  return h("li", { class: `connection${highlighted ? " highlight" : ""}`, dataset: { id: c.id } },
    h("a", { href: `#/connections/${c.id}`, class: "connection-name" }, c.name),
    h("span", { class: "source" }, SOURCES.find((s) => s.value === c.source)?.label ?? c.source),
    h("span", { class: "email" }, c.email ?? ""),
    verdictBadge(c),
    h("span", { class: "privacy" }, privacyLabel(c.privacy)),
    h("span", { class: "verified muted" }, "Verified ", when(c.last_verified_at)),
  );
}
