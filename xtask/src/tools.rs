//! Installs what the build and the tests need, when it is missing. Each
//! check is cheap, so every command can run them; nothing is reinstalled
//! when the right version is already there.

use std::path::PathBuf;
use std::process::Command;

use crate::{cargo, root, run, Failure, Result};

/// Pinned: trunk 0.22 needs a newer rustc than the machines' stable.
const TRUNK_VERSION: &str = "0.21.14";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The flags that make the wasm's panics abort at once (`dist::small_std`);
/// `std_source` probes the compiler with these very flags.
pub const IMMEDIATE_ABORT: [&str; 2] = ["-Zunstable-options", "-Cpanic=immediate-abort"];

/// The first line a command prints for `--version`, if it runs.
fn version_of(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

pub fn ensure_all() -> Result {
    ensure_build_tools()?;
    ensure_browser()?;
    ensure_other_engines()
}

/// Everything `trunk build --release` needs.
pub fn ensure_build_tools() -> Result {
    ensure_wasm_target()?;
    ensure_std_source();
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_node()
}

/// The standard library's source (rustup's `rust-src`), for the release
/// build to rebuild it smaller (`dist::small_std`). Not fatal: without it
/// the build uses the prebuilt library and says so.
fn ensure_std_source() {
    if std_source().is_some_and(|s| !s.exists()) {
        let _ = run(Command::new("rustup").args(["component", "add", "rust-src"]));
    }
}

/// The machine's target triple, as rustc names it.
pub fn host_triple() -> Option<String> {
    let out = Command::new("rustc").arg("-vV").output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
}

/// Where the standard library's source would be, if this rustc takes the
/// flags the smaller build needs (`dist::small_std`).
pub fn std_source() -> Option<PathBuf> {
    let out = Command::new("rustc")
        .env("RUSTC_BOOTSTRAP", "1")
        .args(IMMEDIATE_ABORT)
        .args(["--target", WASM_TARGET, "--print", "sysroot"])
        .output()
        .ok()?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    out.status
        .success()
        .then(|| sysroot.join("lib/rustlib/src/rust/library/std/Cargo.toml"))
}

/// Whether the compiler has the wasm target's standard library, whoever
/// installed it (rustup, or Debian's packages on DEVELOPERS.md's route,
/// where rustup cannot manage a linked toolchain).
fn has_wasm_target() -> bool {
    Command::new("rustc")
        .args(["--print", "target-libdir", "--target", WASM_TARGET])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| std::fs::read_dir(String::from_utf8_lossy(&o.stdout).trim()).ok())
        .is_some_and(|mut dir| {
            dir.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("libcore-")))
        })
}

fn ensure_wasm_target() -> Result {
    if has_wasm_target() {
        return Ok(());
    }
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|_| {
            Failure(format!(
                "rustup is not installed, so the {WASM_TARGET} target cannot be added. Install Rust with rustup \
                 (https://rustup.rs), or use the Debian toolchain route described in DEVELOPERS.md."
            ))
        })?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET])).map_err(|e| {
        Failure(format!(
            "{}. Without it the widget cannot be built; see DEVELOPERS.md for an offline route.",
            e.0
        ))
    })
}

/// rustfmt, for the formatting check of `cargo xtask test`.
pub fn ensure_rustfmt() -> Result {
    let present = cargo()
        .args(["fmt", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if present {
        return Ok(());
    }
    run(Command::new("rustup").args(["component", "add", "rustfmt"]))
}

fn ensure_trunk() -> Result {
    if version_of("trunk").is_some_and(|v| v == format!("trunk {TRUNK_VERSION}")) {
        return Ok(());
    }
    eprintln!("xtask: installing trunk {TRUNK_VERSION} (about 8 minutes on 2 cores, once)");
    run(cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
}

/// The wasm-bindgen version in Cargo.lock: the CLI must be exactly it.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    Err(Failure(
        "Cargo.lock has no wasm-bindgen entry; run `cargo generate-lockfile`".into(),
    ))
}

fn ensure_wasm_bindgen() -> Result {
    let wanted = wasm_bindgen_version()?;
    if version_of("wasm-bindgen").is_some_and(|v| v == format!("wasm-bindgen {wanted}")) {
        return Ok(());
    }
    eprintln!("xtask: installing wasm-bindgen-cli {wanted} (about 6 minutes, once)");
    // `--locked` does not resolve for this crate on crates.io; the version pin is what matters.
    run(cargo().args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &wanted,
        "--force",
    ]))
}

