//! Tests of the serde impls `build/serde_impls.rs` writes for every generated struct:
//! members read into their fields, any other member kept and written back as it came,
//! at every depth, and the errors serde's derive gives for a member missing or
//! repeated.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::types::{Connection, ConnectionList, Failure};

/// A connection as the service sends it, without a secret (an answer's secret is
/// read, never written, so it cannot round-trip).
fn connection() -> Value {
    json!({
        "api_version": "sql/v1",
        "kind": "Connection",
        "metadata": {
            "self": "https://flink.us-east-1.aws.confluent.cloud/sql/v1/organizations/o/environments/e/connections/c",
            "created_at": "2024-05-06T07:08:09Z",
            "resource_version": "a1",
            "uid": "u-1"
        },
        "name": "c",
        "spec": {"connection_type": "OPENAI", "endpoint": "https://api.openai.com/v1"},
        "status": {"phase": "ACTIVE", "detail": "ok"}
    })
}

/// The objects of a connection that keep unknown members, as JSON pointers.
const LEVELS: [&str; 4] = ["", "/metadata", "/spec", "/status"];

#[test]
fn a_value_is_written_back_as_it_was_read_with_its_unknown_members() {
    let mut sent = connection();
    sent["added_top"] = json!({"nested": [1, "two", null]});
    sent["metadata"]["added_meta"] = json!([{"a": 1}]);
    sent["spec"]["added_spec"] = json!(true);
    sent["status"]["added_status"] = json!(null);
    let text = sent.to_string();
    // From text (borrowed keys) and from a Value (owned keys): the same result.
    let from_text: Connection = serde_json::from_str(&text).unwrap();
    let from_value: Connection = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(from_text, from_value);
    assert_eq!(from_text.unknown_fields["added_top"]["nested"][1], "two");
    assert_eq!(
        from_text.spec.unknown_fields.get("added_spec"),
        Some(&json!(true))
    );
    // Only unknown members land in the map.
    assert_eq!(from_text.spec.unknown_fields.len(), 1);
    let written = serde_json::to_value(&from_text).unwrap();
    // Date-times are written in chrono's form of the same instant.
    let mut expected = sent;
    expected["metadata"]["created_at"] = json!("2024-05-06T07:08:09Z");
    assert_eq!(written, expected);
}

#[test]
fn a_declared_name_put_in_unknown_fields_is_not_written_twice() {
    let mut c: Connection = serde_json::from_value(connection()).unwrap();
    c.unknown_fields.insert("name".into(), json!("other"));
    c.spec
        .unknown_fields
        .insert("endpoint".into(), json!("https://elsewhere"));
    let text = serde_json::to_string(&c).unwrap();
    assert_eq!(text.matches("\"name\"").count(), 1, "{text}");
    assert_eq!(text.matches("\"endpoint\"").count(), 1, "{text}");
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back["name"], "c", "the field wins");
    assert_eq!(back["spec"]["endpoint"], "https://api.openai.com/v1");
}

#[test]
fn a_missing_required_member_and_a_repeated_member_are_errors_naming_them() {
    let mut no_spec = connection();
    no_spec.as_object_mut().unwrap().remove("spec");
    let e = serde_json::from_value::<Connection>(no_spec).unwrap_err();
    assert!(e.to_string().contains("missing field `spec`"), "{e}");

    let repeated = r#"{"name":"a","name":"b","spec":{"connection_type":"OPENAI","endpoint":"x"}}"#;
    let e = serde_json::from_str::<Connection>(repeated).unwrap_err();
    assert!(e.to_string().contains("duplicate field `name`"), "{e}");

    let e = serde_json::from_str::<Connection>("[1, 2]").unwrap_err();
    assert!(e.to_string().contains("an object (Connection)"), "{e}");
    let e = serde_json::from_str::<Failure>(r#"{"errors": [{"status": 5}]}"#).unwrap_err();
    assert!(e.to_string().contains("invalid type: integer"), "{e}");
}

#[test]
fn a_page_keeps_unknown_members_at_every_level() {
    let mut item = connection();
    item["spec"]["added_in_item"] = json!("kept");
    let page = json!({
        "api_version": "sql/v1", "kind": "ConnectionList",
        "metadata": {"next": "", "added_list_meta": 1},
        "data": [item.clone(), item],
        "added_page": {"x": [true]},
    });
    let list: ConnectionList = serde_json::from_slice(page.to_string().as_bytes()).unwrap();
    assert_eq!(list.data.len(), 2);
    assert_eq!(list.unknown_fields["added_page"], json!({"x": [true]}));
    for c in &list.data {
        assert_eq!(c.spec.unknown_fields["added_in_item"], "kept");
    }
    let written = serde_json::to_value(&list).unwrap();
    assert_eq!(written["metadata"]["added_list_meta"], 1);
    assert_eq!(written["data"][1]["spec"]["added_in_item"], "kept");
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9 \"\\\\\u{e9}\u{1F600}]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Members the spec does not declare, of any name and value, at any level of a
    /// connection: each is kept in that level's `unknown_fields` and written back
    /// unchanged, and the declared members read as before.
    #[test]
    fn unknown_members_of_any_shape_round_trip(
        added in prop::collection::vec((0usize..LEVELS.len(), "[a-z_]{1,10}", any_json()), 0..8),
    ) {
        let plain: Connection = serde_json::from_value(connection()).unwrap();
        let mut sent = connection();
        let mut expected_unknown = 0;
        for (level, key, value) in added {
            let object = sent.pointer_mut(LEVELS[level]).unwrap().as_object_mut().unwrap();
            // `x_` keeps the names clear of the declared ones.
            let key = format!("x_{key}");
            if object.contains_key(&key) {
                continue;
            }
            object.insert(key, value);
            expected_unknown += 1;
        }
        let read: Connection = serde_json::from_str(&sent.to_string()).unwrap();
        let kept = read.unknown_fields.len()
            + read.metadata.as_ref().map_or(0, |m| m.unknown_fields.len())
            + read.spec.unknown_fields.len()
            + read.status.as_ref().map_or(0, |s| s.unknown_fields.len());
        prop_assert_eq!(kept, expected_unknown);
        prop_assert_eq!(read.name.as_deref(), plain.name.as_deref());
        prop_assert_eq!(&read.spec.endpoint, &plain.spec.endpoint);
        let mut written = serde_json::to_value(&read).unwrap();
        written["metadata"]["created_at"] = sent["metadata"]["created_at"].clone();
        prop_assert_eq!(written, sent);
    }
}
