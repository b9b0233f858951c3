//! Running SQL against the embedded fake: submit, wait, typed results (paged, live,
//! failed), exceptions, stop, resume and delete, through the public API (127.0.0.1).

#![cfg(feature = "fake")]

#[path = "support/scripted.rs"]
mod scripted;

use std::time::{Duration, Instant};

use confluent_flink_sql::fake::{FakeServer, Fault, StatementScript};
use confluent_flink_sql::results::{ChangeOp, SqlValue};
use confluent_flink_sql::{Client, Credentials, ErrorKind, RetryPolicy};
use futures::{StreamExt, TryStreamExt};
use scripted::{Reply, Scripted};
use serde_json::json;

async fn fake() -> (FakeServer, Client) {
    let fake = FakeServer::builder().start().await.unwrap();
    let client = fake
        .client_builder()
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    (fake, client)
}

const FAST: Duration = Duration::from_millis(5);

#[tokio::test]
async fn values_run_and_come_back_typed() {
    let (fake, client) = fake().await;
    let mut run = client
        .statements()
        .submit("SELECT * FROM (VALUES (1, 'one', 1.50), (2, 'two', NULL)) AS t(n, word, price)")
        .name("values-1")
        .compute_pool("lfcp-1")
        .database("cluster-1")
        .await
        .unwrap();
    assert_eq!(run.name(), "values-1");
    assert_eq!(run.phase().as_deref(), Some("PENDING"));
    run.wait().interval(FAST).await.unwrap();
    assert_eq!(run.phase().as_deref(), Some("COMPLETED"));
    let rows: Vec<_> = run
        .results()
        .poll_interval(FAST)
        .rows()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].get("n"), Some(&SqlValue::Integer(1)));
    assert_eq!(rows[0].get("word").and_then(SqlValue::as_str), Some("one"));
    assert_eq!(rows[0].get("price").unwrap().to_string(), "1.50");
    assert_eq!(rows[1].get("price"), Some(&SqlValue::Null));
    // What was sent: the name, the SQL, the pool and the database property.
    let stored = fake.resource("statements/values-1").unwrap();
    assert_eq!(stored["spec"]["compute_pool_id"], "lfcp-1");
    assert_eq!(
        stored["spec"]["properties"]["sql.current-database"],
        "cluster-1"
    );
}

#[tokio::test]
async fn a_name_is_made_when_none_is_given() {
    let (_fake, client) = fake().await;
    let run = client.statements().submit("VALUES 1").await.unwrap();
    assert!(run.name().starts_with("rust-"), "{}", run.name());
    assert!(client.statements().get(run.name()).await.is_ok());
}

#[tokio::test]
async fn scripted_pages_are_read_lazily_and_the_changelog_applied() {
    let (fake, client) = fake().await;
    fake.script_statement(
        "SELECT word, COUNT(*) AS n FROM words GROUP BY word",
        StatementScript::new(&[("word", "VARCHAR"), ("n", "BIGINT")])
            .row(json!(["hello", "1"]))
            .row(json!(["world", "1"]))
            .next_page()
            .change(ChangeOp::UpdateBefore, json!(["hello", "1"]))
            .change(ChangeOp::UpdateAfter, json!(["hello", "2"]))
            .next_page()
            .change(ChangeOp::Delete, json!(["world", "1"]))
            .upsert_columns(&[0]),
    );
    let mut run = client
        .statements()
        .submit("SELECT word, COUNT(*) AS n FROM words GROUP BY word;")
        .await
        .unwrap();
    run.wait().interval(FAST).await.unwrap();
    // Pages come one at a time, as the stream is polled.
    let before = fake.requests_for("getSqlv1StatementResult");
    let mut pages = Box::pin(run.results().poll_interval(FAST).pages());
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.rows.len(), 2);
    assert_eq!(fake.requests_for("getSqlv1StatementResult"), before + 1);
    let ops: Vec<String> = pages
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .flat_map(|p| p.rows)
        .map(|r| r.op().to_string())
        .collect();
    assert_eq!(ops, ["-U", "+U", "-D"]);
    // The table the changelog describes, keyed by the upsert column.
    let table = run.results().poll_interval(FAST).table().await.unwrap();
    let shown: Vec<String> = table.rows().map(|r| r.values()[1].to_string()).collect();
    assert_eq!(shown, ["2"]);
    assert_eq!(
        table
            .rows()
            .next()
            .unwrap()
            .get("word")
            .unwrap()
            .to_string(),
        "hello"
    );
}

