//! Case 6 of `scripts/check-regeneration.sh`: the maximum of the list's `page_size`
//! is __PAGE_SIZE_MAX__ in the spec (a new value every run), and `spec.endpoint` has
//! no `maxLength` any more. The crate's checks must follow, before anything is sent:
//! a page size one past the new maximum is refused and the maximum is sent, and an
//! endpoint longer than the old limit is sent, the check gone with its limit.

#[path = "support/regen_common.rs"]
mod common;
#[path = "support/scripted.rs"]
mod scripted;

use confluent_flink_sql::connections::{
    AuthData, ConnectionType, NewConnection, MAX_ENDPOINT_LEN, MAX_PAGE_SIZE,
};
use confluent_flink_sql::{limits, ErrorKind};
use scripted::{Reply, Scripted};
use serde_json::json;

use common::{client, connection};

const PAGE_SIZE_MAX: u32 = __PAGE_SIZE_MAX__;

#[tokio::test]
async fn the_page_size_check_follows_the_new_maximum() {
    assert_eq!(MAX_PAGE_SIZE, PAGE_SIZE_MAX);
    let server = Scripted::start(|_| {
        Reply::json(
            200,
            json!({"api_version": "sql/v1", "kind": "ConnectionList", "metadata": {}, "data": []}),
        )
    })
    .await;
    let conns = client(&server).connections();
    let e = conns
        .list()
        .page_size(PAGE_SIZE_MAX + 1)
        .first_page()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    conns
        .list()
        .page_size(PAGE_SIZE_MAX)
        .first_page()
        .await
        .expect("the largest page the spec allows");
    let sent = PAGE_SIZE_MAX.to_string();
    assert_eq!(
        server.requests()[0].query("page_size").as_deref(),
        Some(sent.as_str())
    );
}

#[tokio::test]
async fn an_endpoint_without_a_max_length_is_not_cut_short() {
    assert_eq!(
        limits::CREATE_SQLV1_CONNECTION_BODY_SPEC_ENDPOINT_MAX_LENGTH,
        None
    );
    assert_eq!(MAX_ENDPOINT_LEN, usize::MAX);
    let server = Scripted::start(|_| Reply::json(201, connection("c1"))).await;
    let endpoint = format!("https://e/{}", "p".repeat(20_000));
    client(&server)
        .connections()
        .create(NewConnection::new(
            "c1",
            ConnectionType::OpenAi,
            endpoint,
            AuthData::api_key("k"),
        ))
        .await
        .expect("sent and created");
    assert_eq!(server.requests().len(), 1);
}
