//! The figures a test reports (how much it checked): printed to stderr and written to
//! `<target dir>/figures/<name>.txt`, which `scripts/test` prints at the end of the run.
//!
//! Include it with `#[path = "support/figures.rs"] mod figures;`.

#![allow(dead_code)]

use std::path::PathBuf;

/// `<target dir>/figures` (`target/figures` unless `CARGO_TARGET_DIR` says otherwise).
pub fn dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .map_or(tmp.clone(), |t| t.to_path_buf())
        .join("figures")
}

/// Prints `lines` and writes them to `figures/<name>.txt` (replacing an earlier run's). A
/// file that cannot be written is reported, not fatal: the figures are a summary.
pub fn record(name: &str, lines: &[String]) {
    let text: String = lines.iter().map(|l| format!("{name}: {l}\n")).collect();
    eprint!("{text}");
    let dir = dir();
    let path = dir.join(format!("{name}.txt"));
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        // Write then rename, so a reader never sees half a file.
        let partial = dir.join(format!(".{name}.txt.partial"));
        std::fs::write(&partial, &text)?;
        std::fs::rename(&partial, &path)
    });
    if let Err(e) = written {
        eprintln!("figures: cannot write {}: {e}", path.display());
    }
}
