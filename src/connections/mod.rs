//! The Connections resource: list, create, get, update (rotate the secret), delete.
//!
//! [`Client::connections`](crate::Client::connections) gives a [`Connections`] handle
//! for the client's organization and environment; its methods are the five
//! operations of the API. Every one returns [`Error`] on failure and is
//! retried by the client's [`RetryPolicy`](crate::RetryPolicy) where that is safe.
//!
//! # Listing and pagination
//!
//! The service returns connections a page at a time (10 by default, at most
//! [`MAX_PAGE_SIZE`]). [`Connections::list`] gives a [`ListRequest`]: set the page
//! size, a [`ConnectionType`] filter or a limit, then read it as a stream of
//! [`Page`]s ([`ListRequest::pages`]), as a stream of [`Connection`]s
//! ([`ListRequest::items`]), or one page at a time ([`ListRequest::first_page`]).
//! Nothing is requested until the stream is polled. A page's
//! [`next_page_token`](Page::next_page_token) resumes the list later with
//! [`ListRequest::page_token`].
//!
//! # Secrets
//!
//! A connection authenticates to its endpoint with a secret, an [`AuthData`]: one
//! constructor per secret group (API key, AWS keys, service key, user name and
//! password, bearer token, OAuth2 client credentials, plus MCP transport options).
//! Which groups a [`ConnectionType`] takes is checked before a create or update is
//! sent. Secrets are never shown by `Debug`, written by serde, or traced. (The
//! credentials the *client* authenticates with are [`Credentials`](crate::Credentials).)
//!
//! # Updates
//!
//! An update replaces a connection's secret; its type and endpoint stay as they are.
//! [`Connections::update`] reads the connection and writes the new secret;
//! [`Connections::update_if_unchanged`] writes only if the connection is still at the
//! `resource_version` of the copy you hold, so a concurrent change is refused instead
//! of overwritten.
//!
//! ```no_run
//! # async fn demo() -> Result<(), confluent_flink_sql::Error> {
//! use confluent_flink_sql::Client;
//! use confluent_flink_sql::connections::{AuthData, ConnectionType, NewConnection};
//!
//! let client = Client::from_env()?;
//! let conns = client.connections();
//! let created = conns
//!     .create(NewConnection::new(
//!         "my-openai",
//!         ConnectionType::OpenAi,
//!         "https://api.openai.com/v1/chat/completions",
//!         AuthData::api_key("sk-..."),
//!     ))
//!     .await?;
//! // Rotate the secret, failing if someone changed the connection meanwhile.
//! conns.update_if_unchanged(&created, AuthData::api_key("sk-new")).await?;
//! conns.delete("my-openai").await?;
//! # Ok(()) }
//! ```

mod auth_data;
mod body;
pub(crate) mod field;
mod list;
mod model;
mod new;
pub(crate) mod wire;

pub use crate::list::Page;
pub use auth_data::{AuthData, McpTransport, SecretGroup};
pub use list::{ListRequest, MAX_PAGE_SIZE};
#[allow(deprecated)]
pub use model::Phase;
pub use model::{
    Connection, ConnectionMetadata, ConnectionPhase, ConnectionSpec, ConnectionStatus,
    ConnectionType,
};
pub use new::{NewConnection, MAX_ENDPOINT_LEN, MAX_NAME_LEN};

#[cfg(any(test, fuzzing))]
pub(crate) use new::validate_name as validate_name_for_tests;

use crate::client::Client;
use crate::resource::{self, shorten};
// The operations, as the spec names them (method and path come from the spec).
use crate::generated::operation::{
    CREATE_SQLV1_CONNECTION as CREATE, DELETE_SQLV1_CONNECTION as DELETE,
    GET_SQLV1_CONNECTION as GET, UPDATE_SQLV1_CONNECTION as UPDATE,
};
use crate::Error;

/// The connections of the client's environment. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Connections {
    client: Client,
}

