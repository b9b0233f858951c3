//! How every request of the generated client is sent: retries, waits and tracing.
//!
//! The generated `Client` holds a [`Transport`] and calls it through progenitor's
//! `ClientHooks::exec` for each operation. It sends the request, reads the whole body
//! (so a body cut off mid-way is a network failure that can be retried, not a decode
//! error), and retries what [`RetryPolicy`] allows. Each operation is one tracing span
//! named `confluent_flink_sql.operation` with the operation id, method, path template,
//! status, request id, attempt count and duration; each retry is an event with the
//! wait before it, and so is a retry given up (the wait too long for the policy or the
//! overall timeout). Headers, bodies and secrets are never traced.

use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::{Method, Request, Response};
use tracing::Instrument;

use crate::generated;
use crate::outcome::EARLIER_OUTCOME_UNKNOWN;
use crate::retry::{is_retryable_status, RetryPolicy};

/// The part of the client that sends requests; held by the generated client.
#[derive(Debug, Clone)]
pub struct Transport {
    pub(crate) policy: RetryPolicy,
    pub(crate) total_timeout: Option<Duration>,
}

/// The outcome of one attempt, with its body already read.
enum Attempt {
    Answer(Response),
    /// Failed before anything reached the service (connection refused, DNS).
    NotSent(reqwest::Error),
    /// Failed after the request may have reached the service.
    Unknown(reqwest::Error),
}

impl ClientHooks<Transport> for generated::Client {
    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let transport = self.inner();
        transport.execute(self.client(), request, info).await
    }
}

/// `(METHOD, path template)` of an operation, from the spec's operation table.
fn operation(info: &OperationInfo) -> (&'static str, &'static str, &'static str) {
    let wanted: String = info.operation_id.chars().filter(|c| *c != '_').collect();
    generated::OPERATIONS
        .iter()
        .find(|(id, _, _)| id.eq_ignore_ascii_case(&wanted))
        .copied()
        .unwrap_or(("unknown", "?", "?"))
}

impl Transport {
    async fn execute(
        &self,
        client: &reqwest::Client,
        request: Request,
        info: &OperationInfo,
    ) -> reqwest::Result<Response> {
        let (operation_id, method, path) = operation(info);
        let span = tracing::info_span!(
            "confluent_flink_sql.operation",
            operation = operation_id,
            method,
            path,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        self.execute_with_retries(client, request)
            .instrument(span)
            .await
    }

    async fn execute_with_retries(
        &self,
        client: &reqwest::Client,
        request: Request,
    ) -> reqwest::Result<Response> {
        let started = Instant::now();
        let deadline = self.total_timeout.map(|t| started + t);
        let is_create = request.method() == Method::POST;
        let request_writes = request.method() != Method::GET;
        let mut attempt: u32 = 0;
        let mut earlier_unknown = false;
        let mut pending = request;
        let result = loop {
            attempt += 1;
            // A request with a streaming body cannot be cloned; ours are JSON bytes.
            let spare = pending.try_clone();
            let outcome = send(client, pending).await;
            let (retryable, headers) = match &outcome {
                Attempt::Answer(r) => {
                    let s = r.status().as_u16();
                    let ok = is_retryable_status(s) && (!is_create || s == 429);
                    (ok, Some(r.headers().clone()))
                }
                Attempt::NotSent(_) => (true, None),
                Attempt::Unknown(_) => (
                    !is_create || self.policy.retries_unknown_outcome_creates(),
                    None,
                ),
            };
            let next = match spare {
                Some(next) if retryable && attempt <= self.policy.retries() => next,
                _ => break outcome,
            };
            let Some(wait) = self.policy.wait(attempt, headers.as_ref()) else {
                tracing::info!(
                    attempt,
                    "not retrying: the service asks for a longer wait than the policy allows"
                );
                break outcome;
            };
            if deadline.is_some_and(|d| Instant::now() + wait >= d) {
                tracing::info!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "not retrying: the wait would pass the overall timeout"
                );
                break outcome;
            }
            match &outcome {
                Attempt::Answer(r) => {
                    tracing::info!(
                        attempt,
                        status = r.status().as_u16(),
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    )
                }
                Attempt::NotSent(e) | Attempt::Unknown(e) => {
                    tracing::info!(
                        attempt,
                        error = failure(e),
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    )
                }
            }
            earlier_unknown |= matches!(outcome, Attempt::Unknown(_));
            tokio::time::sleep(wait).await;
            pending = next;
        };
        let span = tracing::Span::current();
        span.record("attempts", attempt);
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match result {
            Attempt::Answer(mut r) => {
                // A write whose earlier attempt may have been applied: the answer to
                // the retry (409 for a create, a stale version for an update) must say so.
                if earlier_unknown && request_writes {
                    r.headers_mut().insert(
                        EARLIER_OUTCOME_UNKNOWN,
                        reqwest::header::HeaderValue::from_static("1"),
                    );
                }
                span.record("status", r.status().as_u16());
                if let Some(id) = r
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                {
                    span.record("request_id", id);
                }
                Ok(r)
            }
            Attempt::NotSent(e) | Attempt::Unknown(e) => {
                tracing::info!(error = failure(&e), "request failed");
                Err(e.without_url())
            }
        }
    }
}

/// What kind of network failure `e` is, for traces (never its URL or body).
fn failure(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    }
}

/// Sends one attempt and reads the whole body, so that the caller sees either a
/// complete answer or a failure it can classify.
async fn send(client: &reqwest::Client, request: Request) -> Attempt {
    let response = match client.execute(request).await {
        Ok(r) => r,
        Err(e) if e.is_connect() => return Attempt::NotSent(e),
        Err(e) => return Attempt::Unknown(e),
    };
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = match response.bytes().await {
        Ok(b) => b,
        Err(e) => return Attempt::Unknown(e),
    };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Attempt::Answer(Response::from(rebuilt))
}
