// Hash routes → page modules. Each page module exports `render(main, ctx)` and may
// return a cleanup function that runs when the user leaves the page. `ctx` holds the
// route's `params` and `query`, and `go(hash)` to navigate: pages never import the
// router, so the router is the only module that knows the pages.
import * as connections from "./pages/connections.js";
import * as addConnection from "./pages/add-connection.js";
import * as detail from "./pages/connection-detail.js";
import * as data from "./pages/connection-data.js";
import * as review from "./pages/review.js";
import * as help from "./pages/help.js";
import * as about from "./pages/about.js";

const routes = [
  { path: /^\/connections$/, page: connections },
  { path: /^\/connections\/new$/, page: addConnection },
  { path: /^\/connections\/(\d+)\/data$/, page: data },
  { path: /^\/connections\/(\d+)$/, page: detail },
  { path: /^\/review$/, page: review },
  { path: /^\/help$/, page: help },
  { path: /^\/about$/, page: about },
];

let leaveCurrent = null;
let generation = 0;

export function parseHash(hash) {
  const [path, query = ""] = (hash.replace(/^#/, "") || "/connections").split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(query)) };
}

/** Renders the page of the current hash. A page still loading when the hash changes
 * again is dropped: it renders into a detached element and its cleanup runs at once. */
export async function route() {
  const { path, query } = parseHash(location.hash);
  const match = routes.find((r) => r.path.test(path)) ?? routes[0];
  const params = path.match(match.path)?.slice(1) ?? [];
  if (typeof leaveCurrent === "function") leaveCurrent();
  leaveCurrent = null;
  const mine = ++generation;
  const main = document.getElementById("page");
  const staging = document.createElement("div");
  staging.className = "page-body";
  main.replaceChildren(staging);
  const leave = await match.page.render(staging, { params, query, go });
  if (mine !== generation) {
    if (typeof leave === "function") leave();
    return;
  }
  leaveCurrent = leave;
  main.focus({ preventScroll: true });
}

/** Opens `hash`; the same hash again renders the page afresh. */
export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}
