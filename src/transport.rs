//! How every operation is sent: retries, waits and tracing.
//!
//! [`Transport::run`] calls one generated operation per attempt, and calls it again for
//! each retry the [`RetryPolicy`] allows: a retry builds its request anew, so a first
//! attempt copies nothing and its answer is read once, by the generated code. What an
//! attempt's failure was is read from the generated client's error: an answer (its
//! status and headers), a connection refused before anything was sent, or a failure
//! after the request may have reached the service, such as a timeout or a body cut off
//! mid-way (a network failure that can be retried, not a decode error).
//!
//! Each operation is one tracing span named `confluent_flink_sql.operation` with the
//! operation id, method, path template, status, request id, attempt count and duration;
//! each retry is an event with the wait before it, and so is a retry given up (the wait
//! too long for the policy or the overall timeout). Headers, bodies and secrets are
//! never traced. The span's fields are only worked out when a subscriber wants the span.
//!
//! The overall timeout needs no timer of its own while an attempt cannot outlast it
//! (the request timeout, which reqwest enforces, ends it first); only an attempt started
//! closer to the limit than one request timeout runs under a timer for the time left. A
//! wait that would pass the limit is not started.

use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, Error as GenError, OperationInfo, ResponseValue};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, Request, Response, ResponseBuilderExt};

use crate::generated;
use crate::generated::types::Failure;
use crate::redirect;
use crate::retry::{is_retryable_status, RetryPolicy};

/// The part of the client that sends requests; held by the generated client.
#[derive(Debug, Clone)]
pub struct Transport {
    pub(crate) policy: RetryPolicy,
    pub(crate) total_timeout: Option<Duration>,
    /// The client's timeout for one attempt (reqwest's).
    pub(crate) request_timeout: Duration,
    /// The client's base URL, parsed at its first request (`crate::request::url`).
    pub(crate) base: OnceLock<reqwest::Url>,
}

impl ClientHooks<Transport> for generated::Client {
    /// One attempt. The answer to a read goes to the generated code as it is (its body
    /// read by the generated code: a body cut off mid-way reaches the retry loop as a
    /// body error), unless it is an error answer, which is read whole here (see
    /// `post`). The answer to a write is read whole first: the generated code never
    /// reads the body of update's and delete's `200`, and a cut there must still count
    /// as a network failure (the write may or may not have been applied).
    ///
    /// reqwest follows the redirects the client's policy allows inside `execute`
    /// (`crate::redirect`): a create re-sent to a 307's `Location` is part of this one
    /// attempt, not a retry. A write is sent with its method known to the policy, which
    /// does not let a redirect turn it into a `GET`.
    async fn exec(&self, mut request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        if let Some(media_type) = sent_media_type(info.operation_id) {
            request
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
        }
        if request.method() == Method::GET {
            let response = self.client().execute(request).await?;
            if !is_error(&response) {
                return Ok(response);
            }
            return read_whole(response).await;
        }
        let method = request.method().clone();
        let response = redirect::sending(method, self.client().execute(request)).await?;
        read_whole(response).await
    }

    /// An error answer whose body is not the spec's `Failure` (HTML from a proxy, empty,
    /// another shape) becomes what an undeclared status is, an unexpected response with
    /// its status, headers and body: an API error with that status and request id,
    /// retried by its status, never a decode error. (The generated code would report
    /// the body it could not read without the status.)
    async fn post<E>(
        &self,
        result: &reqwest::Result<Response>,
        _info: &OperationInfo,
    ) -> Result<(), GenError<E>> {
        let Ok(response) = result else { return Ok(()) };
        if !is_error(response) {
            return Ok(());
        }
        let Some(ErrorBody(body)) = response.extensions().get::<ErrorBody>() else {
            return Ok(());
        };
        if serde_json::from_slice::<Failure>(body).is_ok() {
            return Ok(());
        }
        let mut answer = http::Response::new(body.clone());
        *answer.status_mut() = response.status();
        *answer.version_mut() = response.version();
        *answer.headers_mut() = response.headers().clone();
        Err(GenError::UnexpectedResponse(Response::from(answer)))
    }
}

/// The body of an error answer, kept beside it by `exec` for `post`.
#[derive(Clone)]
struct ErrorBody(bytes::Bytes);

/// An error answer (status 400 and above).
fn is_error(response: &Response) -> bool {
    response.status().as_u16() >= 400
}

/// The `Content-Type` the spec gives the body of operation `method` (the generated
/// method's name, which the generated code passes as `operation_id`: the snake case of
/// the spec's operationId), when generation typed it as `application/json` (a JSON
/// Patch, `build/normalize.rs`).
fn sent_media_type(method: &str) -> Option<&'static str> {
    generated::SENT_MEDIA_TYPES
        .iter()
        .find(|(id, _)| is_method_of(id, method))
        .map(|(_, media_type)| *media_type)
}

