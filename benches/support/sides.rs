//! The sides the benches compare, over the same server: the crate's client and the
//! hand-written baselines, each streaming a whole list.

use std::hint::black_box;

use confluent_flink_sql::{Client, Credentials};
use futures::StreamExt;

use super::baseline::Raw;
use super::data::{RawList, StrList, ENV, KEY, ORG, SECRET};

/// The crate's client for the bench server at `base`.
pub fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .credentials(Credentials::basic(KEY, SECRET))
        .organization_id(ORG)
        .environment_id(ENV)
        .build()
        .expect("client")
}

/// Streams the whole list through the crate's `.items()`; the number of connections.
pub async fn crate_list(client: &Client, page_size: u32) -> usize {
    let mut items = client.connections().list().page_size(page_size).items();
    let mut n = 0;
    while let Some(c) = items.next().await {
        black_box(c.expect("crate list"));
        n += 1;
    }
    n
}

/// Streams the whole list through the hand-written baseline with chrono date-times
/// (`data::RawList`); the number of connections.
pub async fn raw_list(raw: &Raw, page_size: u32) -> usize {
    raw.list_all::<RawList>(page_size, |c| {
        black_box(c);
    })
    .await
    .expect("raw list")
}

/// Streams the whole list through the raw loop: the same client, every member
/// as the JSON's string (`data::StrList`); the number of connections.
pub async fn raw_strings_list(raw: &Raw, page_size: u32) -> usize {
    raw.list_all::<StrList>(page_size, |c| {
        black_box(c);
    })
    .await
    .expect("raw-strings list")
}
