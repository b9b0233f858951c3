//! The fake Connections service (feature `fake`), driven with raw HTTP (reqwest and TCP), not
//! with this crate's client: each test shows one behaviour of the service the fake stands for.
#![cfg(feature = "fake")]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use confluent_flink_sql::fake::{
    FakeServer, FakeServerBuilder, Fault, LastPageNext, Operation, SeedConnection,
};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A fake server and an HTTP client holding its credentials.
struct Api {
    server: FakeServer,
    http: reqwest::Client,
}

impl Api {
    async fn start() -> Api {
        Api::with(FakeServer::builder()).await
    }

    async fn with(builder: FakeServerBuilder) -> Api {
        let server = builder.start().await.expect("the fake starts");
        Api {
            server,
            http: reqwest::Client::new(),
        }
    }

    fn collection(&self) -> String {
        self.server.connections_url()
    }

    fn item(&self, name: &str) -> String {
        format!("{}/{name}", self.collection())
    }

    fn request(&self, method: Method, url: &str) -> RequestBuilder {
        self.http
            .request(method, url)
            .basic_auth(self.server.api_key(), Some(self.server.api_secret()))
    }

    async fn create(&self, body: &Value) -> Response {
        answer(
            self.request(Method::POST, &self.collection()).json(body),
            "create",
        )
        .await
    }

    async fn get(&self, name: &str) -> Response {
        answer(self.request(Method::GET, &self.item(name)), "get").await
    }

    async fn list(&self, query: &[(&str, &str)]) -> Response {
        answer(
            self.request(Method::GET, &self.collection()).query(query),
            "list",
        )
        .await
    }

    async fn update(&self, name: &str, body: &Value) -> Response {
        answer(
            self.request(Method::PUT, &self.item(name)).json(body),
            "update",
        )
        .await
    }

    async fn delete(&self, name: &str) -> Response {
        answer(self.request(Method::DELETE, &self.item(name)), "delete").await
    }
}

/// Sends the request of `operation`; panics (`<operation> is answered: <error>`) when no
/// answer comes.
async fn answer(request: RequestBuilder, operation: &str) -> Response {
    request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{operation} is answered: {e:?}"))
}

fn new_connection(name: &str, api_key: &str) -> Value {
    json!({
        "name": name,
        "spec": {
            "connection_type": "OPENAI",
            "endpoint": "https://api.openai.com/v1/chat/completions",
            "auth_data": {"kind": "PlaintextProvider", "data": json!({"API_KEY": api_key}).to_string()}
        }
    })
}

fn update_body(name: &str, resource_version: &str, api_key: &str) -> Value {
    let mut body = new_connection(name, api_key);
    body["metadata"] = json!({"resource_version": resource_version});
    body
}

fn request_id(response: &Response) -> String {
    response
        .headers()
        .get("x-request-id")
        .expect("every response carries X-Request-Id")
        .to_str()
        .unwrap()
        .to_owned()
}

/// Asserts a `Failure` body whose errors all have `status`, and returns its errors.
async fn failure(response: Response, status: u16) -> Vec<Value> {
    assert_eq!(response.status().as_u16(), status);
    request_id(&response);
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "error bodies are JSON"
    );
    let body: Value = response.json().await.unwrap();
    let errors = body["errors"].as_array().expect("a Failure body").clone();
    assert!(!errors.is_empty());
    for error in &errors {
        assert_eq!(error["status"], status.to_string());
        assert_eq!(error["id"].as_str().unwrap().len(), 36);
        assert!(error["title"].is_string() && error["code"].is_string());
    }
    errors
}

fn pointers(errors: &[Value]) -> Vec<&str> {
    errors
        .iter()
        .map(|error| {
            error["source"]["pointer"]
                .as_str()
                .expect("a source.pointer")
        })
        .collect()
}

fn next_token(next: &str) -> String {
    let url = reqwest::Url::parse(next).expect("next is an absolute URL");
    url.query_pairs()
        .find(|(key, _)| key == "page_token")
        .map(|(_, value)| value.into_owned())
        .expect("next carries a page_token")
}

/// Lists every page with `page_size`, following `metadata.next`'s token; returns the names
/// and the number of pages.
async fn list_all(api: &Api, page_size: &str, extra: &[(&str, &str)]) -> (Vec<String>, usize) {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut query = vec![("page_size", page_size)];
        query.extend_from_slice(extra);
        if let Some(token) = &token {
            query.push(("page_token", token));
        }
        let response = api.list(&query).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        pages += 1;
        for item in body["data"].as_array().unwrap() {
            names.push(item["name"].as_str().unwrap().to_owned());
        }
        match body["metadata"]["next"].as_str() {
            Some(next) if !next.is_empty() => token = Some(next_token(next)),
            _ => return (names, pages),
        }
    }
}

/// Sends raw bytes on a fresh TCP connection and reads until the server closes it.
async fn raw_exchange(server: &FakeServer, request: String) -> Vec<u8> {
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server closed the connection");
    received
}

fn raw_request(server: &FakeServer, method: &str, path: &str, body: Option<&Value>) -> String {
    let credentials = STANDARD.encode(format!("{}:{}", server.api_key(), server.api_secret()));
    let body = body.map(Value::to_string).unwrap_or_default();
    format!(
        "{method} {path} HTTP/1.1\r\nhost: {}\r\nauthorization: Basic {credentials}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        server.local_addr(),
        body.len()
    )
}

