// The one wrapper around Tauri's invoke: a closed list of commands, each a typed
// function, and every failure turned into {code, message} the pages can switch on.

const invoke = window.__TAURI__?.core?.invoke;

/** Calls a command; rejects with {code, message} whatever went wrong. */
async function call(command, args = {}) {
  if (!invoke) {
    throw { code: "no_backend", message: "The app's back end is not available." };
  }
  try {
    return await invoke(command, args);
  } catch (error) {
    if (error && typeof error === "object" && "code" in error) throw error;
    throw { code: "internal", message: String(error) };
  }
}

export const api = {
  appInfo: () => call("app_info"),
};
