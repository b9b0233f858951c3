//! How the tool fails: a message on standard error and an exit code (1 for an error of
//! the service or the network, 2 for bad usage or configuration).

use std::process::ExitCode;

use confluent_flink_sql::{Error, ErrorKind};

/// Exit code of an error from the service or the network.
pub const API: u8 = 1;
/// Exit code of bad usage or configuration (nothing was sent).
pub const USAGE: u8 = 2;

/// A failed command: what to print and how to exit.
#[derive(Debug)]
pub struct Failure {
    /// The exit code ([`API`] or [`USAGE`]; 0 ends quietly).
    pub code: u8,
    /// What is printed on standard error.
    pub message: String,
}

impl Failure {
    /// Bad usage or configuration.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }

    /// An error of the service or the network (nothing the user gave was wrong).
    pub fn api(message: impl Into<String>) -> Self {
        Failure {
            code: API,
            message: message.into(),
        }
    }

    /// An error of the crate: configuration and input the crate refused before any
    /// request are usage errors; the rest (the service's answers, the network,
    /// timeouts, undecodable answers, statements that failed) are API errors. The
    /// crate's message already carries the HTTP status and the `X-Request-Id`: each
    /// fact is said once. A failed statement adds its newest exception, unless the
    /// message already says it.
    pub fn from_error(e: &Error) -> Self {
        let code = match e.kind() {
            ErrorKind::Config | ErrorKind::Validation => USAGE,
            _ => API,
        };
        let mut message = e.to_string();
        if let Some(newest) = e
            .failed_statement()
            .and_then(|f| f.exceptions.first())
            .and_then(exception_text)
        {
            let (name, text) = newest;
            if !message.contains(&text) {
                message.push_str(&format!("\n  newest exception: {name}{text}"));
            }
        }
        if e.outcome_unknown() {
            message.push_str("\n  the outcome is unknown: the request may have been carried out");
        }
        Failure { code, message }
    }

    /// An error about connection `name`: says so by name when it does not exist (the
    /// service's own words for it, which say the same, are left out).
    pub fn about(name: &str, e: &Error) -> Self {
        Self::about_a("connection", name, e)
    }

    /// An error about statement `name`, as [`about`](Self::about) says it.
    pub fn about_statement(name: &str, e: &Error) -> Self {
        Self::about_a("statement", name, e)
    }

    /// An error about the `what` (`connection`, `statement`) named `name`.
    pub fn about_a(what: &str, name: &str, e: &Error) -> Self {
        if !e.is_not_found() {
            return Self::from_error(e);
        }
        let mut message = format!("{what} `{name}` not found");
        if let Some(status) = e.status() {
            message.push_str(&format!(" (HTTP {status})"));
        }
        if let Some(id) = e.request_id() {
            message.push_str(&format!(" [request id {id}]"));
        }
        Failure { code: API, message }
    }

    /// An error of an update of `name`: also says so when the connection changed
    /// between the read and the write (a 409, or the service's
    /// `resource_version_mismatch`), which the update does not overwrite.
    pub fn of_update(name: &str, e: &Error) -> Self {
        let mut f = Self::about(name, e);
        let stale = e
            .details()
            .iter()
            .any(|d| d.code() == Some("resource_version_mismatch"));
        if e.is_conflict() || stale {
            f.message = format!(
                "connection `{name}` was changed by someone else meanwhile; nothing was overwritten: {}",
                f.message
            );
        }
        f
    }

    /// Prints the message and gives the exit code.
    pub fn report(self) -> ExitCode {
        if self.code == 0 {
            return ExitCode::SUCCESS;
        }
        eprintln!("{}: error: {}", crate::PROGRAM, self.message);
        ExitCode::from(self.code)
    }
}

/// An exception's name (as `name: `, or nothing) and message, from its JSON form.
fn exception_text(e: &confluent_flink_sql::types::StatementException) -> Option<(String, String)> {
    let json = serde_json::to_value(e).ok()?;
    let message = json.get("message")?.as_str()?.to_owned();
    let name = match json.get("name").and_then(|n| n.as_str()) {
        Some(name) if !name.is_empty() => format!("{name}: "),
        _ => String::new(),
    };
    Some((name, message))
}

impl From<std::io::Error> for Failure {
    /// A closed standard output (`flink connection list | head`) ends the command
    /// quietly, as other command-line tools do.
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure {
                code: 0,
                message: String::new(),
            };
        }
        Failure {
            code: API,
            message: format!("cannot write the output: {e}"),
        }
    }
}
