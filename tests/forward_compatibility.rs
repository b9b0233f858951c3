//! Confluent's compatibility policy, through the public API: a client MUST IGNORE what
//! it does not recognise (unknown properties at every level, unknown enum values) and
//! MUST FORWARD it: "Response properties that are not recognized must be included in
//! any input subsequent updates (e.g., request body). This includes future PUT
//! requests in a read/modify/write operation." Also: every operation of the spec is
//! callable through [`Client::operations`], with the crate's error type.

#[path = "support/scripted.rs"]
mod scripted;

use std::time::Duration;

use confluent_flink_sql::connections::{AuthData, Connection, ConnectionPhase, ConnectionType};
use confluent_flink_sql::{Client, Credentials, ErrorKind, RetryPolicy};
use futures::TryStreamExt;
use scripted::{Recorded, Reply, Scripted};
use serde_json::{json, Value};

const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const COLLECTION: &str =
    "/sql/v1/organizations/3fa85f64-5717-4562-b3fc-2c963f66afa6/environments/env-123/connections";
const OLD_SECRET: &str = "sk-old-canary-41";
const NEW_SECRET: &str = "sk-new-canary-42";

fn client(server: &Scripted) -> Client {
    Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", "secret"))
        .organization_id(ORG)
        .environment_id("env-123")
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

/// A connection as a future service might send it: properties this crate's spec does
/// not declare at every level (a string, an object, an array, a null), and a
/// connection type and phase it does not list.
fn future_connection(name: &str) -> Value {
    json!({
        "api_version": "sql/v1",
        "kind": "Connection",
        "owner": {"team": "ml", "ids": [1, 2, null]},
        "metadata": {
            "self": format!("https://flink.example{COLLECTION}/{name}"),
            "uid": "uid-1",
            "resource_version": "rv-7",
            "created_at": "2024-01-02T03:04:05Z",
            "annotations": {"env": "prod"}
        },
        "name": name,
        "spec": {
            "connection_type": "QUANTUM_LLM",
            "endpoint": "https://quantum.example/v1",
            "description": "chat model",
            "options": {"timeout_ms": 500, "retries": [1, 2]},
            "auth_data": {"kind": "PlaintextProvider", "data": format!("{{\"API_KEY\":\"{OLD_SECRET}\"}}")}
        },
        "status": {"phase": "WARMING_UP", "detail": "new", "since": "2024-01-02T03:04:06Z"}
    })
}

/// A server that answers a get and a list with [`future_connection`], and a PUT with
/// 200.
async fn server() -> Scripted {
    Scripted::start(|r: &Recorded| match (r.method.as_str(), r.path()) {
        ("GET", p) if p == COLLECTION => Reply::json(
            200,
            json!({"api_version": "sql/v1", "kind": "ConnectionList", "metadata": {"next": null},
                   "data": [future_connection("listed")]}),
        ),
        ("GET", _) => Reply::json(200, future_connection("got")),
        ("PUT", _) => Reply::empty(200),
        _ => Reply::json(
            404,
            json!({"errors": [{"status": "404", "title": "Not Found"}]}),
        ),
    })
    .await
}

/// The PUT body the server received last.
fn last_put(server: &Scripted) -> Value {
    let put = server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "PUT")
        .expect("a PUT was sent");
    put.json()
}

/// What a PUT built from [`future_connection`] must carry: every unknown property,
/// at every level, as it came; the writable known ones and the new secret; none of the
/// known read-only ones.
fn assert_forwarded(body: &Value, name: &str) {
    assert_eq!(body["name"], name);
    assert_eq!(body["owner"], json!({"team": "ml", "ids": [1, 2, null]}));
    assert_eq!(body["metadata"]["annotations"], json!({"env": "prod"}));
    assert_eq!(body["metadata"]["resource_version"], "rv-7");
    assert_eq!(body["spec"]["description"], "chat model");
    assert_eq!(
        body["spec"]["options"],
        json!({"timeout_ms": 500, "retries": [1, 2]})
    );
    assert_eq!(
        body["spec"]["connection_type"], "QUANTUM_LLM",
        "an unknown type goes back as it came"
    );
    assert_eq!(body["spec"]["endpoint"], "https://quantum.example/v1");
    assert_eq!(body["spec"]["auth_data"]["kind"], "PlaintextProvider");
    let data = body["spec"]["auth_data"]["data"].as_str().unwrap();
    assert!(
        data.contains(NEW_SECRET) && !data.contains(OLD_SECRET),
        "{data}"
    );
    // Read-only: status (with its unknown `since`), kind, api_version, and the
    // metadata the service sets.
    for gone in ["status", "kind", "api_version"] {
        assert!(body.get(gone).is_none(), "{gone} must not be sent: {body}");
    }
    let metadata: Vec<&String> = body["metadata"].as_object().unwrap().keys().collect();
    assert_eq!(metadata, ["annotations", "resource_version"], "{body}");
    let top: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(top, ["metadata", "name", "owner", "spec"], "{body}");
}

