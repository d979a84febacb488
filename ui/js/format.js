// Words and badges shared by the pages: privacy, verdicts, times.
import { h } from "./dom.js";

export const PRIVACY_OPTIONS = [
  { kind: "shared_with_workspace", label: "Shared with Workspace", hint: "Everyone in your BlinkMetrics workspace can use this connection." },
  { kind: "private_to_me", label: "Private to Me", hint: "Only you can see and use this connection." },
  { kind: "shared_with_team", label: "Shared with Team", hint: "Members of one team can use this connection." },
];

export function privacyLabel(privacy) {
  const option = PRIVACY_OPTIONS.find((o) => o.kind === privacy?.kind);
  if (!option) return "Unknown";
  return privacy.kind === "shared_with_team" ? `${option.label}: ${privacy.team}` : option.label;
}

export function verdictText(verdict) {
  switch (verdict?.kind) {
    case "organization_owner": return "Organization Owner";
    case "workspace_admin": return "Workspace Admin";
    default: return "No admin role";
  }
}

export function verdictBadge(connection) {
  if (connection.token_state === "missing") {
    return h("span", { class: "badge warn", title: "The token is missing from the credential store: enter it again." }, "Token missing");
  }
  if (connection.last_error_code) {
    return h("span", { class: "badge warn", title: `Last check failed: ${connection.last_error_code}` }, "Check failed");
  }
  const allowed = connection.verdict && connection.verdict.kind !== "refused";
  return h("span", { class: `badge ${allowed ? "ok" : "bad"}` }, verdictText(connection.verdict));
}

/** A warning when a re-test found the qualifying role lost in workspaces the connection is for. */
export function lostBadge(connection) {
  const lost = connection.workspaces_lost ?? [];
  if (!lost.length) return null;
  return h("span", {
    class: "badge warn lost-role",
    title: `Left out of pulls until the role is back or you remove them: ${lost.join(", ")}`,
  }, `Role lost in ${lost.join(", ")}`);
}

export function when(iso) {
  if (!iso) return "never";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** Roles from the last check, one line per organization and workspace. */
export function rolesList(report) {
  const items = [
    ...(report?.organizations ?? []).map((o) =>
      h("li", {}, `Organization “${o.name}”: `, o.owner ? "Owner" : o.admin ? "Admin" : "Member")),
    ...(report?.workspaces ?? []).map((w) =>
      h("li", {}, `Workspace “${w.name}”: `, w.role === "admin" ? "Admin" : w.role)),
  ];
  return h("ul", { class: "roles" }, items.length ? items : h("li", {}, "No organizations or workspaces"));
}
