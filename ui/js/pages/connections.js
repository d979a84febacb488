// The Connections page: every saved connection with search and a source filter, or an
// empty state that leads to Add Connection. `?source=toggl` is the Toggl Connections page;
// `&highlight=<id>` marks the listing just saved.
import { api } from "../api.js";
import { h } from "../dom.js";
import { lostBadge, privacyLabel, verdictBadge, when } from "../format.js";
import { busy, clearError, errorSlot, showError, statusSlot } from "../ui-kit.js";

const SOURCES = [{ value: "", label: "All sources" }, { value: "toggl", label: "Toggl" }];

export async function render(main, { query, go }) {
  const source = query.source ?? "";
  const title = source === "toggl" ? "Toggl Connections" : "Connections";
  const addButton = h("button", { id: "add-connection", class: "primary", type: "button",
    onclick: () => go("#/connections/new") }, "Add Connection");
  const reviewLink = h("a", { id: "open-review", class: "button", href: "#/review",
    title: "Totals, charts, table and exports over any set of connections, offline" }, "Review across connections");
  main.append(h("div", { class: "page-head" }, h("h1", {}, title),
    h("div", { class: "actions" }, reviewLink, addButton)));

  let connections;
  try {
    connections = await api.listConnections();
  } catch (error) {
    const slot = errorSlot("connections-error");
    showError(slot, error);
    main.append(slot);
    return;
  }
  if (connections.length === 0) {
    main.append(emptyState(go));
    return;
  }
  const list = connectionList(connections, { query, source, title, go });
  main.append(list.toolbar, list.count, list.element, exportPanel(list.toolbar));
  list.draw();
  list.element.querySelector(".highlight a")?.focus();
}

function emptyState(go) {
  return h("section", { class: "empty-state", id: "connections-empty" },
    h("h2", {}, "No connections yet"),
    h("p", {}, "Connect a Toggl Track account to pull its workspaces, projects and time entries, then review them offline."),
    h("button", { class: "primary", type: "button", onclick: () => go("#/connections/new") }, "Add your first connection"),
  );
}

/** The listings with search (filters in place) and a source filter (a route of its own). */
function connectionList(connections, { query, source, title, go }) {
  const search = h("input", { id: "connection-search", type: "search", placeholder: "Search by name", value: query.q ?? "" });
  const sourceSelect = h("select", { id: "source-filter" },
    SOURCES.map((s) => h("option", { value: s.value, selected: s.value === source }, s.label)));
  const element = h("ul", { class: "connection-list", id: "connection-list", "aria-label": title });
  const count = h("p", { class: "muted", id: "connection-count", role: "status" });
  const draw = () => {
    const needle = search.value.trim().toLowerCase();
    const shown = connections.filter((c) =>
      (!sourceSelect.value || c.source === sourceSelect.value) && c.name.toLowerCase().includes(needle));
    element.replaceChildren(...shown.map((c) => listing(c, String(c.id) === query.highlight)));
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
  const toolbar = h("div", { class: "toolbar" },
    h("label", { for: "connection-search" }, "Search"), search,
    h("label", { for: "source-filter" }, "Source"), sourceSelect);
  return { element, count, toolbar, draw };
}

/** "Export shared connections": its button joins the toolbar; what it wrote shows below the list. */
function exportPanel(toolbar) {
  const status = statusSlot("definitions-status");
  const error = errorSlot("definitions-error");
  const button = h("button", { type: "button", id: "export-definitions",
    title: "Names, privacy and Toggl identity of connections shared with the workspace or a team. Never tokens; never Private to Me connections." },
  "Export shared connections");
  button.addEventListener("click", () => busy(button, "Exporting…", async () => {
    clearError(error);
    status.textContent = "";
    try {
      const saved = await api.exportDefinitions();
      status.replaceChildren(`Exported ${saved.count} shared connection${saved.count === 1 ? "" : "s"} to `,
        h("code", { id: "definitions-path" }, saved.path));
    } catch (e) {
      showError(error, e);
    }
  }));
  toolbar.append(button);
  return h("div", {}, status, error);
}

function listing(c, highlighted) {
  return h("li", { class: `connection${highlighted ? " highlight" : ""}`, dataset: { id: c.id } },
    h("a", { href: `#/connections/${c.id}`, class: "connection-name" }, c.name),
    h("span", { class: "source" }, SOURCES.find((s) => s.value === c.source)?.label ?? c.source),
    h("span", { class: "email" }, c.email ?? ""),
    verdictBadge(c),
    lostBadge(c),
    h("span", { class: "privacy" }, privacyLabel(c.privacy)),
    h("span", { class: "verified muted" }, "Verified ", when(c.last_verified_at)),
  );
}
