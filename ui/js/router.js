// Hash routes → page modules. Each page module exports `render(main, route)` and may
// return a cleanup function that runs when the user leaves the page.
import * as connections from "./pages/connections.js";
import * as addConnection from "./pages/add-connection.js";
import * as detail from "./pages/connection-detail.js";
import * as data from "./pages/connection-data.js";
import * as help from "./pages/help.js";
import * as about from "./pages/about.js";

const routes = [
  { path: /^\/connections$/, page: connections },
  { path: /^\/connections\/new$/, page: addConnection },
  { path: /^\/connections\/(\d+)\/data$/, page: data },
  { path: /^\/connections\/(\d+)$/, page: detail },
  { path: /^\/help$/, page: help },
  { path: /^\/about$/, page: about },
];

let leaveCurrent = null;

export function parseHash(hash) {
  const [path, query = ""] = (hash.replace(/^#/, "") || "/connections").split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(query)) };
}

export async function route() {
  const { path, query } = parseHash(location.hash);
  const match = routes.find((r) => r.path.test(path)) ?? routes[0];
  const params = path.match(match.path)?.slice(1) ?? [];
  if (typeof leaveCurrent === "function") leaveCurrent();
  leaveCurrent = null;
  const main = document.getElementById("page");
  main.replaceChildren();
  leaveCurrent = await match.page.render(main, { params, query });
  main.focus({ preventScroll: true });
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}
