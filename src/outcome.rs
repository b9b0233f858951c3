//! Turns the generated client's errors into the crate's [`Error`].

use std::time::SystemTime;

use progenitor_client::Error as GenError;
use reqwest::header::{HeaderMap, LOCATION};

use crate::client::Client;
use crate::error::{redacted_snippet, ErrorDetail};
use crate::generated::types::Failure;
use crate::redact::Secrets;
use crate::redirect;
use crate::retry::service_wait;
use crate::transport::Failed;
use crate::{Error, ErrorKind};

/// The error objects of a `Failure`; when it has none, the message other error bodies
/// carry (`{"message": ..}`, `{"error": {"message": ..}}`, as the Confluent CLI reads
/// them), as one error object's `detail`.
fn details_of(f: Failure) -> Vec<ErrorDetail> {
    if !f.errors.is_empty() {
        return f.errors;
    }
    // Read from JSON rather than built field by field: the error object is the
    // spec's, and a version of it may require more than `detail`.
    message_of(&f)
        .and_then(|message| serde_json::from_value(serde_json::json!({ "detail": message })).ok())
        .into_iter()
        .collect()
}

fn message_of(f: &Failure) -> Option<&str> {
    let unknown = &f.unknown_fields;
    unknown
        .get("message")
        .and_then(|m| m.as_str())
        .or_else(|| unknown.get("error")?.get("message")?.as_str())
        .filter(|m| !m.trim().is_empty())
}

/// The error of an answer whose body could not be read: never quotes the body beyond
/// a redacted snippet.
pub(crate) fn undecodable(what: &str, e: &serde_json::Error, body: &[u8]) -> Error {
    Error::decode(format!("{what}: the service's answer could not be read"))
        .with_snippet(redacted_snippet(body))
        .with_source(DecodeFailure::from(e))
}

/// The error of an operation that did not succeed: an error answer, a network failure
/// or the overall timeout. It never shows the client's credentials nor `sent` (secrets
/// the call carries). `what` names the call; it is only worked out here, for an error.
/// Operations take their own success without another `await` (an answer is moved as
/// few times as it can be), and box this future (theirs stays small).
pub(crate) async fn failed(
    client: &Client,
    failed: Failed,
    what: &(dyn Fn() -> String + Sync),
    sent: Option<Secrets>,
) -> Error {
    let e = match failed {
        Failed::Attempt {
            error,
            earlier_unknown,
            maybe_applied,
            writes,
        } => into_error(&what(), writes, earlier_unknown, maybe_applied, error).await,
        Failed::OverallTimeout { limit, maybe_sent } => {
            let e = Error::new(
                ErrorKind::Timeout,
                format!("{}: gave up after {limit:?} (overall timeout)", what()),
            );
            if maybe_sent {
                e.with_outcome_unknown()
            } else {
                e
            }
        }
    };
    scrubbed(client, e, sent)
}

/// `e` without the client's credentials nor `sent` (secrets the call carries).
pub(crate) fn scrubbed(client: &Client, e: Error, sent: Option<Secrets>) -> Error {
    match sent {
        None => e.scrub(client.secrets()),
        Some(mut secrets) => {
            secrets.extend(client.secrets());
            e.scrub(&secrets)
        }
    }
}

