//! `auth_data` on the wire (the spec's `PlaintextProvider`: `{"kind":
//! "PlaintextProvider", "data": "<secret JSON text>"}`).
//!
//! [`PlaintextProvider`] replaces the generated type (`build/generate.rs`,
//! `with_replacement`) in request bodies: it is the one place a secret is written in
//! clear, because the request must carry it; its `Debug` never shows it, and it is
//! zeroised on drop. Answers read `auth_data` into the crate's [`AuthData`] instead
//! ([`read_auth_data`]), which serde never writes.

use std::fmt;

use schemars::JsonSchema;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::auth_data::AuthData;

/// `auth_data` as a request carries it: `{"kind": "PlaintextProvider", "data":
/// "<secret JSON text>"}` (the spec's `PlaintextProvider`; `types::PlaintextProvider`).
///
/// The one type that writes a secret when serialised, because a request body must
/// carry it; `Debug` never shows it, and it is zeroised on drop. Build it from an
/// [`AuthData`] (which checks the secret's fields) for an operation called through
/// [`Operations`](crate::Operations):
///
/// ```
/// use confluent_flink_sql::connections::AuthData;
/// use confluent_flink_sql::types::PlaintextProvider;
///
/// let wire = PlaintextProvider::from(&AuthData::api_key("sk-..."));
/// assert_eq!(wire.kind.as_deref(), Some("PlaintextProvider"));
/// assert!(!format!("{wire:?}").contains("sk-"));
/// ```
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct PlaintextProvider {
    /// The provider kind; `PlaintextProvider` is the only one the service knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The secret, as the JSON text of a map (`{"API_KEY":"..."}`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "exposed"
    )]
    pub data: Option<SecretString>,
}

/// The secret in clear: a request must carry it.
fn exposed<S: Serializer>(data: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    data.as_ref().map(ExposeSecret::expose_secret).serialize(s)
}

/// The one provider kind the service accepts.
pub const PLAINTEXT_PROVIDER: &str = "PlaintextProvider";

impl fmt::Debug for PlaintextProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlaintextProvider")
            .field("kind", &self.kind)
            .field("data", &self.data.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl From<&AuthData> for PlaintextProvider {
    fn from(auth: &AuthData) -> Self {
        auth.to_wire()
    }
}

impl PartialEq for PlaintextProvider {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.data.as_ref().map(ExposeSecret::expose_secret)
                == other.data.as_ref().map(ExposeSecret::expose_secret)
    }
}

/// The JSON Schema of `auth_data` as an answer may carry it: both members optional.
#[derive(JsonSchema)]
#[allow(dead_code)]
#[schemars(rename = "PlaintextProviderAnswer")]
pub(crate) struct AnswerShape {
    /// The secret provider.
    #[serde(default)]
    kind: Option<String>,
    /// The JSON text of the secret map.
    #[serde(default)]
    data: Option<String>,
}

/// The JSON Schema of `auth_data` as a request carries it, which [`PlaintextProvider`]
/// writes: both members, always. Never built: it only carries the derive.
#[derive(JsonSchema)]
#[schemars(rename = "PlaintextProvider")]
#[allow(dead_code)]
struct RequestShape {
    /// The secret provider; the service knows only `PlaintextProvider`.
    kind: ProviderKind,
    /// The JSON text of the secret map, e.g. `{"API_KEY":"sk-...","AUTH_TYPE":"API_KEY"}`:
    /// plain text, not base64 (the spec says `format: byte`; the service takes plain
    /// JSON, deviation `auth-data-plain-json` in `openapi/DEVIATIONS.md`).
    #[schemars(length(min = 2))]
    data: String,
}

/// `kind` of [`RequestShape`].
#[derive(JsonSchema)]
#[allow(dead_code)]
enum ProviderKind {
    PlaintextProvider,
}

impl JsonSchema for PlaintextProvider {
    fn schema_name() -> String {
        "PlaintextProvider".into()
    }
    fn json_schema(g: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        RequestShape::json_schema(g)
    }
}

/// `spec.auth_data` of an answer (rarely there), read into the crate's [`AuthData`].
/// The generated answer types read it with this (`build/model.rs`).
pub(crate) fn read_auth_data<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<AuthData>, D::Error> {
    let wire = Option::<PlaintextProvider>::deserialize(d)?;
    Ok(wire.map(AuthData::from_wire))
}
