// Start-up: the settings menu and the hash router that swaps pages into <main>.
import { initSettingsMenu } from "./menu.js";
import { route } from "./router.js";

initSettingsMenu();
window.addEventListener("hashchange", route);
route();
