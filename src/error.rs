//! The crate's one error type.
//!
//! Every fallible call returns [`Error`]. Its [`kind`](Error::kind) says what went
//! wrong (bad configuration, invalid input caught before any request, the network, a
//! timeout, an error answer from the service, or an answer the crate could not read);
//! the accessors give what is known: the HTTP status, the `X-Request-Id` to quote to
//! Confluent support, the service's decoded error objects, and whether trying again
//! can help.
//!
//! No error ever carries a secret: bodies are cut down to a short snippet with every
//! `auth_data` removed, requests are never included, and the client's and the call's
//! secrets are removed from every text an error holds, whichever member of an error
//! object it is in (declared by the spec or not).
//!
//! ```
//! # async fn demo(conns: confluent_flink_sql::connections::Connections) {
//! use confluent_flink_sql::ErrorKind;
//!
//! match conns.get("my-openai").await {
//!     Ok(c) => println!("{} is {:?}", c.name(), c.phase()),
//!     Err(e) if e.status() == Some(404) => println!("no such connection"),
//!     Err(e) if e.kind() == ErrorKind::Api => {
//!         eprintln!("{e} (request id {:?})", e.request_id());
//!         for detail in e.details() {
//!             eprintln!("  {:?}: {:?}", detail.code(), detail.detail());
//!         }
//!     }
//!     Err(e) => eprintln!("{e}"),
//! }
//! # }
//! ```

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::redact::Secrets;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client could not be configured (builder, environment variables).
    Config,
    /// The input was rejected before any request was sent.
    Validation,
    /// The request could not be sent or the answer not received.
    Transport,
    /// A per-request or overall timeout elapsed.
    Timeout,
    /// The service answered with an error status.
    Api,
    /// The service answered something the crate could not read.
    Decode,
    /// A statement failed (`FAILED`, `FAILING`): [`Error::failed_statement`] holds it
    /// with its exceptions.
    Statement,
}

/// One error object of the service's `Failure` body: the spec's `Error` schema,
/// generated (its fields are public, with the spec's descriptions); the accessors
/// below read it.
///
/// ```
/// use confluent_flink_sql::ErrorDetail;
/// let d: ErrorDetail = serde_json::from_str(
///     r#"{"status":"422","code":"invalid_configuration","detail":"bad","source":{"pointer":"/spec"}}"#,
/// ).unwrap();
/// assert_eq!(d.source_pointer(), Some("/spec"));
/// ```
pub use crate::generated::types::ErrorDetail;

impl ErrorDetail {
    /// The unique identifier of this occurrence of the problem.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    /// The HTTP status the service gives for this problem, as text.
    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }
    /// The application-specific error code (`resource_already_exists`, ...).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// A short summary of the problem.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
    /// The explanation of this occurrence.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
    /// A JSON pointer to the part of the request body that caused it (`/spec/endpoint`).
    pub fn source_pointer(&self) -> Option<&str> {
        self.source.as_ref().and_then(|s| s.pointer.as_deref())
    }
    /// The query parameter that caused it (`page_size`).
    pub fn source_parameter(&self) -> Option<&str> {
        self.source.as_ref().and_then(|s| s.parameter.as_deref())
    }
}

