//! The client and types progenitor generates from `openapi/` at build time.
#![allow(missing_docs, clippy::all, unused)]
include!(concat!(env!("OUT_DIR"), "/connections_client.rs"));

#[cfg(test)]
mod tests;
