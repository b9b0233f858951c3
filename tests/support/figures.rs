//! The figures a test run reports, in `target/figures/<group>.txt`; `scripts/test` prints
//! them at the end of the run.
//!
//! - [`record`] / [`add`]: `test.key: value` lines, rewritten whole on every record so
//!   that the file holds exactly what this run measured; `scripts/reliability-report`
//!   renders them into RELIABILITY.md.
//! - [`report`]: free-form summary lines of the conformance checks, also printed.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// Every figure recorded by this process, by group, then by `test.key`.
fn all() -> &'static Mutex<BTreeMap<String, BTreeMap<String, String>>> {
    static ALL: OnceLock<Mutex<BTreeMap<String, BTreeMap<String, String>>>> = OnceLock::new();
    ALL.get_or_init(Default::default)
}

/// `$CARGO_TARGET_DIR/figures`, else `target/figures` in the crate.
pub fn dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("figures")
}

/// Records `key: value` figures of `test` in `group` and rewrites the group's file.
pub fn record(group: &str, test: &str, figures: &[(&str, String)]) {
    let mut all = all().lock().unwrap_or_else(|p| p.into_inner());
    let entries = all.entry(group.to_string()).or_default();
    for (key, value) in figures {
        let one_line: String = value.replace(['\n', '\r'], " ");
        entries.insert(format!("{test}.{key}"), one_line);
    }
    write(group, entries);
}

/// Adds `n` to the counter `test.key` of `group` (for inputs tried by property tests).
pub fn add(group: &str, test: &str, key: &str, n: u64) {
    let mut all = all().lock().unwrap_or_else(|p| p.into_inner());
    let entries = all.entry(group.to_string()).or_default();
    let slot = entries
        .entry(format!("{test}.{key}"))
        .or_insert_with(|| "0".into());
    let now = slot.parse::<u64>().unwrap_or(0) + n;
    *slot = now.to_string();
    write(group, entries);
}

fn write(group: &str, entries: &BTreeMap<String, String>) {
    let dir = dir();
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let mut text = String::new();
    for (k, v) in entries {
        text.push_str(k);
        text.push_str(": ");
        text.push_str(v);
        text.push('\n');
    }
    // Write then rename, so that a reader never sees half a file.
    let tmp = dir.join(format!(".{group}.txt.{}", std::process::id()));
    if std::fs::write(&tmp, text).is_ok() {
        let _ = std::fs::rename(&tmp, dir.join(format!("{group}.txt")));
    }
}

/// Prints `lines` and writes them to `figures/<name>.txt` (replacing an earlier run's). A
/// file that cannot be written is reported, not fatal: the figures are a summary.
pub fn report(name: &str, lines: &[String]) {
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
