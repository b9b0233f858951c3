//! Credentials and the `Authorization` header they become.

use std::fmt;

use base64::Engine;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};

use crate::redact::Secrets;

use crate::Error;

/// How the client authenticates.
///
/// Flink API keys and Cloud API keys are both HTTP Basic ([`Credentials::basic`]);
/// OAuth access tokens are bearer tokens ([`Credentials::bearer`]), optionally with
/// the identity pool they were issued for. Secrets are held in [`SecretString`]s
/// (zeroised on drop) and sent in a header marked sensitive, which keeps it out of
/// reqwest's and hyper's debug output. `Debug` shows the key id, never the secret.
///
/// ```
/// use confluent_flink_sql::Credentials;
///
/// let basic = Credentials::basic("FLINKKEY", "s3cr3t");
/// assert_eq!(format!("{basic:?}"), r#"Credentials::Basic { key: "FLINKKEY", secret: "[redacted]" }"#);
/// let oauth = Credentials::bearer("eyJhbGciOi...").identity_pool_id("pool-abc");
/// assert!(!format!("{oauth:?}").contains("eyJ"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    scheme: Scheme,
}

#[derive(Clone)]
enum Scheme {
    Basic {
        key: String,
        secret: SecretString,
    },
    Bearer {
        token: SecretString,
        identity_pool_id: Option<String>,
    },
}

/// The header Confluent reads the OAuth identity pool from.
const IDENTITY_POOL_HEADER: &str = "confluent-identity-pool-id";

impl Credentials {
    /// HTTP Basic with an API key and its secret: a Flink API key (resource-specific)
    /// or a Cloud API key (global).
    pub fn basic(key: impl Into<String>, secret: impl Into<String>) -> Self {
        Credentials {
            scheme: Scheme::Basic {
                key: key.into(),
                secret: SecretString::from(secret.into()),
            },
        }
    }

    /// A bearer token, such as an OAuth access token from Confluent's token service.
    pub fn bearer(token: impl Into<String>) -> Self {
        Credentials {
            scheme: Scheme::Bearer {
                token: SecretString::from(token.into()),
                identity_pool_id: None,
            },
        }
    }

    /// The identity pool the bearer token was issued for, sent as
    /// `Confluent-Identity-Pool-Id`. Ignored for basic credentials.
    pub fn identity_pool_id(mut self, id: impl Into<String>) -> Self {
        if let Scheme::Bearer {
            identity_pool_id, ..
        } = &mut self.scheme
        {
            *identity_pool_id = Some(id.into());
        }
        self
    }

    /// The API key id of basic credentials (not a secret).
    pub fn key_id(&self) -> Option<&str> {
        match &self.scheme {
            Scheme::Basic { key, .. } => Some(key),
            Scheme::Bearer { .. } => None,
        }
    }

    /// The headers every request carries, the secret ones marked sensitive.
    pub(crate) fn headers(&self) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        let mut value = match &self.scheme {
            Scheme::Basic { key, secret } => {
                if key.is_empty() || secret.expose_secret().is_empty() {
                    return Err(Error::config(
                        "the API key and its secret must not be empty",
                    ));
                }
                let text = Zeroizing::new(format!("Basic {}", basic_token(key, secret).as_str()));
                HeaderValue::from_str(&text)
            }
            Scheme::Bearer {
                token,
                identity_pool_id,
            } => {
                if let Some(pool) = identity_pool_id {
                    let v = HeaderValue::from_str(pool).map_err(|_| {
                        Error::config("the identity pool id is not a valid header value")
                    })?;
                    headers.insert(HeaderName::from_static(IDENTITY_POOL_HEADER), v);
                }
                if token.expose_secret().is_empty() {
                    return Err(Error::config("the bearer token must not be empty"));
                }
                let text = Zeroizing::new(format!("Bearer {}", token.expose_secret()));
                HeaderValue::from_str(&text)
            }
        }
        .map_err(|_| {
            Error::config("the credentials contain characters not allowed in an HTTP header")
        })?;
        value.set_sensitive(true);
        headers.insert(AUTHORIZATION, value);
        Ok(headers)
    }
}

impl Credentials {
    /// The secret and the `Authorization` value it becomes, to be kept out of errors.
    pub(crate) fn secrets(&self) -> Secrets {
        let mut secrets = Secrets::default();
        match &self.scheme {
            Scheme::Basic { key, secret } => {
                secrets.add(secret.expose_secret());
                secrets.add(&basic_token(key, secret));
            }
            Scheme::Bearer { token, .. } => secrets.add(token.expose_secret()),
        }
        secrets
    }
}

/// The token of HTTP Basic: `key:secret` in base64.
fn basic_token(key: &str, secret: &SecretString) -> Zeroizing<String> {
    let raw = Zeroizing::new(format!("{key}:{}", secret.expose_secret()));
    Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(raw.as_bytes()))
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.scheme {
            Scheme::Basic { key, .. } => f
                .debug_struct("Credentials::Basic")
                .field("key", key)
                .field("secret", &"[redacted]")
                .finish(),
            Scheme::Bearer {
                identity_pool_id, ..
            } => f
                .debug_struct("Credentials::Bearer")
                .field("token", &"[redacted]")
                .field("identity_pool_id", identity_pool_id)
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_is_base64_of_key_and_secret_and_sensitive() {
        let h = Credentials::basic("key", "secret").headers().unwrap();
        let v = h.get(AUTHORIZATION).unwrap();
        assert_eq!(v.to_str().unwrap(), "Basic a2V5OnNlY3JldA==");
        assert!(v.is_sensitive());
        assert!(!format!("{h:?}").contains("a2V5"));
    }

    #[test]
    fn bearer_header_and_identity_pool() {
        let h = Credentials::bearer("tok")
            .identity_pool_id("pool-1")
            .headers()
            .unwrap();
        assert_eq!(
            h.get(AUTHORIZATION).unwrap().to_str().unwrap(),
            "Bearer tok"
        );
        assert!(h.get(AUTHORIZATION).unwrap().is_sensitive());
        assert_eq!(h.get(IDENTITY_POOL_HEADER).unwrap(), "pool-1");
    }

    #[test]
    fn bad_credentials_are_config_errors_without_the_secret() {
        let e = Credentials::basic("key", "").headers().unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Config);
        let e = Credentials::bearer("to\nk-canary").headers().unwrap_err();
        assert!(!e.to_string().contains("canary"));
    }
}
