//! Case 1 of `scripts/check-regeneration.sh`: the spec's `sql.v1.ConnectionSpec` has
//! gained the optional string property `__PROBE__` (a new name every run), described as
//! `__DESCRIPTION__`. The public model must follow: a typed field, documented with the
//! description, read from JSON, and sent back by `update_if_unchanged`.

#[path = "support/regen_common.rs"]
mod common;
#[path = "support/scripted.rs"]
mod scripted;

use confluent_flink_sql::connections::{AuthData, Connection};
use scripted::{Reply, Scripted};

use common::{client, connection, COLLECTION};

const PROBE: &str = "__PROBE__";
const DESCRIPTION: &str = "__DESCRIPTION__";

/// A connection whose spec carries the new property.
fn with_probe(name: &str) -> serde_json::Value {
    let mut c = connection(name);
    c["spec"][PROBE] = "probe-value".into();
    c
}

#[test]
fn the_property_is_a_typed_field_read_from_json() {
    let c: Connection = serde_json::from_str(&with_probe("c1").to_string()).unwrap();
    // The field exists, with the type of an optional string property.
    let field: &Option<String> = &c.spec.__PROBE__;
    assert_eq!(field.as_deref(), Some("probe-value"));
    // Read into the field, not kept as an unknown property.
    assert!(
        !c.spec.unknown_fields.contains_key(PROBE),
        "{:?}",
        c.spec.unknown_fields
    );
    // And written back under its wire name.
    let back = serde_json::to_value(&c).unwrap();
    assert_eq!(back["spec"][PROBE], "probe-value");
}

#[test]
fn the_field_is_documented_with_the_spec_description() {
    // The JSON Schema of the model takes each field's description from its doc comment,
    // the same `#[doc]` rustdoc shows.
    let schema = serde_json::to_value(schemars::schema_for!(Connection)).unwrap();
    let spec = &schema["definitions"]["ConnectionSpec"];
    assert_eq!(
        spec["properties"][PROBE]["description"], DESCRIPTION,
        "ConnectionSpec in the model's JSON Schema: {spec:#}"
    );
}

#[tokio::test]
async fn update_if_unchanged_sends_the_property_back() {
    let server = Scripted::start(|r| match r.method.as_str() {
        "GET" => Reply::json(200, with_probe("c1")),
        _ => Reply::json(200, with_probe("c1")),
    })
    .await;
    let conns = client(&server).connections();
    let held = conns.get("c1").await.unwrap();
    assert_eq!(held.spec.__PROBE__.as_deref(), Some("probe-value"));
    conns
        .update_if_unchanged(&held, AuthData::api_key("sk-regen"))
        .await
        .unwrap();
    let requests = server.requests();
    let put = requests.iter().find(|r| r.method == "PUT").expect("a PUT");
    assert_eq!(put.path(), format!("{COLLECTION}/c1"));
    let body = put.json();
    assert_eq!(body["spec"][PROBE], "probe-value", "PUT body: {body:#}");
    assert_eq!(
        body["metadata"]["resource_version"], "v1",
        "PUT body: {body:#}"
    );
}