/// Node.js with the npm packages of package.json: wasm-opt (binaryen),
/// esbuild (minifies the release's JavaScript and CSS), playwright-core,
/// puppeteer-core and axe-core.
pub fn ensure_node() -> Result {
    if version_of("node").is_none() || version_of("npm").is_none() {
        return Err(Failure(
            "Node.js and npm are needed (wasm-opt and the browser tests come from npm). \
             Install them, e.g. `apt-get install nodejs npm`, then run the command again."
                .into(),
        ));
    }
    let modules = root().join("node_modules");
    let stamp = modules.join(".package-lock.json");
    let lock = root().join("package-lock.json");
    let fresh = match (std::fs::metadata(&stamp), std::fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => s.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if fresh
        && ["wasm-opt", "esbuild"]
            .iter()
            .all(|b| modules.join(".bin").join(b).exists())
    {
        return Ok(());
    }
    run(Command::new("npm")
        .current_dir(root())
        .args(["ci", "--no-audit", "--no-fund"]))
}

/// The Chromium the browser tests drive.
pub fn chromium_path() -> PathBuf {
    std::env::var_os("PLAZA_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Installs Debian packages as root, or through sudo; `why` says what for
/// when neither is possible.
fn apt_install(packages: &[&str], why: &str) -> Result {
    let sudo = !is_root() && version_of("sudo").is_some();
    if !is_root() && !sudo {
        return Err(Failure(format!(
            "{why} Install Debian's {} (`sudo apt-get install {}`), then run the command again.",
            packages.join(" and "),
            packages.join(" ")
        )));
    }
    let apt = |args: &[&str]| {
        let mut c = Command::new(if sudo { "sudo" } else { "apt-get" });
        if sudo {
            c.arg("apt-get");
        }
        c.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        c
    };
    eprintln!("xtask: installing {} from Debian", packages.join(", "));
    run(&mut apt(&["update", "-q"]))?;
    run(apt(&["install", "-y", "-q"]).args(packages))
}

fn ensure_browser() -> Result {
    let chromedriver = PathBuf::from("/usr/bin/chromedriver");
    if chromium_path().exists() && chromedriver.exists() {
        return Ok(());
    }
    apt_install(
        &["chromium", "chromium-driver"],
        "Chromium is needed for the browser tests (or set PLAZA_CHROMIUM to a Chromium binary).",
    )
}

/// Firefox and WebKit, for the end-to-end tests in every engine
/// (tests/e2e/engines*.test.mjs): Debian's Firefox ESR, WebKitGTK's WebDriver
/// (which brings its MiniBrowser), and Xvfb for WebKit's window.
fn ensure_other_engines() -> Result {
    let path = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(default))
    };
    let wanted = [
        (path("PLAZA_FIREFOX", "/usr/bin/firefox-esr"), "firefox-esr"),
        (
            path("PLAZA_WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver"),
            "webkit2gtk-driver",
        ),
        (PathBuf::from("/usr/bin/xvfb-run"), "xvfb"),
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(file, _)| !file.exists())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    apt_install(
        &missing,
        "Firefox and WebKit are needed for the end-to-end tests in other browser engines.",
    )
}

/// A PostgreSQL database for the server's tests: `PLAZA_TEST_DATABASE_URL`
/// when set (`.ci/run` sets it), otherwise Debian's PostgreSQL 15 cluster,
/// started and given a `plaza` role and `plaza_test` database (as root).
pub fn ensure_postgres() -> Result<String> {
    if let Ok(url) = std::env::var("PLAZA_TEST_DATABASE_URL") {
        if !url.is_empty() {
            return Ok(url);
        }
    }
    if !std::path::Path::new("/usr/lib/postgresql/15/bin/postgres").exists() {
        apt_install(
            &["postgresql-15"],
            "The server's tests need PostgreSQL (or set PLAZA_TEST_DATABASE_URL=postgres://user:pass@host/db).",
        )?;
    }
    if !is_root() {
        return Err(Failure(
            "Starting Debian's PostgreSQL cluster needs root: run as root, or set \
             PLAZA_TEST_DATABASE_URL=postgres://user:pass@host/db to a database the tests may use."
                .into(),
        ));
    }
    let running = Command::new("pg_ctlcluster")
        .args(["15", "main", "status"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !running {
        run(Command::new("pg_ctlcluster").args(["15", "main", "start"]))?;
    }
    let psql = |sql: &str| -> Result<String> {
        let out = Command::new("su")
            .args(["postgres", "-c", &format!("psql -tAc \"{sql}\"")])
            .output()?;
        if !out.status.success() {
            return Err(Failure(format!(
                "psql failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    if psql("SELECT 1 FROM pg_roles WHERE rolname = 'plaza'")? != "1" {
        psql("CREATE ROLE plaza LOGIN PASSWORD 'plaza'")?;
    }
    if psql("SELECT 1 FROM pg_database WHERE datname = 'plaza_test'")? != "1" {
        psql("CREATE DATABASE plaza_test OWNER plaza")?;
    }
    Ok("postgres://plaza:plaza@127.0.0.1:5432/plaza_test".into())
}
