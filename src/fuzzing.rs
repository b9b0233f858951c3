//! Entry points for the cargo-fuzz targets in `fuzz/`: the hand-written parsers and the
//! redaction, reachable from outside the crate only when built with `--cfg fuzzing`
//! (which `cargo fuzz` sets). Not part of the API.

use std::time::{Duration, SystemTime};

use crate::Error;

/// The page token of a `metadata.next` link.
pub fn next_token(next: Option<&str>, base_url: &str) -> Result<Option<String>, Error> {
    crate::list::next_token(next, base_url)
}

/// A `Retry-After` value, read at `now_secs` seconds after the epoch.
pub fn retry_after(value: &str, now_secs: u64) -> Option<Duration> {
    crate::retry::parse_retry_after(
        value,
        SystemTime::UNIX_EPOCH + Duration::from_secs(now_secs),
    )
}

/// The wait the service asks for in these headers (invalid ones are left out).
pub fn service_wait(headers: &[(&str, &str)]) -> Option<Duration> {
    let mut map = reqwest::header::HeaderMap::new();
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (
            reqwest::header::HeaderName::from_bytes(k.as_bytes()),
            reqwest::header::HeaderValue::from_str(v),
        ) {
            map.append(k, v);
        }
    }
    crate::retry::service_wait(&map, SystemTime::now())
}

/// The secret-free snippet an error keeps of `body`.
pub fn snippet(body: &[u8]) -> String {
    crate::error::redacted_snippet(body)
}

/// `text` with `secret` (and its escaped forms) removed, as errors show it.
pub fn scrub(secret: &str, text: &str) -> String {
    let mut secrets = crate::redact::Secrets::default();
    secrets.add(secret);
    secrets.scrub(text).unwrap_or_else(|| text.to_string())
}

/// How an error describes a body that is not a connection (or `None` if it is one).
pub fn decode_connection(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<crate::generated::types::Connection>(body)
        .err()
        .map(|e| crate::outcome::DecodeFailure::from(&e).to_string())
}

/// Checks a connection name as create does.
pub fn validate_name(name: &str) -> Result<(), Error> {
    crate::connections::validate_name_for_tests(name)
}