/// `what` names the call for the message ("create connection `x`"); `earlier_unknown`
/// when the answer follows an attempt of a write whose outcome is unknown (the
/// connection broke after it was sent), which may have been applied; `maybe_applied`
/// when this last attempt is such an attempt (the transport's one verdict on it).
pub(crate) async fn into_error(
    what: &str,
    writes: bool,
    earlier_unknown: bool,
    maybe_applied: bool,
    e: GenError<Failure>,
) -> Error {
    match e {
        GenError::ErrorResponse(rv) => {
            let status = rv.status().as_u16();
            let headers = rv.headers().clone();
            let details = details_of(rv.into_inner());
            api_error(what, status, &headers, earlier_unknown, None).with_details(details)
        }
        GenError::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            // A redirect the client did not follow (to another origin): say where to.
            let redirect = response
                .status()
                .is_redirection()
                .then(|| {
                    let location = headers.get(LOCATION).and_then(|v| v.to_str().ok());
                    redirect::describe(response.url(), location)
                })
                .flatten();
            let body = response.bytes().await.unwrap_or_default();
            let mut err = api_error(what, status, &headers, earlier_unknown, redirect);
            if !body.is_empty() {
                match serde_json::from_slice::<Failure>(&body) {
                    Ok(f) if !f.errors.is_empty() || message_of(&f).is_some() => {
                        err = err.with_details(details_of(f))
                    }
                    _ => err = err.with_snippet(redacted_snippet(&body)),
                }
            }
            err
        }
        GenError::InvalidResponsePayload(body, e) => undecodable(what, &e, &body),
        GenError::CommunicationError(e) if e.is_redirect() => {
            // The redirect policy gave up on the chain (a loop, too many hops, a write
            // that would become a GET): the service answered with a redirect, and trying
            // again would end the same way. Only a 303 to a write says it was applied.
            let err = match redirect::refused(&e) {
                Some(refused) => {
                    let err = Error::new(ErrorKind::Api, format!("{what} failed: {refused}"))
                        .with_status(refused.status);
                    if writes && refused.may_have_applied() {
                        err.with_outcome_unknown()
                    } else {
                        err
                    }
                }
                None => Error::new(
                    ErrorKind::Api,
                    format!("{what} failed: a redirect could not be followed"),
                ),
            };
            err.with_source(e.without_url())
        }
        GenError::CommunicationError(e)
        | GenError::ResponseBodyError(e)
        | GenError::InvalidUpgrade(e) => {
            let kind = if e.is_timeout() {
                ErrorKind::Timeout
            } else {
                ErrorKind::Transport
            };
            let what_happened = if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "could not connect"
            } else {
                "the connection failed"
            };
            let mut err =
                Error::new(kind, format!("{what}: {what_happened}")).with_source(e.without_url());
            if maybe_applied || earlier_unknown {
                err = err.with_outcome_unknown();
            }
            err
        }
        GenError::InvalidRequest(m) => Error::validation(format!("{what}: {m}")),
        GenError::Custom(m) => Error::new(ErrorKind::Transport, format!("{what}: {m}")),
    }
}

/// Why a body could not be decoded, without any value from it: serde's messages quote
/// the offending value (`invalid type: string "sk-..."`), which may be a secret.
#[derive(Debug)]
pub(crate) struct DecodeFailure(String);

impl From<&serde_json::Error> for DecodeFailure {
    fn from(e: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let text = e.to_string();
        // These name a member of the schema, never a value of the body.
        if text.starts_with("missing field") || text.starts_with("duplicate field") {
            return DecodeFailure(text);
        }
        let what = match e.classify() {
            Category::Io => "the body could not be read",
            Category::Syntax => "the body is not valid JSON",
            Category::Data => "a value does not have the type the API declares",
            Category::Eof => "the body ends too early",
        };
        DecodeFailure(format!("{what} (line {} column {})", e.line(), e.column()))
    }
}

impl std::fmt::Display for DecodeFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeFailure {}

/// The answer's `X-Request-Id`, to quote to Confluent support.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    let id = headers.get("x-request-id")?.to_str().ok()?;
    Some(id.to_owned())
}

/// `reason`, when given, says why the answer failed the call (a redirect not followed).
fn api_error(
    what: &str,
    status: u16,
    headers: &HeaderMap,
    earlier_unknown: bool,
    reason: Option<String>,
) -> Error {
    let request_id = request_id(headers);
    let mut message = format!("{what} failed");
    if let Some(reason) = reason {
        message.push_str(": ");
        message.push_str(&reason);
    }
    let mut err = Error::new(ErrorKind::Api, String::new());
    if earlier_unknown {
        message.push_str(match status {
            409 => {
                ": it already exists, possibly created by an earlier attempt whose outcome was unknown; \
                 read it before trying again"
            }
            _ => {
                ": an earlier attempt was sent but its answer was lost, so it may have been applied; \
                 read the connection before trying again"
            }
        });
        err = err.with_outcome_unknown();
    }
    let wait = (status == 429)
        .then(|| service_wait(headers, SystemTime::now()))
        .flatten();
    err.prefix(&message)
        .with_status(status)
        .with_request_id(request_id)
        .with_retry_after(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_failures_never_quote_the_body() {
        let e = serde_json::from_str::<u32>(r#""sk-canary-decode""#).unwrap_err();
        assert!(
            e.to_string().contains("sk-canary-decode"),
            "serde quotes it"
        );
        let shown = DecodeFailure::from(&e).to_string();
        assert!(!shown.contains("sk-canary"), "{shown}");
        assert!(shown.contains("line 1 column"), "{shown}");

        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Named {
            name: String,
        }
        let e = serde_json::from_str::<Named>("{}").unwrap_err();
        assert!(DecodeFailure::from(&e)
            .to_string()
            .contains("missing field `name`"));
    }
}
