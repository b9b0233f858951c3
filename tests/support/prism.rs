//! Runs the pinned Stoplight Prism (`tools/prism`, installed by `scripts/prism.sh install`) as
//! a child process of a test, and reads its `sl-violations` header.
//!
//! Include it from a test file with `#[path = "support/prism.rs"] mod prism;`.
//!
//! ```ignore
//! let Some(prism) = prism::Prism::start(prism::Mode::Static) else { return };  // skipped
//! let url = prism.url();        // http://127.0.0.1:<port chosen by the OS>
//! // ... send requests; read `sl-violations` with prism::parse_sl_violations ...
//! // Prism is killed when `prism` is dropped (also when the test panics).
//!
//! // The relaxed copy (see openapi/DEVIATIONS.md): Prism accepts what the service accepts.
//! let relaxed = prism::Prism::start_serving(prism::Mode::Static, prism::Served::Relaxed);
//! ```
//!
//! When Prism is not installed the test is skipped with a printed reason, unless the
//! environment variable `REQUIRE_PRISM` is set (to anything but `0` or nothing): then it
//! fails, so a CI run cannot skip it silently.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;

/// How long Prism may take to start (it is a Node program; the machine may be busy).
const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// How Prism answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Answers from the spec's examples (or schema defaults).
    Static,
    /// `-d --seed N`: random bodies that match the schemas, the same for the same seed.
    Dynamic {
        /// json-schema-faker's seed.
        seed: u64,
    },
}

/// Which copy of the spec Prism serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Served {
    /// The published spec (with the untyped overlays typed): what the tests hold the client to.
    Published,
    /// The same without the places `openapi/deviations.json` lists in `relaxed_copy_removes`
    /// (`prepare-spec.mjs --relaxed`): Prism then accepts the plain-JSON `auth_data.data` the
    /// service takes, and answers create and update with their success responses.
    Relaxed,
}

/// A running Prism; killed on drop.
pub struct Prism {
    child: Child,
    url: String,
    mode: Mode,
    served: Served,
    dir: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
}

/// The crate root (where `Cargo.toml` is).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Prism executable `scripts/prism.sh install` puts in place.
pub fn binary() -> PathBuf {
    root().join("tools/prism/node_modules/.bin/prism")
}

/// Whether Prism is installed.
pub fn installed() -> bool {
    binary().is_file()
}

/// Whether the environment demands Prism (`REQUIRE_PRISM` set, not empty, not `0`).
pub fn required() -> bool {
    std::env::var("REQUIRE_PRISM").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// `true` (after printing why) when a Prism test must be skipped: Prism is not installed and
/// `REQUIRE_PRISM` is not set. Panics when it is not installed but required.
pub fn skip_unless_installed() -> bool {
    if installed() {
        return false;
    }
    let why = format!(
        "Prism is not installed at {}; run scripts/prism.sh install",
        binary().display()
    );
    if required() {
        panic!("REQUIRE_PRISM is set, but {why}");
    }
    eprintln!("SKIPPED: {why} (set REQUIRE_PRISM=1 to make this a failure)");
    true
}

/// Writes the copy of `spec` that Prism serves (`tools/prism/prepare-spec.mjs`, the same
/// code `scripts/prism.sh` uses) to `out`. Returns what the script reported.
pub fn prepare_spec(spec: &Path, deviations: &Path, out: &Path) -> Result<String, String> {
    prepare_spec_served(Served::Published, spec, deviations, out)
}

/// [`prepare_spec_served`] of the crate's own spec and deviation list.
pub fn prepare_crate_spec(served: Served, out: &Path) -> Result<String, String> {
    prepare_crate_spec_for(Mode::Static, served, out)
}

/// The copy of the crate's spec Prism serves in `mode`: in [`Mode::Dynamic`] also without
/// the `maxProperties` limits its generator cannot honour (`prepare-spec.mjs --dynamic`,
/// `openapi/DEVIATIONS.md`).
pub fn prepare_crate_spec_for(mode: Mode, served: Served, out: &Path) -> Result<String, String> {
    prepare_with(
        mode,
        served,
        &root().join("openapi/sql-v1.yaml"),
        &root().join("openapi/deviations.json"),
        out,
    )
}

/// The text of the copy dynamic Prism generates its answers from (the published spec
/// narrowed by `prepare-spec.mjs --dynamic` to what its generator honours, without the
/// `required` names no schema declares): its random answers are answers of this copy, and
/// are checked against it.
#[allow(dead_code)]
pub fn dynamic_copy_text() -> String {
    let out = scratch_dir("dynamic-copy").join("dynamic.json");
    prepare_crate_spec_for(Mode::Dynamic { seed: 0 }, Served::Published, &out)
        .unwrap_or_else(|e| panic!("prepare-spec --dynamic: {e}"));
    std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{}: {e}", out.display()))
}

/// A directory `<name>-<process id>` under the test crate's temporary directory (created),
/// for the copies of the spec a test prepares.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// [`prepare_spec`] for either copy.
pub fn prepare_spec_served(
    served: Served,
    spec: &Path,
    deviations: &Path,
    out: &Path,
) -> Result<String, String> {
    prepare_with(Mode::Static, served, spec, deviations, out)
}

fn prepare_with(
    mode: Mode,
    served: Served,
    spec: &Path,
    deviations: &Path,
    out: &Path,
) -> Result<String, String> {
    let mut command = Command::new("node");
    command.arg(root().join("tools/prism/prepare-spec.mjs"));
    if served == Served::Relaxed {
        command.arg("--relaxed");
    }
    if matches!(mode, Mode::Dynamic { .. }) {
        command.arg("--dynamic");
    }
    let output = command
        .args([spec, deviations, out])
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let report = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        Ok(report)
    } else {
        Err(report)
    }
}

