//! The crate's types that progenitor puts in place of generated ones (`build.rs` passes
//! them to `with_replacement`), for what is only ever on the wire:
//!
//! - [`PlaintextProvider`], the wire form of `auth_data` (the spec's
//!   `sql.v1.PlaintextProvider`). It is the one place a secret is written in clear,
//!   because the request body must carry it; its `Debug` never shows it, and it is
//!   zeroised on drop.
//! - [`ConnectionList`], one page of the list (the spec's `sql.v1.ConnectionList`), whose
//!   items are read straight into the crate's [`Connection`]s.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::list::MAX_PAGE_SIZE;
use super::model::Connection;
use crate::generated::types::ListMeta;

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

/// One page of the list as the service sends it, in place of the generated
/// `SqlV1ConnectionList`: each item is read straight into a [`Connection`] (a generated
/// struct first, then moved into a `Connection`, was slower than decoding into
/// hand-written structs; BENCHMARKS.md). A `Connection` requires what the spec's list
/// items require: a name, and a spec with a type and an endpoint; a page with an item
/// without one is a decode error that names the missing field. `api_version` and `kind`
/// (`sql/v1`, `ConnectionList`) are not read: nothing depends on them.
#[derive(Debug, Deserialize)]
pub struct ConnectionList {
    /// Links to the other pages, and the total count.
    pub metadata: ListMeta,
    /// The page's connections, in the service's order.
    #[serde(deserialize_with = "page_of_connections")]
    pub data: Vec<Connection>,
}

/// The items of a page, into a buffer sized for the largest page the service sends
/// ([`MAX_PAGE_SIZE`]): JSON does not tell how many items follow, and a buffer grown
/// as they come copied every item read so far at each doubling.
fn page_of_connections<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Connection>, D::Error> {
    struct Items;
    impl<'de> Visitor<'de> for Items {
        type Value = Vec<Connection>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of connections")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let hint = seq.size_hint().unwrap_or(MAX_PAGE_SIZE as usize);
            let mut items = Vec::with_capacity(hint.min(MAX_PAGE_SIZE as usize));
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }
    d.deserialize_seq(Items)
}
