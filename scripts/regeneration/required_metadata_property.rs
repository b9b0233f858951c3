//! Case 8 of `scripts/check-regeneration.sh`: every answer requires `metadata.self`
//! (the published documents mark `ObjectMeta.self` required; the build follows what the
//! answers promise). The generated `ConnectionMetadata` then has `self_: String`, not an
//! `Option`, and no `Default`. The crate must still build: the hand-written accessors
//! read the field either way, and nothing relies on `ConnectionMetadata::default()`.
//! A get and an update through the client work (127.0.0.1).

#[path = "support/regen_common.rs"]
mod common;
#[path = "support/scripted.rs"]
mod scripted;

use confluent_flink_sql::connections::{AuthData, Connection, ConnectionMetadata};
use scripted::{Reply, Scripted};

use common::{client, connection, COLLECTION};

#[test]
fn the_property_is_required() {
    let schema = serde_json::to_value(schemars::schema_for!(ConnectionMetadata)).unwrap();
    let required = schema["required"].as_array().cloned().unwrap_or_default();
    assert!(required.contains(&"self".into()), "{schema:#}");
    // An answer without it is not a connection of this spec.
    let mut c = connection("c1");
    c["metadata"].as_object_mut().unwrap().remove("self");
    assert!(serde_json::from_value::<Connection>(c).is_err());
}

#[test]
fn the_accessors_read_it() {
    let c: Connection = serde_json::from_value(connection("c1")).unwrap();
    let m = c.metadata().expect("metadata");
    assert_eq!(m.self_url(), Some(format!("https://flink.example{COLLECTION}/c1").as_str()));
    assert_eq!(m.uid(), Some("uid-c1"));
    assert_eq!(c.resource_version(), Some("v1"));
    assert!(c.created_at().is_some());
}

#[tokio::test]
async fn get_and_update_work() {
    let server = Scripted::start(|_| Reply::json(200, connection("c1"))).await;
    let conns = client(&server).connections();
    let held = conns.get("c1").await.unwrap();
    conns
        .update_if_unchanged(&held, AuthData::api_key("sk-regen"))
        .await
        .unwrap();
    let requests = server.requests();
    let put = requests.iter().find(|r| r.method == "PUT").expect("a PUT");
    let body = put.json();
    assert_eq!(body["metadata"]["resource_version"], "v1", "{body:#}");
    assert!(body["metadata"].get("self").is_none(), "read-only: {body:#}");
}
