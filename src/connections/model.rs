//! The domain types users meet: [`Connection`], [`ConnectionType`], [`Phase`].
//!
//! One `Connection` type serves every operation. It serialises (serde) in the
//! service's JSON shape, without the secret: `auth_data` is never written.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::de::Visitor;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::auth_data::AuthData;
use super::wire::PlaintextProvider;
use crate::generated::types;
use crate::Error;

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not know yet, as the service sent it.
            Other(String),
        }

        impl $name {
            /// Every value this version of the crate knows.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),*];

            /// The value as the service spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )*
                    $name::Other(s) => s,
                }
            }

            /// Reads a value as the service spells it; unknown values become `Other`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $( $text => $name::$variant, )*
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::parse(s))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $name::Other(s) => write!(f, "{}::Other({s:?})", stringify!($name)),
                    known => write!(f, "{}::{}", stringify!($name), known.as_str()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                with_str(d, |s| Ok(Self::parse(s)))
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).to_string()
            }
            fn json_schema(g: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
                // Open: any string is accepted, the known values are documented.
                String::json_schema(g)
            }
        }
    };
}

open_enum! {
    /// The kind of service a connection points at (`spec.connection_type`).
    ///
    /// The service adds types often; a value this crate does not know yet arrives as
    /// [`ConnectionType::Other`] instead of failing the response.
    ///
    /// ```
    /// use confluent_flink_sql::connections::ConnectionType;
    /// assert_eq!(ConnectionType::parse("OPENAI"), ConnectionType::OpenAi);
    /// assert_eq!(ConnectionType::OpenAi.as_str(), "OPENAI");
    /// assert_eq!(ConnectionType::parse("QUANTUM"), ConnectionType::Other("QUANTUM".into()));
    /// ```
    ConnectionType {
        /// Azure Machine Learning.
        AzureMl = "AZUREML",
        /// Azure OpenAI.
        AzureOpenAi = "AZUREOPENAI",
        /// An agent-to-agent (A2A) endpoint.
        A2a = "A2A",
        /// Anthropic.
        Anthropic = "ANTHROPIC",
        /// Amazon Bedrock.
        Bedrock = "BEDROCK",
        /// A JDBC database through Confluent.
        ConfluentJdbc = "CONFLUENT_JDBC",
        /// Azure Cosmos DB.
        CosmosDb = "COSMOSDB",
        /// Couchbase.
        Couchbase = "COUCHBASE",
        /// Elasticsearch.
        Elastic = "ELASTIC",
        /// Fireworks AI.
        FireworksAi = "FIREWORKSAI",
        /// Google AI.
        GoogleAi = "GOOGLEAI",
        /// A Model Context Protocol server.
        McpServer = "MCP_SERVER",
        /// MongoDB.
        MongoDb = "MONGODB",
        /// OpenAI.
        OpenAi = "OPENAI",
        /// Pinecone.
        Pinecone = "PINECONE",
        /// Any REST endpoint.
        Rest = "REST",
        /// Amazon S3 Vectors.
        S3Vectors = "S3VECTORS",
        /// Amazon SageMaker.
        SageMaker = "SAGEMAKER",
        /// Google Vertex AI.
        VertexAi = "VERTEXAI",
    }
}

open_enum! {
    /// The state of a connection (`status.phase`).
    ///
    /// ```
    /// use confluent_flink_sql::connections::Phase;
    /// assert_eq!(Phase::parse("INVALID_AUTH"), Phase::InvalidAuth);
    /// assert_eq!(Phase::parse("WARMING_UP"), Phase::Other("WARMING_UP".into()));
    /// ```
    Phase {
        /// The connection is usable (the phase the documentation names).
        Ready = "READY",
        /// The connection is usable (the phase the service sends today).
        Active = "ACTIVE",
        /// The endpoint cannot be reached.
        Unreachable = "UNREACHABLE",
        /// The secret was rejected by the endpoint.
        InvalidAuth = "INVALID_AUTH",
        /// The connection is being checked.
        Pending = "PENDING",
        /// The connection's work is complete.
        Completed = "COMPLETED",
    }
}

/// A connection as the service reports it. One type for every operation.
///
/// Serialises in the service's JSON shape, without `auth_data`: the secret is never
/// written by serde, nor shown by `Debug`. Deserialising reads a `spec.auth_data` that
/// is there (answers rarely carry one) into [`auth_data`](Connection::auth_data), and
/// requires what every listed connection has: a name, and a spec with a type and an
/// endpoint.
///
/// ```
/// use confluent_flink_sql::connections::{Connection, ConnectionType, Phase};
///
/// let c: Connection = serde_json::from_str(r#"{
///     "api_version": "sql/v1", "kind": "Connection",
///     "metadata": {"self": "https://x/connections/my-openai", "resource_version": "a23av",
///                  "created_at": "2006-01-02T15:04:05-07:00"},
///     "name": "my-openai",
///     "spec": {"connection_type": "OPENAI", "endpoint": "https://api.openai.com/v1/chat/completions"},
///     "status": {"phase": "ACTIVE"}
/// }"#).unwrap();
/// assert_eq!(c.name(), "my-openai");
/// assert_eq!(c.connection_type(), &ConnectionType::OpenAi);
/// assert_eq!(c.phase(), Some(&Phase::Active));
/// assert_eq!(c.resource_version(), Some("a23av"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Connection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default)]
    metadata: ConnectionMetadata,
    name: String,
    spec: Spec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
