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
    pub code: u8,
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

    /// An error of the crate: configuration and input the crate refused before any
    /// request are usage errors; the rest (the service's answers, the network,
    /// timeouts, undecodable answers) are API errors. The crate's message already
    /// carries the HTTP status and the `X-Request-Id`; they are repeated on lines of
    /// their own for scripts.
    pub fn from_error(e: &Error) -> Self {
        let code = match e.kind() {
            ErrorKind::Config | ErrorKind::Validation => USAGE,
            _ => API,
        };
        let mut message = e.to_string();
        if let Some(status) = e.status() {
            message.push_str(&format!("\n  HTTP status: {status}"));
        }
        if let Some(id) = e.request_id() {
            message.push_str(&format!("\n  request id: {id}"));
        }
        if e.outcome_unknown() {
            message.push_str("\n  the outcome is unknown: the request may have been carried out");
        }
        Failure { code, message }
    }

    /// An error about connection `name`: says so by name when it does not exist.
    pub fn about(name: &str, e: &Error) -> Self {
        let mut f = Self::from_error(e);
        if e.is_not_found() {
            f.message = format!("connection `{name}` not found: {}", f.message);
        }
        f
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
        eprintln!("flink-connection: error: {}", self.message);
        ExitCode::from(self.code)
    }
}

impl From<std::io::Error> for Failure {
    /// A closed standard output (`flink-connection list | head`) ends the command
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
