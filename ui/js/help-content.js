// The product guide's help, shared by the stepper's side panel and the "Still stuck?" page.
import { api } from "./api.js";
import { h } from "./dom.js";

export function findTokenHelp() {
  return h("section", { class: "help-panel", "aria-labelledby": "token-help-title" },
    h("h2", { id: "token-help-title" }, "Where to find your Toggl API token"),
    h("ol", {},
      h("li", {}, "In Toggl Track, click your profile thumb at the bottom left."),
      h("li", {}, "Choose ", h("strong", {}, "Profile Settings"), "."),
      h("li", {}, "Scroll to the ", h("strong", {}, "API Token"), " section at the bottom."),
      h("li", {}, "Click to reveal the token, then copy it and paste it here."),
    ),
    h("button", { type: "button", id: "open-toggl-profile", onclick: openProfile }, "Open Toggl Profile Settings"),
    h("p", { id: "open-profile-status", class: "muted", role: "status" }),
    h("p", {}, "Every Toggl plan, including Free, has API access."),
    h("h3", {}, "Role needed"),
    h("p", { id: "role-rule" }, "The account must be the ", h("strong", {}, "Organization Owner"),
      " of the workspace's organization or an ", h("strong", {}, "Admin of the workspace"),
      ". See your role in Toggl under Admin → Organization (Owner) or Admin → Members (Workspace Admin)."),
  );
}

async function openProfile() {
  const status = document.getElementById("open-profile-status");
  try {
    await api.openTogglProfile();
    status.textContent = "Opened in your browser.";
  } catch (error) {
    status.textContent = error.message;
  }
}
