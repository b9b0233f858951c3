//! An in-memory fake of Confluent Cloud's Flink SQL service (`sql/v1`), for tests (feature
//! `fake`).
//!
//! [`FakeServer`] serves every operation of `openapi/sql-v1.yaml` over HTTP/1.1 on
//! `127.0.0.1`, with the status codes, headers and bodies the spec declares and the
//! behaviour the real service shows where the spec is silent. It shares no code with this
//! crate's client (only the generated table of the spec's operations, for routing), so that
//! a misreading of the spec on one side cannot hide the same misreading on the other.
//!
//! Connections, whose secrets need care, have handlers of their own (described below).
//! Every other resource (statements, materialized tables and their versions, agents, tools,
//! and whatever a later version of the spec adds) is served from one store of JSON
//! documents driven by the spec; see [Other resources](#other-resources).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use confluent_flink_sql::fake::{Fault, FakeServer, Operation};
//!
//! let server = FakeServer::start().await?;
//! server.seed(25);
//! server.inject_for(Operation::Create, Fault::rate_limited(1), 2);
//! println!("{} {}", server.base_url(), server.organization_id());
//! // ... point a client at server.base_url() with server.api_key() / server.api_secret() ...
//! assert_eq!(server.stats().creates_committed, 0);
//! # Ok(()) }
//! ```
//!
//! # Behaviour
//!
//! Every response carries `X-Request-Id`. Requests are checked in this order:
//!
//! 1. Routing: an unknown path answers 404, an undeclared method 405 with `Allow` (both with
//!    a `Failure` body).
//! 2. Injected [`Fault`]s (see there).
//! 3. HTTP Basic authentication: 401 with `WWW-Authenticate` and a `Failure` body.
//! 4. The organization and environment: an `organization_id` that is not a UUID answers 400
//!    with `source.parameter = "organization_id"`; an organization or environment the fake
//!    does not serve answers **403** (the one status every operation declares for access
//!    problems; 404 is not declared for create). An open server (see
//!    [`FakeServerBuilder::open`]) serves every organization and environment, each with its
//!    own connections.
//! 5. The operation:
//!    - list: `page_size` (default 10, `1..=100`, else 400 with `source.parameter`),
//!      `page_token` (at most 255 characters and issued by this server for the same
//!      organization, environment and `spec.connection_type`, else 400), `spec.connection_type`
//!      (exact match). Items are sorted by name; `metadata.total_size` counts all matches;
//!      `metadata.next` is an absolute URL whose `page_token` is opaque (a sealed cursor);
//!      on the last page `next` is as [`LastPageNext`] says.
//!    - create: 201 with `Location` and the created connection (`status.phase = ACTIVE`); 409
//!      (with `Location`) for an existing name; 400 for a body that is not a JSON object
//!      (`source.pointer = ""`); 422 for anything else wrong, one error per problem with its
//!      `source.pointer` (name against the spec's pattern *anchored* and `maxLength` 100,
//!      missing members, unknown `connection_type`, `endpoint` empty or over 16384
//!      characters, `auth_data.kind` other than `PlaintextProvider`, `auth_data.data` not the
//!      plain JSON text of a map of non-empty strings or with the wrong keys for the
//!      connection type).
//!    - get: 200 with the connection, or 404.
//!    - update (PUT): 200 with no body. The body needs `name` (equal to the path's),
//!      `metadata.resource_version` (the current one), and `spec.auth_data`; `spec.connection_type`
//!      and `spec.endpoint` may be sent but must not change. As the spec declares neither 409
//!      nor 422 for PUT, a stale or missing `resource_version` and a change of an immutable
//!      member answer **400** with the member's `source.pointer`
//!      (`/metadata/resource_version`, `/spec/endpoint`, ...). 404 if the connection does not
//!      exist. Every update gives a new `resource_version`.
//!    - delete: 200 with no body, or 404.
//!
//! Responses never contain the secret: `spec.auth_data` is sent as `{"kind":"PlaintextProvider"}`
//! by create and get (whose schemas require `auth_data`) and left out of list items (whose
//! schema does not). [`FakeServer::stored_secret`] shows tests what was stored.
//!
//! # Other resources
//!
//! Steps 1 to 4 above apply to every operation (faults can be aimed at one with
//! [`FakeServer::inject_for_operation`]). Then what an operation does follows from its
//! method and path in the spec:
//!
//! - Parameters are checked against their schemas (`version` an integer from 1, ...): 400
//!   with `source.parameter`.
//! - `GET` of a collection lists its items, sorted by their path (names that are numbers as
//!   numbers), with `page_size` and `page_token` as for connections, `metadata.next` and
//!   `total_size`; a query parameter that names a member (`spec.compute_pool_id`) keeps the
//!   items whose member is equal, `label_selector` (`key=value,...`) those with every label.
//!   A collection below the environment (`/materialized-tables`, `/agents`) lists the items
//!   of every database.
//! - `POST` creates: the body is checked against the request schema (a read-only member is
//!   not required; patterns anchored, as for connections): 422 (400 where the operation
//!   declares no 422) with one error per problem and its `source.pointer`; a member of
//!   `spec` named like a path parameter (`kafka_cluster_id`) must equal it and is filled in
//!   from the path when left out; 409 with `Location` for an existing name. The answer (with
//!   the status the spec declares: 201 or 200) and `Location` carry the item with its
//!   read-only members filled in: `api_version`, `kind`, `organization_id`,
//!   `environment_id`, `metadata` (`self`, `uid`, `created_at`, `updated_at`,
//!   `resource_version`, `resource_name`, `labels` as sent), `status.phase` (the first the
//!   spec lists), and what the answers' schemas require that was not sent.
//! - `GET` of an item reads it, or 404.
//! - `PUT` updates: the body is checked as for create; `name` must be the path's; a
//!   `metadata.resource_version` that is not the current one answers 409 (400 where not
//!   declared); a change of a member marked `x-immutable` (`spec.statement`,
//!   `spec.kafka_cluster_id`) is refused; the members of `spec` sent replace the stored
//!   ones. Answered with the spec's status (202 without a body for statements).
//! - `PATCH` (`application/json-patch+json`) applies the JSON Patch operations (RFC 6902;
//!   `op` in upper or lower case; `replace` of a member not yet there adds it) to
//!   `/spec` and `/metadata/labels` only (not to read-only or immutable members): 422 with
//!   the operation's `source.pointer` (`/0/path`) otherwise, 409 for a failed `test`; the
//!   patched `spec` is checked against its schema. 200 with the item.
//! - `DELETE` removes the item and what is below it (a table's versions): the spec's status
//!   (202 or 200), or 404. A path through an item that does not exist (the results of a
//!   missing statement) answers 404.
//! - Every write gives a new `metadata.resource_version`.
//!
//! The rules of single resources: statements (and materialized tables) start `PENDING` and
//! move on at their next read, to `COMPLETED` for statements that end by themselves (DDL
//! and metadata statements) and to `RUNNING` for the others; `spec.stopped: true` stops them
//! (`STOPPED`), `false` resumes them. A statement's `results` are an empty page without a
//! next page (the fake does not execute statements yet), its `exceptions` an empty list.
//! Each write of a materialized table adds a version (`versions/1`, `versions/2`, ...,
//! named `{table}-v{n}`, with the table's query as `spec.statement`), and
//! `status.latest_version` counts them. [`FakeServer::resource`] shows tests what is
//! stored.

