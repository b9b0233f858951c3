//! The crate's generated operations (`client.operations()`) against the fake service, for
//! every resource other than Connections: what a user's test of statements, materialized
//! tables, agents and tools does. Every answer of the fake must decode into the generated
//! model, and every body the client sends must be one the fake takes.
#![cfg(feature = "fake")]

use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::{Client, ErrorKind};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

async fn start() -> (FakeServer, Client) {
    let server = FakeServer::start().await.expect("the fake starts");
    let client = server
        .client_builder()
        .max_retries(0)
        .build()
        .expect("a client");
    (server, client)
}

/// A generated request body from its JSON.
fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid body")
}

/// A decoded answer as JSON, for assertions.
fn json_of(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).expect("serialisable")
}

#[tokio::test]
async fn statements_through_the_generated_operations() {
    let (server, client) = start().await;
    server.script_statement(
        "SELECT * FROM orders",
        confluent_flink_sql::fake::StatementScript::new(&[("id", "BIGINT")]).keeps_running(),
    );
    let ops = client.operations();
    let created = ops
        .create_sqlv1_statement(&body(json!({
            "name": "orders",
            "spec": {"statement": "SELECT * FROM orders", "compute_pool_id": "lfcp-1"}
        })))
        .await
        .expect("created")
        .into_inner();
    let created = json_of(&created);
    assert_eq!(created["status"]["phase"], "PENDING");
    assert_eq!(created["organization_id"], server.organization_id());
    let read = json_of(
        &ops.get_sqlv1_statement("orders")
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(read["status"]["phase"], "RUNNING");

    let list = ops
        .list_sqlv1_statements(None, Some(1), None, Some("lfcp-1"))
        .await
        .unwrap()
        .into_inner();
    let list = json_of(&list);
    assert_eq!(list["data"][0]["name"], "orders");
    assert_eq!(list["metadata"]["total_size"], 1);

    let patched = ops
        .patch_sqlv1_statement(
            "orders",
            &body(json!([{"op": "ADD", "path": "/spec/stopped", "value": true}])),
        )
        .await
        .expect("patched")
        .into_inner();
    let patched = json_of(&patched);
    assert_eq!(patched["status"]["phase"], "STOPPED");
    let version = patched["metadata"]["resource_version"].clone();
    let accepted = ops
        .update_sqlv1_statement(
            "orders",
            &body(json!({
                "name": "orders",
                "metadata": {"resource_version": version},
                "spec": {"statement": "SELECT * FROM orders", "stopped": false}
            })),
        )
        .await
        .expect("updated");
    assert_eq!(accepted.status().as_u16(), 202);

    let results = ops
        .get_sqlv1_statement_result("orders", None)
        .await
        .unwrap()
        .into_inner();
    // Empty (the model leaves an empty list out when written back).
    let rows = json_of(&results)["results"]["data"].clone();
    assert!(rows.is_null() || rows == json!([]), "{rows}");
    let exceptions = ops
        .get_sqlv1_statement_exceptions("orders")
        .await
        .unwrap()
        .into_inner();
    let exceptions = json_of(&exceptions)["data"].clone();
    assert!(
        exceptions.is_null() || exceptions == json!([]),
        "{exceptions}"
    );

    let taken = ops
        .create_sqlv1_statement(&body(
            json!({"name": "orders", "spec": {"statement": "SELECT 1"}}),
        ))
        .await
        .unwrap_err();
    assert_eq!((taken.kind(), taken.status()), (ErrorKind::Api, Some(409)));
    assert_eq!(
        ops.delete_sqlv1_statement("orders")
            .await
            .unwrap()
            .status()
            .as_u16(),
        202
    );
    let gone = ops.get_sqlv1_statement("orders").await.unwrap_err();
    assert!(gone.is_not_found(), "{gone:?}");
}

#[tokio::test]
async fn materialized_tables_agents_and_tools_through_the_generated_operations() {
    let (_server, client) = start().await;
    let ops = client.operations();

    let table = ops
        .create_sqlv1_materialized_table(
            "lkc-1",
            // The generated body requires `metadata` (read-only, so empty here).
            &body(json!({
                "name": "orders",
                "metadata": {},
                "spec": {"kafka_cluster_id": "lkc-1", "query": "SELECT * FROM o"}
            })),
        )
        .await
        .expect("created")
        .into_inner();
    let table = json_of(&table);
    let updated = ops
        .update_sqlv1_materialized_table(
            "lkc-1",
            "orders",
            &body(json!({
                "name": "orders",
                "metadata": {"resource_version": table["metadata"]["resource_version"]},
                "spec": {"kafka_cluster_id": "lkc-1", "query": "SELECT a FROM o"}
            })),
        )
        .await
        .expect("updated")
        .into_inner();
    assert_eq!(json_of(&updated)["status"]["latest_version"], 2);
    let tables = ops
        .list_sqlv1_materialized_tables(Some(10), None)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(json_of(&tables)["data"].as_array().unwrap().len(), 1);
    let versions = ops
        .list_sqlv1_materialized_table_versions("lkc-1", "orders", Some(10), None)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(json_of(&versions)["data"].as_array().unwrap().len(), 2);
    let second = ops
        .get_sqlv1_materialized_table_version("lkc-1", "orders", 2.try_into().unwrap())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(json_of(&second)["spec"]["statement"], "SELECT a FROM o");
    ops.get_sqlv1_materialized_table("lkc-1", "orders")
        .await
        .unwrap();
    ops.delete_sqlv1_materialized_table("lkc-1", "orders")
        .await
        .unwrap();

    let agent = ops
        .create_sqlv1_agent(
            "lkc-1",
            &body(json!({"name": "helper", "metadata": {}, "spec": {"model": "m", "prompt": "p"}})),
        )
        .await
        .expect("created")
        .into_inner();
    let agent = json_of(&agent);
    ops.update_sqlv1_agent(
        "lkc-1",
        "helper",
        &body(json!({
            "name": "helper",
            "metadata": {"resource_version": agent["metadata"]["resource_version"]},
            "spec": {"model": "m", "prompt": "q"}
        })),
    )
    .await
    .expect("updated");
    let agents = ops
        .list_sqlv1_agents(None, None)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(json_of(&agents)["data"][0]["spec"]["prompt"], "q");
    ops.get_sqlv1_agent("lkc-1", "helper").await.unwrap();
    ops.delete_sqlv1_agent("lkc-1", "helper").await.unwrap();

    ops.create_sqlv1_tool(
        "lkc-1",
        &body(json!({"name": "lookup", "spec": {"connection": "c", "function": "f"}})),
    )
    .await
    .expect("created");
    let tools = ops
        .list_sqlv1_tools("lkc-1", None, None)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(json_of(&tools)["data"][0]["name"], "lookup");
    ops.get_sqlv1_tool("lkc-1", "lookup").await.unwrap();
    ops.delete_sqlv1_tool("lkc-1", "lookup").await.unwrap();
    assert!(ops
        .get_sqlv1_tool("lkc-1", "lookup")
        .await
        .unwrap_err()
        .is_not_found());
}
