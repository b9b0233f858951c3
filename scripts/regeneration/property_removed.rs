//! Case 4 of `scripts/check-regeneration.sh`: the spec no longer declares the optional
//! `ListMeta.prev` (the list page's link to the previous page, which no hand-written
//! code reads). The crate still builds (this test needs it), and an answer that still
//! carries the property is read: the value lands in `unknown_fields` and is written back.

use confluent_flink_sql::types::ConnectionList;

#[test]
fn a_removed_property_is_kept_as_unknown_and_written_back() {
    let prev = "https://flink.example/connections?page_token=back";
    let text = serde_json::json!({
        "api_version": "sql/v1",
        "kind": "ConnectionList",
        "metadata": {"self": "https://flink.example/connections", "prev": prev, "total_size": 1},
        "data": [{"name": "c1", "spec": {"connection_type": "OPENAI", "endpoint": "https://x"}}]
    })
    .to_string();
    let list: ConnectionList = serde_json::from_str(&text).unwrap();
    let metadata = list.metadata.as_ref().expect("metadata");
    assert_eq!(
        metadata.unknown_fields.get("prev"),
        Some(&prev.into()),
        "{metadata:?}"
    );
    assert_eq!(metadata.total_size, Some(1));
    let back = serde_json::to_value(&list).unwrap();
    assert_eq!(back["metadata"]["prev"], prev, "{back:#}");
    assert_eq!(back["data"][0]["name"], "c1");
}
