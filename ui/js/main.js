// Start-up: the settings menu, a notice from start-up (e.g. a damaged database moved
// aside), the page that was open last time, and the hash router.
import { api } from "./api.js";
import { initSettingsMenu } from "./menu.js";
import { route } from "./router.js";
import { loadSettings, rememberPage } from "./settings.js";

initSettingsMenu();

async function start() {
  const [info, settings] = await Promise.all([api.appInfo().catch(() => null), loadSettings()]);
  if (info?.startup_notice) {
    const banner = document.getElementById("banner");
    banner.textContent = info.startup_notice.message;
    banner.hidden = false;
  }
  if (!location.hash && settings.last_page) history.replaceState(null, "", settings.last_page);
  window.addEventListener("hashchange", () => {
    route();
    rememberPage(location.hash);
  });
  route();
}

start();
