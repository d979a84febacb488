//! `fake-toggl --demo [--port N]`: serves the demo scenario so the app can be tried by
//! hand with `BLINK_TOGGL_URL` pointed at it. Prints the URL and one token per role,
//! then runs until killed.

use blink_fake_toggl::fake::{
    FakeToggl, Scenario, DEMO_MEMBER, DEMO_ORG_ADMIN, DEMO_OWNER, DEMO_WORKSPACE_ADMIN,
};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: fake-toggl --demo [--port N]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut demo = false;
    let mut port = 0u16;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--demo" => demo = true,
            "--port" => match rest.next().and_then(|p| p.parse().ok()) {
                Some(p) => port = p,
                None => return usage_error("--port needs a number"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage_error(&format!("unknown argument {other}")),
        }
    }
    if !demo {
        return usage_error("only --demo is supported");
    }
    let fake = match FakeToggl::start_on_port(Scenario::demo(), port) {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("fake-toggl: cannot listen on port {port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Fake Toggl serving the demo scenario at {}", fake.url());
    println!("BLINK_TOGGL_URL={}", fake.url());
    for (role, id) in [
        ("organization owner", DEMO_OWNER),
        ("organization admin", DEMO_ORG_ADMIN),
        ("workspace admin", DEMO_WORKSPACE_ADMIN),
        ("plain member (refused)", DEMO_MEMBER),
    ] {
        let email = fake
            .scenario()
            .user(id)
            .map(|u| u.email.clone())
            .unwrap_or_default();
        println!("  {role:<24} {}  {email}", fake.token_of(id));
    }
    println!("Quota: 1000 requests/hour per bucket. Stop with Ctrl-C.");
    let _ = std::io::stdout().flush();
    fake.wait();
    ExitCode::SUCCESS
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("fake-toggl: {message}\n{USAGE}");
    ExitCode::from(2)
}