#[tokio::test]
async fn update_sends_back_what_the_crate_does_not_know_read_by_get() {
    let server = server().await;
    client(&server)
        .connections()
        .update("got", AuthData::api_key(NEW_SECRET))
        .await
        .expect("update");
    assert_forwarded(&last_put(&server), "got");
}

#[tokio::test]
async fn update_if_unchanged_sends_back_what_a_listed_connection_carried() {
    let server = server().await;
    let conns = client(&server).connections();
    let listed: Vec<Connection> = conns.list().items().try_collect().await.expect("list");
    assert_eq!(listed.len(), 1);
    conns
        .update_if_unchanged(&listed[0], AuthData::api_key(NEW_SECRET))
        .await
        .expect("update");
    assert_forwarded(&last_put(&server), "listed");
}

#[tokio::test]
async fn unknown_properties_and_values_are_read_kept_and_written_back() {
    let server = server().await;
    let c = client(&server).connections().get("got").await.expect("get");
    assert_eq!(
        c.connection_type(),
        &ConnectionType::Other("QUANTUM_LLM".into())
    );
    assert_eq!(
        c.phase(),
        Some(&ConnectionPhase::Other("WARMING_UP".into()))
    );
    assert_eq!(c.unknown_fields["owner"]["team"], "ml");
    assert_eq!(
        c.metadata().unwrap().unknown_fields["annotations"]["env"],
        "prod"
    );
    assert_eq!(c.spec.unknown_fields["description"], "chat model");
    assert!(
        c.auth_data().is_some(),
        "the secret an answer carried is read"
    );

    // Serialised: everything as the service sent it, but the secret.
    let mut sent = future_connection("got");
    sent["spec"].as_object_mut().unwrap().remove("auth_data");
    let written = serde_json::to_value(&c).unwrap();
    assert_eq!(written, sent);
    let text = format!("{} {c:?}", serde_json::to_string(&c).unwrap());
    assert!(!text.contains(OLD_SECRET), "{text}");
    // And read back, the same connection.
    let again: Connection = serde_json::from_value(written).unwrap();
    assert_eq!(again.unknown_fields, c.unknown_fields);
    assert_eq!(again.spec.unknown_fields, c.spec.unknown_fields);
}

#[tokio::test]
async fn every_operation_is_callable_with_the_crates_error() {
    let server = server().await;
    let client = client(&server);
    let ops = client.operations();
    let got = ops.get_sqlv1_connection("got").await.expect("get");
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.into_inner().endpoint(), "https://quantum.example/v1");
    let page = ops
        .list_sqlv1_connections(Some(5), None, Some(ConnectionType::OpenAi))
        .await
        .expect("list")
        .into_inner();
    assert_eq!(page.data.len(), 1);
    let list = server
        .requests()
        .into_iter()
        .find(|r| r.path() == COLLECTION)
        .unwrap();
    assert_eq!(list.query("page_size").as_deref(), Some("5"));
    assert_eq!(
        list.query("spec.connection_type").as_deref(),
        Some("OPENAI")
    );
    assert_eq!(
        list.header("authorization"),
        Some("Basic a2V5OnNlY3JldA=="),
        "with the client's credentials"
    );
    // A POST to the collection is answered 404 by this server: the crate's Error.
    let body: confluent_flink_sql::types::CreateSqlv1ConnectionBody =
        serde_json::from_value(json!({"name": "n", "spec": {"connection_type": "OPENAI",
            "endpoint": "https://e", "auth_data": {"kind": "PlaintextProvider", "data": "{}"}}}))
        .unwrap();
    let err = ops.create_sqlv1_connection(&body).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(404));
    assert!(err.is_not_found());
    assert_eq!(err.details()[0].title.as_deref(), Some("Not Found"));
}
