//! Case 9 of `scripts/check-regeneration.sh`: `ObjectMeta` declares a map,
//! `labels: {type: object, additionalProperties: {type: string}}`, as the Aug 2024
//! version of the spec does. The public model must follow: a typed map field of
//! `ConnectionMetadata` (not an unknown property), read from JSON and written back,
//! with the map's shape in the model's JSON Schema; the crate builds around it.

use confluent_flink_sql::connections::{Connection, ConnectionMetadata};
use serde_json::json;

fn labelled() -> serde_json::Value {
    json!({
        "name": "c1",
        "metadata": {"self": "https://x/c1", "labels": {"team": "ml", "user.confluent.io/hidden": "true"}},
        "spec": {"connection_type": "OPENAI", "endpoint": "https://x"}
    })
}

#[test]
fn the_map_is_a_typed_field_read_and_written_back() {
    let c: Connection = serde_json::from_value(labelled()).unwrap();
    let m = c.metadata().expect("metadata");
    assert_eq!(m.labels.get("team").map(String::as_str), Some("ml"));
    assert_eq!(m.labels.len(), 2);
    assert!(!m.unknown_fields.contains_key("labels"), "{:?}", m.unknown_fields);
    let back = serde_json::to_value(&c).unwrap();
    assert_eq!(back["metadata"]["labels"], labelled()["metadata"]["labels"]);
    // A value that is not a string does not fit the map.
    let mut bad = labelled();
    bad["metadata"]["labels"]["n"] = json!(1);
    assert!(serde_json::from_value::<Connection>(bad).is_err());
}

#[test]
fn the_schema_shows_a_map_of_strings() {
    let schema = serde_json::to_value(schemars::schema_for!(ConnectionMetadata)).unwrap();
    let labels = &schema["properties"]["labels"];
    assert_eq!(labels["type"], "object", "{schema:#}");
    assert_eq!(labels["additionalProperties"]["type"], "string", "{schema:#}");
}