struct Spec {
    connection_type: ConnectionType,
    endpoint: String,
    /// Read when an answer carries it, never written. Boxed: answers rarely carry a
    /// secret, and a smaller `Connection` is cheaper to move.
    #[serde(default, skip_serializing, deserialize_with = "read_auth_data")]
    #[schemars(skip)]
    auth_data: Option<Box<AuthData>>,
}

/// `spec.auth_data` as an answer carries it (`{"kind": .., "data": ..}`).
fn read_auth_data<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Box<AuthData>>, D::Error> {
    let wire = Option::<PlaintextProvider>::deserialize(d)?;
    Ok(wire.map(|w| Box::new(AuthData::from_wire(w))))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
struct Status {
    phase: Phase,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

/// What the service records about a connection (`metadata`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConnectionMetadata {
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    self_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resource_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resource_version: Option<String>,
    #[serde(default, deserialize_with = "timestamp")]
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "timestamp")]
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "timestamp")]
    #[serde(skip_serializing_if = "Option::is_none")]
    deleted_at: Option<DateTime<Utc>>,
}

/// A date-time as the service writes it (RFC 3339), read by chrono's RFC 3339 parser:
/// chrono's `Deserialize` goes through its general format parser, which took a sixth of
/// the time of decoding a page. Anything the RFC 3339 parser does not take is given to
/// the rules chrono's `Deserialize` follows (`FromStr`), so no value chrono reads is
/// refused.
fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    struct Timestamp(DateTime<Utc>);
    impl<'de> Deserialize<'de> for Timestamp {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            with_str(d, |text| match DateTime::parse_from_rfc3339(text) {
                Ok(t) => Ok(Timestamp(t.with_timezone(&Utc))),
                Err(_) => text.parse().map(Timestamp).map_err(|e| e.to_string()),
            })
        }
    }
    Ok(Option::<Timestamp>::deserialize(d)?.map(|t| t.0))
}

/// Reads a string and gives it to `read`, without copying it when the JSON holds it
/// unescaped (serde's `Cow<str>` always copies).
fn with_str<'de, D, T, F>(d: D, read: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> Result<T, String>,
{
    struct Text<F>(F);
    impl<'de, T, F: FnOnce(&str) -> Result<T, String>> Visitor<'de> for Text<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            (self.0)(v).map_err(E::custom)
        }
    }
    d.deserialize_str(Text(read))
}

impl ConnectionMetadata {
    /// The URL of this connection.
    pub fn self_url(&self) -> Option<&str> {
        self.self_url.as_deref()
    }
    /// The system-generated unique id.
    pub fn uid(&self) -> Option<&str> {
        self.uid.as_deref()
    }
    /// The Confluent Resource Name (`crn://...`).
    pub fn resource_name(&self) -> Option<&str> {
        self.resource_name.as_deref()
    }
    /// The version of this state of the connection; changes on every update.
    pub fn resource_version(&self) -> Option<&str> {
        self.resource_version.as_deref()
    }
    /// When the connection was created.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        self.created_at
    }
    /// When the connection was last updated.
    pub fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.updated_at
    }
    /// When the connection was (or will be) deleted.
    pub fn deleted_at(&self) -> Option<DateTime<Utc>> {
        self.deleted_at
    }
}