mod faults;
mod handlers;
mod http;
mod reply;
mod resources;
mod route;
mod rules;
mod secret_rules;
mod shared;
mod spec;
mod sql;
mod store;
mod token;
mod validate;
mod wire;

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use faults::{Fault, Operation};
pub use sql::StatementScript;

use shared::{Config, Shared};
use store::{NewStored, SecretText};

/// What `metadata.next` looks like on the last page of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LastPageNext {
    /// `"next": ""` (the default).
    #[default]
    Empty,
    /// `"next": null`.
    Null,
    /// No `next` member.
    Omitted,
}

/// A snapshot of a fake server's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Requests routed to list (counted before faults and authentication).
    pub list_requests: u64,
    /// Requests routed to create.
    pub create_requests: u64,
    /// Requests routed to get.
    pub get_requests: u64,
    /// Requests routed to update.
    pub update_requests: u64,
    /// Requests routed to delete.
    pub delete_requests: u64,
    /// Requests for unknown paths or undeclared methods.
    pub unrouted_requests: u64,
    /// Connections created through the API (not [`FakeServer::seed`] or [`FakeServer::insert`]).
    pub creates_committed: u64,
    /// Updates applied through the API.
    pub updates_committed: u64,
    /// Deletes applied through the API.
    pub deletes_committed: u64,
    /// TCP connections accepted.
    pub tcp_connections: u64,
    /// Requests that met an injected [`Fault`].
    pub faults_injected: u64,
}