/// True when `method` is the generated method of operationId `id`: the same letters
/// and digits, case and underscores aside (`patch_sqlv1_statement`,
/// `patchSqlv1Statement`).
fn is_method_of(id: &str, method: &str) -> bool {
    // Compared byte by byte, without allocating: this runs for every request.
    fn letters(s: &str) -> impl Iterator<Item = u8> + '_ {
        s.bytes()
            .filter(|b| *b != b'_')
            .map(|b| b.to_ascii_lowercase())
    }
    letters(id).eq(letters(method))
}

/// `response` with its body read: status, version, headers and extensions move over
/// (no copy), and so does the URL (reqwest would otherwise parse a placeholder). An
/// error answer's body is also kept as an [`ErrorBody`] extension, for `post`.
async fn read_whole(mut response: Response) -> reqwest::Result<Response> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    let body = bytes::Bytes::from(body);
    let error = is_error(&response);
    let url = response.url().clone();
    let (mut parts, _drained) = http::Response::from(response).into_parts();
    let (with_url, ()) = http::Response::builder()
        .url(url)
        .body(())
        .map(http::Response::into_parts)
        .unwrap_or_else(|_| http::Response::new(()).into_parts());
    parts.extensions.extend(with_url.extensions);
    if error {
        parts.extensions.insert(ErrorBody(body.clone()));
    }
    Ok(Response::from(http::Response::from_parts(parts, body)))
}

/// What the retry loop and the span need to know about an operation: its row of the
/// spec's operation table (`operationId`, method, path template), one generated
/// constant per operation (`crate::generated::operation`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operation {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// The spec's HTTP method.
    pub method: &'static str,
    /// The spec's path template (not the filled path).
    pub path: &'static str,
}

impl Operation {
    /// A create (`POST`): retried only when the service cannot have acted on it.
    fn creates(&self) -> bool {
        self.method == "POST"
    }

    /// Changes something (not a `GET`): an answer after an attempt whose outcome was
    /// unknown must say the earlier attempt may have been applied.
    fn writes(&self) -> bool {
        self.method != "GET"
    }
}

/// How an operation that did not succeed ended.
pub(crate) enum Failed {
    /// The last attempt failed with `error`. From the one verdict on each attempt (not
    /// sent, maybe sent, answered): `maybe_applied` when the operation writes and this
    /// attempt may have reached the service without an answer, `earlier_unknown` when
    /// an earlier attempt may have; `writes` when the operation changes something.
    Attempt {
        error: GenError<Failure>,
        earlier_unknown: bool,
        maybe_applied: bool,
        writes: bool,
    },
    /// The overall timeout passed during an attempt; `maybe_sent` when the operation
    /// writes (the attempt may have reached the service).
    OverallTimeout { limit: Duration, maybe_sent: bool },
}

