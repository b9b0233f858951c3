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
//!
//! The overall timeout needs no timer of its own: each attempt's request timeout is cut
//! to the time the operation has left, and a wait that would pass it is not started.
//! The span's fields are only worked out when a subscriber wants the span, and a
//! request is copied for a retry only when the policy allows one.

use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::{Method, Request, Response, ResponseBuilderExt};
use tracing::Instrument;

use crate::generated;
use crate::outcome::EARLIER_OUTCOME_UNKNOWN;
use crate::retry::{is_retryable_status, RetryPolicy};

/// The part of the client that sends requests; held by the generated client.
#[derive(Debug, Clone)]
pub struct Transport {
    pub(crate) policy: RetryPolicy,
    pub(crate) total_timeout: Option<Duration>,
    /// The client's timeout for one attempt (reqwest's), cut to what is left of
    /// `total_timeout` near its end.
    pub(crate) request_timeout: Duration,
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

/// `(operationId, METHOD, path template)` of an operation, from the spec's operation
/// table: progenitor's `get_sqlv1_connection` is the spec's `getSqlv1Connection`.
fn operation(info: &OperationInfo) -> (&'static str, &'static str, &'static str) {
    generated::OPERATIONS
        .iter()
        .find(|(id, _, _)| same_ignoring_underscores_and_case(id, info.operation_id))
        .copied()
        .unwrap_or(("unknown", "?", "?"))
}

fn same_ignoring_underscores_and_case(a: &str, b: &str) -> bool {
    let mut a = a.bytes().filter(|c| *c != b'_');
    let mut b = b.bytes().filter(|c| *c != b'_');
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(&y) => {}
            _ => return false,
        }
    }
}

impl Transport {
    async fn execute(
        &self,
        client: &reqwest::Client,
        request: Request,
        info: &OperationInfo,
    ) -> reqwest::Result<Response> {
        let span = tracing::info_span!(
            "confluent_flink_sql.operation",
            operation = tracing::field::Empty,
            method = tracing::field::Empty,
            path = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        // Looked up only for a subscriber that wants the span.
        if !span.is_disabled() {
            let (operation_id, method, path) = operation(info);
            span.record("operation", operation_id);
            span.record("method", method);
            span.record("path", path);
        }
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
            // The overall timeout: an attempt may not outlast it.
            if let Some(d) = deadline {
                let now = if attempt == 1 {
                    started
                } else {
                    Instant::now()
                };
                let left = d.saturating_duration_since(now);
                if left < self.request_timeout {
                    *pending.timeout_mut() = Some(left.max(Duration::from_millis(1)));
                }
            }
            // A copy for a retry, if the policy allows one. A request with a streaming
            // body cannot be cloned; ours are JSON bytes.
            let spare = if attempt <= self.policy.retries() {
                pending.try_clone()
            } else {
                None
            };
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
    let mut response = match client.execute(request).await {
        Ok(r) => r,
        Err(e) if e.is_connect() => return Attempt::NotSent(e),
        Err(e) => return Attempt::Unknown(e),
    };
    let body = match read_body(&mut response).await {
        Ok(b) => b,
        Err(e) => return Attempt::Unknown(e),
    };
    // The same answer with the body read: status, version, headers and extensions move
    // over (no copy), and so does the URL (reqwest would otherwise parse a placeholder).
    let url = response.url().clone();
    let (mut parts, _drained) = http::Response::from(response).into_parts();
    let (with_url, ()) = http::Response::builder()
        .url(url)
        .body(())
        .map(http::Response::into_parts)
        .unwrap_or_else(|_| http::Response::new(()).into_parts());
    parts.extensions.extend(with_url.extensions);
    Attempt::Answer(Response::from(http::Response::from_parts(parts, body)))
}

/// The whole body of `response`, which keeps its head. One chunk is kept as it is;
/// more are joined into one buffer sized by `Content-Length` when the answer gives it.
async fn read_body(response: &mut Response) -> reqwest::Result<reqwest::Body> {
    // Asked before reading: reqwest's answer is what is left of the body.
    let expected = response.content_length().unwrap_or(0);
    let Some(first) = response.chunk().await? else {
        return Ok(reqwest::Body::from(Vec::new()));
    };
    let Some(second) = response.chunk().await? else {
        return Ok(reqwest::Body::from(first));
    };
    // A length the service claims is only a hint, capped so that a lying header
    // cannot make the client reserve much more than it reads.
    let hint = usize::try_from(expected)
        .unwrap_or(usize::MAX)
        .min(16 << 20)
        .max(first.len() + second.len());
    let mut all = Vec::with_capacity(hint);
    all.extend_from_slice(&first);
    all.extend_from_slice(&second);
    while let Some(chunk) = response.chunk().await? {
        all.extend_from_slice(&chunk);
    }
    Ok(reqwest::Body::from(all))
}