impl Stats {
    /// Requests routed to `operation`.
    pub fn requests(&self, operation: Operation) -> u64 {
        match operation {
            Operation::List => self.list_requests,
            Operation::Create => self.create_requests,
            Operation::Get => self.get_requests,
            Operation::Update => self.update_requests,
            Operation::Delete => self.delete_requests,
        }
    }

    /// Requests routed to any of the five Connections operations (see
    /// [`FakeServer::requests_for`] for the others).
    pub fn total_requests(&self) -> u64 {
        Operation::ALL.iter().map(|op| self.requests(*op)).sum()
    }
}

/// A connection to put into the fake directly, bypassing the API's checks (so that tests can
/// hold connection types and phases the service may send one day).
#[derive(Clone)]
pub struct SeedConnection {
    name: String,
    connection_type: String,
    endpoint: String,
    secret: String,
    phase: String,
    detail: String,
}

impl SeedConnection {
    /// A connection with the given name, type and endpoint, secret `{"API_KEY":"seed-secret"}`
    /// and phase `ACTIVE`.
    pub fn new(
        name: impl Into<String>,
        connection_type: impl Into<String>,
        endpoint: impl Into<String>,
    ) -> Self {
        SeedConnection {
            name: name.into(),
            connection_type: connection_type.into(),
            endpoint: endpoint.into(),
            secret: r#"{"API_KEY":"seed-secret"}"#.into(),
            phase: "ACTIVE".into(),
            detail: String::new(),
        }
    }

    /// The stored `auth_data.data` text.
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = secret.into();
        self
    }

    /// `status.phase` and `status.detail`.
    pub fn status(mut self, phase: impl Into<String>, detail: impl Into<String>) -> Self {
        self.phase = phase.into();
        self.detail = detail.into();
        self
    }

    fn into_new(self) -> NewStored {
        NewStored {
            name: self.name,
            connection_type: self.connection_type,
            endpoint: self.endpoint,
            auth_kind: validate::PLAINTEXT_PROVIDER.to_owned(),
            secret: SecretText(self.secret),
            phase: self.phase,
            detail: self.detail,
        }
    }
}

impl fmt::Debug for SeedConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeedConnection")
            .field("name", &self.name)
            .field("connection_type", &self.connection_type)
            .field("endpoint", &self.endpoint)
            .field("secret", &"<redacted>")
            .field("phase", &self.phase)
            .field("detail", &self.detail)
            .finish()
    }
}

/// Settings for a [`FakeServer`]; start it with [`FakeServerBuilder::start`].
#[derive(Clone)]
pub struct FakeServerBuilder {
    port: u16,
    organization_id: Option<String>,
    environment_id: Option<String>,
    credentials: Option<(String, String)>,
    open: bool,
    default_page_size: usize,
    advertised_base_url: Option<String>,
    last_page_next: LastPageNext,
    check_secret_keys: bool,
}

impl fmt::Debug for FakeServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeServerBuilder")
            .field("port", &self.port)
            .field("organization_id", &self.organization_id)
            .field("environment_id", &self.environment_id)
            .field(
                "api_key",
                &self.credentials.as_ref().map(|(key, _)| key.as_str()),
            )
            .field("open", &self.open)
            .field("default_page_size", &self.default_page_size)
            .field("advertised_base_url", &self.advertised_base_url)
            .field("last_page_next", &self.last_page_next)
            .field("check_secret_keys", &self.check_secret_keys)
            .finish_non_exhaustive()
    }
}

impl Default for FakeServerBuilder {
    fn default() -> Self {
        FakeServerBuilder {
            port: 0,
            organization_id: None,
            environment_id: None,
            credentials: None,
            open: false,
            default_page_size: 10,
            advertised_base_url: None,
            last_page_next: LastPageNext::default(),
            check_secret_keys: true,
        }
    }
}

