//! [`Client`] and [`ClientBuilder`]: the one place the HTTP client is configured.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use crate::connections::Connections;
use crate::generated;
use crate::redact::Secrets;
use crate::transport::Transport;
use crate::{Credentials, Endpoint, Error, RetryPolicy};

/// The environment variables [`Client::from_env`] reads (the Terraform provider's names).
pub const ENV_VARS: [&str; 5] = [
    "FLINK_API_KEY",
    "FLINK_API_SECRET",
    "FLINK_REST_ENDPOINT",
    "CONFLUENT_ORGANIZATION_ID",
    "CONFLUENT_ENVIRONMENT_ID",
];

/// A client for one Confluent organization and environment. Cheap to clone; clones
/// share one connection pool.
///
/// # Redirects
///
/// Confluent may answer a request with a redirect (301, 302, 303, 307, 308) instead of
/// the resource. The client follows one whose `Location` is on the origin of the
/// request (same scheme, host and port), with the credentials, up to 10 hops: the
/// request is sent again with the same method and body (a redirected create is part of
/// the same attempt, not a retry). A redirect HTTP would follow with a `GET` in place
/// of a write (303 to a create, update or delete; 301 or 302 to a create) is not
/// followed: the call fails, and after a 303 to a create or update its
/// [`outcome_unknown`](Error::outcome_unknown) is true (the service handled it). A
/// redirect to another origin is never followed, so the credentials only go to the
/// endpoint's origin: the call fails with an [`Error`] of kind
/// [`Api`](crate::ErrorKind::Api) with the redirect's status, not
/// [retryable](Error::is_retryable), whose message names the `Location` (without user
/// name, password, query or fragment). A redirect loop or a longer chain fails the same
/// way.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    api: generated::Client,
    base_url: String,
    organization_id: Uuid,
    environment_id: String,
    credentials: Credentials,
    /// The forms of the credentials' secret, kept out of every error.
    secrets: Secrets,
}

impl Client {
    /// A builder.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use confluent_flink_sql::{Client, Credentials, Endpoint};
    ///
    /// # fn demo() -> Result<(), confluent_flink_sql::Error> {
    /// let client = Client::builder()
    /// .endpoint(Endpoint::public("aws", "us-east-1"))
    /// .credentials(Credentials::basic("FLINK_API_KEY", "FLINK_API_SECRET"))
    /// .organization_id("3fa85f64-5717-4562-b3fc-2c963f66afa6")
    /// .environment_id("env-123")
    /// .timeout(Duration::from_secs(20))
    /// .max_retries(5)
    /// .build()?;
    /// # Ok(()) }
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `FLINK_API_KEY`, `FLINK_API_SECRET`,
    /// `FLINK_REST_ENDPOINT`, `CONFLUENT_ORGANIZATION_ID` and
    /// `CONFLUENT_ENVIRONMENT_ID`. The error names every missing variable.
    pub fn from_env() -> Result<Client, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading the variables through `lookup`
    /// (for tests, or another source of settings).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use confluent_flink_sql::Client;
    ///
    /// let vars = HashMap::from([
    ///     ("FLINK_API_KEY", "key"),
    ///     ("FLINK_API_SECRET", "secret"),
    ///     ("FLINK_REST_ENDPOINT", "https://flink.us-east-1.aws.confluent.cloud"),
    ///     ("CONFLUENT_ORGANIZATION_ID", "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
    /// ]);
    /// let err = Client::from_lookup(|k| vars.get(k).map(|v| v.to_string())).unwrap_err();
    /// assert!(err.to_string().contains("CONFLUENT_ENVIRONMENT_ID"));
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        Self::builder().from_lookup(lookup)?.build()
    }

    /// The connections of this client's environment.
    pub fn connections(&self) -> Connections {
        Connections::new(self.clone())
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The organization id.
    pub fn organization_id(&self) -> &Uuid {
        &self.inner.organization_id
    }

    /// The environment id.
    pub fn environment_id(&self) -> &str {
        &self.inner.environment_id
    }

    /// Every operation of the spec, as generated, with this client's credentials,
    /// retries and tracing: see [`Operations`](crate::Operations).
    pub fn operations(&self) -> crate::Operations<'_> {
        crate::Operations::new(self)
    }

    pub(crate) fn parts(&self) -> (&generated::Client, &Uuid, &str) {
        (
            &self.inner.api,
            &self.inner.organization_id,
            &self.inner.environment_id,
        )
    }

    pub(crate) fn secrets(&self) -> &Secrets {
        &self.inner.secrets
    }

    pub(crate) fn transport(&self) -> &Transport {
        progenitor_client::ClientInfo::inner(&self.inner.api)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("organization_id", &self.inner.organization_id)
            .field("environment_id", &self.inner.environment_id)
            .field("credentials", &self.inner.credentials)
            .finish()
    }
}

/// Configures a [`Client`]. `build()` checks everything it can.
///
/// Redirects are not configurable: the client follows them on the endpoint's origin
/// only (see [`Client`'s redirects](Client#redirects)).
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientBuilder {
    endpoint: Option<Endpoint>,
    credentials: Option<Credentials>,
    organization_id: Option<String>,
    environment_id: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: String,
    allow_insecure_http: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            endpoint: None,
            credentials: None,
            organization_id: None,
            environment_id: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            total_timeout: Some(Duration::from_secs(300)),
            retry: RetryPolicy::default(),
            user_agent: concat!("confluent-flink-sql-rust/", env!("CARGO_PKG_VERSION")).to_string(),
            allow_insecure_http: false,
        }
    }
}

