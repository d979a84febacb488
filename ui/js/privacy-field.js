// The privacy choice: Shared with Workspace, Private to Me, or Shared with Team (which
// asks for the team's name). Core checks the team name; its answer shows in `error`.
import { h } from "./dom.js";
import { PRIVACY_OPTIONS } from "./format.js";
import { errorSlot } from "./ui-kit.js";

export function privacyFieldset(id, current) {
  const team = h("input", { id: `${id}-team`, type: "text", maxlength: "100",
    value: current?.kind === "shared_with_team" ? current.team : "" });
  const teamField = h("div", { class: "field team-field", hidden: current?.kind !== "shared_with_team" },
    h("label", { for: `${id}-team` }, "Team name"), team);
  const error = errorSlot(`${id}-error`, team);
  const radios = PRIVACY_OPTIONS.map((o) => {
    const radio = h("input", { type: "radio", name: id, id: `${id}-${o.kind}`, value: o.kind,
      checked: current?.kind === o.kind, "aria-describedby": `${id}-${o.kind}-hint` });
    radio.addEventListener("change", () => {
      teamField.hidden = radio.value !== "shared_with_team";
      if (!teamField.hidden) team.focus();
    });
    return h("div", { class: "radio" }, radio,
      h("label", { for: `${id}-${o.kind}` }, o.label),
      h("p", { class: "hint", id: `${id}-${o.kind}-hint` }, o.hint));
  });
  const element = h("fieldset", { id, class: "privacy" },
    h("legend", {}, "Team Privacy"), ...radios, teamField, error);
  return { element, team, error };
}

/** The chosen privacy as the back end wants it (one radio is always checked: the
 * fieldset starts from the current or default privacy). */
export function readPrivacy(field) {
  const chosen = field.element.querySelector("input[type=radio]:checked").value;
  return chosen === "shared_with_team" ? { kind: chosen, team: field.team.value } : { kind: chosen };
}