fn invalid_input(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

impl FakeServerBuilder {
    /// The port to listen on, on 127.0.0.1 (default 0: chosen by the OS).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The organization the fake serves (a UUID; default: a random one).
    pub fn organization_id(mut self, organization_id: impl Into<String>) -> Self {
        self.organization_id = Some(organization_id.into());
        self
    }

    /// The environment the fake serves (default: `env-` and random characters).
    pub fn environment_id(mut self, environment_id: impl Into<String>) -> Self {
        self.environment_id = Some(environment_id.into());
        self
    }

    /// The API key and secret it accepts (default: random ones).
    pub fn credentials(
        mut self,
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
    ) -> Self {
        self.credentials = Some((api_key.into(), api_secret.into()));
        self
    }

    /// Serve every organization (any UUID) and environment, each with its own connections,
    /// instead of answering 403 for the ones not configured. For fuzzers.
    pub fn open(mut self, open: bool) -> Self {
        self.open = open;
        self
    }

    /// The page size when a list request has no `page_size` (default 10, must be `1..=100`).
    pub fn default_page_size(mut self, page_size: usize) -> Self {
        self.default_page_size = page_size;
        self
    }

    /// The base URL written into `self`, `next` and `Location` (default: the server's own
    /// `http://127.0.0.1:port`). A different host lets tests check that a client takes the
    /// page token from `next` rather than following its host.
    pub fn advertised_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.advertised_base_url = Some(base_url.into());
        self
    }

    /// What `metadata.next` is on the last page (default [`LastPageNext::Empty`]).
    pub fn last_page_next(mut self, last_page_next: LastPageNext) -> Self {
        self.last_page_next = last_page_next;
        self
    }

    /// Whether `auth_data.data` must carry exactly the keys the connection type accepts
    /// (default `true`); when `false`, any non-empty JSON object of strings is accepted.
    pub fn check_secret_keys(mut self, check: bool) -> Self {
        self.check_secret_keys = check;
        self
    }

    /// Binds 127.0.0.1 and starts serving on the current Tokio runtime.
    ///
    /// Fails with [`io::ErrorKind::InvalidInput`] for an organization id that is not a UUID,
    /// an empty environment id or API key, an API key containing `:`, a page size outside
    /// `1..=100`, or an advertised base URL that is not `http(s)://...`; and with the
    /// binding error if the port cannot be bound.
    pub async fn start(self) -> io::Result<FakeServer> {
        let random = || uuid::Uuid::new_v4().simple().to_string();
        let organization_id = self
            .organization_id
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
            .to_ascii_lowercase();
        if !handlers::is_uuid(&organization_id) {
            return Err(invalid_input(format!(
                "organization id {organization_id:?} is not a UUID"
            )));
        }
        let environment_id = self
            .environment_id
            .unwrap_or_else(|| format!("env-{}", &random()[..6]));
        if environment_id.is_empty() || environment_id.contains('/') {
            return Err(invalid_input(
                "the environment id must be non-empty and contain no '/'".into(),
            ));
        }
        let (api_key, api_secret) = self.credentials.unwrap_or_else(|| {
            (
                random()[..16].to_ascii_uppercase(),
                format!("{}{}", random(), random()),
            )
        });
        if api_key.is_empty() || api_key.contains(':') {
            return Err(invalid_input(
                "the API key must be non-empty and contain no ':'".into(),
            ));
        }
        if !(1..=100).contains(&self.default_page_size) {
            return Err(invalid_input(format!(
                "default page size {} is not in 1..=100",
                self.default_page_size
            )));
        }
        if let Some(url) = &self.advertised_base_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(invalid_input(format!(
                    "advertised base URL {url:?} must start with http:// or https://"
                )));
            }
        }

        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let local_addr = listener.local_addr()?;
        let base_url = format!("http://{local_addr}");
        let advertised_base_url = self
            .advertised_base_url
            .unwrap_or_else(|| base_url.clone())
            .trim_end_matches('/')
            .to_owned();
        let shared = Arc::new(Shared::new(Config {
            organization_id,
            environment_id,
            api_key,
            api_secret,
            open: self.open,
            default_page_size: self.default_page_size,
            advertised_base_url,
            last_page_next: self.last_page_next,
            check_secret_keys: self.check_secret_keys,
        }));
        let task = tokio::spawn(http::serve(listener, Arc::clone(&shared)));
        Ok(FakeServer {
            shared,
            local_addr,
            base_url,
            task: Some(task),
        })
    }
}

