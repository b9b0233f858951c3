//! Where the client sends requests.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

use crate::Error;

/// The base URL of a Flink REST endpoint.
///
/// Flink's REST endpoints are regional: `https://flink.{region}.{cloud}.confluent.cloud`,
/// or `https://flink.{region}.{cloud}.private.confluent.cloud` with private networking.
/// Any other URL is accepted too (some private setups use their own host names, and
/// tests use a local server).
///
/// Plain `http://` would send the credentials in clear, so the client refuses it unless
/// the host is a loopback address (`127.0.0.1`, `::1`, `localhost`) or the user opts in
/// with [`ClientBuilder::allow_insecure_http`](crate::ClientBuilder::allow_insecure_http).
///
/// `https` needs one of the crate's TLS features, `rustls` (the default) or
/// `native-tls`. Built with `default-features = false` and neither, the client
/// refuses an `https` endpoint when it is built, with an error that names the
/// features, instead of failing (and retrying) every request.
///
/// ```
/// use confluent_flink_sql::Endpoint;
///
/// assert_eq!(Endpoint::public("aws", "us-east-1").as_str(), "https://flink.us-east-1.aws.confluent.cloud");
/// assert_eq!(Endpoint::private("azure", "westeurope").as_str(),
/// "https://flink.westeurope.azure.private.confluent.cloud");
/// assert_eq!(Endpoint::url("http://127.0.0.1:8080/").as_str(), "http://127.0.0.1:8080/");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    url: String,
}

impl Endpoint {
    /// The public regional endpoint of a cloud (`aws`, `gcp`, `azure`) and region.
    pub fn public(cloud: &str, region: &str) -> Self {
        Endpoint {
            url: format!(
                "https://flink.{}.{}.confluent.cloud",
                region.trim(),
                cloud.trim()
            ),
        }
    }

    /// The private-networking regional endpoint of a cloud and region.
    pub fn private(cloud: &str, region: &str) -> Self {
        Endpoint {
            url: format!(
                "https://flink.{}.{}.private.confluent.cloud",
                region.trim(),
                cloud.trim()
            ),
        }
    }

    /// Any base URL, checked when the client is built.
    pub fn url(url: impl Into<String>) -> Self {
        Endpoint { url: url.into() }
    }

    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Parses and checks the URL: http(s), a host, no query or fragment, no user info,
    /// plain http only where allowed, and https only when a TLS feature is compiled in.
    /// Returns it without a trailing slash.
    pub(crate) fn resolve(&self, allow_insecure_http: bool) -> Result<String, Error> {
        self.resolve_with(allow_insecure_http, TLS)
    }

    /// [`resolve`](Self::resolve), with whether TLS is available given (for tests).
    fn resolve_with(&self, allow_insecure_http: bool, tls: bool) -> Result<String, Error> {
        let url = Url::parse(self.url.trim()).map_err(|e| {
            Error::config(format!(
                "the endpoint `{}` is not a valid URL: {e}",
                self.url
            ))
        })?;
        let host = url
            .host_str()
            .ok_or_else(|| Error::config(format!("the endpoint `{}` has no host", self.url)))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::config(
                "the endpoint must not contain user info; use .credentials(..)",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::config(format!(
                "the endpoint `{}` must not have a query or fragment",
                self.url
            )));
        }
        match url.scheme() {
            "https" if !tls => {
                // Without TLS, reqwest would fail each attempt as a connection error,
                // which the retry policy would then retry: refuse it here, once, clearly.
                return Err(Error::config(format!(
                    "the endpoint `{}` is https, but this build of confluent-flink-sql has \
                     no TLS: enable its `rustls` (default) or `native-tls` feature",
                    self.url
                )));
            }
            "https" => {}
            "http" if allow_insecure_http || is_loopback(host) => {}
            "http" => {
                return Err(Error::config(format!(
                    "refusing plain http to `{host}`: credentials would be sent in clear; \
                     use https, a loopback host, or .allow_insecure_http(true)"
                )))
            }
            other => {
                return Err(Error::config(format!(
                    "the endpoint scheme must be https or http, not `{other}`"
                )))
            }
        }
        Ok(url.as_str().trim_end_matches('/').to_string())
    }
}

/// Whether a TLS implementation is compiled in (feature `rustls` or `native-tls`).
const TLS: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Endpoint").field(&self.url).finish()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl From<&str> for Endpoint {
    fn from(url: &str) -> Self {
        Endpoint::url(url)
    }
}

impl From<String> for Endpoint {
    fn from(url: String) -> Self {
        Endpoint::url(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_is_refused_except_loopback_or_opt_in() {
        for ok in [
            "http://127.0.0.1:1",
            "http://localhost:8080",
            "http://[::1]:9/",
            "http://127.8.9.1",
        ] {
            assert!(Endpoint::url(ok).resolve(false).is_ok(), "{ok}");
        }
        let e = Endpoint::url("http://flink.example.com")
            .resolve(false)
            .unwrap_err();
        assert!(e.to_string().contains("refusing plain http"), "{e}");
        assert!(Endpoint::url("http://flink.example.com")
            .resolve(true)
            .is_ok());
        assert!(Endpoint::url("http://localhost.evil.com")
            .resolve(false)
            .is_err());
    }

    #[test]
    fn https_without_tls_is_a_config_error_naming_the_features() {
        let e = Endpoint::public("aws", "us-east-1")
            .resolve_with(false, false)
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Config);
        let text = e.to_string();
        assert!(text.contains("no TLS"), "{text}");
        assert!(
            text.contains("`rustls`") && text.contains("`native-tls`"),
            "{text}"
        );
        // Loopback http still works without TLS (tests, the fake server).
        assert!(Endpoint::url("http://127.0.0.1:9")
            .resolve_with(false, false)
            .is_ok());
        assert!(Endpoint::public("aws", "us-east-1")
            .resolve_with(false, true)
            .is_ok());
    }

    #[test]
    fn bad_urls_are_config_errors() {
        for bad in [
            "",
            "flink.example.com",
            "ftp://x",
            "https://u:p@x",
            "https://x/?a=1",
            "https://x/#f",
        ] {
            assert_eq!(
                Endpoint::url(bad).resolve(false).unwrap_err().kind(),
                crate::ErrorKind::Config,
                "{bad}"
            );
        }
        assert_eq!(
            Endpoint::url("https://x.y/base/").resolve(false).unwrap(),
            "https://x.y/base"
        );
    }
}