impl ClientBuilder {
    /// The Flink REST endpoint ([`Endpoint::public`], [`Endpoint::private`], or any URL).
    pub fn endpoint(mut self, endpoint: impl Into<Endpoint>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Any base URL, such as a local test server's `http://127.0.0.1:8080`.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.endpoint(Endpoint::url(url))
    }

    /// The credentials every request carries.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The organization id (a UUID).
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    /// The environment id (`env-...`).
    pub fn environment_id(mut self, id: impl Into<String>) -> Self {
        self.environment_id = Some(id.into());
        self
    }

    /// The time one request may take, answer included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time one operation may take with all its retries and waits (default
    /// 5 minutes); `None` for no limit.
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// Retries after a failed attempt (default 3); shorthand for the retry policy's
    /// [`max_retries`](RetryPolicy::max_retries).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry = self.retry.max_retries(n);
        self
    }

    /// The whole retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header (default `confluent-flink-sql-rust/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Allow plain `http://` to a non-loopback host, which sends the credentials in
    /// clear. Off by default.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Fills endpoint, credentials, organization and environment from the variables
    /// of [`Client::from_env`], read through `lookup`. The error names every missing
    /// variable.
    pub fn from_lookup(self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let values = ENV_VARS.map(|name| lookup(name).filter(|v| !v.trim().is_empty()));
        let [Some(key), Some(secret), Some(endpoint), Some(org), Some(env)] = values.clone() else {
            let missing: Vec<&str> = ENV_VARS
                .iter()
                .zip(&values)
                .filter(|(_, v)| v.is_none())
                .map(|(n, _)| *n)
                .collect();
            return Err(Error::config(format!(
                "missing environment variable(s): {}",
                missing.join(", ")
            )));
        };
        Ok(self
            .credentials(Credentials::basic(key.trim(), secret))
            .endpoint(Endpoint::url(endpoint.trim()))
            .organization_id(org.trim())
            .environment_id(env.trim()))
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let mut problems = Vec::new();
        if self.endpoint.is_none() {
            problems.push("no endpoint (use .endpoint(..) or .base_url(..))".to_string());
        }
        if self.credentials.is_none() {
            problems.push("no credentials (use .credentials(..))".to_string());
        }
        let organization_id = match self.organization_id.as_deref().map(str::trim) {
            None => {
                problems.push("no organization id (use .organization_id(..))".to_string());
                None
            }
            Some(id) => match Uuid::parse_str(id) {
                Ok(u) => Some(u),
                Err(_) => {
                    problems.push(format!("the organization id `{id}` is not a UUID"));
                    None
                }
            },
        };
        let environment_id = match self.environment_id.as_deref().map(str::trim) {
            None | Some("") => {
                problems.push("no environment id (use .environment_id(..))".to_string());
                None
            }
            Some(id @ ("." | "..")) => {
                problems.push(format!("`{id}` is not an environment id"));
                None
            }
            Some(id) => Some(id.to_string()),
        };
        if self.timeout.is_zero() {
            problems.push("the timeout must be more than zero".to_string());
        }
        let base_url = match &self.endpoint {
            Some(e) => match e.resolve(self.allow_insecure_http) {
                Ok(u) => Some(u),
                Err(err) => {
                    problems.push(err.to_string());
                    None
                }
            },
            None => None,
        };
        let headers = match &self.credentials {
            Some(c) => match c.headers() {
                Ok(h) => Some(h),
                Err(err) => {
                    problems.push(err.to_string());
                    None
                }
            },
            None => None,
        };
        let (
            Some(base_url),
            Some(mut headers),
            Some(credentials),
            Some(organization_id),
            Some(environment_id),
            true,
        ) = (
            base_url,
            headers,
            self.credentials,
            organization_id,
            environment_id,
            problems.is_empty(),
        )
        else {
            return Err(Error::config(format!(
                "invalid client configuration: {}",
                problems.join("; ")
            )));
        };
        // Every answer the crate reads is JSON: said once here, not by each request
        // (`build/requests.rs` drops the generated `Accept: application/json`).
        headers.insert(
            reqwest::header::ACCEPT,
            reqwest::header::HeaderValue::from_static(crate::request::JSON),
        );
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(self.user_agent)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // Confluent may redirect a resource (301, 302, 303, 307, 308). Redirects on
            // the request's origin are followed with the credentials (at most
            // `redirect::MAX_REDIRECTS` hops, no loops); one to another origin is not,
            // and becomes the operation's error: see `crate::redirect`.
            .redirect(crate::redirect::policy())
            .build()
            .map_err(|e| Error::config("the HTTP client could not be built").with_source(e))?;
        let transport = Transport {
            policy: self.retry,
            total_timeout: self.total_timeout,
            request_timeout: self.timeout,
            base: Default::default(),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                api: generated::Client::new_with_client(&base_url, http, transport),
                base_url,
                organization_id,
                environment_id,
                secrets: credentials.secrets(),
                credentials,
            }),
        })
    }
}
