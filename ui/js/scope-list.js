// The workspaces of a connection grouped by organization, each with the account's
// standing there (core decides it: Organization Owner, Workspace Admin, or the role it
// has and why that is not enough). One fieldset per organization, one labelled
// checkbox per workspace; a workspace that does not qualify cannot be chosen and says
// which role it needs and where Toggl shows it.
import { h } from "./dom.js";

/** The one rule, in core's words (a core test holds this line to `ROLE_RULE`). */
export const ROLE_RULE = "The account must be the Organization Owner of the workspace's organization or an Admin of the workspace. See your role in Toggl under Admin → Organization (Owner) or Admin → Members (Workspace Admin).";

/** Groups items by `organization_name`, keeping core's order. */
function byOrganization(items, standingOf) {
  const groups = new Map();
  for (const item of items) {
    const name = standingOf(item).organization_name;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(item);
  }
  return groups;
}

/**
 * A choice of workspaces: `items` are standings (or detail entries holding one),
 * `checked(item)` says which start selected, `extra(item)` adds text or buttons.
 */
export function scopeFieldsets(id, items, { standingOf = (s) => s, checked, disabled, extra = () => [] }) {
  const boxes = [];
  const groups = [...byOrganization(items, standingOf)].map(([organization, members], g) =>
    h("fieldset", { class: "scope-org", id: `${id}-org-${g}` },
      h("legend", {}, `Organization “${organization}”`),
      ...members.map((item) => {
        const s = standingOf(item);
        const boxId = `${id}-ws-${s.workspace_id}`;
        const hintId = `${boxId}-hint`;
        const box = h("input", { type: "checkbox", id: boxId, value: String(s.workspace_id),
          checked: checked(item), disabled: disabled(item), "aria-describedby": hintId });
        boxes.push(box);
        const standing = s.qualifies ? s.role_label : `Not included: ${s.role_label}`;
        return h("div", { class: `scope-ws ${s.qualifies ? "ok" : "not-enough"}`, "data-workspace": s.workspace_id },
          box, h("label", { for: boxId }, s.workspace_name),
          h("p", { class: "hint", id: hintId },
            h("strong", { class: "standing" }, standing), s.reason ? ` — ${s.reason}` : "", ...extra(item)));
      })));
  return { groups, chosen: () => boxes.filter((b) => b.checked && !b.disabled).map((b) => Number(b.value)) };
}
