// App settings (kept by the back end with tauri-plugin-store): the privacy a new
// connection starts with and the page open last. Failing to read them is never fatal.
import { api } from "./api.js";

let current = { default_privacy: { kind: "private_to_me" }, last_page: null };

export async function loadSettings() {
  try {
    current = await api.getSettings();
  } catch {
    // Defaults stand; the settings file is a convenience, not data.
  }
  return current;
}

export function settings() {
  return current;
}

export function rememberPage(hash) {
  if (!hash.startsWith("#/") || hash.includes("/new")) return;
  current = { ...current, last_page: hash };
  api.saveSettings(current).catch(() => {});
}
