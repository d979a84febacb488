// Error codes and input fields exactly as the back end sends them ({code, message,
// field?}). Pages branch on these, never on the message text. Codes are a contract:
// they are never renamed, only added (blink-core's error.rs pins the same list).

export const Code = Object.freeze({
  TOKEN_EMPTY: "token_empty",
  TOKEN_MALFORMED: "token_malformed",
  TOKEN_REJECTED: "token_rejected",
  ROLE_INSUFFICIENT: "role_insufficient",
  QUOTA_EXHAUSTED: "quota_exhausted",
  RATE_LIMITED: "rate_limited",
  PAID_FEATURE_REQUIRED: "paid_feature_required",
  TOGGL_UNAVAILABLE: "toggl_unavailable",
  NETWORK_UNREACHABLE: "network_unreachable",
  TIMEOUT: "timeout",
  UNEXPECTED_RESPONSE: "unexpected_response",
  CREDENTIAL_STORE_UNAVAILABLE: "credential_store_unavailable",
  CREDENTIAL_STORE_LOCKED: "credential_store_locked",
  TOKEN_MISSING: "token_missing",
  DATABASE: "database",
  DATABASE_CORRUPT: "database_corrupt",
  INVALID_INPUT: "invalid_input",
  NAME_TAKEN: "name_taken",
  NOT_FOUND: "not_found",
  DIFFERENT_ACCOUNT: "different_account",
  CANCELLED: "cancelled",
  CHECK_EXPIRED: "check_expired",
  IO: "io",
  PULL_RUNNING: "pull_running",
  BROWSER_UNAVAILABLE: "browser_unavailable",
  INTERNAL: "internal",
  CONFIG: "config",
  DATA_FORMAT: "data_format",
  NAME_INVALID_CHARACTERS: "name_invalid_characters",
  ACCESS_CHANGED: "access_changed",
  TOGGL_REFUSED: "toggl_refused",
  DATA_FOLDER_IN_USE: "data_folder_in_use",
  INSTALL_ID_UNUSABLE: "install_id_unusable",
  DATABASE_CORRUPT_TOKENS_LEFT: "database_corrupt_tokens_left",
  EXPORT_TOO_LARGE: "export_too_large",
  /** Made by api.js itself when the page runs without the app's back end. */
  NO_BACKEND: "no_backend",
});

/** The `field` of an input error: which input the message belongs beside. */
export const Field = Object.freeze({
  NAME: "name",
  TEAM: "team",
  RANGE: "range",
  TICKET: "ticket",
  REQUEST: "request",
  PAGE_SIZE: "page_size",
  SCOPE: "scope",
  VIEW_NAME: "view_name",
  WEEK_START: "week_start",
});

/** Errors about the pasted token itself, shown under the token field. */
export const TOKEN_CODES = new Set([Code.TOKEN_EMPTY, Code.TOKEN_MALFORMED, Code.TOKEN_REJECTED,
  Code.ROLE_INSUFFICIENT]);