impl Connections {
    pub(crate) fn new(client: Client) -> Self {
        Connections { client }
    }

    /// Lists the connections: see [`ListRequest`].
    pub fn list(&self) -> ListRequest {
        ListRequest::new(crate::resources::ConnectionsList {
            client: self.client.clone(),
        })
    }

    /// Reads one connection.
    pub async fn get(&self, name: &str) -> Result<Connection, Error> {
        let what = || format!("get connection `{}`", shorten(name));
        require_name(name)?;
        let (api, org, env) = self.client.parts();
        let attempt = || api.get_sqlv1_connection(org, env, name);
        let answer = resource::answer(&self.client, GET, &what, None, attempt).await;
        answer.map(|c: Connection| c.answered(name))
    }

    /// Creates a connection, after checking it ([`NewConnection::validate`]): an
    /// invalid one sends no request. Any 2xx answer with the connection is the created
    /// one (the spec says 201; the CLI's test server answers 200).
    pub async fn create(&self, connection: NewConnection) -> Result<Connection, Error> {
        let what = || format!("create connection `{}`", shorten(connection.name()));
        connection.validate()?;
        let body = body::create(&connection)?;
        let (api, org, env) = self.client.parts();
        let attempt = || api.create_sqlv1_connection(org, env, &body);
        let sent = Some(connection.auth_data().secrets());
        let answer = resource::answer(&self.client, CREATE, &what, sent, attempt).await;
        answer.map(|c: Connection| c.answered(connection.name()))
    }

    /// Replaces the secret of connection `name`. Reads the connection first for what
    /// the PUT must carry (type, endpoint, `resource_version`, and every property the
    /// crate does not know, sent back as read); a change made by someone else between
    /// the two requests is detected by the service. An answer that names another
    /// connection is refused, and nothing is sent.
    pub async fn update(&self, name: &str, auth_data: AuthData) -> Result<(), Error> {
        let current = self.get(name).await?;
        if current.name() != name {
            // The PUT goes to the connection asked for, with what was read of it: an
            // answer about another connection cannot be that.
            return Err(Error::decode(format!(
                "update connection `{}`: the service answered connection `{}` instead; nothing was sent",
                shorten(name),
                shorten(current.name())
            )));
        }
        self.update_if_unchanged(&current, auth_data).await
    }

    /// Replaces the secret of a connection the caller already holds, only if it is
    /// still at the held `resource_version`: a concurrent change makes the service
    /// refuse the update instead of silently overwriting it.
    pub async fn update_if_unchanged(
        &self,
        current: &Connection,
        auth_data: AuthData,
    ) -> Result<(), Error> {
        let name = current.name();
        let what = || format!("update connection `{}`", shorten(name));
        require_name(name)?;
        auth_data
            .validate_for(current.connection_type())
            .map_err(|e| e.prefix(&what()))?;
        let body = body::update(current, &auth_data).map_err(|e| e.prefix(&what()))?;
        let (api, org, env) = self.client.parts();
        let attempt = || api.update_sqlv1_connection(org, env, name, &body);
        let sent = Some(auth_data.secrets());
        resource::done(&self.client, UPDATE, &what, sent, attempt).await
    }

    /// Deletes a connection. Any 2xx answer is success, and so is a 404 that answers
    /// a retry after an attempt whose answer was lost (that attempt deleted it).
    pub async fn delete(&self, name: &str) -> Result<(), Error> {
        let what = || format!("delete connection `{}`", shorten(name));
        require_name(name)?;
        let (api, org, env) = self.client.parts();
        let attempt = || api.delete_sqlv1_connection(org, env, name);
        resource::delete(&self.client, DELETE, &what, attempt).await
    }
}

/// Get and delete take any name the service may have, except those that would
/// address another resource (`resource::require_name`).
fn require_name(name: &str) -> Result<(), Error> {
    resource::require_name("connection", name)
}
