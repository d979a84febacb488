/// The app's own commands are listed here so Tauri generates an `allow-<command>`
/// permission for each; the window's capability then grants exactly those it uses.
const COMMANDS: &[&str] = &[
    "app_info",
    "list_connections",
    "get_connection",
    "check_token",
    "cancel_check",
    "create_connection",
    "rename_connection",
    "set_privacy",
    "swap_token",
    "retest_connection",
    "add_workspace",
    "workspace_rows",
    "remove_workspace",
    "reveal_token",
    "delete_connection",
    "open_toggl_profile",
    "save_ticket",
    "get_settings",
    "save_settings",
    "start_pull",
    "cancel_pull",
    "pull_facts",
    "pull_plan",
    "count_on_toggl",
    "review_options",
    "review_totals",
    "review_entries",
    "export_csv",
    "export_definitions",
    "across_options",
    "across_totals",
    "across_periods",
    "across_week_start",
    "across_entries",
    "export_review",
    "list_views",
    "save_view",
    "rename_view",
    "delete_view",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
