//! The wire form of `auth_data`, used by the generated types in place of the spec's
//! `sql.v1.PlaintextProvider` (build.rs passes it to progenitor's `with_replacement`).
//!
//! It is the one place a secret is written in clear, because the request body must
//! carry it; its `Debug` never shows it, and it is zeroised on drop.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `{"kind": "PlaintextProvider", "data": "<secret JSON text>"}`.
#[derive(Clone, Default)]
pub struct PlaintextProvider {
    /// The provider kind; `PlaintextProvider` is the only one the service knows.
    pub kind: Option<String>,
    /// The secret, as the JSON text of a map (`{"API_KEY":"..."}`).
    pub data: Option<SecretString>,
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

#[derive(Serialize)]
struct WireOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a str>,
}

#[derive(Deserialize)]
struct WireIn {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    data: Option<String>,
}

impl Serialize for PlaintextProvider {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        WireOut {
            kind: self.kind.as_deref(),
            data: self.data.as_ref().map(|d| d.expose_secret()),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for PlaintextProvider {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = WireIn::deserialize(d)?;
        Ok(PlaintextProvider {
            kind: w.kind,
            data: w.data.map(SecretString::from),
        })
    }
}