#[tokio::test]
async fn a_live_query_streams_and_waits_politely_on_empty_pages() {
    let (fake, client) = fake().await;
    fake.script_statement(
        "SELECT * FROM clicks",
        StatementScript::new(&[("url", "VARCHAR")])
            .row(json!(["/a"]))
            .next_page()
            .next_page()
            .row(json!(["/b"]))
            .keeps_running(),
    );
    let mut run = client
        .statements()
        .submit("SELECT * FROM clicks")
        .await
        .unwrap();
    run.wait().interval(FAST).await.unwrap();
    assert_eq!(run.phase().as_deref(), Some("RUNNING"));
    let interval = Duration::from_millis(40);
    let started = Instant::now();
    let rows: Vec<_> = run
        .results()
        .poll_interval(interval)
        .rows()
        .take(2)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].get("url").unwrap().to_string(), "/b");
    // The empty page in between was followed by one wait.
    assert!(started.elapsed() >= interval, "{:?}", started.elapsed());
    // Stopping it ends the stream.
    run.stop().await.unwrap();
    assert_eq!(run.phase().as_deref(), Some("STOPPED"));
    let all: Vec<_> = run
        .results()
        .poll_interval(FAST)
        .rows()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2, "the rows, then the end");
    run.resume().await.unwrap();
    run.wait().interval(FAST).await.unwrap();
    assert_eq!(run.phase().as_deref(), Some("RUNNING"));
}

#[tokio::test]
async fn a_failed_statement_is_an_error_with_its_detail_and_exceptions() {
    let (fake, client) = fake().await;
    fake.script_statement(
        "INSERT INTO sink SELECT * FROM source",
        StatementScript::new(&[]).fails(
            "Table 'source' does not exist",
            &[("ValidationException", "Table 'source' does not exist")],
        ),
    );
    let mut run = client
        .statements()
        .submit("INSERT INTO sink SELECT * FROM source")
        .name("failing")
        .await
        .unwrap();
    let e = run.wait().interval(FAST).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Statement);
    assert!(
        e.to_string().contains("Table 'source' does not exist"),
        "{e}"
    );
    let failed = e.failed_statement().expect("the failed statement");
    assert_eq!(failed.name, "failing");
    assert_eq!(failed.exceptions.len(), 1);
    let exceptions = run.exceptions().await.unwrap();
    let json = serde_json::to_value(&exceptions).unwrap();
    assert_eq!(json[0]["name"], "ValidationException");
    // Its results end with the same error.
    let e = run
        .results()
        .poll_interval(FAST)
        .rows()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Statement, "{e}");
}

#[tokio::test]
async fn what_the_fake_cannot_run_fails_as_the_service_fails_it() {
    let (_fake, client) = fake().await;
    let mut run = client
        .statements()
        .submit("SELECT * FROM orders")
        .await
        .unwrap();
    let e = run.wait().interval(FAST).await.unwrap_err();
    assert!(e.to_string().contains("cannot run this statement"), "{e}");
    assert_eq!(run.phase().as_deref(), Some("FAILED"));
}

#[tokio::test]
async fn show_lists_what_the_fake_holds() {
    let (fake, client) = fake().await;
    fake.seed(2);
    let mut run = client
        .statements()
        .submit("SHOW CONNECTIONS")
        .await
        .unwrap();
    run.wait().interval(FAST).await.unwrap();
    let rows: Vec<_> = run.results().rows().try_collect().await.unwrap();
    let names: Vec<String> = rows.iter().map(|r| r.values()[0].to_string()).collect();
    assert_eq!(names, fake.connection_names());
}

