//! Which HTTP redirects the client follows, and how a redirect it does not follow is
//! described in an error.
//!
//! Confluent may answer a resource with a redirect (301, 302, 303, 307, 308) instead of
//! the resource. The client follows one whose `Location` is on the origin of the
//! request (same scheme, host and port), with the credentials, up to
//! [`MAX_REDIRECTS`] hops; reqwest re-sends the method and the body for 307 and 308 (the
//! bodies are bytes it can copy), and the same for a 301 or 302 to a `GET`, `PUT` or
//! `DELETE`.
//!
//! A redirect that would turn a write into a `GET` (303 to any write, 301 or 302 to a
//! `POST`, which HTTP lets clients re-send as a `GET`) is not followed: the write would
//! silently not happen, or (303, "see other") have happened with a read's answer in
//! place of its own. It ends with a [`Refused`] error; after a 303 the write may have
//! been applied. The policy learns the method from [`sending`], around each write.
//!
//! A redirect to another origin is not followed: the credentials would go with it (or,
//! without them, the request would fail there). The policy stops, and the redirect
//! answer itself becomes the operation's error ([`describe`] words it), with its status
//! and request id. A loop or a chain longer than [`MAX_REDIRECTS`] ends with a
//! [`Refused`] error inside reqwest's, which [`refused`] finds.
//!
//! A `Location` is only ever shown [`redacted`]: without user name, password, query and
//! fragment, any of which could carry a token.

use std::fmt;
use std::future::Future;

use reqwest::redirect::{Attempt, Policy};
use reqwest::{Method, StatusCode, Url};

/// The most redirects one request follows.
pub(crate) const MAX_REDIRECTS: usize = 10;

tokio::task_local! {
    /// The method of the write being sent, for the policy (reads are not marked).
    static WRITE: Method;
}

/// The client's redirect policy: same origin only, at most [`MAX_REDIRECTS`] hops, no
/// loops, no write turned into a `GET`.
pub(crate) fn policy() -> Policy {
    Policy::custom(decide)
}

/// Sends the write `send` (reqwest's `execute`) with its `method` known to the policy.
pub(crate) async fn sending<F: Future>(method: Method, send: F) -> F::Output {
    WRITE.scope(method, send).await
}

/// Whether following `status` would send `method` again as a `GET` (what reqwest's
/// redirect layer does, as HTTP allows).
fn becomes_get(method: &Method, status: StatusCode) -> bool {
    match status {
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND => method == Method::POST,
        StatusCode::SEE_OTHER => method != Method::GET && method != Method::HEAD,
        _ => false,
    }
}

fn decide(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    // `previous` holds every URL requested so far, the first request's included.
    let Some(current) = attempt.previous().last() else {
        return attempt.stop();
    };
    if !same_origin(current, attempt.url()) {
        // The redirect answer becomes the operation's error (see `describe`).
        return attempt.stop();
    }
    let write = WRITE.try_with(Method::clone).ok();
    let why = if let Some(method) = write.filter(|m| becomes_get(m, attempt.status())) {
        Why::BecomesGet(method)
    } else if attempt.previous().contains(attempt.url()) {
        Why::Loop
    } else if attempt.previous().len() > MAX_REDIRECTS {
        Why::TooMany
    } else {
        return attempt.follow();
    };
    let (status, location) = (attempt.status().as_u16(), redacted(attempt.url()));
    attempt.error(Refused {
        status,
        location,
        why,
    })
}

/// Same scheme, host and port (the port a scheme implies counts as given).
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// `url` without what could carry a secret: user name and password, query and
/// fragment are dropped (a `?…` says a query was there).
pub(crate) fn redacted(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    let had_query = shown.query().is_some() || shown.fragment().is_some();
    shown.set_query(None);
    shown.set_fragment(None);
    let mut text = String::from(shown);
    if had_query {
        text.push_str("?…");
    }
    text
}

/// A redirect on the request's origin the client did not follow: a loop, too many
/// hops, or one that would turn a write into a `GET`.
#[derive(Debug)]
pub(crate) struct Refused {
    /// The status of the last redirect answer.
    pub(crate) status: u16,
    /// Its `Location`, [`redacted`].
    location: String,
    why: Why,
}

#[derive(Debug)]
enum Why {
    Loop,
    TooMany,
    /// The write's method.
    BecomesGet(Method),
}

