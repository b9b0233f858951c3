//! Case 7 of `scripts/check-regeneration.sh`: the list's `spec.connection_type` filter
//! lists no values (a plain string), so the connection types are listed in one place
//! only, `ConnectionSpec.connection_type` (and its copies in the request bodies). The
//! type keeps the name of its place, `ConnectionType` (when types were named by shared
//! values, a place that differed took the name away); the generated operation's filter
//! is a string; and the client's `list().connection_type(..)` still sends it
//! (127.0.0.1).

#[path = "support/regen_common.rs"]
mod common;
#[path = "support/scripted.rs"]
mod scripted;

use confluent_flink_sql::connections::{Connection, ConnectionType};
use scripted::{Reply, Scripted};
use serde_json::json;

use common::{client, connection, COLLECTION};

fn page() -> serde_json::Value {
    json!({"api_version": "sql/v1", "kind": "ConnectionList", "metadata": {"next": null},
           "data": [connection("c1")]})
}

#[test]
fn the_property_keeps_its_type_and_values() {
    let c: Connection = serde_json::from_value(connection("c1")).unwrap();
    let t: &ConnectionType = &c.spec.connection_type;
    assert_eq!(t.as_str(), "OPENAI");
    assert!(!matches!(t, ConnectionType::Other(_)), "a named value");
    assert!(ConnectionType::KNOWN.len() > 1, "{:?}", ConnectionType::KNOWN);
}

#[tokio::test]
async fn the_generated_filter_is_a_string_and_the_client_still_filters() {
    let server = Scripted::start(|_| Reply::json(200, page())).await;
    let client = client(&server);
    // The operation as generated: the filter is the spec's plain string now.
    let answer = client
        .operations()
        .list_sqlv1_connections(Some(10), None, Some("ANY_TEXT"))
        .await
        .unwrap();
    assert_eq!(answer.into_inner().data.len(), 1);
    // The client's own list takes a ConnectionType and sends its wire text.
    let listed = client
        .connections()
        .list()
        .connection_type(ConnectionType::parse("OPENAI"))
        .first_page()
        .await
        .unwrap();
    assert_eq!(listed.items()[0].name(), "c1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(requests.iter().all(|r| r.path() == COLLECTION));
    assert_eq!(requests[0].query("spec.connection_type").as_deref(), Some("ANY_TEXT"));
    assert_eq!(requests[1].query("spec.connection_type").as_deref(), Some("OPENAI"));
}