fn collection_path(server: &FakeServer) -> String {
    format!(
        "/sql/v1/organizations/{}/environments/{}/connections",
        server.organization_id(),
        server.environment_id()
    )
}

#[tokio::test]
async fn start_tells_where_and_who_and_hides_the_secret_in_debug() {
    let server = FakeServer::start().await.unwrap();
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    assert_eq!(
        server.base_url(),
        format!("http://{}", server.local_addr()),
        "base_url is the bound address"
    );
    assert_ne!(server.local_addr().port(), 0);
    assert_eq!(server.organization_id().len(), 36);
    assert_eq!(server.organization_id().matches('-').count(), 4);
    assert!(!server.environment_id().is_empty());
    assert!(!server.api_key().is_empty() && server.api_secret().len() >= 32);
    let debug = format!("{server:?}");
    assert!(!debug.contains(server.api_secret()), "{debug}");
    assert!(debug.contains(server.base_url()));

    let other = FakeServer::start().await.unwrap();
    assert_ne!(other.api_secret(), server.api_secret());
    assert_ne!(other.organization_id(), server.organization_id());
}

#[tokio::test]
async fn the_builder_fixes_identities_and_refuses_bad_settings() {
    let server = FakeServer::builder()
        .organization_id("3FA85F64-5717-4562-B3FC-2C963F66AFA6")
        .environment_id("env-123")
        .credentials("KEY", "SECRET")
        .start()
        .await
        .unwrap();
    assert_eq!(
        server.organization_id(),
        "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    );
    assert_eq!(server.environment_id(), "env-123");
    assert_eq!((server.api_key(), server.api_secret()), ("KEY", "SECRET"));

    for builder in [
        FakeServer::builder().organization_id("org-1"),
        FakeServer::builder().environment_id(""),
        FakeServer::builder().credentials("a:b", "c"),
        FakeServer::builder().default_page_size(0),
        FakeServer::builder().default_page_size(101),
        FakeServer::builder().advertised_base_url("flink.example"),
    ] {
        let error = builder.start().await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{error}");
    }
}

#[tokio::test]
async fn create_answers_201_with_location_and_the_connection_without_its_secret() {
    let api = Api::start().await;
    let response = api
        .create(&new_connection("my-openai-connection", "sk-secret-1"))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    request_id(&response);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, api.item("my-openai-connection"));
    let text = response.text().await.unwrap();
    assert!(!text.contains("sk-secret-1"), "the secret is never echoed");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["api_version"], "sql/v1");
    assert_eq!(body["kind"], "Connection");
    assert_eq!(body["name"], "my-openai-connection");
    assert_eq!(body["spec"]["connection_type"], "OPENAI");
    assert_eq!(
        body["spec"]["endpoint"],
        "https://api.openai.com/v1/chat/completions"
    );
    assert_eq!(
        body["spec"]["auth_data"],
        json!({"kind": "PlaintextProvider"})
    );
    assert_eq!(body["status"]["phase"], "ACTIVE");
    let meta = &body["metadata"];
    assert_eq!(meta["self"], location.as_str());
    assert_eq!(meta["uid"].as_str().unwrap().len(), 36);
    assert!(meta["resource_name"]
        .as_str()
        .unwrap()
        .starts_with("crn://confluent.cloud/"));
    assert!(meta["resource_version"]
        .as_str()
        .is_some_and(|v| !v.is_empty()));
    for stamp in ["created_at", "updated_at"] {
        let text = meta[stamp].as_str().unwrap();
        chrono::DateTime::parse_from_rfc3339(text).expect("RFC 3339 timestamps");
    }
    assert_eq!(
        api.server.stored_secret("my-openai-connection").as_deref(),
        Some(r#"{"API_KEY":"sk-secret-1"}"#)
    );

    // Get answers the same connection.
    let response = api.get("my-openai-connection").await;
    assert_eq!(response.status(), StatusCode::OK);
    let got: Value = response.json().await.unwrap();
    assert_eq!(got, body);

    let stats = api.server.stats();
    assert_eq!(stats.creates_committed, 1);
    assert_eq!(stats.create_requests, 1);
    assert_eq!(stats.get_requests, 1);
}

#[tokio::test]
async fn creating_an_existing_name_is_409_with_the_location_of_the_existing_one() {
    let api = Api::start().await;
    assert_eq!(
        api.create(&new_connection("dup", "k1")).await.status(),
        StatusCode::CREATED
    );
    let response = api.create(&new_connection("dup", "k2")).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, api.item("dup"));
    let errors = failure(response, 409).await;
    assert_eq!(errors[0]["code"], "resource_already_exists");
    assert_eq!(
        api.server.stored_secret("dup").as_deref(),
        Some(r#"{"API_KEY":"k1"}"#)
    );
    assert_eq!(api.server.stats().creates_committed, 1);
}