#[tokio::test]
async fn a_wait_has_a_timeout_and_retries_what_the_client_retries() {
    let (fake, client) = fake().await;
    let mut run = client.statements().submit("VALUES 1").await.unwrap();
    fake.inject_for_operation("getSqlv1Statement", Fault::Status(503), 2);
    run.wait().interval(FAST).await.unwrap();
    assert_eq!(run.phase().as_deref(), Some("COMPLETED"));
    // A statement that never leaves PENDING: the wait says so after its timeout.
    fake.script_statement("SELECT 2", StatementScript::new(&[]).keeps_running());
    let mut stopped = client
        .statements()
        .submit("SELECT 2")
        .stopped(true)
        .await
        .unwrap();
    let e = stopped
        .wait()
        .until_done()
        .interval(FAST)
        .timeout(Duration::ZERO)
        .await;
    assert!(e.is_ok(), "a stopped statement is done: {e:?}");
    let mut pending = client
        .statements()
        .submit("SELECT 2")
        .name("p")
        .await
        .unwrap();
    let e = pending
        .wait()
        .until_done()
        .interval(FAST)
        .timeout(Duration::from_millis(50))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.to_string().contains("still RUNNING"), "{e}");
    pending.delete().await.unwrap();
    assert!(client
        .statements()
        .get("p")
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test]
async fn secret_properties_never_show_in_debug_or_errors() {
    let (_fake, client) = fake().await;
    let secret = "sk-statement-canary-77";
    let submit = client
        .statements()
        .submit("SELECT * FROM needs_a_key")
        .property("sql.secrets.openai", secret);
    assert!(!format!("{submit:?}").contains(secret));
    let mut run = submit.await.unwrap();
    assert!(!format!("{run:?}").contains(secret));
    let e = run.wait().interval(FAST).await.unwrap_err();
    let failed = e.failed_statement().unwrap();
    for shown in [format!("{e}"), format!("{e:?}"), format!("{failed:?}")] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[tokio::test]
async fn results_pages_are_retried_like_every_operation() {
    let (fake, client) = fake().await;
    fake.script_statement(
        "SELECT n FROM numbers",
        StatementScript::new(&[("n", "INTEGER")])
            .row(json!(["1"]))
            .next_page()
            .row(json!(["2"])),
    );
    let mut run = client
        .statements()
        .submit("SELECT n FROM numbers")
        .await
        .unwrap();
    run.wait().interval(FAST).await.unwrap();
    fake.inject_for_operation("getSqlv1StatementResult", Fault::Status(503), 2);
    fake.inject_for_operation("getSqlv1StatementResult", Fault::TruncateBody, 1);
    let before = fake.requests_for("getSqlv1StatementResult");
    let rows: Vec<_> = run
        .results()
        .poll_interval(FAST)
        .rows()
        .try_collect()
        .await
        .unwrap();
    let values: Vec<String> = rows.iter().map(|r| r.values()[0].to_string()).collect();
    assert_eq!(values, ["1", "2"]);
    // Two pages, three faulted attempts.
    assert_eq!(fake.requests_for("getSqlv1StatementResult") - before, 5);
}

/// `metadata.next` of a results page names another host: the next request goes to the
/// client's own endpoint with the page token only.
#[tokio::test]
async fn the_next_links_host_is_never_followed() {
    let statement = json!({
        "name": "s", "spec": {"statement": "SELECT 1"},
        "status": {"phase": "COMPLETED", "traits": {"schema": {"columns": [
            {"name": "n", "type": {"type": "INTEGER", "nullable": false}}]}}}
    });
    let server = Scripted::start(move |r| {
        if r.path().ends_with("/results") {
            match r.query("page_token").as_deref() {
                None => Reply::json(
                    200,
                    json!({"metadata": {
                    "next": "https://elsewhere.example/steal?page_token=t2"},
                    "results": {"data": [{"row": ["1"]}]}}),
                ),
                Some("t2") => Reply::json(
                    200,
                    json!({"metadata": {},
                    "results": {"data": [{"op": 0, "row": ["2"]}]}}),
                ),
                Some(_) => Reply::json(400, json!({"errors": [{"detail": "bad token"}]})),
            }
        } else {
            Reply::json(200, statement.clone())
        }
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", "secret"))
        .organization_id("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        .environment_id("env-1")
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let run = client.statements().run("s").await.unwrap();
    let rows: Vec<_> = run.results().rows().try_collect().await.unwrap();
    assert_eq!(rows.len(), 2);
    let results: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path().ends_with("/results"))
        .collect();
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[1].path(),
        "/sql/v1/organizations/3fa85f64-5717-4562-b3fc-2c963f66afa6/environments/env-1/statements/s/results"
    );
    assert_eq!(results[1].query("page_token").as_deref(), Some("t2"));
    assert!(results[1].header("authorization").is_some());
}

#[tokio::test]
async fn a_table_of_no_rows_still_has_its_columns() {
    let (_fake, client) = fake().await;
    let mut run = client.statements().submit("SHOW TABLES").await.unwrap();
    run.wait().interval(FAST).await.unwrap();
    let table = run.results().table().await.unwrap();
    assert!(table.is_empty());
    let names: Vec<&str> = table
        .schema()
        .columns()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["table name"]);
}

/// A statement's `sql.secrets.*` property values never appear in the `Debug` of the
/// generated types that hold them (the statement, its spec, the create body's spec),
/// and are still written when the value is serialised (the service needs them).
#[test]
fn secret_properties_are_not_in_debug_output_of_the_generated_types() {
    use confluent_flink_sql::types::Statement;
    let secret = "sk-canary-0123456789";
    let statement: Statement = serde_json::from_value(json!({
        "name": "s1",
        "spec": {
            "statement": "SELECT 1",
            "properties": {"sql.secrets.openai": secret, "sql.current-catalog": "default"}
        },
        "status": {"phase": "RUNNING"}
    }))
    .unwrap();
    for shown in [
        format!("{statement:?}"),
        format!("{statement:#?}"),
        format!("{:?}", statement.spec),
    ] {
        assert!(!shown.contains(secret), "{shown}");
        assert!(shown.contains("sql.secrets.openai"), "{shown}");
        assert!(shown.contains("default"), "{shown}");
    }
    let body: confluent_flink_sql::types::CreateSqlv1StatementBodySpec =
        serde_json::from_value(serde_json::to_value(&statement.spec).unwrap()).unwrap();
    assert!(!format!("{body:?}").contains(secret));
    assert!(serde_json::to_string(&statement).unwrap().contains(secret));
}

/// A page's items are read into a buffer of the spec's largest page (not grown, and
/// copied, as they come), and a recursive type's absent optional members allocate
/// nothing (`Option<Box<DataType>>`, not a box holding `None`).
#[test]
fn a_page_is_read_into_a_buffer_of_the_largest_page_and_absent_members_are_not_boxed() {
    use confluent_flink_sql::types::{DataType, StatementList};
    let most = confluent_flink_sql::limits::LIST_SQLV1_STATEMENTS_PAGE_SIZE_MAXIMUM
        .expect("the spec sets a maximum page size") as usize;
    let one =
        json!({"name": "s", "spec": {"statement": "SELECT 1"}, "status": {"phase": "RUNNING"}});
    // Read from bytes, as an answer is (which does not say how many items follow).
    let body = json!({
        "api_version": "sql/v1", "kind": "StatementList", "metadata": {},
        "data": [one.clone(), one.clone(), one]
    });
    let page: StatementList = serde_json::from_slice(body.to_string().as_bytes()).unwrap();
    assert_eq!(page.data.len(), 3);
    assert!(
        page.data.capacity() >= most,
        "{} < {most}",
        page.data.capacity()
    );

    let array: DataType = serde_json::from_value(json!({
        "type": "ARRAY", "nullable": true, "element_type": {"type": "INTEGER", "nullable": false}
    }))
    .unwrap();
    let element: Option<&DataType> = array.element_type.as_deref();
    assert_eq!(element.and_then(|e| e.type_.as_deref()), Some("INTEGER"));
    assert!(array.key_type.is_none() && array.value_type.is_none());
    let written = serde_json::to_value(&array).unwrap();
    assert!(
        written.get("key_type").is_none(),
        "absent stays absent: {written}"
    );
}
