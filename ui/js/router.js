// Hash routes → page modules. Each page module exports `render(main, params)` and may
// return a cleanup function that runs when the user leaves the page.
import * as connections from "./pages/connections.js";
import * as about from "./pages/about.js";

const routes = [
  { pattern: /^#\/connections(?:\?source=(\w+))?$/, page: connections },
  { pattern: /^#\/about$/, page: about },
];

let leaveCurrent = null;

export async function route() {
  const hash = location.hash || "#/connections";
  const match = routes.find((r) => r.pattern.test(hash)) ?? routes[0];
  const params = hash.match(match.pattern)?.slice(1) ?? [];
  if (typeof leaveCurrent === "function") leaveCurrent();
  const main = document.getElementById("page");
  main.replaceChildren();
  leaveCurrent = await match.page.render(main, params);
  main.focus({ preventScroll: true });
}