impl Connection {
    /// The connection's name, unique within its environment.
    pub fn name(&self) -> &str {
        &self.name
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
        self.spec.auth_data.as_deref()
    }
    /// The connection's state, when reported.
    pub fn phase(&self) -> Option<&Phase> {
        self.status.as_ref().map(|s| &s.phase)
    }
    /// Why the connection is in its state (`Lookup failed: ...`).
    pub fn status_detail(&self) -> Option<&str> {
        self.status.as_ref().and_then(|s| s.detail.as_deref())
    }
    /// The version of this state; an update from this value fails if it is stale.
    pub fn resource_version(&self) -> Option<&str> {
        self.metadata.resource_version()
    }
    /// When the connection was created.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        self.metadata.created_at
    }
    /// When the connection was last updated.
    pub fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.metadata.updated_at
    }
    /// Everything the service records about the connection.
    pub fn metadata(&self) -> &ConnectionMetadata {
        &self.metadata
    }
    /// The schema version of the representation (`sql/v1`).
    pub fn api_version(&self) -> Option<&str> {
        self.api_version.as_deref()
    }
    /// The kind of resource (`Connection`).
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }

    /// Converts the generated answer to a request that named the connection (get,
    /// create): the spec does not require `name` in those answers, so a connection
    /// without one is the connection `asked` for; one without a spec, type or endpoint
    /// is an error. (A list's items are read straight into `Connection`s:
    /// [`ConnectionList`](super::wire::ConnectionList).)
    pub(crate) fn from_answer(c: types::SqlV1Connection, asked: &str) -> Result<Self, Error> {
        let types::SqlV1Connection {
            api_version,
            kind,
            metadata,
            name,
            spec,
            status,
        } = c;
        let name = name.unwrap_or_else(|| asked.to_owned());
        let Some(spec) = spec else {
            return Err(incomplete(Some(&name), "a spec"));
        };
        let Some(connection_type) = spec.connection_type else {
            return Err(incomplete(Some(&name), "a connection_type"));
        };
        let Some(endpoint) = spec.endpoint else {
            return Err(incomplete(Some(&name), "an endpoint"));
        };
        Ok(Connection {
            api_version,
            kind,
            metadata: metadata.unwrap_or_default(),
            name,
            spec: Spec {
                connection_type,
                endpoint,
                auth_data: spec.auth_data.map(|a| Box::new(AuthData::from_wire(a))),
            },
            status: status.map(|s| Status {
                phase: s.phase,
                detail: s.detail,
            }),
        })
    }
}

/// The error for a connection the service returned without `what`.
#[cold]
fn incomplete(name: Option<&str>, what: &str) -> Error {
    Error::decode(match name {
        None => format!("the service returned a connection without {what}"),
        Some(name) => format!("the service returned connection `{name}` without {what}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_type_round_trips_through_its_text() {
        for t in ConnectionType::KNOWN {
            assert_eq!(&ConnectionType::parse(t.as_str()), t);
            let json = serde_json::to_string(t).unwrap();
            assert_eq!(&serde_json::from_str::<ConnectionType>(&json).unwrap(), t);
        }
        assert_eq!(ConnectionType::KNOWN.len(), 19);
        for p in Phase::KNOWN {
            assert_eq!(&Phase::parse(p.as_str()), p);
        }
    }

    #[test]
    fn escaped_and_plain_strings_read_the_same_values() {
        let escaped: ConnectionType = serde_json::from_str(r#""OPEN\u0041I""#).unwrap();
        assert_eq!(escaped, ConnectionType::OpenAi);
        let phase: Phase = serde_json::from_slice(br#""ACTIVE""#).unwrap();
        assert_eq!(phase, Phase::Active);
        let err = serde_json::from_str::<Phase>("5").unwrap_err();
        assert!(err.to_string().contains("expected a string"), "{err}");
    }

    /// Every date-time chrono's own `Deserialize` reads is read to the same instant, and
    /// what it refuses is refused: the RFC 3339 fast path changes no result.
    #[test]
    fn timestamps_read_as_chronos_deserialize_reads_them() {
        let cases = [
            "2006-01-02T15:04:05-07:00",
            "2025-11-10T16:20:00Z",
            "2025-11-10T16:20:00.123456789Z",
            "2025-11-10t16:20:00z",
            "2025-11-10 16:20:00+05:30",
            "2025-11-10T16:20:00.5+00:00",
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:60Z",
            "2025-11-10T16:20:00",
            "2025-11-10",
            "2025-13-10T16:20:00Z",
            "not a date",
            "",
        ];
        for text in cases {
            let json = serde_json::to_string(text).unwrap();
            let theirs = serde_json::from_str::<DateTime<Utc>>(&json).ok();
            let meta = format!(r#"{{"created_at":{json},"updated_at":null}}"#);
            let ours = serde_json::from_str::<ConnectionMetadata>(&meta)
                .ok()
                .map(|m| m.created_at);
            match theirs {
                Some(t) => assert_eq!(ours, Some(Some(t)), "{text}"),
                None => assert_eq!(ours, None, "{text} must be refused"),
            }
        }
        let none: ConnectionMetadata = serde_json::from_str(r#"{"updated_at":null}"#).unwrap();
        assert_eq!((none.created_at, none.updated_at), (None, None));
    }

    #[test]
    fn unknown_values_are_kept() {
        let t: ConnectionType = serde_json::from_str("\"NEWTHING\"").unwrap();
        assert_eq!(t, ConnectionType::Other("NEWTHING".into()));
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"NEWTHING\"");
        assert_eq!(format!("{t:?}"), "ConnectionType::Other(\"NEWTHING\")");
    }
}
