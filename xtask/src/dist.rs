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
    run(Command::new("trunk")
        .current_dir(&root)
        .env("PATH", std::env::join_paths(paths)?)
        .env("TRUNK_OFFLINE", "true")
        // The stylesheet must be the one next to plaza.js; never an old copy.
        .args(["build", "--release", "--offline"]))?;
    let dist = root.join("dist");
    report_size(&dist)?;
    Ok(dist)
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn report_size(dist: &Path) -> Result {
    println!("\nWhat a browser downloads for the widget (dist/):");
    println!("  {:<16} {:>10} {:>12}", "file", "bytes", "gzip -9");
    let (mut raw_total, mut gz_total) = (0, 0);
    for name in SHIPPED {
        let bytes = std::fs::read(dist.join(name))
            .map_err(|e| Failure(format!("dist/{name} is missing after the build: {e}")))?;
        let gz = gzip_len(&bytes)?;
        println!("  {:<16} {:>10} {:>12}", name, bytes.len(), gz);
        raw_total += bytes.len();
        gz_total += gz;
    }
    println!("  {:<16} {:>10} {:>12}", "total", raw_total, gz_total);
    println!("  = {:.1} KB gzip\n", gz_total as f64 / 1024.0);
    Ok(())
}
