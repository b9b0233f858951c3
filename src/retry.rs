//! When and how long to wait before trying a request again.
//!
//! The default policy retries throttling (429) and gateway or availability errors
//! (502, 503, 504) and network failures, up to 3 times, with exponential backoff and
//! full jitter (0.5 s doubling, each wait capped at 30 s). A wait the service asks for
//! wins: `Retry-After` (seconds or an HTTP date), else `X-RateLimit-Reset` (relative
//! seconds) when `X-RateLimit-Remaining` is 0.
//!
//! Reads (`GET`), replacements (`PUT`) and deletes are retried; a create (`POST`) is
//! retried only when the service cannot have acted on it: a 429, or a connection that
//! was refused before anything was sent.
//!
//! When a write was sent but its answer was lost (the connection broke, the body was cut
//! off, the request timed out), the retry's answer is read in that light: a delete that
//! then finds nothing (404) succeeded; an update refused for a stale `resource_version`,
//! or a create (when [`RetryPolicy::retry_creates_on_unknown_outcome`] allows retrying it)
//! refused with 409, is an error whose
//! [`outcome_unknown`](crate::Error::outcome_unknown) is true and whose message says the
//! earlier attempt may have been applied.
//!
//! The wait before each retry is capped by [`RetryPolicy::max_wait`], and all attempts
//! and waits of one operation by the client's overall timeout
//! ([`ClientBuilder::total_timeout`](crate::ClientBuilder::total_timeout)): a wait that
//! would pass it is not started, and the last answer is returned instead.
//!
//! ```
//! use std::time::Duration;
//! use confluent_flink_sql::RetryPolicy;
//!
//! let policy = RetryPolicy::default()
//!     .max_retries(5)
//!     .initial_backoff(Duration::from_millis(200))
//!     .max_wait(Duration::from_secs(10));
//! assert_eq!(policy.retries(), 5);
//! let never = RetryPolicy::none();
//! assert_eq!(never.retries(), 0);
//! ```

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

/// How the client retries failed requests. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_wait: Duration,
    retry_creates_on_unknown_outcome: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_wait: Duration::from_secs(60),
            retry_creates_on_unknown_outcome: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Retries after the first attempt (default 3).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The first backoff when the service gives no wait (default 500 ms); it doubles
    /// on each retry, with full jitter.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// The longest computed backoff (default 30 s).
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The longest single wait, also when the service asks for more (default 60 s);
    /// a longer `Retry-After` ends the retries and returns the error instead.
    pub fn max_wait(mut self, d: Duration) -> Self {
        self.max_wait = d;
        self
    }

    /// Also retry a create whose outcome is unknown (the connection broke after the
    /// request was sent). Off by default: the retry may meet `409` because the first
    /// attempt did create the connection; the error then says so
    /// ([`Error::outcome_unknown`](crate::Error::outcome_unknown)).
    pub fn retry_creates_on_unknown_outcome(mut self, yes: bool) -> Self {
        self.retry_creates_on_unknown_outcome = yes;
        self
    }

    /// The number of retries this policy allows.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    pub(crate) fn retries_unknown_outcome_creates(&self) -> bool {
        self.retry_creates_on_unknown_outcome
    }

    /// The wait before retry number `retry` (1-based) when the service asked for none.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let cap = exp.min(self.max_backoff);
        // Full jitter between half the step and the whole step: spreads clients out
        // without ever retrying immediately.
        let half = cap / 2;
        half + cap.mul_f64(fastrand::f64() * 0.5)
    }

    /// The wait before the next retry, given the answer's headers, or `None` when the
    /// service asks for longer than [`max_wait`](Self::max_wait).
    pub(crate) fn wait(&self, retry: u32, headers: Option<&HeaderMap>) -> Option<Duration> {
        let asked = headers.and_then(|h| service_wait(h, SystemTime::now()));
        let wait = asked.unwrap_or_else(|| self.backoff(retry));
        (wait <= self.max_wait).then_some(wait)
    }
}

/// Statuses worth retrying: throttling and transient gateway or availability errors.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// The wait the service asks for: `Retry-After` (delta seconds or an HTTP date), else
/// `X-RateLimit-Reset` (relative seconds) when `X-RateLimit-Remaining` is 0.
pub(crate) fn service_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(v) = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(d) = parse_retry_after(v, now) {
            return Some(d);
        }
    }
    let remaining = headers
        .get("x-ratelimit-remaining")
        .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    if remaining == Some(0) {
        let reset = headers
            .get("x-ratelimit-reset")
            .and_then(|v| v.to_str().ok())?;
        return parse_delta_seconds(reset);
    }
    None
}

/// Parses a `Retry-After` value: delta seconds, or an HTTP date (a date in the past
/// means no wait).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    parse_delta_seconds(value).or_else(|| {
        let at = httpdate::parse_http_date(value.trim()).ok()?;
        Some(at.duration_since(now).unwrap_or(Duration::ZERO))
    })
}

/// Whole (or fractional) non-negative seconds, at most a day.
fn parse_delta_seconds(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && (0.0..=86_400.0).contains(&secs)).then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(12));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(12))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(12));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("1e400", now), None);
    }

    #[test]
    fn rate_limit_reset_is_relative_and_only_used_when_exhausted() {
        let now = SystemTime::now();
        let h = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "4")]);
        assert_eq!(service_wait(&h, now), Some(Duration::from_secs(4)));
        let h = headers(&[("x-ratelimit-remaining", "3"), ("x-ratelimit-reset", "4")]);
        assert_eq!(service_wait(&h, now), None);
        let h = headers(&[
            ("retry-after", "2"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "9"),
        ]);
        assert_eq!(service_wait(&h, now), Some(Duration::from_secs(2)));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(700));
        for _ in 0..50 {
            let b1 = p.backoff(1);
            assert!(
                b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100),
                "{b1:?}"
            );
            let b3 = p.backoff(3);
            assert!(
                b3 >= Duration::from_millis(200) && b3 <= Duration::from_millis(400),
                "{b3:?}"
            );
            let b10 = p.backoff(10);
            assert!(b10 <= Duration::from_millis(700), "{b10:?}");
        }
    }

    #[test]
    fn a_wait_longer_than_allowed_stops_retrying() {
        let p = RetryPolicy::default().max_wait(Duration::from_secs(5));
        assert_eq!(p.wait(1, Some(&headers(&[("retry-after", "6")]))), None);
        assert_eq!(
            p.wait(1, Some(&headers(&[("retry-after", "5")]))),
            Some(Duration::from_secs(5))
        );
    }

    #[test]
    fn retryable_statuses() {
        for s in [429, 502, 503, 504] {
            assert!(is_retryable_status(s));
        }
        for s in [200, 400, 401, 403, 404, 409, 422, 500, 501] {
            assert!(!is_retryable_status(s));
        }
    }
}
