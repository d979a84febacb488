/// The app's own commands are listed here so Tauri generates an `allow-<command>`
/// permission for each; the window's capability then grants exactly those it uses.
const COMMANDS: &[&str] = &["app_info"];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
