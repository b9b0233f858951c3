//! The generated resource handles (`confluent_flink_sql::resources`) against a scripted
//! server on 127.0.0.1: each sends the spec's method, path, query and body with the
//! client's credentials, reads the answer into the generated type, pages lazily with
//! the spec's filters, and fails with the crate's `Error`.

#[path = "support/scripted.rs"]
mod scripted;

use std::num::NonZeroU32;
use std::time::Duration;

use confluent_flink_sql::{types, Client, Credentials, RetryPolicy};
use futures::TryStreamExt;
use scripted::{Reply, Scripted};
use serde_json::{json, Value};

const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const ENV: &str = "env-1";
const BASE: &str = "/sql/v1/organizations/3fa85f64-5717-4562-b3fc-2c963f66afa6/environments/env-1";

fn client(server: &Scripted) -> Client {
    Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", "secret"))
        .organization_id(ORG)
        .environment_id(ENV)
        .allow_insecure_http(true)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .max_retries(0)
        .build()
        .unwrap()
}

fn statement(name: &str) -> Value {
    json!({
        "api_version": "sql/v1",
        "kind": "Statement",
        "name": name,
        "organization_id": ORG,
        "environment_id": ENV,
        "metadata": {"self": format!("https://x{BASE}/statements/{name}"), "resource_version": "1"},
        "spec": {"statement": "SELECT 1", "compute_pool_id": "lfcp-1", "stopped": false},
        "status": {"phase": "RUNNING", "detail": "running"}
    })
}

fn failure(status: u16) -> Value {
    json!({"errors": [{"status": status.to_string(), "code": "not_found", "title": "Not Found"}]})
}

