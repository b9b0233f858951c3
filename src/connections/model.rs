//! The connection as users meet it: the generated [`Connection`] and the types it
//! holds, with what the crate adds to them.
//!
//! The types themselves come from the spec at build time (`build.rs`): every property
//! the spec declares is a public field documented with the spec's own description,
//! every enum is open (a value the spec does not list yet is kept as `Other`), and
//! every object keeps the properties it does not declare in `unknown_fields`, which
//! serialisation writes back. Nothing here lists a property or a value.
//!
//! One `Connection` type serves every operation. It serialises (serde) in the
//! service's JSON shape, without the secret: `auth_data` is read, never written.

use chrono::{DateTime, Utc};

use super::auth_data::AuthData;
use super::field::{copied, get, text, Maybe};
pub use crate::generated::types::{
    Connection, ConnectionMetadata, ConnectionPhase, ConnectionSpec, ConnectionStatus,
    ConnectionType,
};

/// The phase of a connection, by the name it had in 0.2 ([`ConnectionPhase`]).
///
/// Generated types are named after where they stand in the spec: the phase is the
/// `phase` of a connection's status, so its type is `ConnectionPhase`.
#[deprecated(note = "renamed `ConnectionPhase`: a connection's `status.phase`")]
pub type Phase = ConnectionPhase;

/// # What the crate adds
///
/// ```
/// use confluent_flink_sql::connections::{Connection, ConnectionPhase, ConnectionType};
///
/// let c: Connection = serde_json::from_str(r#"{
///     "api_version": "sql/v1", "kind": "Connection",
///     "metadata": {"self": "https://x/connections/my-openai", "resource_version": "a23av",
///                  "created_at": "2006-01-02T15:04:05-07:00", "owner": {"team": "ml"}},
///     "name": "my-openai",
///     "spec": {"connection_type": "OPENAI", "endpoint": "https://api.openai.com/v1/chat/completions"},
///     "status": {"phase": "ACTIVE"}
/// }"#).unwrap();
/// assert_eq!(c.name(), "my-openai");
/// assert_eq!(c.connection_type(), &ConnectionType::OpenAi);
/// assert_eq!(c.phase(), Some(&ConnectionPhase::Active));
/// assert_eq!(c.resource_version(), Some("a23av"));
/// // A property the spec does not declare is kept, and written back.
/// let metadata = c.metadata().expect("the answer carried metadata");
/// assert_eq!(metadata.unknown_fields["owner"]["team"], "ml");
/// assert!(serde_json::to_string(&c).unwrap().contains(r#""owner":{"team":"ml"}"#));
/// ```
impl Connection {
    /// The connection's name, unique within its environment. The service names every
    /// connection it lists; get and create fill in the name asked for when an answer
    /// leaves it out (the spec allows that), so this is empty only for a connection
    /// built from JSON without one.
    pub fn name(&self) -> &str {
        text(&self.name).unwrap_or_default()
    }
    /// The kind of service it points at.
    pub fn connection_type(&self) -> &ConnectionType {
        &self.spec.connection_type
    }
    /// The URL of the service it points at.
    pub fn endpoint(&self) -> &str {
        &self.spec.endpoint
    }
    /// The secret, when the service returned one (it is never serialised).
    pub fn auth_data(&self) -> Option<&AuthData> {
        self.spec.auth_data.as_ref()
    }
    /// The connection's state, when reported.
    pub fn phase(&self) -> Option<&ConnectionPhase> {
        get::<ConnectionPhase, _>(&get::<ConnectionStatus, _>(&self.status)?.phase)
    }
    /// Why the connection is in its state (`Lookup failed: ...`).
    pub fn status_detail(&self) -> Option<&str> {
        text(&get::<ConnectionStatus, _>(&self.status)?.detail)
    }
    /// The version of this state; an update from this value fails if it is stale.
    pub fn resource_version(&self) -> Option<&str> {
        self.metadata()?.resource_version()
    }
    /// When the connection was created.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        self.metadata()?.created_at()
    }
    /// When the connection was last updated.
    pub fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.metadata()?.updated_at()
    }
    /// Everything the service records about the connection, when the answer carried
    /// it (the service always sends it; the spec does not promise it).
    pub fn metadata(&self) -> Option<&ConnectionMetadata> {
        get::<ConnectionMetadata, _>(&self.metadata)
    }
    /// The schema version of the representation (`sql/v1`).
    pub fn api_version(&self) -> Option<&str> {
        self.api_version.as_ref().map(|v| v.as_str())
    }
    /// The kind of resource (`Connection`).
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_ref().map(|k| k.as_str())
    }

    /// The connection a get or create answered, named `asked` when the answer left
    /// the name out.
    pub(crate) fn answered(mut self, asked: &str) -> Self {
        Maybe::<String>::fill(&mut self.name, || asked.to_owned());
        self
    }
}

impl ConnectionMetadata {
    /// The URL of this connection.
    pub fn self_url(&self) -> Option<&str> {
        text(&self.self_)
    }
    /// The system-generated unique id.
    pub fn uid(&self) -> Option<&str> {
        text(&self.uid)
    }
    /// The Confluent Resource Name (`crn://...`).
    pub fn resource_name(&self) -> Option<&str> {
        text(&self.resource_name)
    }
    /// The version of this state of the connection; changes on every update.
    pub fn resource_version(&self) -> Option<&str> {
        text(&self.resource_version)
    }
    /// When the connection was created.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        copied::<DateTime<Utc>, _>(&self.created_at)
    }
    /// When the connection was last updated.
    pub fn updated_at(&self) -> Option<DateTime<Utc>> {
        copied::<DateTime<Utc>, _>(&self.updated_at)
    }
    /// When the connection was (or will be) deleted.
    pub fn deleted_at(&self) -> Option<DateTime<Utc>> {
        copied::<DateTime<Utc>, _>(&self.deleted_at)
    }
}
