//! The release build (`dist/`) and what it costs a resident to download.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::{root, run, tools, Failure, Result};

/// What a browser downloads to show the widget (the demo data and the demo
/// page are not part of it).
pub const SHIPPED: [&str; 3] = ["plaza.js", "plaza_bg.wasm", "plaza.css"];

/// Builds `dist/` with trunk and prints the download size.
pub fn dist() -> Result<PathBuf> {
    tools::ensure_build_tools()?;
    let root = root();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths: Vec<PathBuf> = vec![root.join("node_modules/.bin")];
    paths.extend(std::env::split_paths(&path));
    let mut trunk = Command::new("trunk");
    trunk
        .current_dir(&root)
        .env("PATH", std::env::join_paths(paths)?)
        .env("TRUNK_OFFLINE", "true")
        // The stylesheet must be the one next to plaza.js; never an old copy.
        .args(["build", "--release", "--offline"]);
    if can_rebuild_std() {
        small_std(&mut trunk);
    }
    run(&mut trunk)?;
    let dist = root.join("dist");
    minify(&dist)?;
    precompress(&dist)?;
    report_size(&dist)?;
    Ok(dist)
}

/// The standard library's crates the wasm builds rebuild.
const BUILD_STD: &str = "std,panic_abort";

/// Whether the wasm builds can rebuild the standard library (`small_std`):
/// the compiler takes the flags, the library's source is there, and so are
/// the crates.io crates it depends on (fetched here: trunk builds offline).
/// Otherwise the build uses the prebuilt library, and says why.
fn can_rebuild_std() -> bool {
    let why = if std::env::var_os("PLAZA_PREBUILT_STD").is_some_and(|v| !v.is_empty()) {
        "PLAZA_PREBUILT_STD is set"
    } else {
        match tools::std_source() {
            None => "this rustc does not take -Cpanic=immediate-abort",
            Some(source) if !source.exists() => {
                "the standard library's source (rustup component rust-src) is missing"
            }
            Some(_) => {
                // For the wasm and for the build scripts and macros, which
                // run on this machine.
                let mut fetch = crate::cargo();
                fetch
                    .env("RUSTC_BOOTSTRAP", "1")
                    .arg("fetch")
                    .arg(format!("-Zbuild-std={BUILD_STD}"))
                    .args(["--target", tools::WASM_TARGET]);
                if let Some(host) = tools::host_triple() {
                    fetch.args(["--target", &host]);
                }
                match run(&mut fetch) {
                    Ok(()) => return true,
                    Err(_) => "the standard library's dependencies could not be fetched",
                }
            }
        }
    };
    eprintln!(
        "xtask: {why}; the widget is built with the prebuilt standard library (about 23 KB \
         larger, brotli)"
    );
    false
}

/// Has the wasm builds rebuild the standard library with their profile
/// (`opt-level = "z"`, one LTO unit with the widget), with panics that abort
/// at once, and with its smaller algorithms (`optimize_for_size`: e.g. one
/// sort instead of one tuned per element type). The prebuilt library formats
/// a panic's message before aborting, code that a wasm32-unknown-unknown
/// module prints nowhere (the widget never panics on data, and a panic ends
/// the module either way). About 23 KB less brotli for every resident
/// (273 → 250 KiB); the re-count in the browser is as fast. These are unstable
/// features of the stable compiler (`RUSTC_BOOTSTRAP`), for this build only (the
/// Debian route of DEVELOPERS.md builds the same way).
fn small_std(trunk: &mut Command) {
    let ours = tools::IMMEDIATE_ABORT.join(" ");
    let var = "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS";
    let flags = match std::env::var(var) {
        Ok(own) if !own.trim().is_empty() => format!("{own} {ours}"),
        _ => ours,
    };
    trunk
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_UNSTABLE_BUILD_STD", BUILD_STD)
        .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
        .env(var, flags);
}

/// Rewrites the JavaScript and CSS trunk wrote (the wasm-bindgen glue with
/// `start.js`, the stylesheets) minified, by esbuild from npm: trunk's own
/// minifier leaves them as they are, and every resident downloads them
/// (about a third less gzip for plaza.js, a quarter for plaza.css). No
/// syntax newer than ES2020 is written, so the shortening never asks for a
/// newer browser than the source does.
fn minify(dist: &Path) -> Result {
    let esbuild = root().join("node_modules/.bin/esbuild");
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str());
        if path.is_dir() || !matches!(ext, Some("js" | "css")) {
            continue;
        }
        run(Command::new(&esbuild)
            .arg(&path)
            .arg(format!("--outfile={}", path.display()))
            .args([
                "--minify",
                "--allow-overwrite",
                "--charset=utf8",
                "--target=es2020",
                "--log-level=warning",
            ]))?;
    }
    Ok(())
}

/// What is worth compressing: every text file and the wasm.
const COMPRESSIBLE: [&str; 6] = ["js", "wasm", "css", "json", "svg", "html"];

/// Writes `NAME.gz` (gzip -9) and `NAME.br` (brotli, best) next to every
/// compressible file of `dir`, so that a web server sends them as they are
/// (`gzip_static`/`brotli_static`, or the reference server) instead of
/// compressing on every request, or not at all.
fn precompress(dir: &Path) -> Result {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSIBLE.contains(&e));
        if !compressible {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let with = |ext: &str| {
            let mut name = path.clone().into_os_string();
            name.push(ext);
            PathBuf::from(name)
        };
        std::fs::write(with(".gz"), gzip(&bytes)?)?;
        std::fs::write(with(".br"), brotli(&bytes)?)?;
    }
    Ok(())
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

fn report_size(dist: &Path) -> Result {
    println!("\nWhat a browser downloads for the widget (dist/):");
    println!(
        "  {:<16} {:>10} {:>12} {:>12}",
        "file", "bytes", "gzip -9", "brotli"
    );
    let (mut raw_total, mut gz_total, mut br_total) = (0, 0, 0);
    for name in SHIPPED {
        let bytes = std::fs::read(dist.join(name))
            .map_err(|e| Failure(format!("dist/{name} is missing after the build: {e}")))?;
        let gz = gzip(&bytes)?.len();
        let br = std::fs::metadata(dist.join(format!("{name}.br")))?.len() as usize;
        println!("  {:<16} {:>10} {:>12} {:>12}", name, bytes.len(), gz, br);
        raw_total += bytes.len();
        gz_total += gz;
        br_total += br;
    }
    println!(
        "  {:<16} {:>10} {:>12} {:>12}",
        "total", raw_total, gz_total, br_total
    );
    println!(
        "  = {:.1} KB gzip, {:.1} KB brotli (what a browser receives from a server that sends dist/'s .br files)\n",
        gz_total as f64 / 1024.0,
        br_total as f64 / 1024.0
    );
    Ok(())
}
