//! The fake service's resources other than Connections (statements, materialized tables and
//! their versions, agents, tools), driven with raw HTTP (reqwest) against a `FakeServer` on
//! 127.0.0.1: create, get, list pages, update, patch, delete, their errors, and faults.
#![cfg(feature = "fake")]

use confluent_flink_sql::fake::{FakeServer, Fault, StatementScript};
use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};

/// A fake server and an HTTP client holding its credentials.
struct Api {
    server: FakeServer,
    http: reqwest::Client,
}

impl Api {
    async fn start() -> Api {
        Api {
            server: FakeServer::start().await.expect("the fake starts"),
            http: reqwest::Client::new(),
        }
    }

    /// The URL of `path` below the environment (`/statements`).
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.environment_url())
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .basic_auth(self.server.api_key(), Some(self.server.api_secret()))
    }

    async fn send(&self, request: RequestBuilder) -> Response {
        request.send().await.expect("the fake answers")
    }

    async fn get(&self, path: &str) -> Response {
        self.send(self.request(Method::GET, path)).await
    }

    async fn post(&self, path: &str, body: &Value) -> Response {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    async fn put(&self, path: &str, body: &Value) -> Response {
        self.send(self.request(Method::PUT, path).json(body)).await
    }

    async fn patch(&self, path: &str, operations: &Value) -> Response {
        self.send(
            self.request(Method::PATCH, path)
                .header(CONTENT_TYPE, "application/json-patch+json")
                .body(operations.to_string()),
        )
        .await
    }

    async fn delete(&self, path: &str) -> Response {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// GETs `path` and returns its JSON body, asserting 200.
    async fn read(&self, path: &str) -> Value {
        json_of(self.get(path).await, 200).await
    }

    /// Every item of the listing at `path` (which may have a query; following `next`), and
    /// the number of pages.
    async fn list_all(&self, path: &str, page_size: usize) -> (Vec<Value>, usize) {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{}{separator}page_size={page_size}", self.url(path));
        let collection = self.url(path.split('?').next().unwrap_or_default());
        let mut items = Vec::new();
        let mut pages = 0;
        loop {
            let response = self
                .send(
                    self.http
                        .get(&url)
                        .basic_auth(self.server.api_key(), Some(self.server.api_secret())),
                )
                .await;
            let page = json_of(response, 200).await;
            pages += 1;
            assert!(
                page["data"].as_array().unwrap().len() <= page_size,
                "{page}"
            );
            items.extend(page["data"].as_array().unwrap().iter().cloned());
            match page["metadata"]["next"].as_str() {
                Some(next) if !next.is_empty() => {
                    assert!(next.starts_with(&collection), "{next}");
                    url = next.to_owned();
                }
                _ => return (items, pages),
            }
        }
    }
}

/// The JSON body of `response`, asserting its status.
async fn json_of(response: Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "{text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The errors of a `Failure` answer, asserting its status (in the answer and each error).
async fn failure(response: Response, status: u16) -> Vec<Value> {
    assert!(response.headers().contains_key("x-request-id"));
    let body = json_of(response, status).await;
    let errors = body["errors"].as_array().expect("a Failure body").clone();
    assert!(!errors.is_empty());
    for error in &errors {
        assert_eq!(error["status"], status.to_string(), "{error}");
        assert_eq!(error["id"].as_str().unwrap().len(), 36, "{error}");
    }
    errors
}

fn pointers(errors: &[Value]) -> Vec<&str> {
    let mut out: Vec<&str> = errors
        .iter()
        .map(|e| e["source"]["pointer"].as_str().unwrap_or("-"))
        .collect();
    out.sort_unstable();
    out
}

fn statement(name: &str, text: &str) -> Value {
    json!({"name": name, "spec": {"statement": text, "compute_pool_id": "lfcp-1"}})
}

/// The read-only members every item answer carries.
fn assert_filled(api: &Api, item: &Value, kind: &str, path: &str) {
    assert_eq!(item["api_version"], "sql/v1", "{item}");
    assert_eq!(item["kind"], kind, "{item}");
    let metadata = &item["metadata"];
    assert_eq!(metadata["self"], api.url(path), "{item}");
    for member in ["uid", "created_at", "updated_at", "resource_version"] {
        assert!(
            metadata[member].as_str().is_some_and(|s| !s.is_empty()),
            "{member}: {item}"
        );
    }
}

#[tokio::test]
async fn statements_are_created_read_and_move_through_their_phases() {
    let api = Api::start().await;
    // A query of a table: what it returns is scripted (the fake runs only literals).
    api.server.script_statement(
        "SELECT * FROM orders",
        StatementScript::new(&[("id", "BIGINT")])
            .row(json!(["1"]))
            .keeps_running(),
    );
    let response = api
        .post(
            "/statements",
            &statement("orders-select", "SELECT * FROM orders"),
        )
        .await;
    assert_eq!(
        response.headers()["location"],
        api.url("/statements/orders-select").as_str()
    );
    assert!(response.headers().contains_key("x-request-id"));
    let created = json_of(response, 201).await;
    assert_filled(&api, &created, "Statement", "/statements/orders-select");
    assert_eq!(created["organization_id"], api.server.organization_id());
    assert_eq!(created["environment_id"], api.server.environment_id());
    assert_eq!(created["spec"]["statement"], "SELECT * FROM orders");
    assert_eq!(created["status"]["phase"], "PENDING");
    // What the tests see without reading (a read moves the phase on).
    let stored = api.server.resource("statements/orders-select").unwrap();
    assert_eq!(stored["status"]["phase"], "PENDING");

    let read = api.read("/statements/orders-select").await;
    assert_eq!(read["status"]["phase"], "RUNNING");
    assert_eq!(
        read["metadata"]["resource_version"],
        created["metadata"]["resource_version"]
    );
    let ddl = json_of(
        api.post(
            "/statements",
            &statement("make-table", "CREATE TABLE t (a INT)"),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(ddl["status"]["phase"], "PENDING");
    let (items, _) = api.list_all("/statements", 10).await;
    let phases: Vec<&str> = items
        .iter()
        .map(|i| i["status"]["phase"].as_str().unwrap())
        .collect();
    assert_eq!(phases, ["COMPLETED", "RUNNING"]);

    // The results: the scripted row, then (running, nothing new) empty pages that
    // point at the same next page; the exceptions an empty list.
    let results = api.read("/statements/orders-select/results").await;
    assert_eq!(results["kind"], "StatementResult");
    assert_eq!(results["results"]["data"], json!([{"op": 0, "row": ["1"]}]));
    let next = results["metadata"]["next"].as_str().unwrap();
    assert_eq!(
        next,
        api.url("/statements/orders-select/results?page_token=p1")
            .as_str()
    );
    let later = api
        .read("/statements/orders-select/results?page_token=p1")
        .await;
    assert_eq!(later["results"]["data"], json!([]));
    assert_eq!(later["metadata"]["next"], next);
    let ddl_results = api.read("/statements/make-table/results").await;
    assert!(
        ddl_results["metadata"].get("next").is_none(),
        "{ddl_results}"
    );
    let exceptions = api.read("/statements/orders-select/exceptions").await;
    assert_eq!(exceptions["kind"], "StatementExceptionList");
    assert_eq!(exceptions["data"], json!([]));
    failure(api.get("/statements/missing/results").await, 404).await;
    failure(api.get("/statements/missing/exceptions").await, 404).await;
    failure(
        api.get("/statements/orders-select/results?page_token=never-issued")
            .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn invalid_statements_are_refused_with_pointers_and_existing_names_with_409() {
    let api = Api::start().await;
    json_of(
        api.post("/statements", &statement("s1", "SELECT 1")).await,
        201,
    )
    .await;
    let response = api.post("/statements", &statement("s1", "SELECT 2")).await;
    assert_eq!(
        response.headers()["location"],
        api.url("/statements/s1").as_str()
    );
    let errors = failure(response, 409).await;
    assert_eq!(errors[0]["code"], "resource_already_exists");
    assert_eq!(pointers(&errors), ["/name"]);

    // The schema's checks: name pattern (anchored) and length, spec.statement required,
    // types; read-only members are not required.
    let errors = failure(
        api.post(
            "/statements",
            &json!({"name": "Not A Name", "spec": {"stopped": "yes"}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        pointers(&errors),
        ["/name", "/spec/statement", "/spec/stopped"]
    );
    let errors = failure(
        api.post(
            "/statements",
            &json!({"name": "x".repeat(101), "spec": {"statement": "SELECT 1"}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(pointers(&errors), ["/name"]);
    let errors = failure(api.post("/statements", &json!({"spec": {}})).await, 422).await;
    assert!(pointers(&errors).contains(&"/name"), "{errors:?}");
    // Not a JSON object at all: 400.
    let response = api
        .send(
            api.request(Method::POST, "/statements")
                .header(CONTENT_TYPE, "application/json")
                .body("[1"),
        )
        .await;
    let errors = failure(response, 400).await;
    assert_eq!(errors[0]["source"]["pointer"], "");
    assert_eq!(
        api.server.resource("statements/s1").unwrap()["spec"]["statement"],
        "SELECT 1"
    );
}

#[tokio::test]
async fn statements_list_in_pages_with_filters() {
    let api = Api::start().await;
    for i in 0..7 {
        let mut body = statement(&format!("s-{i}"), "SELECT 1");
        body["spec"]["compute_pool_id"] = json!(if i % 2 == 0 { "lfcp-even" } else { "lfcp-odd" });
        body["metadata"] = json!({"labels": {"team": if i < 3 { "a" } else { "b" }}});
        json_of(api.post("/statements", &body).await, 201).await;
    }
    let (items, pages) = api.list_all("/statements", 3).await;
    let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["s-0", "s-1", "s-2", "s-3", "s-4", "s-5", "s-6"]);
    assert_eq!(pages, 3);
    let first = api.read("/statements?page_size=3").await;
    assert_eq!(first["kind"], "StatementList");
    assert_eq!(first["metadata"]["total_size"], 7);
    assert_eq!(first["metadata"]["self"], api.url("/statements"));
    let last = api.read("/statements?page_size=100").await;
    assert_eq!(last["metadata"]["next"], "");

    let (even, _) = api
        .list_all("/statements?spec.compute_pool_id=lfcp-even&x=1", 2)
        .await;
    assert_eq!(even.len(), 4);
    let (team_a, _) = api
        .list_all("/statements?label_selector=team%3Da", 10)
        .await;
    assert_eq!(team_a.len(), 3);
    assert_eq!(team_a[0]["metadata"]["labels"]["team"], "a");

    for query in ["page_size=0", "page_size=101", "page_size=ten"] {
        let errors = failure(api.get(&format!("/statements?{query}")).await, 400).await;
        assert_eq!(errors[0]["source"]["parameter"], "page_size", "{query}");
    }
    let errors = failure(api.get("/statements?page_token=forged").await, 400).await;
    assert_eq!(errors[0]["source"]["parameter"], "page_token");
    // A token is bound to its listing: not valid for another collection or filter.
    let next = first["metadata"]["next"].as_str().unwrap();
    let token = next
        .split("page_token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    failure(
        api.get(&format!(
            "/statements?page_token={token}&spec.compute_pool_id=lfcp-odd"
        ))
        .await,
        400,
    )
    .await;
    failure(api.get(&format!("/agents?page_token={token}")).await, 400).await;
}

#[tokio::test]
async fn statements_are_updated_patched_stopped_and_deleted() {
    let api = Api::start().await;
    api.server.script_statement(
        "INSERT INTO a SELECT * FROM b",
        StatementScript::new(&[]).keeps_running(),
    );
    let created = json_of(
        api.post(
            "/statements",
            &statement("job", "INSERT INTO a SELECT * FROM b"),
        )
        .await,
        201,
    )
    .await;
    let version = created["metadata"]["resource_version"].as_str().unwrap();

    // PUT: 202 without a body; a stale version and an immutable change are 400 (the spec
    // declares neither 409 nor 422 for it).
    let mut body = statement("job", "INSERT INTO a SELECT * FROM b");
    body["metadata"] = json!({"resource_version": version});
    body["spec"]["stopped"] = json!(true);
    let response = api.put("/statements/job", &body).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert!(response.bytes().await.unwrap().is_empty());
    let stopped = api.read("/statements/job").await;
    assert_eq!(stopped["status"]["phase"], "STOPPED");
    assert_eq!(stopped["spec"]["compute_pool_id"], "lfcp-1");
    assert_ne!(stopped["metadata"]["resource_version"], version);
    let errors = failure(api.put("/statements/job", &body).await, 400).await;
    assert_eq!(errors[0]["code"], "resource_version_mismatch");
    assert_eq!(pointers(&errors), ["/metadata/resource_version"]);
    let mut changed = body.clone();
    changed["metadata"] = json!({"resource_version": stopped["metadata"]["resource_version"]});
    changed["spec"]["statement"] = json!("SELECT 2");
    let errors = failure(api.put("/statements/job", &changed).await, 400).await;
    assert_eq!(pointers(&errors), ["/spec/statement"]);
    let errors = failure(
        api.put("/statements/job", &json!({"name": "job", "spec": {}}))
            .await,
        400,
    )
    .await;
    assert!(pointers(&errors).contains(&"/spec/stopped"), "{errors:?}");
    failure(api.put("/statements/other", &changed).await, 400).await;
    changed["name"] = json!("other");
    changed["spec"]["statement"] = json!("INSERT INTO a SELECT * FROM b");
    failure(api.put("/statements/other", &changed).await, 404).await;

    // PATCH (JSON Patch): resume, add and remove members, in either case of `op`.
    let patched = json_of(
        api.patch(
            "/statements/job",
            &json!([
                {"op": "replace", "path": "/spec/stopped", "value": false},
                {"op": "ADD", "path": "/spec/properties", "value": {"sql.local-time-zone": "UTC"}},
                {"op": "add", "path": "/metadata/labels", "value": {"team": "a"}},
                {"op": "remove", "path": "/spec/compute_pool_id"}
            ]),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(patched["spec"]["stopped"], false);
    assert_eq!(patched["status"]["phase"], "PENDING");
    assert_eq!(patched["spec"]["properties"]["sql.local-time-zone"], "UTC");
    assert_eq!(patched["metadata"]["labels"]["team"], "a");
    assert!(patched["spec"].get("compute_pool_id").is_none());
    assert_eq!(
        api.read("/statements/job").await["status"]["phase"],
        "RUNNING"
    );

    // What a patch may not do: read-only or immutable members, missing members, bad values,
    // a body that is not a patch; a failed test is 409.
    for (operations, pointer) in [
        (
            json!([{"op": "replace", "path": "/status/phase", "value": "COMPLETED"}]),
            "/0/path",
        ),
        (
            json!([{"op": "replace", "path": "/spec/statement", "value": "SELECT 3"}]),
            "/0/path",
        ),
        (
            json!([{"op": "add", "path": "/spec/stopped", "value": true},
                {"op": "remove", "path": "/spec/nothing"}]),
            "/1/path",
        ),
        (
            json!([{"op": "replace", "path": "/spec/stopped", "value": "yes"}]),
            "/spec/stopped",
        ),
        (json!([{"op": "jump", "path": "/spec/stopped"}]), "/0/op"),
        (json!({"op": "add"}), ""),
    ] {
        let errors = failure(api.patch("/statements/job", &operations).await, 422).await;
        assert_eq!(pointers(&errors)[0], pointer, "{operations}: {errors:?}");
    }
    let errors = failure(
        api.patch(
            "/statements/job",
            &json!([{"op": "test", "path": "/spec/stopped", "value": true}]),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(errors[0]["code"], "patch_test_failed");
    assert_eq!(api.read("/statements/job").await["spec"]["stopped"], false);
    failure(api.patch("/statements/none", &json!([])).await, 404).await;

    // DELETE: 202, then gone.
    let response = api.delete("/statements/job").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    failure(api.get("/statements/job").await, 404).await;
    failure(api.delete("/statements/job").await, 404).await;
    assert!(api.server.resource("statements/job").is_none());
}

#[tokio::test]
async fn materialized_tables_keep_a_version_per_write() {
    let api = Api::start().await;
    let table = json!({"name": "orders", "spec": {"kafka_cluster_id": "lkc-1", "query": "SELECT * FROM o"}});
    let created = json_of(
        api.post("/databases/lkc-1/materialized-tables", &table)
            .await,
        201,
    )
    .await;
    assert_filled(
        &api,
        &created,
        "MaterializedTable",
        "/databases/lkc-1/materialized-tables/orders",
    );
    assert_eq!(created["spec"]["kafka_cluster_id"], "lkc-1");
    assert_eq!(created["status"]["latest_version"], 1);
    let errors = failure(
        api.post(
            "/databases/lkc-1/materialized-tables",
            &json!({"name": "elsewhere", "spec": {"kafka_cluster_id": "lkc-2", "query": "SELECT 1"}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(pointers(&errors), ["/spec/kafka_cluster_id"]);
    let elsewhere =
        json!({"name": "orders", "spec": {"kafka_cluster_id": "lkc-2", "query": "SELECT 2"}});
    json_of(
        api.post("/databases/lkc-2/materialized-tables", &elsewhere)
            .await,
        201,
    )
    .await;
    failure(
        api.post("/databases/lkc-2/materialized-tables", &elsewhere)
            .await,
        409,
    )
    .await;

    // The environment's list holds the tables of every database.
    let (all, _) = api.list_all("/materialized-tables", 1).await;
    let paths: Vec<&str> = all
        .iter()
        .map(|t| t["spec"]["kafka_cluster_id"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["lkc-1", "lkc-2"]);

    // PUT answers 200 with the table; a stale version is 409 (declared).
    let path = "/databases/lkc-1/materialized-tables/orders";
    let update = json!({
        "name": "orders",
        "metadata": {"resource_version": created["metadata"]["resource_version"]},
        "spec": {"kafka_cluster_id": "lkc-1", "query": "SELECT a FROM o"}
    });
    let updated = json_of(api.put(path, &update).await, 200).await;
    assert_eq!(updated["spec"]["query"], "SELECT a FROM o");
    assert_eq!(updated["status"]["latest_version"], 2);
    let errors = failure(api.put(path, &update).await, 409).await;
    assert_eq!(pointers(&errors), ["/metadata/resource_version"]);
    let mut moved = update.clone();
    moved["metadata"] = json!({"resource_version": updated["metadata"]["resource_version"]});
    moved["spec"]["kafka_cluster_id"] = json!("lkc-2");
    failure(api.put(path, &moved).await, 400).await;

    // Versions: one per write, in number order, each with the query of its time.
    let (versions, pages) = api.list_all(&format!("{path}/versions"), 1).await;
    assert_eq!(pages, 2);
    let numbers: Vec<u64> = versions
        .iter()
        .map(|v| v["spec"]["version"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(versions[0]["spec"]["statement"], "SELECT * FROM o");
    let second = api.read(&format!("{path}/versions/2")).await;
    assert_filled(
        &api,
        &second,
        "MaterializedTableVersion",
        &format!("{path}/versions/2"),
    );
    assert_eq!(second["name"], "orders-v2");
    assert_eq!(second["spec"]["statement"], "SELECT a FROM o");
    failure(api.get(&format!("{path}/versions/3")).await, 404).await;
    let errors = failure(api.get(&format!("{path}/versions/second")).await, 400).await;
    assert_eq!(errors[0]["source"]["parameter"], "version");
    failure(api.get(&format!("{path}/versions/0")).await, 400).await;
    failure(
        api.get("/databases/lkc-1/materialized-tables/none/versions")
            .await,
        404,
    )
    .await;

    // DELETE: 202, and the versions go with the table.
    assert_eq!(api.delete(path).await.status(), StatusCode::ACCEPTED);
    failure(api.get(path).await, 404).await;
    failure(api.get(&format!("{path}/versions")).await, 404).await;
    assert!(api
        .server
        .resource("databases/lkc-1/materialized-tables/orders/versions/1")
        .is_none());
    assert!(api
        .server
        .resource("databases/lkc-2/materialized-tables/orders")
        .is_some());
}

#[tokio::test]
async fn agents_and_tools_are_created_with_200_listed_updated_and_deleted() {
    let api = Api::start().await;
    // Agents: created in a database (200, as the spec declares, with Location), listed by
    // environment.
    let agent = json!({"name": "helper", "spec": {"model": "gpt", "prompt": "Be brief."}});
    let response = api.post("/databases/lkc-1/agents", &agent).await;
    assert_eq!(
        response.headers()["location"],
        api.url("/databases/lkc-1/agents/helper").as_str()
    );
    let created = json_of(response, 200).await;
    assert_filled(&api, &created, "Agent", "/databases/lkc-1/agents/helper");
    assert_eq!(created["status"]["phase"], "READY");
    failure(api.post("/databases/lkc-1/agents", &agent).await, 409).await;
    let errors = failure(
        api.post(
            "/databases/lkc-1/agents",
            &json!({"name": "a", "spec": {"model": "m"}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(pointers(&errors), ["/spec/prompt"]);
    let listed = api.read("/agents").await;
    assert_eq!(listed["kind"], "AgentList");
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    let update = json!({
        "name": "helper",
        "metadata": {"resource_version": created["metadata"]["resource_version"]},
        "spec": {"prompt": "Be very brief."}
    });
    let updated = json_of(
        api.put("/databases/lkc-1/agents/helper", &update).await,
        200,
    )
    .await;
    assert_eq!(updated["spec"]["prompt"], "Be very brief.");
    assert_eq!(updated["spec"]["model"], "gpt");
    failure(
        api.put("/databases/lkc-1/agents/helper", &update).await,
        409,
    )
    .await;
    let errors = failure(
        api.put(
            "/databases/lkc-1/agents/helper",
            &json!({"name": "helper", "spec": {}}),
        )
        .await,
        400,
    )
    .await;
    assert!(
        pointers(&errors).contains(&"/metadata"),
        "resource_version is required: {errors:?}"
    );
    failure(api.get("/databases/lkc-2/agents/helper").await, 404).await;
    let response = api.delete("/databases/lkc-1/agents/helper").await;
    assert_eq!(response.status(), StatusCode::OK);
    failure(api.delete("/databases/lkc-1/agents/helper").await, 404).await;

    // Tools: listed by database; names take underscores but no capitals.
    for (database, name) in [
        ("lkc-1", "search_web"),
        ("lkc-1", "lookup"),
        ("lkc-2", "other"),
    ] {
        let tool = json!({"name": name, "spec": {"connection": "conn", "function": "f"}});
        let created = json_of(
            api.post(&format!("/databases/{database}/tools"), &tool)
                .await,
            200,
        )
        .await;
        assert_eq!(created["status"]["phase"], "ACTIVE");
    }
    let errors = failure(
        api.post(
            "/databases/lkc-1/tools",
            &json!({"name": "Search", "spec": {}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(pointers(&errors), ["/name"]);
    let (tools, _) = api.list_all("/databases/lkc-1/tools", 1).await;
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["lookup", "search_web"]);
    let tool = api.read("/databases/lkc-1/tools/lookup").await;
    assert_filled(&api, &tool, "Tool", "/databases/lkc-1/tools/lookup");
    assert_eq!(
        api.delete("/databases/lkc-1/tools/lookup").await.status(),
        200
    );
    failure(api.get("/databases/lkc-1/tools/lookup").await, 404).await;
}

#[tokio::test]
async fn faults_credentials_and_scope_apply_to_every_resource() {
    let api = Api::start().await;
    api.server
        .inject_for_operation("createSqlv1Statement", Fault::rate_limited(2), 1);
    let response = api.post("/statements", &statement("s", "SELECT 1")).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "2");
    assert!(api.server.resource("statements/s").is_none(), "not acted");
    // Other operations are left alone.
    api.server
        .inject_for_operation("deleteSqlv1Statement", Fault::Status(503), 1);
    json_of(
        api.post("/statements", &statement("s", "SELECT 1")).await,
        201,
    )
    .await;
    api.read("/statements/s").await;
    failure(api.delete("/statements/s").await, 503).await;
    assert_eq!(api.server.pending_faults(), 0);
    assert_eq!(api.server.requests_for("createSqlv1Statement"), 2);
    assert_eq!(api.server.requests_for("deleteSqlv1Statement"), 1);
    // Faults for any operation reach these too.
    api.server.inject(Fault::Status(500), 1);
    failure(api.get("/agents").await, 500).await;

    // 401 without the credentials, 403 elsewhere, 405 with Allow, 404 for unknown paths.
    let response = api.send(api.http.get(api.url("/statements"))).await;
    assert!(response.headers().contains_key("www-authenticate"));
    failure(response, 401).await;
    let elsewhere = api
        .url("/statements")
        .replace(api.server.environment_id(), "env-other");
    let response = api
        .send(
            api.http
                .get(elsewhere)
                .basic_auth(api.server.api_key(), Some(api.server.api_secret())),
        )
        .await;
    failure(response, 403).await;
    let response = api.send(api.request(Method::POST, "/statements/s")).await;
    assert_eq!(response.headers()["allow"], "DELETE, GET, PATCH, PUT");
    failure(response, 405).await;
    failure(api.get("/databases/lkc-1").await, 404).await;
}

/// `(operationId, METHOD, path)` of every operation of the spec the crate was built from.
fn operations() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/sql-v1.yaml"))
        .expect("the spec");
    let doc: Value = serde_yaml::from_str(&text).expect("YAML");
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                out.push((id.to_owned(), method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_operation_of_the_spec_is_routed_and_answered_as_declared() {
    let api = Api::start().await;
    let stats = api.server.stats();
    let operations = operations();
    assert!(operations.len() >= 5);
    for (operation_id, method, path) in &operations {
        let concrete: String = path
            .split('/')
            .map(|segment| match segment {
                "{organization_id}" => api.server.organization_id().to_owned(),
                "{environment_id}" => api.server.environment_id().to_owned(),
                "{version}" => "1".to_owned(),
                s if s.starts_with('{') => "missing".to_owned(),
                s => s.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let url = format!("{}{concrete}", api.server.base_url());
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = api
            .http
            .request(method.clone(), &url)
            .basic_auth(api.server.api_key(), Some(api.server.api_secret()));
        if method == Method::POST || method == Method::PUT {
            request = request.json(&json!({}));
        } else if method == Method::PATCH {
            request = request
                .header(CONTENT_TYPE, "application/json-patch+json")
                .body("[]");
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        // Lists answer 200, creates refuse the empty body, the others miss their item.
        let expected: &[u16] = match method.as_str() {
            "GET" if !concrete.ends_with("missing") && !concrete.ends_with("/1") => &[200, 404],
            "POST" => &[400, 422],
            "PUT" => &[400, 404],
            _ => &[404],
        };
        assert!(expected.contains(&status), "{operation_id} {url}: {status}");
        assert_eq!(api.server.requests_for(operation_id), 1, "{operation_id}");
        assert_ne!(status, 501, "{operation_id}");
    }
    assert_eq!(
        api.server.stats().unrouted_requests,
        stats.unrouted_requests
    );
}