/// A running fake Flink SQL service on 127.0.0.1. It stops when dropped (or on
/// [`FakeServer::shutdown`]).
pub struct FakeServer {
    shared: Arc<Shared>,
    local_addr: SocketAddr,
    base_url: String,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeServer")
            .field("base_url", &self.base_url)
            .field("organization_id", &self.organization_id())
            .field("environment_id", &self.environment_id())
            .field("api_key", &self.api_key())
            .field("api_secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl FakeServer {
    /// Settings to start a server with.
    pub fn builder() -> FakeServerBuilder {
        FakeServerBuilder::default()
    }

    /// Starts a server with random organization, environment and credentials on a port the
    /// OS chooses. Must be called within a Tokio runtime.
    pub async fn start() -> io::Result<FakeServer> {
        FakeServerBuilder::default().start().await
    }

    /// `http://127.0.0.1:port`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The organization it serves (a lower-case UUID).
    pub fn organization_id(&self) -> &str {
        &self.shared.config.organization_id
    }

    /// The environment it serves.
    pub fn environment_id(&self) -> &str {
        &self.shared.config.environment_id
    }

    /// The API key it accepts (HTTP Basic user name).
    pub fn api_key(&self) -> &str {
        &self.shared.config.api_key
    }

    /// The API secret it accepts (HTTP Basic password).
    pub fn api_secret(&self) -> &str {
        &self.shared.config.api_secret
    }

    /// A [`ClientBuilder`](crate::ClientBuilder) pointed at this server, with its
    /// credentials, organization and environment: add settings, then `build()`.
    ///
    /// ```
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use confluent_flink_sql::fake::FakeServer;
    ///
    /// let server = FakeServer::start().await?;
    /// let client = server.client_builder().max_retries(0).build()?;
    /// assert!(client.connections().list().first_page().await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn client_builder(&self) -> crate::ClientBuilder {
        crate::Client::builder()
            .base_url(self.base_url())
            .credentials(crate::Credentials::basic(self.api_key(), self.api_secret()))
            .organization_id(self.organization_id())
            .environment_id(self.environment_id())
    }

    /// The connections collection URL of its organization and environment.
    pub fn connections_url(&self) -> String {
        format!("{}/connections", self.environment_url())
    }

    /// The URL of its organization and environment, which every path of the spec starts
    /// with (`{base_url}/sql/v1/organizations/{organization_id}/environments/{environment_id}`):
    /// append a collection (`/statements`, `/databases/{id}/tools`, ...).
    pub fn environment_url(&self) -> String {
        format!(
            "{}{}",
            self.base_url,
            route::environment_path(self.organization_id(), self.environment_id())
        )
    }

    /// Answers the next `times` requests (of any operation) with `fault`.
    pub fn inject(&self, fault: Fault, times: usize) {
        self.shared.faults().push(fault, None, times);
    }

    /// Answers the next `times` requests of `operation` with `fault`.
    pub fn inject_for(&self, operation: Operation, fault: Fault, times: usize) {
        self.shared
            .faults()
            .push(fault, Some(operation.operation_id().to_owned()), times);
    }

    /// Answers the next `times` requests of the operation with the spec's `operationId`
    /// `operation_id` (any operation of the spec: `createSqlv1Statement`,
    /// `listSqlv1MaterializedTables`, ...) with `fault`.
    pub fn inject_for_operation(&self, operation_id: &str, fault: Fault, times: usize) {
        self.shared
            .faults()
            .push(fault, Some(operation_id.to_owned()), times);
    }

    /// Requests routed so far to the operation with the spec's `operationId` `operation_id`
    /// (counted before faults and authentication).
    pub fn requests_for(&self, operation_id: &str) -> u64 {
        self.shared.counters.requests(operation_id)
    }

    /// The stored document of a resource other than a connection, by its path below the
    /// environment (`statements/my-statement`, `databases/lkc-1/materialized-tables/orders`,
    /// `databases/lkc-1/materialized-tables/orders/versions/1`), as a read would answer it
    /// but without counting as one (a pending statement stays pending).
    pub fn resource(&self, path: &str) -> Option<serde_json::Value> {
        let home = self.shared.config.home();
        self.shared.store().documents.find(&home, path)
    }

