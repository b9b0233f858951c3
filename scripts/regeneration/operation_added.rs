//! Case 3 of `scripts/check-regeneration.sh`: the spec has a new operation,
//! `GET .../connections/{connection_name}/regen-check` (operationId
//! `regenCheckSqlv1Connection`), answering a connection, with the usual `Failure` error
//! answers. The public API must follow: `Operations::regen_check_sqlv1_connection`,
//! with the client's organization and environment, returning the connection, and the
//! crate's `Error` (status and details) for an error answer. A second new operation,
//! `PATCH` on the same path (`regenPatchSqlv1Connection`), takes a JSON Patch
//! (`application/json-patch+json`): it is callable with a typed body, sent with that
//! content type.

#[path = "support/regen_common.rs"]
mod common;
#[path = "support/scripted.rs"]
mod scripted;

use confluent_flink_sql::types;
use scripted::{Reply, Scripted};

use common::{client, connection, failure, COLLECTION};

#[tokio::test]
async fn the_operation_is_callable_and_answers_the_connection() {
    let server = Scripted::start(|r| {
        if r.method == "GET" && r.path() == format!("{COLLECTION}/c1/regen-check") {
            Reply::json(200, connection("c1")).header("x-request-id", "r-1")
        } else {
            Reply::json(404, failure(404, "not_found"))
        }
    })
    .await;
    let client = client(&server);
    let answer = client
        .operations()
        .regen_check_sqlv1_connection("c1")
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let c: types::Connection = answer.into_inner();
    assert_eq!(c.name(), "c1");
    assert_eq!(c.endpoint(), "https://api.openai.com/v1/chat/completions");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path(), format!("{COLLECTION}/c1/regen-check"));
    assert!(
        requests[0].header("authorization").is_some(),
        "sent with the client's credentials"
    );
}

#[tokio::test]
async fn an_error_answer_is_the_crates_error() {
    let server = Scripted::start(|_| Reply::json(404, failure(404, "not_found"))).await;
    let client = client(&server);
    let err: confluent_flink_sql::Error = client
        .operations()
        .regen_check_sqlv1_connection("missing")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.details().len(), 1, "{err}");
    assert_eq!(err.details()[0].code(), Some("not_found"));
    assert_eq!(err.details()[0].title(), Some("Regen Check"));
}

#[tokio::test]
async fn a_json_patch_body_is_typed_and_sent_as_a_json_patch() {
    let server = Scripted::start(|r| {
        if r.method == "PATCH" && r.path() == format!("{COLLECTION}/c1/regen-check") {
            Reply::json(200, connection("c1"))
        } else {
            Reply::json(404, failure(404, "not_found"))
        }
    })
    .await;
    let client = client(&server);
    let patch = serde_json::json!([{"op": "replace", "path": "/spec/endpoint", "value": "https://x"}]);
    let body: Vec<types::RegenPatchSqlv1ConnectionBodyItem> =
        serde_json::from_value(patch.clone()).unwrap();
    assert_eq!(body[0].op, "replace");
    let answer = client
        .operations()
        .regen_patch_sqlv1_connection("c1", &body)
        .await
        .unwrap();
    assert_eq!(answer.into_inner().name(), "c1");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].header("content-type"),
        Some("application/json-patch+json")
    );
    assert_eq!(requests[0].json(), patch);
}