#[tokio::test]
async fn invalid_create_bodies_are_refused_with_a_pointer_and_create_nothing() {
    let api = Api::start().await;
    let valid = new_connection("valid-name", "k");
    let with = |pointer: &str, value: Value| {
        let mut body = valid.clone();
        *body.pointer_mut(pointer).unwrap() = value;
        body
    };
    let without = |parent: &str, member: &str| {
        let mut body = valid.clone();
        body.pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove(member);
        body
    };
    let cases = [
        (with("/name", json!("Upper")), "/name"),
        (with("/name", json!("under_score")), "/name"),
        (with("/name", json!("-leading")), "/name"),
        (with("/name", json!("ok-then!bad")), "/name"),
        (with("/name", json!("a".repeat(101))), "/name"),
        (with("/name", json!(42)), "/name"),
        (without("", "name"), "/name"),
        (without("", "spec"), "/spec"),
        (without("/spec", "endpoint"), "/spec/endpoint"),
        (without("/spec", "connection_type"), "/spec/connection_type"),
        (without("/spec", "auth_data"), "/spec/auth_data"),
        (without("/spec/auth_data", "data"), "/spec/auth_data/data"),
        (
            with("/spec/endpoint", json!("e".repeat(16385))),
            "/spec/endpoint",
        ),
        (
            with("/spec/connection_type", json!("NOT_A_TYPE")),
            "/spec/connection_type",
        ),
        (
            with("/spec/auth_data/kind", json!("Vault")),
            "/spec/auth_data/kind",
        ),
        // Plain JSON text is what the service takes, not base64 (format: byte).
        (
            with(
                "/spec/auth_data/data",
                json!(STANDARD.encode(r#"{"API_KEY":"k"}"#)),
            ),
            "/spec/auth_data/data",
        ),
        // OPENAI takes API_KEY, not user name and password.
        (
            with(
                "/spec/auth_data/data",
                json!(r#"{"USERNAME":"u","PASSWORD":"p"}"#),
            ),
            "/spec/auth_data/data",
        ),
    ];
    for (body, pointer) in cases {
        let errors = failure(api.create(&body).await, 422).await;
        assert_eq!(pointers(&errors), [pointer], "{body}");
    }
    // The longest name and endpoint are accepted.
    let longest = with("/name", json!("a".repeat(100)));
    let longest = {
        let mut body = longest;
        body["spec"]["endpoint"] = json!("e".repeat(16384));
        body
    };
    assert_eq!(api.create(&longest).await.status(), StatusCode::CREATED);

    // Not JSON, or not an object: 400 pointing at the whole document.
    for raw in ["{\"name\":", "[1,2]", ""] {
        let response = api
            .request(Method::POST, &api.collection())
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let errors = failure(response, 400).await;
        assert_eq!(pointers(&errors), [""], "{raw:?}");
    }
    assert_eq!(api.server.connection_count(), 1);
    assert_eq!(api.server.stats().creates_committed, 1);
}

#[tokio::test]
async fn error_details_never_contain_the_secret() {
    let api = Api::start().await;
    let mut body = new_connection("x", "unused");
    body["spec"]["auth_data"]["data"] = json!(r#"{"API_KEY":"sk-leak-me","EXTRA":"sk-leak-too"}"#);
    let response = api.create(&body).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = response.text().await.unwrap();
    assert!(!text.contains("sk-leak"), "{text}");
    assert!(text.contains("EXTRA"), "names the offending key: {text}");
}

#[tokio::test]
async fn every_operation_needs_basic_credentials() {
    let api = Api::start().await;
    api.server.seed(1);
    let collection = api.collection();
    let item = api.item("seed-000000");
    let calls = [
        (Method::GET, collection.as_str()),
        (Method::POST, collection.as_str()),
        (Method::GET, item.as_str()),
        (Method::PUT, item.as_str()),
        (Method::DELETE, item.as_str()),
    ];
    for (method, url) in calls {
        let attempts = [
            api.http.request(method.clone(), url),
            api.http
                .request(method.clone(), url)
                .basic_auth(api.server.api_key(), Some("wrong-secret")),
            api.http
                .request(method.clone(), url)
                .basic_auth("WRONGKEY", Some(api.server.api_secret())),
            api.http
                .request(method.clone(), url)
                .bearer_auth(api.server.api_secret()),
        ];
        for attempt in attempts {
            let response = attempt
                .json(&new_connection("zz", "k"))
                .send()
                .await
                .unwrap();
            let challenge = response.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(challenge.starts_with("Basic "), "{challenge}");
            let errors = failure(response, 401).await;
            assert_eq!(errors[0]["code"], "user_unauthenticated");
        }
    }
    assert_eq!(api.server.connection_names(), ["seed-000000"]);
    assert_eq!(api.server.stats().total_requests(), 20);
}

#[tokio::test]
async fn other_organizations_and_environments_are_403_and_bad_organization_ids_400() {
    let api = Api::start().await;
    let base = api.server.base_url();
    let other_org = format!(
        "{base}/sql/v1/organizations/00000000-0000-4000-8000-000000000000/environments/{}/connections",
        api.server.environment_id()
    );
    let other_env = format!(
        "{base}/sql/v1/organizations/{}/environments/env-other/connections",
        api.server.organization_id()
    );
    for url in [&other_org, &other_env] {
        let errors = failure(api.request(Method::GET, url).send().await.unwrap(), 403).await;
        assert_eq!(errors[0]["code"], "user_unauthorized");
        let response = api
            .request(Method::POST, url)
            .json(&new_connection("a", "k"))
            .send()
            .await
            .unwrap();
        failure(response, 403).await;
        let response = api
            .request(Method::DELETE, &format!("{url}/a"))
            .send()
            .await
            .unwrap();
        failure(response, 403).await;
    }
    let bad = format!(
        "{base}/sql/v1/organizations/org-1/environments/{}/connections",
        api.server.environment_id()
    );
    let errors = failure(api.request(Method::GET, &bad).send().await.unwrap(), 400).await;
    assert_eq!(errors[0]["source"]["parameter"], "organization_id");
    // An upper-case spelling of the right organization is the same organization.
    let upper = format!(
        "{base}/sql/v1/organizations/{}/environments/{}/connections",
        api.server.organization_id().to_uppercase(),
        api.server.environment_id()
    );
    let response = api.request(Method::GET, &upper).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(api.server.stats().creates_committed, 0);
}

#[tokio::test]
async fn an_open_server_serves_every_organization_and_environment_separately() {
    let api = Api::with(FakeServer::builder().open(true)).await;
    let base = api.server.base_url();
    let org_a = "11111111-1111-4111-8111-111111111111";
    let url_a = format!("{base}/sql/v1/organizations/{org_a}/environments/env-a/connections");
    let url_b = format!("{base}/sql/v1/organizations/{org_a}/environments/env-b/connections");
    let response = api
        .request(Method::POST, &url_a)
        .json(&new_connection("shared-name", "k"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        response.headers()["location"],
        format!("{url_a}/shared-name").as_str()
    );
    let response = api
        .request(Method::POST, &url_b)
        .json(&new_connection("shared-name", "k"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "names are per environment"
    );
    let list: Value = api
        .request(Method::GET, &url_a)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["metadata"]["total_size"], 1);
    // The fake's own environment is untouched; credentials are still checked.
    assert_eq!(api.server.connection_count(), 0);
    let response = api.http.get(&url_a).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn get_and_delete_of_a_missing_connection_are_404() {
    let api = Api::start().await;
    let errors = failure(api.get("nope").await, 404).await;
    assert_eq!(errors[0]["title"], "Not Found");
    failure(api.delete("nope").await, 404).await;
    failure(
        api.update("nope", &update_body("nope", "rv1", "k")).await,
        404,
    )
    .await;
}

#[tokio::test]
async fn delete_answers_200_without_a_body_and_the_connection_is_gone() {
    let api = Api::start().await;
    api.create(&new_connection("short-lived", "k")).await;
    let response = api.delete("short-lived").await;
    assert_eq!(response.status(), StatusCode::OK);
    request_id(&response);
    assert!(response.bytes().await.unwrap().is_empty());
    failure(api.get("short-lived").await, 404).await;
    failure(api.delete("short-lived").await, 404).await;
    assert_eq!(api.server.stats().deletes_committed, 1);
    assert_eq!(api.server.connection_count(), 0);
}

#[tokio::test]
async fn list_pages_are_sorted_and_linked_by_absolute_next_urls_with_opaque_tokens() {
    let api = Api::start().await;
    // Inserted out of order.
    for name in ["c", "a", "e", "b", "d"] {
        assert!(api
            .server
            .insert(SeedConnection::new(name, "OPENAI", "https://e")));
    }
    api.server.seed(20);
    let response = api.list(&[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    request_id(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["api_version"], "sql/v1");
    assert_eq!(body["kind"], "ConnectionList");
    assert_eq!(body["metadata"]["self"], api.collection());
    assert_eq!(body["metadata"]["total_size"], 25);
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 10, "the default page size is 10");
    let first: Vec<&str> = data.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        first,
        [
            "a",
            "b",
            "c",
            "d",
            "e",
            "seed-000000",
            "seed-000001",
            "seed-000002",
            "seed-000003",
            "seed-000004"
        ]
    );
    for item in data {
        assert!(
            item["spec"].get("auth_data").is_none(),
            "list items carry no auth_data"
        );
        assert!(item["metadata"]["self"]
            .as_str()
            .unwrap()
            .starts_with(&api.collection()));
    }
    let next = body["metadata"]["next"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("{}?", api.collection())),
        "next is an absolute URL of the collection: {next}"
    );
    assert!(next.contains("page_size=10"), "{next}");
    let token = next_token(next);
    assert!(token.len() <= 255);
    assert!(
        !token.contains("seed") && token.parse::<u64>().is_err(),
        "the token is opaque: {token}"
    );

    let (names, pages) = list_all(&api, "10", &[]).await;
    assert_eq!(pages, 3);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.len(), 25);
    assert_eq!(names.iter().collect::<HashSet<_>>().len(), 25);
}

#[tokio::test]
async fn the_last_page_ends_the_listing_with_an_empty_null_or_missing_next() {
    for (setting, expected) in [
        (None, Some(json!(""))),
        (Some(LastPageNext::Empty), Some(json!(""))),
        (Some(LastPageNext::Null), Some(Value::Null)),
        (Some(LastPageNext::Omitted), None),
    ] {
        let mut builder = FakeServer::builder();
        if let Some(setting) = setting {
            builder = builder.last_page_next(setting);
        }
        let api = Api::with(builder).await;
        api.server.seed(3);
        let body: Value = api.list(&[]).await.json().await.unwrap();
        assert_eq!(body["data"].as_array().unwrap().len(), 3);
        assert_eq!(
            body["metadata"].get("next").cloned(),
            expected,
            "{setting:?}"
        );
    }
}

#[tokio::test]
async fn one_thousand_connections_list_in_ten_pages_of_one_hundred() {
    let api = Api::start().await;
    api.server.seed(1000);
    assert_eq!(api.server.connection_count(), 1000);
    let (names, pages) = list_all(&api, "100", &[]).await;
    assert_eq!(pages, 10);
    let expected: Vec<String> = (0..1000).map(|i| format!("seed-{i:06}")).collect();
    assert_eq!(names, expected);
}

#[tokio::test]
async fn lists_filter_by_connection_type_and_keep_the_filter_in_next() {
    let api = Api::start().await;
    api.server.seed(38); // two of each of the 19 types
    let (names, pages) = list_all(&api, "1", &[("spec.connection_type", "OPENAI")]).await;
    assert_eq!(names, ["seed-000013", "seed-000032"]);
    assert_eq!(pages, 2);
    let body: Value = api
        .list(&[("page_size", "1"), ("spec.connection_type", "OPENAI")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["metadata"]["total_size"], 2);
    assert_eq!(body["data"][0]["spec"]["connection_type"], "OPENAI");
    let next = body["metadata"]["next"].as_str().unwrap();
    assert!(next.contains("spec.connection_type=OPENAI"), "{next}");
    // A type nobody has: an empty list.
    let body: Value = api
        .list(&[("spec.connection_type", "SOMETHING_NEW")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["data"], json!([]));
    assert_eq!(body["metadata"]["total_size"], 0);
}

#[tokio::test]
async fn bad_page_sizes_and_page_tokens_are_400_naming_the_parameter() {
    let api = Api::start().await;
    api.server.seed(5);
    for size in ["0", "-1", "101", "ten", ""] {
        let errors = failure(api.list(&[("page_size", size)]).await, 400).await;
        assert_eq!(errors[0]["source"]["parameter"], "page_size", "{size:?}");
    }
    for size in ["1", "100"] {
        assert_eq!(
            api.list(&[("page_size", size)]).await.status(),
            StatusCode::OK
        );
    }
    let long = "A".repeat(256);
    let errors = failure(api.list(&[("page_token", &long)]).await, 400).await;
    assert_eq!(errors[0]["source"]["parameter"], "page_token");
    let errors = failure(api.list(&[("page_token", "bm90LWEtdG9rZW4")]).await, 400).await;
    assert_eq!(errors[0]["source"]["parameter"], "page_token");
    assert_eq!(errors[0]["code"], "invalid_page_token");

    // A token is only good for the listing that issued it.
    let body: Value = api
        .list(&[("page_size", "1"), ("spec.connection_type", "AZUREML")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["metadata"]["total_size"], 1);
    let body: Value = api.list(&[("page_size", "2")]).await.json().await.unwrap();
    let token = next_token(body["metadata"]["next"].as_str().unwrap());
    let errors = failure(
        api.list(&[("page_token", &token), ("spec.connection_type", "OPENAI")])
            .await,
        400,
    )
    .await;
    assert_eq!(errors[0]["source"]["parameter"], "page_token");
    // A token from another server is unknown here.
    let other = Api::start().await;
    other.server.seed(5);
    failure(other.list(&[("page_token", &token)]).await, 400).await;
    // The page size may change between pages.
    let body: Value = api
        .list(&[("page_token", &token), ("page_size", "3")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["data"].as_array().unwrap().len(), 3);
    assert_eq!(body["data"][0]["name"], "seed-000002");
}

#[tokio::test]
async fn the_default_page_size_and_advertised_host_can_be_set() {
    let api = Api::with(
        FakeServer::builder()
            .default_page_size(2)
            .advertised_base_url("https://flink.us-east-1.aws.confluent.cloud/"),
    )
    .await;
    api.server.seed(3);
    let body: Value = api.list(&[]).await.json().await.unwrap();
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    let next = body["metadata"]["next"].as_str().unwrap();
    let expected_prefix = format!(
        "https://flink.us-east-1.aws.confluent.cloud/sql/v1/organizations/{}/environments/{}/connections?",
        api.server.organization_id(),
        api.server.environment_id()
    );
    assert!(next.starts_with(&expected_prefix), "{next}");
    // The token works against the real address.
    let body: Value = api
        .list(&[("page_token", &next_token(next))])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["data"][0]["name"], "seed-000002");
    let response = api.create(&new_connection("n", "k")).await;
    assert!(response.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("https://flink.us-east-1.aws.confluent.cloud/sql/v1/"));
}

#[tokio::test]
async fn update_replaces_the_secret_and_changes_the_resource_version() {
    let api = Api::start().await;
    let created: Value = api
        .create(&new_connection("rotating", "old-key"))
        .await
        .json()
        .await
        .unwrap();
    let version = created["metadata"]["resource_version"].as_str().unwrap();
    let response = api
        .update("rotating", &update_body("rotating", version, "new-key"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    request_id(&response);
    assert!(
        response.bytes().await.unwrap().is_empty(),
        "200 with no body"
    );
    assert_eq!(
        api.server.stored_secret("rotating").as_deref(),
        Some(r#"{"API_KEY":"new-key"}"#)
    );
    let got: Value = api.get("rotating").await.json().await.unwrap();
    let new_version = got["metadata"]["resource_version"].as_str().unwrap();
    assert_ne!(new_version, version);
    assert_eq!(
        api.server.resource_version("rotating").as_deref(),
        Some(new_version)
    );
    assert_eq!(got["metadata"]["uid"], created["metadata"]["uid"]);
    assert_eq!(
        got["metadata"]["created_at"],
        created["metadata"]["created_at"]
    );

    // The docs' shape: only auth_data in spec.
    let body = json!({
        "name": "rotating",
        "metadata": {"resource_version": new_version},
        "spec": {"auth_data": {"kind": "PlaintextProvider", "data": "{\"API_KEY\":\"third\"}"}}
    });
    assert_eq!(api.update("rotating", &body).await.status(), StatusCode::OK);
    assert_eq!(api.server.stats().updates_committed, 2);
}

#[tokio::test]
async fn a_stale_or_missing_resource_version_is_refused_with_400() {
    let api = Api::start().await;
    let created: Value = api
        .create(&new_connection("guarded", "k0"))
        .await
        .json()
        .await
        .unwrap();
    let first = created["metadata"]["resource_version"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        api.update("guarded", &update_body("guarded", &first, "k1"))
            .await
            .status(),
        StatusCode::OK
    );
    // The first version is stale now.
    let errors = failure(
        api.update("guarded", &update_body("guarded", &first, "k2"))
            .await,
        400,
    )
    .await;
    assert_eq!(pointers(&errors), ["/metadata/resource_version"]);
    // Missing, as today's Terraform provider and CLI send it.
    let mut body = update_body("guarded", "x", "k2");
    body.as_object_mut().unwrap().remove("metadata");
    let errors = failure(api.update("guarded", &body).await, 400).await;
    assert_eq!(pointers(&errors), ["/metadata"]);
    body["metadata"] = json!({});
    let errors = failure(api.update("guarded", &body).await, 400).await;
    assert_eq!(pointers(&errors), ["/metadata/resource_version"]);
    assert_eq!(
        api.server.stored_secret("guarded").as_deref(),
        Some(r#"{"API_KEY":"k1"}"#)
    );
}

#[tokio::test]
async fn only_auth_data_can_change() {
    let api = Api::start().await;
    api.create(&new_connection("fixed", "k")).await;
    let version = api.server.resource_version("fixed").unwrap();
    let cases = [
        ("/spec/endpoint", json!("https://elsewhere.example")),
        ("/spec/connection_type", json!("AZUREOPENAI")),
        ("/name", json!("renamed")),
    ];
    for (pointer, value) in cases {
        let mut body = update_body("fixed", &version, "k2");
        *body.pointer_mut(pointer).unwrap() = value;
        let errors = failure(api.update("fixed", &body).await, 400).await;
        assert_eq!(pointers(&errors), [pointer]);
    }
    let mut body = update_body("fixed", &version, "k2");
    body["spec"]["auth_data"]["data"] = json!(r#"{"BEARER_TOKEN":"t"}"#);
    let errors = failure(api.update("fixed", &body).await, 400).await;
    assert_eq!(pointers(&errors), ["/spec/auth_data/data"]);
    let mut body = update_body("fixed", &version, "k2");
    body["spec"].as_object_mut().unwrap().remove("auth_data");
    let errors = failure(api.update("fixed", &body).await, 400).await;
    assert_eq!(pointers(&errors), ["/spec/auth_data"]);
    let response = api
        .request(Method::PUT, &api.item("fixed"))
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(pointers(&failure(response, 400).await), [""]);
    assert_eq!(api.server.resource_version("fixed"), Some(version));
    assert_eq!(api.server.stats().updates_committed, 0);
}

#[tokio::test]
async fn seeded_and_inserted_connections_can_carry_unknown_types_and_phases() {
    let api = Api::start().await;
    let seeded = SeedConnection::new("future", "QUANTUMAI", "https://q.example")
        .secret(r#"{"TOKEN":"t"}"#)
        .status("PENDING", "warming up");
    assert!(format!("{seeded:?}").contains("<redacted>"));
    assert!(api.server.insert(seeded.clone()));
    assert!(!api.server.insert(seeded), "names stay unique");
    let got: Value = api.get("future").await.json().await.unwrap();
    assert_eq!(got["spec"]["connection_type"], "QUANTUMAI");
    assert_eq!(
        got["status"],
        json!({"phase": "PENDING", "detail": "warming up"})
    );
    assert!(api.server.set_status("future", "READY", ""));
    assert!(!api.server.set_status("absent", "READY", ""));
    let got: Value = api.get("future").await.json().await.unwrap();
    assert_eq!(got["status"]["phase"], "READY");
    api.server.seed(2);
    api.server.seed(2);
    assert_eq!(
        api.server.connection_names(),
        [
            "future",
            "seed-000000",
            "seed-000001",
            "seed-000002",
            "seed-000003"
        ]
    );
    assert_eq!(
        api.server.stats().creates_committed,
        0,
        "seeding is not an API create"
    );
}

#[tokio::test]
async fn every_response_has_a_distinct_request_id_and_unknown_routes_are_refused() {
    let api = Api::start().await;
    let base = api.server.base_url().to_owned();
    let mut ids = HashSet::new();
    let response = api.list(&[]).await;
    ids.insert(request_id(&response));
    let response = api.get("missing").await;
    ids.insert(request_id(&response));
    let response = api
        .request(Method::GET, &format!("{base}/nowhere"))
        .send()
        .await
        .unwrap();
    ids.insert(request_id(&response));
    failure(response, 404).await;
    for (method, url, allow) in [
        (Method::PATCH, api.item("x"), "DELETE, GET, PUT"),
        (Method::DELETE, api.collection(), "GET, POST"),
        (Method::OPTIONS, api.collection(), "GET, POST"),
    ] {
        let response = api.request(method, &url).send().await.unwrap();
        assert_eq!(response.headers()["allow"], allow);
        ids.insert(request_id(&response));
        failure(response, 405).await;
    }
    api.server.inject(Fault::rate_limited(1), 1);
    let response = api.list(&[]).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    ids.insert(request_id(&response));
    assert_eq!(ids.len(), 7);
    assert_eq!(api.server.stats().unrouted_requests, 4);
}

#[tokio::test]
async fn rate_limit_faults_answer_429_without_a_body_and_do_not_act() {
    let api = Api::start().await;
    api.server
        .inject_for(Operation::Create, Fault::rate_limited(3), 2);
    assert_eq!(api.server.pending_faults(), 2);
    for _ in 0..2 {
        let response = api.create(&new_connection("limited", "k")).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        request_id(&response);
        let headers = response.headers().clone();
        assert_eq!(headers["retry-after"], "3");
        assert_eq!(headers["x-ratelimit-reset"], "3");
        assert_eq!(headers["x-ratelimit-remaining"], "0");
        assert!(
            headers["x-ratelimit-limit"]
                .to_str()
                .unwrap()
                .parse::<u32>()
                .unwrap()
                > 0
        );
        assert!(headers.get("content-type").is_none());
        assert!(
            response.bytes().await.unwrap().is_empty(),
            "429 has no body"
        );
    }
    assert_eq!(
        api.server.connection_count(),
        0,
        "a faulted create creates nothing"
    );
    assert_eq!(
        api.create(&new_connection("limited", "k")).await.status(),
        StatusCode::CREATED
    );
    let stats = api.server.stats();
    assert_eq!(
        (
            stats.create_requests,
            stats.faults_injected,
            stats.creates_committed
        ),
        (3, 2, 1)
    );

    api.server
        .inject(Fault::RateLimited { retry_after: None }, 1);
    let response = api.list(&[]).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_none());
    assert_eq!(response.headers()["x-ratelimit-reset"], "1");
}

#[tokio::test]
async fn server_error_faults_answer_with_a_failure_body() {
    let api = Api::start().await;
    for status in [500, 502, 503, 504, 501] {
        api.server.inject(Fault::Status(status), 1);
        let errors = failure(api.list(&[]).await, status).await;
        assert!(errors[0]["detail"].as_str().unwrap().contains("injected"));
    }
    assert_eq!(api.list(&[]).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn faults_for_one_operation_leave_the_others_alone_and_can_be_cleared() {
    let api = Api::start().await;
    api.server.seed(1);
    api.server.inject_for(Operation::Get, Fault::Status(503), 1);
    api.server
        .inject_for(Operation::Delete, Fault::Status(500), 5);
    assert_eq!(api.list(&[]).await.status(), StatusCode::OK);
    assert_eq!(
        api.get("seed-000000").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(api.get("seed-000000").await.status(), StatusCode::OK);
    assert_eq!(api.server.pending_faults(), 5);
    api.server.clear_faults();
    assert_eq!(api.server.pending_faults(), 0);
    assert_eq!(api.delete("seed-000000").await.status(), StatusCode::OK);
    assert_eq!(api.server.stats().faults_injected, 1);
}

#[tokio::test]
async fn delay_faults_slow_the_answer_down() {
    let api = Api::start().await;
    api.server
        .inject(Fault::Delay(Duration::from_millis(300)), 1);
    let started = Instant::now();
    assert_eq!(api.list(&[]).await.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(api.server.pending_faults(), 0, "one request took the delay");
    assert_eq!(api.server.stats().faults_injected, 1);
}

#[tokio::test]
async fn a_delayed_create_still_commits_after_the_client_gave_up() {
    let api = Api::start().await;
    api.server.inject_for(
        Operation::Create,
        Fault::Delay(Duration::from_millis(400)),
        1,
    );
    let error = api
        .request(Method::POST, &api.collection())
        .json(&new_connection("slow", "k"))
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(
        api.server.connection_count(),
        0,
        "not yet: the delay is running"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while api.server.connection_count() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(api.server.connection_names(), ["slow"]);
    assert_eq!(api.server.stats().creates_committed, 1);
}

#[tokio::test]
async fn truncated_bodies_declare_more_than_they_send_then_close() {
    let api = Api::start().await;
    api.server.seed(3);
    api.server
        .inject_for(Operation::List, Fault::TruncateBody, 1);
    let request = raw_request(&api.server, "GET", &collection_path(&api.server), None);
    let received = raw_exchange(&api.server, request).await;
    let text = String::from_utf8_lossy(&received);
    let (head, body) = text.split_once("\r\n\r\n").expect("the headers are sent");
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    assert!(head.to_ascii_lowercase().contains("x-request-id: "));
    let declared: usize = head
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .expect("a Content-Length")
        .parse()
        .unwrap();
    assert!(body.len() < declared, "{} of {declared} bytes", body.len());
    assert!(!body.is_empty());
    assert!(serde_json::from_str::<Value>(body).is_err());

    // Through an HTTP client: reading the body fails. The operation acted first.
    api.server
        .inject_for(Operation::Create, Fault::TruncateBody, 1);
    let response = api.create(&new_connection("cut", "k")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(response.bytes().await.is_err());
    assert_eq!(
        api.server.stored_secret("cut").as_deref(),
        Some(r#"{"API_KEY":"k"}"#)
    );
    assert_eq!(api.server.stats().creates_committed, 1);
}

#[tokio::test]
async fn dropped_connections_get_no_answer_and_the_operation_does_not_act() {
    let api = Api::start().await;
    api.server
        .inject_for(Operation::Create, Fault::DropConnection, 1);
    let body = new_connection("dropped", "k");
    let request = raw_request(
        &api.server,
        "POST",
        &collection_path(&api.server),
        Some(&body),
    );
    let received = raw_exchange(&api.server, request).await;
    assert!(received.is_empty(), "nothing at all is sent");
    assert_eq!(api.server.connection_count(), 0);

    api.server
        .inject_for(Operation::Create, Fault::DropConnection, 1);
    let error = api
        .request(Method::POST, &api.collection())
        .json(&body)
        .send()
        .await
        .unwrap_err();
    assert!(!error.is_timeout() && error.status().is_none(), "{error}");
    let stats = api.server.stats();
    assert_eq!((stats.create_requests, stats.creates_committed), (2, 0));
    assert_eq!(api.server.connection_count(), 0);
}

#[tokio::test]
async fn drop_after_commit_acts_then_closes_without_answering() {
    let api = Api::start().await;
    api.server
        .inject_for(Operation::Create, Fault::DropAfterCommit, 1);
    let error = api
        .request(Method::POST, &api.collection())
        .json(&new_connection("unknown-outcome", "k"))
        .send()
        .await
        .unwrap_err();
    assert!(error.status().is_none(), "{error}");
    assert_eq!(api.server.connection_names(), ["unknown-outcome"]);
    // A retry of the same create now meets the committed one.
    let response = api.create(&new_connection("unknown-outcome", "k")).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let stats = api.server.stats();
    assert_eq!(
        (
            stats.create_requests,
            stats.creates_committed,
            stats.faults_injected
        ),
        (2, 1, 1)
    );
}

#[tokio::test]
async fn tcp_connections_are_counted_and_reused_by_keep_alive() {
    let api = Api::start().await;
    for _ in 0..3 {
        assert_eq!(api.list(&[]).await.status(), StatusCode::OK);
    }
    assert_eq!(
        api.server.stats().tcp_connections,
        1,
        "one kept-alive connection"
    );
    for _ in 0..2 {
        let fresh = reqwest::Client::new();
        let response = fresh
            .get(api.collection())
            .basic_auth(api.server.api_key(), Some(api.server.api_secret()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let stats = api.server.stats();
    assert_eq!(stats.tcp_connections, 3);
    assert_eq!(stats.list_requests, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_are_neither_lost_nor_duplicated() {
    let api = std::sync::Arc::new(Api::start().await);
    let mut tasks = tokio::task::JoinSet::new();
    for attempt in 0..4 {
        for i in 0..50 {
            let api = std::sync::Arc::clone(&api);
            tasks.spawn(async move {
                let name = format!("conc-{i:02}");
                let status = api
                    .create(&new_connection(&name, &format!("k{attempt}")))
                    .await
                    .status();
                (name, status)
            });
        }
    }
    let mut created = Vec::new();
    let mut conflicts = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            (name, StatusCode::CREATED) => created.push(name),
            (_, StatusCode::CONFLICT) => conflicts += 1,
            (name, other) => panic!("{name}: {other}"),
        }
    }
    created.sort();
    let expected: Vec<String> = (0..50).map(|i| format!("conc-{i:02}")).collect();
    assert_eq!(created, expected, "exactly one create per name wins");
    assert_eq!(conflicts, 150);
    assert_eq!(api.server.connection_names(), expected);
    let stats = api.server.stats();
    assert_eq!((stats.create_requests, stats.creates_committed), (200, 50));
    let body: Value = api
        .list(&[("page_size", "100")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["metadata"]["total_size"], 50);
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let server = FakeServer::start().await.unwrap();
    let addr = server.local_addr();
    assert!(TcpStream::connect(addr).await.is_ok());
    server.shutdown().await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );

    let server = FakeServer::start().await.unwrap();
    let addr = server.local_addr();
    drop(server);
    // The accept loop ends at its next poll.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn lenient_servers_take_any_secret_map() {
    let api = Api::with(FakeServer::builder().check_secret_keys(false)).await;
    let mut body = new_connection("lenient", "k");
    body["spec"]["auth_data"]["data"] = json!(r#"{"WHATEVER":"v"}"#);
    assert_eq!(api.create(&body).await.status(), StatusCode::CREATED);
    // Still JSON text of non-empty strings.
    body["name"] = json!("lenient-2");
    body["spec"]["auth_data"]["data"] = json!("sk-plain");
    failure(api.create(&body).await, 422).await;
}