    /// Tells the fake what a statement of this SQL returns (matched when a statement is
    /// created, spaces and a final `;` aside; the latest script of a text wins).
    /// Without a script, the fake runs `VALUES` and `SELECT` of literals, `SHOW
    /// TABLES`, `SHOW CONNECTIONS` and DDL itself, and fails any other statement as the
    /// service fails one (`FAILED`, a `status.detail`, an exception).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use confluent_flink_sql::fake::{FakeServer, StatementScript};
    /// use serde_json::json;
    ///
    /// let fake = FakeServer::builder().start().await?;
    /// fake.script_statement(
    ///     "SELECT id, name FROM customers",
    ///     StatementScript::new(&[("id", "BIGINT"), ("name", "VARCHAR")])
    ///         .row(json!(["1", "Ada"]))
    ///         .row(json!(["2", "Grace"])),
    /// );
    /// # Ok(()) }
    /// ```
    pub fn script_statement(&self, sql: &str, script: StatementScript) {
        self.shared
            .store()
            .scripts
            .push((sql::normalized(sql), script));
    }

    /// How many faulted requests are still to come.
    pub fn pending_faults(&self) -> usize {
        self.shared.faults().pending()
    }

    /// Forgets every pending fault.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.shared.counters.snapshot()
    }

    /// Adds `count` connections to its environment, named `seed-000000`, `seed-000001`, ...
    /// (each call continues where the previous one stopped; six digits, more past a million;
    /// a name already taken is skipped), cycling through the 19 connection types the
    /// service knows, in the order of today's spec (`AZUREML`, `AZUREOPENAI`, `A2A`, ...;
    /// the type of `seed-N` is the `N % 19`-th), each with a valid secret for its type and
    /// phase `ACTIVE`. The same whichever version of the spec the crate was built from.
    pub fn seed(&self, count: usize) {
        let home = self.shared.config.home();
        let mut store = self.shared.store();
        let mut added = 0;
        while added < count {
            let index = self.shared.next_seed.fetch_add(1, Ordering::Relaxed);
            let types = &secret_rules::CONNECTION_TYPES;
            let connection_type = types[index % types.len()];
            let new = NewStored {
                name: format!("seed-{index:06}"),
                connection_type: connection_type.to_owned(),
                endpoint: format!("https://seed.example/{index}"),
                auth_kind: validate::PLAINTEXT_PROVIDER.to_owned(),
                secret: SecretText(secret_rules::sample_secret(connection_type, "seed-secret")),
                phase: "ACTIVE".into(),
                detail: String::new(),
            };
            if store.create(&home, new).is_ok() {
                added += 1;
            }
        }
    }

    /// Adds one connection to its environment as given; `false` if the name is taken.
    pub fn insert(&self, connection: SeedConnection) -> bool {
        let home = self.shared.config.home();
        self.shared
            .store()
            .create(&home, connection.into_new())
            .is_ok()
    }

    /// The number of connections in its environment.
    pub fn connection_count(&self) -> usize {
        self.shared.store().len(&self.shared.config.home())
    }

    /// The names of the connections in its environment, sorted.
    pub fn connection_names(&self) -> Vec<String> {
        self.shared.store().names(&self.shared.config.home())
    }

    /// The `auth_data.data` text stored for `name` (which responses never show).
    pub fn stored_secret(&self, name: &str) -> Option<String> {
        let home = self.shared.config.home();
        let store = self.shared.store();
        store.get(&home, name).map(|stored| stored.secret.0.clone())
    }

    /// The current `metadata.resource_version` of `name`.
    pub fn resource_version(&self, name: &str) -> Option<String> {
        let home = self.shared.config.home();
        let store = self.shared.store();
        store
            .get(&home, name)
            .map(|stored| stored.resource_version.clone())
    }

    /// Sets `status.phase` and `status.detail` of `name` (as the service does when it probes
    /// the endpoint); `false` if there is no such connection.
    pub fn set_status(&self, name: &str, phase: &str, detail: &str) -> bool {
        let home = self.shared.config.home();
        let mut store = self.shared.store();
        match store.get_mut(&home, name) {
            Some(stored) => {
                stored.phase = phase.to_owned();
                stored.detail = detail.to_owned();
                true
            }
            None => false,
        }
    }

    /// Stops accepting and closes every connection.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