#[tokio::test]
async fn statements_are_listed_page_by_page_with_the_specs_filters() {
    let server = Scripted::start(|r| {
        let token = r.query("page_token");
        let (names, next) = match token.as_deref() {
            None => (
                vec!["s1", "s2"],
                json!(format!(
                    "https://elsewhere.example{BASE}/statements?page_token=t%2B2"
                )),
            ),
            Some("t+2") => (vec!["s3"], Value::Null),
            _ => return Reply::json(400, failure(400)),
        };
        let data: Vec<Value> = names.iter().map(|n| statement(n)).collect();
        Reply::json(
            200,
            json!({"api_version": "sql/v1", "kind": "StatementList",
            "metadata": {"next": next, "total_size": 3}, "data": data}),
        )
    })
    .await;
    let client = client(&server);
    let statements: Vec<types::Statement> = client
        .statements()
        .list()
        .compute_pool_id("lfcp-1")
        .label_selector("team=a")
        .page_size(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = statements
        .iter()
        .map(|s| s.name.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(names, ["s1", "s2", "s3"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "two pages, two requests");
    for r in &requests {
        assert_eq!(r.method, "GET");
        assert_eq!(r.path(), format!("{BASE}/statements"));
        assert_eq!(r.query("spec.compute_pool_id").as_deref(), Some("lfcp-1"));
        assert_eq!(r.query("label_selector").as_deref(), Some("team=a"));
        assert_eq!(r.query("page_size").as_deref(), Some("2"));
        assert!(r.header("authorization").is_some());
    }
    // The next page's token, never the next link's host.
    assert_eq!(requests[1].query("page_token").as_deref(), Some("t+2"));

    // One page, with its total and token.
    let first = client
        .statements()
        .list()
        .page_size(2)
        .first_page()
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first.total_size(), Some(3));
    assert_eq!(first.next_page_token(), Some("t+2"));
}

#[tokio::test]
async fn a_list_whose_token_comes_round_again_ends_with_an_error_after_its_items() {
    let server = Scripted::start(|_| {
        Reply::json(
            200,
            json!({"metadata": {"next": format!("{BASE}/tools?page_token=same")},
            "data": [{"name": "t1", "spec": {}}]}),
        )
    })
    .await;
    let client = client(&server);
    let mut items = client.tools("lkc-1").list().items();
    let mut read = 0;
    let err = loop {
        match items.try_next().await {
            Ok(Some(_)) => read += 1,
            Ok(None) => panic!("the list ended without finding the loop"),
            Err(e) => break e,
        }
    };
    assert!(read >= 1, "the items before the loop are kept");
    assert!(err.to_string().contains("a second time"), "{err}");
    assert_eq!(
        server.requests()[0].path(),
        format!("{BASE}/databases/lkc-1/tools")
    );
}

#[tokio::test]
async fn a_page_size_outside_the_specs_bounds_sends_nothing() {
    let server = Scripted::start(|_| Reply::json(500, failure(500))).await;
    let client = client(&server);
    let err = client
        .statements()
        .list()
        .page_size(0)
        .first_page()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("page_size"), "{err}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_statement_is_created_read_patched_updated_and_deleted() {
    let server = Scripted::start(|r| match (r.method.as_str(), r.path()) {
        ("POST", p) if p == format!("{BASE}/statements") => Reply::json(201, statement("s1")),
        ("GET", p) if p == format!("{BASE}/statements/s1") => Reply::json(200, statement("s1")),
        ("PATCH", p) if p == format!("{BASE}/statements/s1") => Reply::json(200, statement("s1")),
        ("PUT", p) if p == format!("{BASE}/statements/s1") => Reply::empty(202),
        ("DELETE", p) if p == format!("{BASE}/statements/s1") => Reply::empty(202),
        _ => Reply::json(404, failure(404)),
    })
    .await;
    let client = client(&server);
    let statements = client.statements();

    let body: types::CreateSqlv1StatementBody = serde_json::from_value(json!({
        "name": "s1", "spec": {"statement": "SELECT 1", "compute_pool_id": "lfcp-1"}
    }))
    .unwrap();
    let created = statements.create(&body).await.unwrap();
    assert_eq!(created.name.as_deref(), Some("s1"));
    let read = statements.get("s1").await.unwrap();
    assert_eq!(read, created);

    let patch: Vec<types::PatchSqlv1StatementBodyItem> =
        serde_json::from_value(json!([{"op": "replace", "path": "/spec/stopped", "value": true}]))
            .unwrap();
    statements.patch("s1", &patch).await.unwrap();

    let update: types::UpdateSqlv1StatementBody = serde_json::from_value(json!({
        "name": "s1", "metadata": {"resource_version": "1"},
        "spec": {"statement": "SELECT 1", "compute_pool_id": "lfcp-1", "stopped": true}
    }))
    .unwrap();
    statements.update("s1", &update).await.unwrap();
    statements.delete("s1").await.unwrap();

    let requests = server.requests();
    let sent: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path()))
        .collect();
    let one = format!("{BASE}/statements/s1");
    let all = format!("{BASE}/statements");
    assert_eq!(
        sent,
        [
            ("POST", all.as_str()),
            ("GET", &one),
            ("PATCH", &one),
            ("PUT", &one),
            ("DELETE", &one)
        ]
    );
    assert_eq!(requests[0].json()["spec"]["statement"], "SELECT 1");
    // The JSON Patch goes as one, typed.
    assert_eq!(
        requests[2].header("content-type"),
        Some("application/json-patch+json")
    );
    assert_eq!(
        requests[2].json(),
        json!([{"op": "replace", "path": "/spec/stopped", "value": true}])
    );
    assert_eq!(requests[3].json()["spec"]["stopped"], true);
    for r in &requests {
        assert!(
            r.header("authorization").is_some(),
            "{} {}",
            r.method,
            r.path()
        );
    }
}

