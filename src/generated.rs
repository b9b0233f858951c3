//! The client and types progenitor generates from `openapi/` at build time.
#![allow(missing_docs, clippy::all, unused)]
// The documentation is the spec's own text, written for Confluent's docs site: it has
// bracketed references (`[RFC6901]`) and the site's tags (`<SchemaDefinition .. />`),
// which rustdoc shows as they are.
#![allow(
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls
)]
include!(concat!(env!("OUT_DIR"), "/connections_client.rs"));

#[cfg(test)]
mod open_enums;
#[cfg(test)]
mod serde_impls;
#[cfg(test)]
mod tests;