impl Prism {
    /// Starts Prism on 127.0.0.1 with a port the OS chooses, serving the prepared copy of
    /// `openapi/sql-v1.yaml`, and waits until it listens.
    ///
    /// Returns `None` (after printing why) when Prism is not installed and `REQUIRE_PRISM`
    /// is not set. Panics with Prism's output when it is required but missing, or when it
    /// does not start.
    pub fn start(mode: Mode) -> Option<Prism> {
        Prism::start_serving(mode, Served::Published)
    }

    /// [`Prism::start`], serving the given copy of the spec.
    pub fn start_serving(mode: Mode, served: Served) -> Option<Prism> {
        if skip_unless_installed() {
            return None;
        }
        Some(Prism::start_installed(mode, served).unwrap_or_else(|e| panic!("{e}")))
    }

    fn start_installed(mode: Mode, served: Served) -> Result<Prism, String> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "prism-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let spec_copy = dir.join("spec.json");
        prepare_crate_spec_for(mode, served, &spec_copy)
            .map_err(|report| format!("preparing the spec for Prism failed:\n{report}"))?;

        let mut command = Command::new(binary());
        command.args(["mock", "--host", "127.0.0.1", "--port", "0"]);
        if let Mode::Dynamic { seed } = mode {
            command.args(["--dynamic", "--seed", &seed.to_string()]);
        }
        let mut child = command
            .arg(&spec_copy)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary().display()))?;

        let log = Arc::new(Mutex::new(Vec::new()));
        let (ready, url) = mpsc::channel();
        // Both pipes are drained for Prism's whole life: a full pipe would block it.
        drain(
            child.stdout.take().expect("piped"),
            Arc::clone(&log),
            Some(ready),
        );
        drain(child.stderr.take().expect("piped"), Arc::clone(&log), None);
        let mut prism = Prism {
            child,
            url: String::new(),
            mode,
            served,
            dir,
            log,
        };
        match url.recv_timeout(READY_TIMEOUT) {
            Ok(url) => {
                prism.url = url;
                Ok(prism)
            }
            Err(_) => Err(format!(
                "Prism ({mode:?}) did not report that it listens within {READY_TIMEOUT:?}; its output:\n{}",
                prism.log()
            )),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The mode it runs in.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The copy of the spec it serves.
    pub fn served(&self) -> Served {
        self.served
    }

    /// The process id of the Prism child (killed and reaped on drop).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The copy of the spec it serves.
    pub fn served_spec(&self) -> PathBuf {
        self.dir.join("spec.json")
    }

    /// Everything Prism printed so far (its request log), for failure messages.
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.join("\n")).unwrap_or_default()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Reads `pipe` line by line into `log`; sends the URL once Prism says it listens.
fn drain(
    pipe: impl Read + Send + 'static,
    log: Arc<Mutex<Vec<String>>>,
    ready: Option<mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        let mut ready = ready;
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            let line = strip_ansi(&line);
            if let Some(url) = line.split("Prism is listening on ").nth(1) {
                if let Some(sender) = ready.take() {
                    let _ = sender.send(url.trim().to_owned());
                }
            }
            if let Ok(mut log) = log.lock() {
                log.push(line);
            }
        }
    });
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ ... letter
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// One entry of Prism's `sl-violations` response header.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SlViolation {
    /// Where: `["request", "body", "spec"]`, `["response", "header", "location"]`, ...
    pub location: Vec<String>,
    /// `Error` or `Warning`.
    pub severity: String,
    /// The failed keyword (`required`, `format`, ...) or an HTTP status (`401`), as text.
    #[serde(deserialize_with = "string_or_number")]
    pub code: String,
    /// Prism's message.
    pub message: String,
}

impl SlViolation {
    /// `request` or `response`.
    pub fn side(&self) -> &str {
        self.location.first().map_or("", String::as_str)
    }

    /// The JSON pointer into the body for a `["<side>", "body", ...]` location.
    pub fn body_pointer(&self) -> Option<String> {
        match self.location.get(1).map(String::as_str) {
            Some("body") => Some(
                self.location[2..]
                    .iter()
                    .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
                    .collect(),
            ),
            _ => None,
        }
    }
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "code must be a string or number, got {other}"
        ))),
    }
}

/// Parses the `sl-violations` header (a JSON array).
pub fn parse_sl_violations(header: &str) -> Result<Vec<SlViolation>, String> {
    serde_json::from_str(header)
        .map_err(|e| format!("sl-violations is not the expected JSON array: {e}: {header}"))
}
