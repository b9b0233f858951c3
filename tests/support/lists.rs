//! Whole lists through the public client, every page or item of which must arrive.
//!
//! Include it with `#[path = "support/lists.rs"] mod lists;`.

#![allow(dead_code)]

use confluent_flink_sql::connections::{Connection, ListRequest, Page};
use futures::TryStreamExt;

/// Every page of `list`; panics on an error.
pub async fn all_pages(list: ListRequest) -> Vec<Page<Connection>> {
    list.pages().try_collect().await.unwrap()
}

/// Every item of `list`, page after page; panics on an error.
pub async fn all_items(list: ListRequest) -> Vec<Connection> {
    list.items().try_collect().await.unwrap()
}
