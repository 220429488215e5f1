//! The repository must build and pass its tests on its own: a fork cloned
//! into an empty folder has nothing beside it. This check fails `cargo
//! xtask test` when a tracked file points at a path outside the repository.

use std::path::Path;
use std::process::Command;

use crate::{root, Failure, Result};

/// Paths that lead out of the repository to material that will not be
/// there in a fork. Spelled in two halves so that this file does not
/// match itself.
fn outside_paths() -> [String; 3] {
    let shared = ["../", "shared/"].concat();
    [
        shared,
        ["/shared/", "conformance"].concat(),
        ["/shared/", "design"].concat(),
    ]
}

/// Fails, naming every offending line, when a tracked text file refers to
/// a path outside the repository.
pub fn check() -> Result {
    let root = root();
    let listed = Command::new("git")
        .current_dir(&root)
        .args(["ls-files", "-z"])
        .output();
    let files: Vec<String> = match listed {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout)
            .split('\0')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect(),
        // Not a git checkout (a release archive): nothing to check against.
        _ => return Ok(()),
    };
    let patterns = outside_paths();
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with(".lock")) {
        for (line_no, line) in lines_of(&root.join(file)).iter().enumerate() {
            if patterns.iter().any(|p| line.contains(p.as_str())) {
                found.push(format!("  {file}:{}: {}", line_no + 1, line.trim()));
            }
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    Err(Failure(format!(
        "tracked files refer to paths outside the repository, which a fork cloned on its own \
         does not have. Copy what is needed into the repository (test data under testdata/, \
         documents in your own words) and point at it there:\n{}",
        found.join("\n")
    )))
}

/// The lines of a text file; nothing for binary or unreadable files.
fn lines_of(path: &Path) -> Vec<String> {
    match std::fs::read(path) {
        Ok(bytes) if !bytes.contains(&0) => String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}
