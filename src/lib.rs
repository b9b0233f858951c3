#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod auth;
mod client;
pub mod connections;
mod endpoint;
mod error;
#[cfg(feature = "fake")]
#[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
pub mod fake;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod generated;
mod outcome;
#[cfg(test)]
mod proptests;
mod redact;
pub mod retry;
mod transport;

pub use auth::Credentials;
pub use client::{Client, ClientBuilder, ENV_VARS};
pub use endpoint::Endpoint;
pub use error::{Error, ErrorDetail, ErrorKind};
pub use retry::RetryPolicy;
