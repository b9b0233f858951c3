#![doc = include_str!("../README.md")]
//!
//! ## Where to read on
//!
//! - [`Client`] and [`ClientBuilder`]: configuration; [`Credentials`] for
//!   authentication (API keys, OAuth tokens) and [`Endpoint`] for regions.
//! - [`connections`]: the five operations, pagination ([`connections::ListRequest`]),
//!   secrets ([`connections::AuthData`]) and safe updates.
//! - [`types`]: the model generated from the spec ([`Connection`](types::Connection)
//!   and what it holds, the list page, error objects, request bodies), every type with
//!   the `unknown_fields` it keeps and sends back.
//! - [`Operations`] ([`Client::operations`]): every operation of the spec as generated,
//!   with the client's credentials, retries, tracing and [`Error`].
//! - [`retry`]: which failures are retried and how long the client waits.
//! - [`Error`]: what went wrong, and what to tell Confluent support.
#![cfg_attr(
    feature = "fake",
    doc = "- [`fake`]: the in-memory fake service, to test your code without an account."
)]
#![cfg_attr(
    not(feature = "fake"),
    doc = "- `fake` (feature `fake`): the in-memory fake service, to test your code without an account."
)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[cfg(feature = "bench-internals")]
#[doc(hidden)]
#[path = "bench_internals.rs"]
pub mod __bench;
mod auth;
mod client;
pub mod connections;
mod endpoint;
mod error;
#[cfg(feature = "fake")]
#[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
pub mod fake;
mod forward;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod generated;
pub mod list;
pub mod operations;
mod outcome;
mod properties;
#[cfg(test)]
mod proptests;
mod redact;
mod redirect;
mod request;
mod resource;
pub mod results;
pub mod retry;
#[cfg(flink_statements)]
pub mod statements;
mod timestamp;
mod transport;
pub mod unknown_fields;
mod visit;

pub use auth::Credentials;
pub use client::{Client, ClientBuilder, ENV_VARS};
pub use endpoint::Endpoint;
pub use error::{Error, ErrorDetail, ErrorKind};
pub use operations::Operations;
/// An answer of [`Operations`]: the decoded body with the status and headers.
pub use progenitor_client::ResponseValue;
pub use retry::RetryPolicy;
pub use unknown_fields::UnknownFields;

/// Every type generated from the spec in `openapi/`: the public model
/// ([`Connection`](types::Connection) and what it holds), the list page, the error
/// objects, and the request bodies of the operations. Regenerated at every build: a
/// property or value Confluent adds to the spec appears here after `cargo build`.
///
/// Each type is named after where it stands in the spec: a schema by its name, an enum
/// by the property that holds it (`ConnectionType` for a connection's
/// `spec.connection_type`, `ConnectionPhase` for its `status.phase`), so the names do
/// not change when another version of the spec lists other values.
pub mod types {
    pub use crate::generated::types::*;

    /// The phase of a connection, by its earlier name ([`ConnectionPhase`]).
    #[deprecated(note = "named after its place now: `ConnectionPhase`")]
    pub type Phase = ConnectionPhase;
}

/// The limits the spec sets on what a client sends (lengths, patterns, bounds), one
/// constant per place and keyword, `None` where the spec sets none. Regenerated at
/// every build; the crate's own checks read them
/// ([`NewConnection::validate`](connections::NewConnection::validate), the page size of
/// [`ListRequest`](connections::ListRequest)).
pub use generated::limits;

/// A handle for every resource of the spec (`client.statements()`,
/// `client.materialized_tables(kafka_cluster_id)`, ...) and a listing for every list
/// operation, generated from the spec at every build: a resource Confluent adds to the
/// spec has its handle after `cargo build`. Connections have their own hand-finished
/// module, [`connections`] (secrets, safe updates).
pub use generated::resources;