/// The error of every fallible call of this crate.
///
/// Cheap to move (one box); `Send + Sync + 'static`, so it works with `anyhow` and `?`.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    request_id: Option<String>,
    details: Vec<ErrorDetail>,
    retry_after: Option<Duration>,
    outcome_unknown: bool,
    snippet: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                status: None,
                request_id: None,
                details: Vec::new(),
                retry_after: None,
                outcome_unknown: false,
                snippet: None,
                source: None,
            }),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Validation, message)
    }

    pub(crate) fn decode(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Decode, message)
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn with_request_id(mut self, id: Option<String>) -> Self {
        self.inner.request_id = id;
        self
    }

    pub(crate) fn with_details(mut self, details: Vec<ErrorDetail>) -> Self {
        self.inner.details = details;
        self
    }

    pub(crate) fn with_retry_after(mut self, wait: Option<Duration>) -> Self {
        self.inner.retry_after = wait;
        self
    }

    pub(crate) fn with_outcome_unknown(mut self) -> Self {
        self.inner.outcome_unknown = true;
        self
    }

    pub(crate) fn with_snippet(mut self, snippet: String) -> Self {
        self.inner.snippet = Some(snippet);
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Replaces every form of `secrets` in every text this error holds: its message,
    /// request id and snippet, each string and member name of its error objects
    /// (declared by the spec or not, at any depth), and the text of its source.
    pub(crate) fn scrub(mut self, secrets: &Secrets) -> Self {
        let fix = |s: &mut String| {
            if let Some(clean) = secrets.scrub(s) {
                *s = clean;
            }
        };
        let i = &mut *self.inner;
        fix(&mut i.message);
        i.request_id.iter_mut().for_each(fix);
        if let Some(s) = &mut i.snippet {
            fix(s);
            // A snippet cut in the middle of a secret loses that part too.
            if let Some(cut) = s
                .strip_suffix(ELLIPSIS)
                .and_then(|s| secrets.cut_partial(s))
            {
                *s = format!("{cut}{ELLIPSIS}");
            }
        }
        // An error object that cannot be read back once scrubbed is kept as its
        // scrubbed JSON in the message: nothing is lost, no secret is shown.
        let mut as_text = Vec::new();
        i.details.retain_mut(|d| match scrub_detail(d, secrets) {
            Ok(()) => true,
            Err(v) => {
                as_text.push(v);
                false
            }
        });
        if !as_text.is_empty() {
            i.message.push_str(&format!(
                "; error objects, a secret removed: {}",
                Value::Array(as_text)
            ));
        }
        if let Some(source) = i.source.take() {
            i.source = Some(scrub_source(source, secrets));
        }
        self
    }

    pub(crate) fn prefix(mut self, context: &str) -> Self {
        self.inner.message = if self.inner.message.is_empty() {
            context.to_string()
        } else {
            format!("{context}: {}", self.inner.message)
        };
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status of the service's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The `X-Request-Id` of the service's answer: quote it to Confluent support.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The error objects of the service's `Failure` body (empty when it sent none,
    /// as for a 429).
    pub fn details(&self) -> &[ErrorDetail] {
        &self.inner.details
    }

    /// How long the service asked to wait (`Retry-After`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// A short, secret-free start of a body the crate could not read.
    pub fn body_snippet(&self) -> Option<&str> {
        self.inner.snippet.as_deref()
    }

    /// True when a write may or may not have been applied by the service: the
    /// connection broke or timed out after the request was sent, or a retry after
    /// such an attempt was refused in a way that attempt explains (409 for a create,
    /// a stale `resource_version` for an update). Read the resource before trying
    /// again.
    pub fn outcome_unknown(&self) -> bool {
        self.inner.outcome_unknown
    }

    /// True when the same call may succeed later: throttling (429), a gateway or
    /// availability error (502, 503, 504), a timeout, or a network failure.
    ///
    /// The client already retries these according to its retry policy; this tells
    /// what is left after those retries.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Transport | ErrorKind::Timeout => true,
            ErrorKind::Api => self
                .inner
                .status
                .is_some_and(crate::retry::is_retryable_status),
            _ => false,
        }
    }

    /// True for a 404 from the service.
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::Api && self.inner.status == Some(404)
    }

    /// True for a 409 from the service (the name already exists).
    pub fn is_conflict(&self) -> bool {
        self.inner.kind == ErrorKind::Api && self.inner.status == Some(409)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.write_str(&i.message)?;
        if let Some(s) = i.status {
            write!(f, " (HTTP {s})")?;
        }
        for d in &i.details {
            match (d.title(), d.detail()) {
                (Some(t), Some(dd)) => write!(f, "; {t}: {dd}")?,
                (Some(t), None) => write!(f, "; {t}")?,
                (None, Some(dd)) => write!(f, "; {dd}")?,
                (None, None) => {}
            }
            if let Some(p) = d.source_pointer() {
                write!(f, " [at {p}]")?;
            }
            if let Some(p) = d.source_parameter() {
                write!(f, " [parameter {p}]")?;
            }
        }
        if let Some(id) = &i.request_id {
            write!(f, " [request id {id}]")?;
        }
        if let Some(s) = &i.snippet {
            write!(f, "; body starts with: {s}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind).field("message", &i.message);
        if let Some(s) = i.status {
            d.field("status", &s);
        }
        if let Some(id) = &i.request_id {
            d.field("request_id", id);
        }
        if !i.details.is_empty() {
            d.field("details", &i.details);
        }
        if let Some(w) = i.retry_after {
            d.field("retry_after", &w);
        }
        if i.outcome_unknown {
            d.field("outcome_unknown", &true);
        }
        if let Some(s) = &i.snippet {
            d.field("body_snippet", s);
        }
        if let Some(s) = &i.source {
            d.field("source", &s.to_string());
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Removes `secrets` from `d` without knowing its properties: it is walked as JSON,
/// and read back only when something changed. `Err` holds the scrubbed JSON when it
/// cannot be read back as its type (a value whose scrubbed text the type refuses, such
/// as a number that held a secret), or `null` when it could not be written as JSON.
fn scrub_detail<T: Serialize + DeserializeOwned>(
    d: &mut T,
    secrets: &Secrets,
) -> Result<(), Value> {
    let mut v = serde_json::to_value(&*d).map_err(|_| Value::Null)?;
    if scrub_value(&mut v, secrets) {
        *d = serde_json::from_value(v.clone()).map_err(|_| v)?;
    }
    Ok(())
}

/// Removes `secrets` from every string, number and member name in `v`; true if any
/// was found.
fn scrub_value(v: &mut Value, secrets: &Secrets) -> bool {
    match v {
        Value::String(s) => secrets.scrub(s).map(|clean| *s = clean).is_some(),
        // A secret of digits echoed as a number becomes text.
        Value::Number(n) => {
            let text = n.to_string();
            secrets
                .scrub(&text)
                .map(|clean| *v = Value::String(clean))
                .is_some()
        }
        Value::Array(a) => a
            .iter_mut()
            .fold(false, |found, v| scrub_value(v, secrets) | found),
        Value::Object(m) => scrub_object(m, secrets),
        Value::Bool(_) | Value::Null => false,
    }
}

/// [`scrub_value`] for an object. A member whose name held a secret is renamed; if
/// that name is taken, `name#2`, `name#3`... and, should every one of those hold a
/// secret, the two values share the name as an array.
fn scrub_object(m: &mut Map<String, Value>, secrets: &Secrets) -> bool {
    let found = m
        .values_mut()
        .fold(false, |found, v| scrub_value(v, secrets) | found);
    if !m.keys().any(|k| secrets.scrub(k).is_some()) {
        return found;
    }
    let (renamed, plain): (Map<_, _>, Map<_, _>) = std::mem::take(m)
        .into_iter()
        .partition(|(k, _)| secrets.scrub(k).is_some());
    *m = plain;
    for (k, v) in renamed {
        let clean = secrets.scrub(&k).unwrap_or_default();
        let free = std::iter::once(clean.clone())
            .chain((2..m.len() + 3).map(|n| format!("{clean}#{n}")))
            .find(|k| !m.contains_key(k) && secrets.scrub(k).is_none());
        match free {
            Some(k) => m.insert(k, v),
            None => {
                let taken = m.remove(&clean).unwrap_or_default();
                m.insert(clean, Value::Array(vec![taken, v]))
            }
        };
    }
    true
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `source` as it is if neither its text, its `Debug` nor any of its sources' text
/// holds a secret; otherwise the text of the chain (`outer: inner`), scrubbed.
fn scrub_source(source: Source, secrets: &Secrets) -> Source {
    let top: &(dyn std::error::Error + 'static) = &*source;
    let text = std::iter::successors(Some(top), |e| e.source())
        .take(64)
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(": ");
    match secrets.scrub(&text) {
        Some(clean) => clean.into(),
        None if secrets.scrub(&format!("{source:?}")).is_some() => text.into(),
        None => source,
    }
}

/// What ends a snippet that was cut short.
const ELLIPSIS: &str = "…";

/// The longest body snippet an error keeps.
const SNIPPET_CHARS: usize = 160;

/// A short start of `body` with every `auth_data` value removed, for error messages.
///
/// A JSON body is re-serialised without any `auth_data` member; any other body is cut
/// before the first `auth_data`, then to [`SNIPPET_CHARS`] characters with control
/// characters, quotes and backslashes escaped.
pub(crate) fn redacted_snippet(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut v) => {
            strip_auth_data(&mut v);
            v.to_string()
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            match text.find("auth_data") {
                Some(i) => format!("{}[redacted]", &text[..i]),
                None => text.into_owned(),
            }
        }
    };
    // At most SNIPPET_CHARS characters once escaped (an escape such as `\u{1b}` counts
    // for its length), so that no body makes a long message.
    let mut out = String::new();
    let mut shown = 0;
    for c in text.chars() {
        let escaped: String = c.escape_debug().collect();
        let n = escaped.chars().count();
        if shown + n > SNIPPET_CHARS {
            out.push_str(ELLIPSIS);
            break;
        }
        out.push_str(&escaped);
        shown += n;
    }
    out
}

fn strip_auth_data(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            if m.contains_key("auth_data") {
                m.insert(
                    "auth_data".into(),
                    serde_json::Value::String("[redacted]".into()),
                );
            }
            m.values_mut().for_each(strip_auth_data);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_auth_data),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_never_contain_auth_data() {
        let body = br#"{"name":"x","spec":{"auth_data":{"kind":"PlaintextProvider","data":"{\"API_KEY\":\"sk-canary\"}"}}}"#;
        let s = redacted_snippet(body);
        assert!(!s.contains("sk-canary"), "{s}");
        assert!(s.contains("[redacted]"), "{s}");
        let cut =
            br#"{"name":"x","spec":{"auth_data":{"kind":"PlaintextProvider","data":"sk-canary"#;
        let s = redacted_snippet(cut);
        assert!(!s.contains("sk-canary"), "{s}");
    }

    #[test]
    fn snippets_are_short_and_escaped() {
        let body = "x\n".repeat(1000);
        let s = redacted_snippet(body.as_bytes());
        assert!(s.chars().count() <= SNIPPET_CHARS + 1, "{}", s.len());
        assert!(!s.contains('\n'));
        // Found by fuzzing: escapes used to make a snippet of 160 characters ten times
        // longer.
        let bad = [0x92u8; 400];
        let s = redacted_snippet(&bad);
        assert!(
            s.chars().count() <= SNIPPET_CHARS + 1,
            "{}",
            s.chars().count()
        );
        let s = redacted_snippet("\u{1b}".repeat(400).as_bytes());
        assert!(
            s.chars().count() <= SNIPPET_CHARS + 1,
            "{}",
            s.chars().count()
        );
        assert!(s.starts_with("\\u{1b}"), "{s}");
    }

    #[test]
    fn a_snippet_cut_in_a_secret_loses_its_start() {
        let s = secrets(&["sk-cut-canary-123456"]);
        let body = format!(
            "{}sk-cut-canary-123456 and more",
            "x".repeat(SNIPPET_CHARS - 8)
        );
        let e = Error::new(ErrorKind::Api, "failed")
            .with_snippet(redacted_snippet(body.as_bytes()))
            .scrub(&s);
        assert_eq!(
            e.body_snippet(),
            Some(format!("{}…", "x".repeat(SNIPPET_CHARS - 8)).as_str())
        );
        // A snippet not cut short is only scrubbed.
        let e = Error::new(ErrorKind::Api, "failed")
            .with_snippet(redacted_snippet(b"ends with sk-c"))
            .scrub(&s);
        assert_eq!(e.body_snippet(), Some("ends with sk-c"));
    }

    #[test]
    fn display_names_status_details_and_request_id() {
        let e = Error::new(ErrorKind::Api, "get connection failed")
            .with_status(404)
            .with_request_id(Some("req-1".into()))
            .with_details(vec![serde_json::from_str::<ErrorDetail>(
                r#"{"title":"Not Found"}"#,
            )
            .unwrap()]);
        assert_eq!(
            e.to_string(),
            "get connection failed (HTTP 404); Not Found [request id req-1]"
        );
        assert!(e.is_not_found());
        assert!(!e.is_retryable());
    }

    fn secrets(values: &[&str]) -> Secrets {
        let mut s = Secrets::default();
        values.iter().for_each(|v| s.add(v));
        s
    }

    #[test]
    fn every_string_of_an_error_object_is_scrubbed_and_the_rest_kept() {
        let body = serde_json::json!({
            "title": "bad sk-one-1234",
            "source": {"pointer": "/spec", "extra": ["x", {"deep": "sk-two-5678"}]},
            "meta": {"echo": "sk-one-1234", "sk-two-5678": 1, "[redacted]": "kept",
                     "n": 98765432, "ok": [true, null, 1.5]},
            "sk-one-1234": "under a secret name",
        });
        let d: ErrorDetail = serde_json::from_value(body).unwrap();
        let e = Error::new(ErrorKind::Api, "failed")
            .with_details(vec![d])
            .scrub(&secrets(&["sk-one-1234", "sk-two-5678", "98765432"]));
        let json = serde_json::to_value(e.details()).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{
                "title": "bad [redacted]",
                "source": {"pointer": "/spec", "extra": ["x", {"deep": "[redacted]"}]},
                "meta": {"echo": "[redacted]", "[redacted]#2": 1, "[redacted]": "kept",
                         "n": "[redacted]", "ok": [true, null, 1.5]},
                "[redacted]": "under a secret name",
            }])
        );
        assert_eq!(e.details()[0].title(), Some("bad [redacted]"));
        assert_eq!(e.details()[0].source_pointer(), Some("/spec"));
        let shown = format!("{e} {e:?}");
        assert!(
            !shown.contains("sk-") && !shown.contains("98765432"),
            "{shown}"
        );
    }

    #[test]
    fn an_object_without_a_secret_is_left_as_it_is() {
        let d: ErrorDetail =
            serde_json::from_str(r#"{"detail":"d","meta":{"a":[1,"b"]},"source":{"x":2}}"#)
                .unwrap();
        let e = Error::new(ErrorKind::Api, "failed")
            .with_details(vec![d.clone()])
            .scrub(&secrets(&["sk-absent"]));
        assert_eq!(e.details(), [d]);
    }

    #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
    struct Typed {
        count: u64,
        name: String,
    }

    #[test]
    fn what_cannot_be_read_back_is_given_as_scrubbed_json() {
        // A number that held a secret is text now: its declared type refuses it.
        let mut t = Typed {
            count: 98765432,
            name: "n".into(),
        };
        let err = scrub_detail(&mut t, &secrets(&["98765432"])).unwrap_err();
        assert_eq!(err, serde_json::json!({"count": "[redacted]", "name": "n"}));
        let mut clean = Typed {
            count: 1,
            name: "sk-in-name-1".into(),
        };
        scrub_detail(&mut clean, &secrets(&["sk-in-name-1"])).unwrap();
        assert_eq!(clean.name, "[redacted]");
    }

    #[test]
    fn names_taken_by_every_suffix_share_one_as_an_array() {
        // A secret that every `[redacted]#n` contains.
        let s = secrets(&["ted]#", "sk-key-1", "sk-key-2"]);
        let mut m = Map::new();
        m.insert("sk-key-1".into(), Value::from(1));
        m.insert("sk-key-2".into(), Value::from(2));
        assert!(scrub_object(&mut m, &s));
        assert_eq!(Value::Object(m), serde_json::json!({"[redacted]": [1, 2]}));
    }

    #[derive(Debug)]
    struct Leaky(&'static str, Option<Box<Leaky>>);
    impl fmt::Display for Leaky {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Leaky {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn sources_holding_a_secret_are_replaced_by_their_scrubbed_text() {
        let s = secrets(&["sk-src-1234"]);
        let leaky = Leaky("outer", Some(Box::new(Leaky("inner sk-src-1234", None))));
        let e = Error::new(ErrorKind::Transport, "failed")
            .with_source(leaky)
            .scrub(&s);
        let source = std::error::Error::source(&e).unwrap();
        assert_eq!(source.to_string(), "outer: inner [redacted]");
        assert!(!format!("{e:?} {source:?}").contains("sk-src"));
        // A source without a secret is kept as it is (it can still be downcast).
        let e = Error::new(ErrorKind::Transport, "failed")
            .with_source(Leaky("clean", None))
            .scrub(&s);
        assert!(std::error::Error::source(&e)
            .unwrap()
            .downcast_ref::<Leaky>()
            .is_some());
    }
}