/// What one attempt's result says for retrying.
enum Verdict<'a> {
    /// An answer with this status and these headers.
    Answer(u16, &'a HeaderMap),
    /// Failed before anything reached the service (connection refused, DNS).
    NotSent(&'a reqwest::Error),
    /// Failed after the request may have reached the service.
    Unknown(&'a reqwest::Error),
    /// Nothing a retry would change (an answer that could not be decoded, a request the
    /// client could not build, a redirect chain given up on).
    Final,
}

fn verdict<T>(result: &Result<ResponseValue<T>, GenError<Failure>>) -> Verdict<'_> {
    match result {
        Ok(rv) => Verdict::Answer(rv.status().as_u16(), rv.headers()),
        Err(GenError::ErrorResponse(rv)) => Verdict::Answer(rv.status().as_u16(), rv.headers()),
        Err(GenError::UnexpectedResponse(r)) => Verdict::Answer(r.status().as_u16(), r.headers()),
        // The redirect policy gave up on a chain (a loop, too many hops): every hop was
        // answered with a redirect, and a retry would follow the same chain.
        Err(GenError::CommunicationError(e)) if e.is_redirect() => Verdict::Final,
        Err(GenError::CommunicationError(e)) if e.is_connect() => Verdict::NotSent(e),
        Err(GenError::CommunicationError(e) | GenError::ResponseBodyError(e)) => {
            Verdict::Unknown(e)
        }
        Err(_) => Verdict::Final,
    }
}

impl Transport {
    /// Runs `op` with `attempt` (one call of the generated operation), retrying what
    /// the policy allows, within the overall timeout.
    pub(crate) async fn run<T, F, Fut>(
        &self,
        op: Operation,
        mut attempt: F,
    ) -> Result<ResponseValue<T>, Failed>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, GenError<Failure>>>,
    {
        let span = tracing::info_span!(
            "confluent_flink_sql.operation",
            operation = op.id,
            method = tracing::field::Empty,
            path = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        if span.is_disabled() {
            return self.attempts(op, &mut attempt, &span).await;
        }
        span.record("method", op.method);
        span.record("path", op.path);
        let inner = span.clone();
        tracing::Instrument::instrument(self.attempts(op, &mut attempt, &inner), span).await
    }

    async fn attempts<T, F, Fut>(
        &self,
        op: Operation,
        attempt: &mut F,
        span: &tracing::Span,
    ) -> Result<ResponseValue<T>, Failed>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, GenError<Failure>>>,
    {
        let started = Instant::now();
        let deadline = self.total_timeout.map(|t| started + t);
        let mut attempts: u32 = 0;
        let mut earlier_unknown = false;
        let result = loop {
            attempts += 1;
            // Near the overall timeout, an attempt runs under a timer for the time left.
            let left = deadline
                .map(|d| {
                    d.saturating_duration_since(if attempts == 1 {
                        started
                    } else {
                        Instant::now()
                    })
                })
                .filter(|left| *left < self.request_timeout);
            // `result` ends with this block: it is not kept across the wait below.
            let wait = {
                let result = match left {
                    None => attempt().await,
                    Some(left) => match tokio::time::timeout(left, attempt()).await {
                        Ok(result) => result,
                        Err(_) => {
                            tracing::info!(
                                attempt = attempts,
                                "gave up: the overall timeout passed"
                            );
                            finish(span, attempts, started, None);
                            return Err(Failed::OverallTimeout {
                                limit: self.total_timeout.unwrap_or_default(),
                                maybe_sent: op.writes(),
                            });
                        }
                    },
                };
                let Some((wait, unknown)) = self.retry_wait(op, attempts, &result, deadline) else {
                    break result;
                };
                earlier_unknown |= unknown;
                wait
            };
            tokio::time::sleep(wait).await;
        };
        let maybe_sent = match verdict(&result) {
            Verdict::Answer(status, headers) => {
                finish(span, attempts, started, Some((status, headers)));
                false
            }
            Verdict::NotSent(e) => {
                tracing::info!(error = failure(e), "request failed");
                finish(span, attempts, started, None);
                false
            }
            Verdict::Unknown(e) => {
                tracing::info!(error = failure(e), "request failed");
                finish(span, attempts, started, None);
                true
            }
            Verdict::Final => {
                finish(span, attempts, started, None);
                false
            }
        };
        result.map_err(|error| Failed::Attempt {
            error,
            earlier_unknown: earlier_unknown && op.writes(),
            maybe_applied: maybe_sent && op.writes(),
            writes: op.writes(),
        })
    }
}

impl Transport {
    /// The wait before retrying after `result`, and whether its outcome was unknown;
    /// `None` when it is not retried (with an event saying why, when a wait stopped it).
    fn retry_wait<T>(
        &self,
        op: Operation,
        attempts: u32,
        result: &Result<ResponseValue<T>, GenError<Failure>>,
        deadline: Option<Instant>,
    ) -> Option<(Duration, bool)> {
        let verdict = verdict(result);
        let (retryable, headers) = match &verdict {
            Verdict::Answer(status, headers) => (
                is_retryable_status(*status) && (!op.creates() || *status == 429),
                Some(*headers),
            ),
            Verdict::NotSent(_) => (true, None),
            Verdict::Unknown(_) => (
                !op.creates() || self.policy.retries_unknown_outcome_creates(),
                None,
            ),
            Verdict::Final => (false, None),
        };
        if !retryable || attempts > self.policy.retries() {
            return None;
        }
        let Some(wait) = self.policy.wait(attempts, headers) else {
            tracing::info!(
                attempt = attempts,
                "not retrying: the service asks for a longer wait than the policy allows"
            );
            return None;
        };
        if deadline.is_some_and(|d| Instant::now() + wait >= d) {
            tracing::info!(
                attempt = attempts,
                wait_ms = wait.as_millis() as u64,
                "not retrying: the wait would pass the overall timeout"
            );
            return None;
        }
        match &verdict {
            Verdict::Answer(status, _) => tracing::info!(
                attempt = attempts,
                status,
                wait_ms = wait.as_millis() as u64,
                "retrying"
            ),
            Verdict::NotSent(e) | Verdict::Unknown(e) => tracing::info!(
                attempt = attempts,
                error = failure(e),
                wait_ms = wait.as_millis() as u64,
                "retrying"
            ),
            Verdict::Final => {}
        }
        Some((wait, matches!(verdict, Verdict::Unknown(_))))
    }
}

/// Records the span's last fields: attempts, duration, and the answer's status and
/// request id when there was an answer.
fn finish(
    span: &tracing::Span,
    attempts: u32,
    started: Instant,
    answer: Option<(u16, &HeaderMap)>,
) {
    if span.is_disabled() {
        return;
    }
    span.record("attempts", attempts);
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    if let Some((status, headers)) = answer {
        span.record("status", status);
        if let Some(id) = headers.get("x-request-id").and_then(|v| v.to_str().ok()) {
            span.record("request_id", id);
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

#[cfg(test)]
mod tests {
    use super::is_method_of;

    #[test]
    fn generated_methods_are_matched_to_their_operation_ids() {
        assert!(is_method_of("patchSqlv1Statement", "patch_sqlv1_statement"));
        assert!(is_method_of(
            "regenPatchSqlv1Connection",
            "regen_patch_sqlv1_connection"
        ));
        assert!(!is_method_of(
            "patchSqlv1Statement",
            "patch_sqlv1_statements"
        ));
        assert!(!is_method_of(
            "patchSqlv1Statement",
            "update_sqlv1_statement"
        ));
    }
}
