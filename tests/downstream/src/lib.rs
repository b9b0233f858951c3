//! Admin tasks over the Flink SQL connections of one Confluent Cloud environment,
//! written only against the public API of [`confluent_flink_sql`]:
//!
//! - [`ensure_connection`]: create a connection unless it already exists (idempotent,
//!   safe to run from several deploy jobs at once);
//! - [`rotate_secrets`]: give every connection of one type a new secret;
//! - [`inventory`]: count the connections per type and find the ones that are not
//!   usable, page by page;
//! - [`remove_connection`]: delete a connection if it is there.
//!
//! ```no_run
//! use confluent_flink_sql::connections::{AuthData, ConnectionType, NewConnection};
//! use confluent_flink_sql::Client;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?;
//! let conns = client.connections();
//! connection_admin::ensure_connection(
//!     &conns,
//!     NewConnection::new(
//!         "chat-openai",
//!         ConnectionType::OpenAi,
//!         "https://api.openai.com/v1/chat/completions",
//!         AuthData::api_key("sk-..."),
//!     ),
//! )
//! .await?;
//! let rotation = connection_admin::rotate_secrets(&conns, ConnectionType::OpenAi, |_| {
//!     Some(AuthData::api_key("sk-new"))
//! })
//! .await?;
//! println!("rotated {:?}, failed {}", rotation.rotated, rotation.failed.len());
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::fmt;

use confluent_flink_sql::connections::{
    AuthData, Connection, ConnectionPhase, ConnectionType, Connections, NewConnection,
    MAX_PAGE_SIZE,
};
use confluent_flink_sql::Error;
use futures::TryStreamExt;

/// What [`ensure_connection`] found or did.
#[derive(Debug, Clone)]
pub enum Ensured {
    /// There was no connection of that name: this call created it.
    Created(Connection),
    /// A connection of that name, type and endpoint exists and was left alone (its
    /// secret is not compared: the service never returns it). Also the answer when
    /// the create's outcome was unknown (the connection broke) and the read-back
    /// found it.
    Existing(Connection),
}

impl Ensured {
    /// The connection, created or found.
    pub fn connection(&self) -> &Connection {
        match self {
            Ensured::Created(c) | Ensured::Existing(c) => c,
        }
    }
}

/// Why [`ensure_connection`] failed.
#[derive(Debug)]
pub enum EnsureError {
    /// A connection of that name exists with another type or endpoint (both are
    /// immutable: delete it first to change them).
    Mismatch {
        /// The connection as the service has it.
        existing: Box<Connection>,
    },
    /// The client refused the input, or the service or the network failed.
    Client(Error),
}

impl fmt::Display for EnsureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnsureError::Mismatch { existing } => write!(
                f,
                "connection `{}` exists as {} to {}",
                existing.name(),
                existing.connection_type(),
                existing.endpoint()
            ),
            EnsureError::Client(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for EnsureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EnsureError::Mismatch { .. } => None,
            EnsureError::Client(e) => Some(e),
        }
    }
}

impl From<Error> for EnsureError {
    fn from(e: Error) -> Self {
        EnsureError::Client(e)
    }
}

/// Creates `wanted` unless a connection of its name exists; an existing one must have
/// the same type and endpoint. An invalid `wanted` fails before any request.
///
/// Two callers racing on the same name both succeed: the loser's create answers 409
/// and it reads the winner's connection instead.
pub async fn ensure_connection(
    conns: &Connections,
    wanted: NewConnection,
) -> Result<Ensured, EnsureError> {
    wanted.validate()?;
    let name = wanted.name().to_owned();
    let (connection_type, endpoint) = (
        wanted.connection_type().clone(),
        wanted.endpoint().to_owned(),
    );
    let same = |c: Connection| {
        if c.connection_type() == &connection_type && c.endpoint() == endpoint {
            Ok(Ensured::Existing(c))
        } else {
            Err(EnsureError::Mismatch {
                existing: Box::new(c),
            })
        }
    };
    match conns.get(&name).await {
        Ok(existing) => return same(existing),
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e.into()),
    }
    match conns.create(wanted).await {
        Ok(created) => Ok(Ensured::Created(created)),
        // Created by someone else since the read, or by this call with the answer lost.
        Err(e) if e.is_conflict() || e.outcome_unknown() => match conns.get(&name).await {
            Ok(existing) => same(existing),
            Err(read) if read.is_not_found() => Err(e.into()),
            Err(read) => Err(read.into()),
        },
        Err(e) => Err(e.into()),
    }
}

/// What [`rotate_secrets`] did, connection by connection (names in list order).
#[derive(Debug, Default)]
pub struct Rotation {
    /// Connections that got their new secret.
    pub rotated: Vec<String>,
    /// Connections the caller's function gave no new secret for.
    pub skipped: Vec<String>,
    /// Connections whose update failed, with the reason (for example, changed by
    /// someone else since they were listed). The others were still rotated.
    pub failed: Vec<(String, Error)>,
}

/// Gives every connection of `connection_type` the secret `new_secret` returns for it
/// (`None` skips it).
///
/// Each update applies only if the connection is unchanged since it was listed. A
/// failed update is recorded in [`Rotation::failed`] and the rotation goes on; a
/// failed listing stops it with the error, since the rest is unknown.
pub async fn rotate_secrets<F>(
    conns: &Connections,
    connection_type: ConnectionType,
    mut new_secret: F,
) -> Result<Rotation, Error>
where
    F: FnMut(&Connection) -> Option<AuthData>,
{
    let mut rotation = Rotation::default();
    let mut listed = conns
        .list()
        .page_size(MAX_PAGE_SIZE)
        .connection_type(connection_type)
        .items();
    while let Some(connection) = listed.try_next().await? {
        let name = connection.name().to_owned();
        let Some(auth_data) = new_secret(&connection) else {
            rotation.skipped.push(name);
            continue;
        };
        match conns.update_if_unchanged(&connection, auth_data).await {
            Ok(()) => rotation.rotated.push(name),
            Err(e) => rotation.failed.push((name, e)),
        }
    }
    Ok(rotation)
}

/// The connections of an environment, counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// How many connections there are of each type.
    pub by_type: BTreeMap<ConnectionType, usize>,
    /// Connections whose phase is known and neither `READY` nor `ACTIVE`, with it.
    pub not_usable: Vec<(String, ConnectionPhase)>,
    /// How many pages (requests) the listing took.
    pub pages: usize,
}

impl Inventory {
    /// The number of connections.
    pub fn total(&self) -> usize {
        self.by_type.values().sum()
    }
}

/// Lists every connection, `page_size` per request (1 to
/// [`MAX_PAGE_SIZE`]), and counts them.
pub async fn inventory(conns: &Connections, page_size: u32) -> Result<Inventory, Error> {
    let mut inventory = Inventory::default();
    let mut pages = conns.list().page_size(page_size).pages();
    while let Some(page) = pages.try_next().await? {
        inventory.pages += 1;
        for connection in page.items() {
            *inventory
                .by_type
                .entry(connection.connection_type().clone())
                .or_default() += 1;
            match connection.phase() {
                None | Some(ConnectionPhase::Ready | ConnectionPhase::Active) => {}
                Some(other) => inventory
                    .not_usable
                    .push((connection.name().to_owned(), other.clone())),
            }
        }
    }
    Ok(inventory)
}

/// Deletes connection `name`: `true` if it was deleted, `false` if there was none.
pub async fn remove_connection(conns: &Connections, name: &str) -> Result<bool, Error> {
    match conns.delete(name).await {
        Ok(()) => Ok(true),
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}