#[tokio::test]
async fn resources_under_a_database_are_addressed_there() {
    let server = Scripted::start(|r| {
        let p = r.path();
        if p == format!("{BASE}/databases/lkc-9/materialized-tables/orders") {
            Reply::json(200, json!({"name": "orders", "status": {},
                "spec": {"kafka_cluster_id": "lkc-9", "compute_pool_id": "lfcp-1", "principal": "sa-1",
                    "query": "SELECT 1", "session_options": {}, "table_options": {}}}))
        } else if p == format!("{BASE}/databases/lkc-9/materialized-tables/orders/versions/2") {
            Reply::json(200, json!({"version": 2}))
        } else if p == format!("{BASE}/materialized-tables") {
            Reply::json(200, json!({"metadata": {}, "data": []}))
        } else {
            Reply::json(404, failure(404))
        }
    })
    .await;
    let client = client(&server);
    let tables = client.materialized_tables("lkc-9");
    assert_eq!(tables.kafka_cluster_id(), "lkc-9");
    let table = tables.get("orders").await.unwrap();
    assert_eq!(table.name.as_deref(), Some("orders"));
    // The spec lists materialized tables per environment.
    assert!(tables.list().first_page().await.unwrap().is_empty());
    let versions = client.materialized_table_versions("lkc-9", "orders");
    versions.get(NonZeroU32::new(2).unwrap()).await.unwrap();

    let err = client.agents("lkc-9").get("missing").await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert!(err.is_not_found());
    assert!(err.to_string().contains("missing"), "{err}");
    // A name that would address the collection is refused before sending.
    let before = server.requests().len();
    assert!(client.agents("lkc-9").get("..").await.is_err());
    assert_eq!(server.requests().len(), before);
}

#[tokio::test]
async fn update_from_a_held_statement_forwards_what_the_crate_does_not_know() {
    let server = Scripted::start(|r| match r.method.as_str() {
        "GET" => {
            let mut s = statement("s1");
            // Members this version of the spec does not declare, at two depths.
            s["x_new_top"] = json!({"kept": true});
            s["spec"]["x_new_in_spec"] = json!([1, 2]);
            Reply::json(200, s)
        }
        "PUT" => Reply::empty(202),
        _ => Reply::json(404, failure(404)),
    })
    .await;
    let client = client(&server);
    let statements = client.statements();
    let mut held = statements.get("s1").await.unwrap();
    held.spec.stopped = Some(true);
    statements.update_from("s1", &held).await.unwrap();

    let put = server
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    let body = put.json();
    assert_eq!(body["spec"]["stopped"], true, "the caller's change");
    assert_eq!(body["spec"]["statement"], "SELECT 1");
    assert_eq!(body["metadata"]["resource_version"], "1");
    // MUST FORWARD: what the crate does not know goes back as it came.
    assert_eq!(body["x_new_top"], json!({"kept": true}));
    assert_eq!(body["spec"]["x_new_in_spec"], json!([1, 2]));
    // Read-only members stay out.
    assert!(body.get("status").is_none(), "{body}");
    assert!(body.get("kind").is_none(), "{body}");
}

/// Each resource's metadata has a type named after it, even where the spec shares one
/// component (`ObjectMeta`) among several resources.
#[test]
fn each_resources_metadata_is_named_after_it() {
    fn metadata_type<T: schemars::JsonSchema>() -> String {
        let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
        let metadata = &schema["properties"]["metadata"];
        // `{"$ref": ..}`, or with `null` (an `Option`) in `anyOf`/`allOf`.
        let reference = [
            &metadata["$ref"],
            &metadata["anyOf"][0]["$ref"],
            &metadata["allOf"][0]["$ref"],
        ]
        .into_iter()
        .find_map(Value::as_str)
        .unwrap_or_else(|| panic!("{schema:#}"));
        reference.rsplit('/').next().unwrap().to_string()
    }
    // Typed too: these only compile with the named types.
    fn _tool(t: &types::Tool) -> Option<&types::ToolMetadata> {
        t.metadata.as_ref()
    }
    fn _connection(c: &types::Connection) -> Option<&types::ConnectionMetadata> {
        c.metadata.as_ref()
    }
    assert_eq!(metadata_type::<types::Tool>(), "ToolMetadata");
    assert_eq!(metadata_type::<types::Connection>(), "ConnectionMetadata");
    assert_eq!(metadata_type::<types::Agent>(), "AgentMetadata");
}
