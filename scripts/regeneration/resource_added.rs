//! Case 11 of `scripts/check-regeneration.sh`: the spec has a whole new resource,
//! `RegenWidgets` (`.../regen-widgets`: `listSqlv1RegenWidgets` with a `spec.color`
//! filter, `createSqlv1RegenWidget`, `getSqlv1RegenWidget`, `deleteSqlv1RegenWidget`). The
//! public API must follow with nothing written by hand: `client.regen_widgets()` is its
//! handle, its `list()` pages lazily with the filter `color(..)`, and `get`, `create` and
//! `delete` send what the spec says.

#[path = "support/regen_common.rs"]
mod common;
#[path = "support/scripted.rs"]
mod scripted;

use confluent_flink_sql::types;
use futures::TryStreamExt;
use scripted::{Reply, Scripted};
use serde_json::json;

use common::{client, failure, COLLECTION};

fn widgets_path() -> String {
    COLLECTION.replace("/connections", "/regen-widgets")
}

#[tokio::test]
async fn the_new_resource_is_a_handle_that_lists_gets_creates_and_deletes() {
    let base = widgets_path();
    let server = Scripted::start(move |r| {
        let one = format!("{}/w1", widgets_path());
        match (r.method.as_str(), r.path()) {
            ("GET", p) if p == widgets_path() => match r.query("page_token").as_deref() {
                None => Reply::json(200, json!({
                    "metadata": {"next": format!("{}?page_token=p2", widgets_path())},
                    "data": [{"name": "w1", "spec": {"color": "red"}}]
                })),
                Some("p2") => Reply::json(200, json!({
                    "metadata": {}, "data": [{"name": "w2", "spec": {"color": "red"}}]
                })),
                _ => Reply::json(400, failure(400, "bad_token")),
            },
            ("POST", p) if p == widgets_path() => Reply::json(201, r.json()),
            ("GET", p) if p == one => Reply::json(200, json!({"name": "w1", "spec": {"color": "red"}})),
            ("DELETE", p) if p == one => Reply::empty(204),
            _ => Reply::json(404, failure(404, "not_found")),
        }
    })
    .await;
    let client = client(&server);
    let widgets = client.regen_widgets();

    let listed: Vec<types::RegenWidget> = widgets
        .list()
        .color("red")
        .page_size(1)
        .items()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = listed.iter().map(|w| w.name.as_deref().unwrap_or("")).collect();
    assert_eq!(names, ["w1", "w2"]);

    let read = widgets.get("w1").await.unwrap();
    assert_eq!(read.spec.as_ref().and_then(|s| s.color.as_deref()), Some("red"));
    // The create body is the generated request type of the new operation.
    let body: types::CreateSqlv1RegenWidgetBody =
        serde_json::from_value(json!({"name": "w3", "spec": {"color": "blue"}})).unwrap();
    let created = widgets.create(&body).await.unwrap();
    assert_eq!(created.name.as_deref(), Some("w3"));
    widgets.delete("w1").await.unwrap();

    let requests = server.requests();
    let sent: Vec<(&str, String)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path().to_string()))
        .collect();
    let one = format!("{base}/w1");
    assert_eq!(
        sent,
        [
            ("GET", base.clone()),
            ("GET", base.clone()),
            ("GET", one.clone()),
            ("POST", base.clone()),
            ("DELETE", one),
        ]
    );
    assert_eq!(requests[0].query("spec.color").as_deref(), Some("red"));
    assert_eq!(requests[0].query("page_size").as_deref(), Some("1"));
    assert_eq!(requests[1].query("page_token").as_deref(), Some("p2"));
    assert_eq!(requests[3].json()["spec"]["color"], "blue");
    assert!(requests.iter().all(|r| r.header("authorization").is_some()));
}