impl Refused {
    /// True when the service may have applied the write: it answered 303 ("see
    /// other"), which points to the result of a request it handled.
    pub(crate) fn may_have_applied(&self) -> bool {
        self.status == 303 && matches!(self.why, Why::BecomesGet(_))
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.why {
            Why::Loop => write!(
                f,
                "redirect loop: the service redirected it to {}, which it had already requested",
                self.location
            ),
            Why::TooMany => write!(
                f,
                "too many redirects: more than {MAX_REDIRECTS}, the last to {}",
                self.location
            ),
            Why::BecomesGet(method) => {
                write!(
                    f,
                    "the service redirected it to {}, which was not followed because HTTP \
                     re-sends a {method} redirected with {} as a GET",
                    self.location, self.status
                )?;
                if self.may_have_applied() {
                    f.write_str(
                        "; a 303 answers a request the service handled, so it may have been \
                         applied: read the connection before trying again",
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Refused {}

/// The [`Refused`] inside `e`, if the redirect policy stopped it.
pub(crate) fn refused(e: &reqwest::Error) -> Option<&Refused> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(source) = next {
        if let Some(r) = source.downcast_ref::<Refused>() {
            return Some(r);
        }
        next = source.source();
    }
    None
}

/// What a redirect answer the client did not follow says, for the error's message:
/// `location` is its `Location` header, `requested` the URL it answered. `None` when it
/// has no `Location`.
pub(crate) fn describe(requested: &Url, location: Option<&str>) -> Option<String> {
    let location = location?;
    let Ok(target) = requested.join(location) else {
        return Some("the service answered with a redirect whose Location is not a URL".into());
    };
    if same_origin(requested, &target) {
        return Some(format!(
            "the service redirected it to {}, which the client did not follow",
            redacted(&target)
        ));
    }
    Some(format!(
        "the service redirected it to {}, which was not followed because it leaves the \
         origin {} (the credentials are only sent there)",
        redacted(&target),
        requested.origin().ascii_serialization()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_urls_keep_no_userinfo_query_or_fragment() {
        let url = Url::parse("https://user:pw-canary@h.example:8443/p/q?token=t-canary#f-canary")
            .unwrap();
        let shown = redacted(&url);
        assert_eq!(shown, "https://h.example:8443/p/q?…");
        let plain = Url::parse("https://h.example/p").unwrap();
        assert_eq!(redacted(&plain), "https://h.example/p");
    }

    #[test]
    fn only_redirects_that_keep_the_method_of_a_write_are_followed() {
        use StatusCode as S;
        for status in [S::MOVED_PERMANENTLY, S::FOUND, S::SEE_OTHER] {
            assert!(!becomes_get(&Method::GET, status));
            assert!(becomes_get(&Method::POST, status));
        }
        assert!(!becomes_get(&Method::PUT, S::MOVED_PERMANENTLY));
        assert!(!becomes_get(&Method::DELETE, S::FOUND));
        assert!(becomes_get(&Method::PUT, S::SEE_OTHER));
        assert!(becomes_get(&Method::DELETE, S::SEE_OTHER));
        for method in [Method::POST, Method::PUT, Method::DELETE] {
            assert!(!becomes_get(&method, S::TEMPORARY_REDIRECT));
            assert!(!becomes_get(&method, S::PERMANENT_REDIRECT));
        }
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let u = |s| Url::parse(s).unwrap();
        assert!(same_origin(&u("https://a/x"), &u("https://a:443/y")));
        assert!(!same_origin(&u("https://a/x"), &u("http://a/x")));
        assert!(!same_origin(&u("https://a/x"), &u("https://b/x")));
        assert!(!same_origin(&u("http://a:1/x"), &u("http://a:2/x")));
    }

    #[test]
    fn descriptions_name_the_redacted_target() {
        let from = Url::parse("http://127.0.0.1:1/sql/v1/x").unwrap();
        let other = describe(&from, Some("http://k:s@127.0.0.1:2/y?t=canary")).unwrap();
        assert!(other.contains("http://127.0.0.1:2/y?…"), "{other}");
        assert!(
            other.contains("leaves the origin http://127.0.0.1:1"),
            "{other}"
        );
        assert!(
            !other.contains("canary") && !other.contains("k:s"),
            "{other}"
        );
        let same = describe(&from, Some("/z")).unwrap();
        assert!(same.contains("http://127.0.0.1:1/z"), "{same}");
        assert_eq!(describe(&from, None), None);
    }
}
