// Words and badges shared by the pages: privacy, verdicts, times.
import { h } from "./dom.js";

export const PRIVACY_OPTIONS = [
  { kind: "shared_with_workspace", label: "Shared with Workspace", hint: "Everyone in your BlinkMetrics workspace can use this connection." },
  { kind: "private_to_me", label: "Private to Me", hint: "Only you can see and use this connection." },
  { kind: "shared_with_team", label: "Shared with Team", hint: "Members of one team can use this connection." },
];

/** Toggl's `beginning_of_week` numbering: 0 Sunday … 6 Saturday. */
export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

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

/** "1 page", "2 pages": a count with its noun. */
export function counted(n, noun) {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
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

/** Seconds as hours for people: "1.5", or whole hours from 10 h up. */
export function hours(seconds) {
  return (seconds / 3600).toFixed(seconds >= 36000 ? 0 : 1);
}

/** Cents of `currency` as the viewer's locale writes money ("€12.50"). */
export function cash(cents, currency) {
  return new Intl.NumberFormat(undefined, currency
    ? { style: "currency", currency }
    : { minimumFractionDigits: 2 }).format(cents / 100);
}

/** The money per currency, never summed across currencies; the part derived from
 *  project rates (entries Toggl gave no amount for) is named. */
export function money(amounts) {
  if (!amounts?.length) return "no amounts";
  return amounts.map((a) => {
    const derived = a.derived_cents ? ` (${cash(a.derived_cents, a.currency)} from project rates)` : "";
    return cash(a.cents, a.currency) + derived;
  }).join(" · ");
}
