//! The public client against a scripted server on 127.0.0.1: each call, pagination,
//! errors, validation, configuration, and secrets kept out of `Debug`.

#[path = "support/lists.rs"]
mod lists;
#[path = "support/new_connections.rs"]
mod new_connections;
#[path = "support/scripted.rs"]
mod scripted;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use confluent_flink_sql::connections::{AuthData, ConnectionPhase, ConnectionType, NewConnection};
use confluent_flink_sql::{Client, Credentials, Endpoint, ErrorKind, RetryPolicy};
use futures::StreamExt;
use lists::{all_items, all_pages};
use new_connections::{openai, openai_at};
use scripted::{Recorded, Reply, Scripted};
use serde_json::{json, Value};

const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const ENV: &str = "env-123";
const COLLECTION: &str =
    "/sql/v1/organizations/3fa85f64-5717-4562-b3fc-2c963f66afa6/environments/env-123/connections";
const SECRET: &str = "sk-canary-7f3a9";

fn client(server: &Scripted) -> Client {
    Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", "secret"))
        .organization_id(ORG)
        .environment_id(ENV)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

fn connection(name: &str, ctype: &str, version: &str) -> Value {
    json!({
        "api_version": "sql/v1",
        "kind": "Connection",
        "metadata": {
            "self": format!("https://flink.example{COLLECTION}/{name}"),
            "uid": format!("uid-{name}"),
            "resource_version": version,
            "created_at": "2024-01-02T03:04:05Z"
        },
        "name": name,
        "spec": {"connection_type": ctype, "endpoint": "https://api.openai.com/v1/chat/completions",
                 "auth_data": {"kind": "PlaintextProvider", "data": format!("{{\"API_KEY\":\"{SECRET}\"}}")}},
        "status": {"phase": "ACTIVE", "detail": "ok"}
    })
}

/// A page of a connection list.
fn list_page(metadata: Value, data: Vec<Value>) -> Value {
    json!({"api_version": "sql/v1", "kind": "ConnectionList", "metadata": metadata, "data": data})
}

fn failure(status: u16, code: &str) -> Value {
    json!({"errors": [{"id": "e1", "status": status.to_string(), "code": code, "title": "T", "detail": "D",
                       "source": {"pointer": "/spec/endpoint"}}]})
}

#[tokio::test]
async fn get_create_update_delete_send_what_the_spec_says() {
    let server = Scripted::start(|r| {
        let name_path = format!("{COLLECTION}/my-openai");
        match (r.method.as_str(), r.path()) {
            ("GET", p) if p == name_path => {
                Reply::json(200, connection("my-openai", "OPENAI", "v1"))
                    .header("x-request-id", "r-get")
            }
            ("POST", p) if p == COLLECTION => {
                Reply::json(201, connection("my-openai", "OPENAI", "v1"))
                    .header("location", &format!("http://x{COLLECTION}/my-openai"))
            }
            ("PUT", p) if p == name_path => Reply::empty(200),
            ("DELETE", p) if p == name_path => Reply::empty(204),
            _ => Reply::json(404, failure(404, "not_found")),
        }
    })
    .await;
    let conns = client(&server).connections();

    let c = conns.get("my-openai").await.unwrap();
    assert_eq!(c.name(), "my-openai");
    assert_eq!(c.connection_type(), &ConnectionType::OpenAi);
    assert_eq!(c.phase(), Some(&ConnectionPhase::Active));
    assert_eq!(c.status_detail(), Some("ok"));
    assert_eq!(c.resource_version(), Some("v1"));
    assert_eq!(
        c.created_at().unwrap().to_rfc3339(),
        "2024-01-02T03:04:05+00:00"
    );

    let created = conns.create(openai("my-openai", "sk-first")).await.unwrap();
    assert_eq!(created.name(), "my-openai");

    conns
        .update("my-openai", AuthData::api_key("sk-second"))
        .await
        .unwrap();
    conns.delete("my-openai").await.unwrap();

    let reqs = server.requests();
    let methods: Vec<&str> = reqs.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "POST", "GET", "PUT", "DELETE"]);
    for r in &reqs {
        assert_eq!(r.header("authorization"), Some("Basic a2V5OnNlY3JldA=="));
        let accepts: Vec<&str> = (r.headers.iter())
            .filter(|(k, _)| k.eq_ignore_ascii_case("accept"))
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(accepts, ["application/json"], "{} {}", r.method, r.target);
        assert!(r
            .header("user-agent")
            .unwrap()
            .starts_with("confluent-flink-sql-rust/"));
    }
    assert_eq!(
        reqs[1].json(),
        json!({"name": "my-openai", "spec": {"connection_type": "OPENAI",
            "endpoint": "https://api.openai.com/v1/chat/completions",
            "auth_data": {"kind": "PlaintextProvider", "data": "{\"API_KEY\":\"sk-first\",\"AUTH_TYPE\":\"API_KEY\"}"}}})
    );
    assert_eq!(
        reqs[3].json(),
        json!({"name": "my-openai", "metadata": {"resource_version": "v1"}, "spec": {"connection_type": "OPENAI",
            "endpoint": "https://api.openai.com/v1/chat/completions",
            "auth_data": {"kind": "PlaintextProvider", "data": "{\"API_KEY\":\"sk-second\",\"AUTH_TYPE\":\"API_KEY\"}"}}})
    );
}

/// A server of `total` connections, pages of `page_size` (query) or 10, tokens that
/// need URL encoding, and absolute next links on another host.
fn paging_server(total: usize) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    move |r: &Recorded| {
        let size: usize = r
            .query("page_size")
            .map(|s| s.parse().unwrap())
            .unwrap_or(10);
        let start: usize = match r.query("page_token") {
            None => 0,
            Some(t) => t
                .strip_prefix("tok+/=&é ")
                .expect("token decoded as sent")
                .parse()
                .unwrap(),
        };
        let end = (start + size).min(total);
        let data: Vec<Value> = (start..end)
            .map(|i| connection(&format!("c{i:05}"), "OPENAI", "v"))
            .collect();
        let mut meta = json!({"self": "https://elsewhere.example/x", "total_size": total});
        if end < total {
            let token = format!("tok+/=&é {end}");
            let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
            meta["next"] = json!(format!(
                "https://elsewhere.example{COLLECTION}?page_size={size}&page_token={encoded}"
            ));
        }
        Reply::json(200, list_page(meta, data)).header("x-request-id", &format!("page-{start}"))
    }
}

#[tokio::test]
async fn items_walk_every_page_in_order_and_never_follow_the_next_host() {
    let server = Scripted::start(paging_server(1050)).await;
    let conns = client(&server).connections();
    let all = all_items(conns.list().page_size(100)).await;
    assert_eq!(all.len(), 1050);
    for (i, c) in all.iter().enumerate() {
        assert_eq!(c.name(), format!("c{i:05}"));
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 11);
    assert_eq!(reqs[0].query("page_token"), None);
    assert_eq!(reqs[1].query("page_token").as_deref(), Some("tok+/=&é 100"));
    assert!(reqs
        .iter()
        .all(|r| r.query("page_size").as_deref() == Some("100")));
}

#[tokio::test]
async fn pages_carry_tokens_totals_and_request_ids() {
    let server = Scripted::start(paging_server(25)).await;
    let pages = all_pages(client(&server).connections().list()).await;
    assert_eq!(
        pages.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [10, 10, 5]
    );
    assert_eq!(pages[0].next_page_token(), Some("tok+/=&é 10"));
    assert_eq!(pages[2].next_page_token(), None);
    assert_eq!(pages[1].total_size(), Some(25));
    assert_eq!(pages[1].request_id(), Some("page-10"));
}

#[tokio::test]
async fn max_items_stops_early_and_cuts_the_last_page() {
    let server = Scripted::start(paging_server(1000)).await;
    let some = all_items(
        client(&server)
            .connections()
            .list()
            .page_size(100)
            .max_items(250),
    )
    .await;
    assert_eq!(some.len(), 250);
    assert_eq!(some[249].name(), "c00249");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_list_resumes_from_a_saved_token() {
    let server = Scripted::start(paging_server(30)).await;
    let conns = client(&server).connections();
    let first = conns.list().first_page().await.unwrap();
    let token = first.next_page_token().unwrap().to_string();
    let rest = all_items(conns.list().page_token(token)).await;
    assert_eq!(rest.len(), 20);
    assert_eq!(rest[0].name(), "c00010");
}

#[tokio::test]
async fn a_list_ends_on_a_missing_null_or_empty_next() {
    for next in [None, Some(Value::Null), Some(json!(""))] {
        let n = next.clone();
        let server = Scripted::start(move |_| {
            let mut meta = json!({});
            if let Some(v) = &n {
                meta["next"] = v.clone();
            }
            Reply::json(200, list_page(meta, vec![connection("a", "OPENAI", "v")]))
        })
        .await;
        let all = all_items(client(&server).connections().list()).await;
        assert_eq!(all.len(), 1, "next = {next:?}");
        assert_eq!(server.requests().len(), 1, "next = {next:?}");
    }
}

#[tokio::test]
async fn a_repeated_token_ends_the_list_with_an_error() {
    let server = Scripted::start(|_| {
        Reply::json(
            200,
            list_page(
                json!({"next": format!("https://x{COLLECTION}?page_token=same")}),
                vec![connection("a", "OPENAI", "v")],
            ),
        )
    })
    .await;
    let results: Vec<_> = client(&server).connections().list().items().collect().await;
    assert_eq!(results.len(), 3, "two items, then the error");
    assert!(results[0].is_ok() && results[1].is_ok());
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("a second time"), "{err}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn every_error_status_of_the_spec_is_decoded_with_its_request_id() {
    let status = Arc::new(AtomicUsize::new(0));
    let s = status.clone();
    let server = Scripted::start(move |_| {
        let code = s.load(Ordering::SeqCst) as u16;
        let reply = if code == 429 {
            Reply::empty(429)
                .header("retry-after", "7")
                .header("x-ratelimit-remaining", "0")
        } else {
            Reply::json(code, failure(code, &format!("code_{code}")))
        };
        reply.header("x-request-id", &format!("req-{code}"))
    })
    .await;
    let conns = Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", "secret"))
        .organization_id(ORG)
        .environment_id(ENV)
        .max_retries(0)
        .build()
        .unwrap()
        .connections();
    let new = || openai_at("a", "https://e", "k");
    for code in [400u16, 401, 403, 404, 409, 422, 429, 500] {
        status.store(code as usize, Ordering::SeqCst);
        let errors = [
            conns.list().first_page().await.map(|_| ()).unwrap_err(),
            conns.get("a").await.map(|_| ()).unwrap_err(),
            conns.create(new()).await.map(|_| ()).unwrap_err(),
            conns.delete("a").await.unwrap_err(),
        ];
        for e in errors {
            assert_eq!(e.kind(), ErrorKind::Api, "{code}: {e}");
            assert_eq!(e.status(), Some(code), "{e}");
            assert_eq!(e.request_id(), Some(format!("req-{code}").as_str()), "{e}");
            if code == 429 {
                assert!(e.details().is_empty());
                assert!(e.is_retryable());
                assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
            } else {
                let d = &e.details()[0];
                assert_eq!(d.code(), Some(format!("code_{code}").as_str()));
                assert_eq!(d.status(), Some(code.to_string().as_str()));
                assert_eq!(d.source_pointer(), Some("/spec/endpoint"));
                assert!(!e.is_retryable());
            }
        }
    }
}

#[tokio::test]
async fn an_undecodable_answer_is_a_decode_error_with_a_secret_free_snippet() {
    let server = Scripted::start(|_| {
        Reply::json(200, json!({"name": 5, "spec": {"auth_data": {"kind": "PlaintextProvider", "data": SECRET}}}))
    })
    .await;
    let e = client(&server).connections().get("a").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    let snippet = e.body_snippet().unwrap();
    assert!(
        snippet.contains("\\\"name\\\":5") || snippet.contains("name"),
        "{snippet}"
    );
    for text in [e.to_string(), format!("{e:?}"), snippet.to_string()] {
        assert!(!text.contains(SECRET), "{text}");
    }
}

#[tokio::test]
async fn invalid_input_sends_no_request() {
    let server = Scripted::start(|_| Reply::empty(500)).await;
    let conns = client(&server).connections();
    let cases = [
        openai_at("Bad_Name", "https://e", "k"),
        openai_at("a".repeat(101), "https://e", "k"),
        openai_at("ok", "h".repeat(16_385), "k"),
        NewConnection::new(
            "ok",
            ConnectionType::Bedrock,
            "https://e",
            AuthData::api_key("k"),
        ),
        NewConnection::new(
            "ok",
            ConnectionType::OpenAi,
            "https://e",
            AuthData::raw("not json"),
        ),
    ];
    for c in cases {
        let e = conns.create(c).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    }
    for size in [0, 101] {
        let e = conns.list().page_size(size).first_page().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    }
    let e = conns
        .list()
        .page_token("x".repeat(256))
        .first_page()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    assert_eq!(
        conns.get("").await.unwrap_err().kind(),
        ErrorKind::Validation
    );
    assert_eq!(
        conns.delete("").await.unwrap_err().kind(),
        ErrorKind::Validation
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn get_and_create_answers_without_a_name_are_the_connection_asked_for() {
    // The spec requires `name` in list items only; a get or create answer may omit it.
    let server = Scripted::start(|r| {
        let mut body = connection("my-openai", "OPENAI", "v1");
        body.as_object_mut().unwrap().remove("name");
        match r.method.as_str() {
            "POST" => Reply::json(201, body),
            _ => Reply::json(200, body),
        }
    })
    .await;
    let conns = client(&server).connections();
    assert_eq!(conns.get("my-openai").await.unwrap().name(), "my-openai");
    let created = conns.create(openai("my-openai", "sk-1")).await.unwrap();
    assert_eq!(created.name(), "my-openai");
}

#[tokio::test]
async fn update_if_unchanged_sends_the_held_resource_version() {
    let server = Scripted::start(|_| Reply::empty(200)).await;
    let conns = client(&server).connections();
    let held: confluent_flink_sql::connections::Connection =
        serde_json::from_value(connection("held", "BEDROCK", "rv-42")).unwrap();
    conns
        .update_if_unchanged(&held, AuthData::aws("id", "secret"))
        .await
        .unwrap();
    let e = conns
        .update_if_unchanged(&held, AuthData::api_key("k"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].json()["metadata"]["resource_version"], "rv-42");
    assert_eq!(reqs[0].json()["spec"]["connection_type"], "BEDROCK");
}

fn vars() -> HashMap<&'static str, String> {
    HashMap::from([
        ("FLINK_API_KEY", "key".to_string()),
        ("FLINK_API_SECRET", SECRET.to_string()),
        (
            "FLINK_REST_ENDPOINT",
            "https://flink.us-east-1.aws.confluent.cloud".to_string(),
        ),
        ("CONFLUENT_ORGANIZATION_ID", ORG.to_string()),
        ("CONFLUENT_ENVIRONMENT_ID", ENV.to_string()),
    ])
}

#[test]
fn from_lookup_names_each_missing_variable() {
    let all = vars();
    let c = Client::from_lookup(|k| all.get(k).cloned()).unwrap();
    assert_eq!(c.base_url(), "https://flink.us-east-1.aws.confluent.cloud");
    assert_eq!(c.environment_id(), ENV);
    for missing in confluent_flink_sql::ENV_VARS {
        let mut v = vars();
        v.remove(missing);
        let e = Client::from_lookup(|k| v.get(k).cloned()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e.to_string().contains(missing), "{e}");
        for other in confluent_flink_sql::ENV_VARS
            .iter()
            .filter(|o| **o != missing)
        {
            assert!(!e.to_string().contains(other), "{e}");
        }
        assert!(!e.to_string().contains(SECRET));
    }
    let e = Client::from_lookup(|_| None).unwrap_err();
    for name in confluent_flink_sql::ENV_VARS {
        assert!(e.to_string().contains(name), "{e}");
    }
}

#[test]
fn the_builder_checks_everything_it_can() {
    let base = || {
        Client::builder()
            .credentials(Credentials::basic("k", "s"))
            .organization_id(ORG)
            .environment_id(ENV)
            .endpoint(Endpoint::public("aws", "us-east-1"))
    };
    assert!(base().build().is_ok());
    for (b, needle) in [
        (base().organization_id("org-1"), "not a UUID"),
        (base().environment_id(" "), "environment id"),
        (base().environment_id(".."), "not an environment id"),
        (base().base_url("not a url"), "not a valid URL"),
        (
            base().base_url("http://flink.example.com"),
            "refusing plain http",
        ),
        (Client::builder(), "no endpoint"),
    ] {
        let e = b.build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e.to_string().contains(needle), "{e}");
    }
    assert!(base()
        .base_url("http://flink.example.com")
        .allow_insecure_http(true)
        .build()
        .is_ok());
    assert!(base().base_url("http://127.0.0.1:9").build().is_ok());
    assert!(base().base_url("http://localhost:9").build().is_ok());
}

#[tokio::test]
async fn no_secret_in_any_debug_output() {
    let server = Scripted::start(|_| Reply::json(200, connection("a", "OPENAI", "v"))).await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", SECRET))
        .organization_id(ORG)
        .environment_id(ENV)
        .build()
        .unwrap();
    let got = client.connections().get("a").await.unwrap();
    assert!(got.auth_data().is_some(), "the server returned auth_data");
    let new = openai_at("a", "https://e", SECRET);
    let err = Client::builder()
        .credentials(Credentials::basic("key", SECRET))
        .build()
        .unwrap_err();
    let outputs = [
        format!("{client:?}"),
        format!("{:?}", Credentials::basic("key", SECRET)),
        format!("{:?}", Credentials::bearer(SECRET)),
        format!("{:?}", AuthData::api_key(SECRET)),
        format!(
            "{:?}",
            AuthData::raw(format!("{{\"API_KEY\":\"{SECRET}\"}}"))
        ),
        format!("{new:?}"),
        format!("{got:?}"),
        format!("{got:#?}"),
        serde_json::to_string(&got).unwrap(),
        format!("{err:?}"),
        err.to_string(),
    ];
    for o in outputs {
        assert!(!o.contains(SECRET), "secret leaked: {o}");
    }
}

#[tokio::test]
async fn throttled_reads_are_retried_and_creates_only_when_nothing_happened() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let server = Scripted::start(move |r| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        match (r.method.as_str(), n % 3) {
            ("GET", 0) => Reply::empty(429).header("retry-after", "0"),
            ("GET", 1) => Reply::json(503, failure(503, "unavailable")),
            ("GET", _) => Reply::json(200, connection("a", "OPENAI", "v")),
            ("POST", _) => Reply::json(503, failure(503, "unavailable")),
            _ => Reply::empty(500),
        }
    })
    .await;
    let conns = client(&server).connections();
    assert_eq!(conns.get("a").await.unwrap().name(), "a");
    assert_eq!(server.requests().len(), 3);
    calls.store(0, Ordering::SeqCst);
    let e = conns
        .create(openai_at("a", "https://e", "k"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(
        server.requests().len(),
        4,
        "a create that may have acted is not retried"
    );
}

#[tokio::test]
async fn a_next_link_without_a_token_keeps_the_page_and_ends_with_an_error() {
    let server = Scripted::start(|_| {
        Reply::json(
            200,
            list_page(
                json!({"next": "https://x/sql/v1/connections?cursor=abc"}),
                vec![
                    connection("a", "OPENAI", "v"),
                    connection("b", "OPENAI", "v"),
                ],
            ),
        )
        .header("x-request-id", "rid-bad-next")
    })
    .await;
    let results: Vec<_> = client(&server).connections().list().items().collect().await;
    assert_eq!(results.len(), 3, "both items, then the error");
    assert_eq!(results[1].as_ref().unwrap().name(), "b");
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("no page_token"), "{err}");
    assert_eq!(err.request_id(), Some("rid-bad-next"));
    assert_eq!(server.requests().len(), 1);
}

/// What the service sends is read as sent, even past the limits the spec sets on what
/// a client sends (`name` at most 100 characters, `endpoint` at most 16,384): those
/// limits are checked on requests, not on answers (`trust_response_string_values` in
/// build/normalize.rs), so a longer value from the service does not fail a list.
#[tokio::test]
async fn values_past_the_specs_limits_in_an_answer_are_read_as_sent() {
    let long_name = "n".repeat(150);
    let long_endpoint = format!("https://x.example/{}", "e".repeat(17_000));
    let mut long = connection(&long_name, "OPENAI", "v1");
    long["spec"]["endpoint"] = json!(long_endpoint);
    let page = list_page(json!({}), vec![long]);
    let server = Scripted::start(move |_| Reply::json(200, page.clone())).await;

    let all = all_items(client(&server).connections().list()).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name(), long_name);
    assert_eq!(all[0].endpoint(), long_endpoint);
}

/// The spec requires a name, a type and an endpoint of every listed connection: a page
/// with an item missing one is one decode error whose source names the missing member,
/// and none of the page's items is given out (not some items, then
/// an error); the secret the page carries appears nowhere in the error.
#[tokio::test]
async fn a_page_with_an_incomplete_item_is_one_error_naming_what_is_missing() {
    for (missing, strip) in [
        ("name", &["name"][..]),
        ("spec", &["spec"][..]),
        ("endpoint", &["spec", "endpoint"][..]),
        ("connection_type", &["spec", "connection_type"][..]),
    ] {
        let mut incomplete = connection("b", "OPENAI", "v");
        match strip {
            [field] => incomplete.as_object_mut().unwrap().remove(*field),
            [parent, field] => incomplete[*parent].as_object_mut().unwrap().remove(*field),
            _ => unreachable!(),
        };
        let page = list_page(json!({}), vec![connection("a", "OPENAI", "v"), incomplete]);
        let server = Scripted::start(move |_| Reply::json(200, page.clone())).await;
        let results: Vec<_> = client(&server).connections().list().items().collect().await;
        assert_eq!(results.len(), 1, "{missing}: one error, no item");
        let err = results[0].as_ref().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{missing}: {err}");
        let why = std::error::Error::source(err).map(ToString::to_string);
        // The spec requires a spec, a type and an endpoint of every connection (the
        // generated type says which is missing); a listed connection without a name
        // cannot be addressed, and the crate refuses it by name.
        let named = match missing {
            "name" => err
                .to_string()
                .contains("without a name (item 1 of the page)"),
            _ => why
                .as_deref()
                .is_some_and(|w| w.starts_with(&format!("missing field `{missing}`"))),
        };
        assert!(named, "{missing}: {err}: {why:?}");
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains(SECRET), "{text}");
        }
    }
}

#[tokio::test]
async fn a_page_whose_data_is_null_or_missing_is_read_as_empty() {
    // The last page of the CLI's test server: an empty Go slice, `null`.
    let server = Scripted::start(|r: &Recorded| match r.query("page_token").as_deref() {
        None => Reply::json(
            200,
            list_page(
                json!({"next": format!("https://x{COLLECTION}?page_token=t2")}),
                vec![connection("a", "OPENAI", "v")],
            ),
        ),
        Some("t2") => Reply::json(
            200,
            json!({"metadata": {"next": format!("https://x{COLLECTION}?page_token=t3")}, "data": null}),
        ),
        _ => Reply::json(200, json!({"metadata": {}})),
    })
    .await;
    let pages: Vec<_> = client(&server).connections().list().pages().collect().await;
    let sizes: Vec<usize> = pages.iter().map(|p| p.as_ref().unwrap().len()).collect();
    assert_eq!(
        sizes,
        [1, 0, 0],
        "null and missing data are empty pages; next goes on"
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn update_refuses_an_answer_about_another_connection_and_sends_nothing() {
    let server = Scripted::start(|r: &Recorded| match r.method.as_str() {
        "GET" => Reply::json(200, connection("other", "OPENAI", "v1")),
        _ => Reply::empty(200),
    })
    .await;
    let err = client(&server)
        .connections()
        .update("asked", AuthData::api_key(SECRET))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("`asked`") && err.to_string().contains("`other`"),
        "{err}"
    );
    assert!(!err.to_string().contains(SECRET));
    assert!(
        server.requests().iter().all(|r| r.method == "GET"),
        "no PUT"
    );
}

#[tokio::test]
async fn a_create_answered_with_any_2xx_and_the_connection_is_the_created_connection() {
    for status in [200, 201, 202] {
        let server =
            Scripted::start(move |_| Reply::json(status, connection("made", "OPENAI", "v1"))).await;
        let created = client(&server)
            .connections()
            .create(openai("made", SECRET))
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(created.name(), "made");
        assert_eq!(created.resource_version(), Some("v1"));
        assert_eq!(server.requests().len(), 1, "{status}: sent once");
    }
    // A 200 whose body is not a connection is a decode error, without the secret.
    let server = Scripted::start(|_| Reply::json(200, json!({"echo": SECRET}))).await;
    let err = client(&server)
        .connections()
        .create(openai("made", SECRET))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET), "{text}");
    }
}

#[tokio::test]
async fn an_error_status_keeps_its_status_whatever_the_body_with_the_best_message() {
    let cases: Vec<(u16, &[u8], Option<&str>)> = vec![
        (
            403,
            br#"{"message":"resource not found"}"#,
            Some("resource not found"),
        ),
        (
            404,
            br#"{"error":{"message":"no such connection"}}"#,
            Some("no such connection"),
        ),
        (400, b"<html><body>Bad Request</body></html>", None),
        (401, b"", None),
        (404, br#"{"errors":[{"status":"404","ti"#, None),
    ];
    for (status, body, message) in cases {
        let reply = Reply {
            status,
            headers: vec![("x-request-id".into(), "req-9".into())],
            body: body.to_vec(),
        };
        let server = Scripted::start(move |_| reply.clone()).await;
        let err = client(&server).connections().get("c").await.unwrap_err();
        let shown = String::from_utf8_lossy(body);
        assert_eq!(err.kind(), ErrorKind::Api, "{status} {shown}: {err}");
        assert_eq!(err.status(), Some(status), "{shown}");
        assert_eq!(err.request_id(), Some("req-9"), "{shown}");
        assert_eq!(err.is_not_found(), status == 404, "{shown}");
        if let Some(message) = message {
            assert!(err.to_string().contains(message), "{err}");
            assert_eq!(err.details()[0].detail.as_deref(), Some(message));
        }
    }
}

/// The spec in `openapi/`, read as JSON.
fn the_spec() -> Value {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi");
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .expect("the spec");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The limits the spec in `openapi/` sets reach the client's checks, which refuse a value
/// one past a limit before anything is sent and send a value at the limit: the page
/// size's `maximum`, the name's `maxLength` and (anchored) `pattern`, the endpoint's
/// `maxLength`. The numbers are read from the spec here, so a change of the spec changes
/// what is checked, never this test.
#[tokio::test]
async fn the_specs_limits_are_enforced_before_sending() {
    use confluent_flink_sql::connections::{MAX_ENDPOINT_LEN, MAX_NAME_LEN, MAX_PAGE_SIZE};

    let spec = the_spec();
    let page_size_max = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .find_map(|item| {
            let op = item
                .get("get")
                .filter(|op| op["operationId"] == "listSqlv1Connections")?;
            op["parameters"]
                .as_array()?
                .iter()
                .find(|p| p["name"] == "page_size")
        })
        .and_then(|p| p["schema"]["maximum"].as_u64())
        .expect("the spec's page_size maximum");
    let schemas = &spec["components"]["schemas"];
    let name_max = schemas["sql.v1.Connection"]["properties"]["name"]["maxLength"]
        .as_u64()
        .expect("the spec's name maxLength") as usize;
    let endpoint_max = schemas["sql.v1.ConnectionSpec"]["properties"]["endpoint"]["maxLength"]
        .as_u64()
        .expect("the spec's endpoint maxLength") as usize;
    assert_eq!(u64::from(MAX_PAGE_SIZE), page_size_max);
    assert_eq!(MAX_NAME_LEN, name_max);
    assert_eq!(MAX_ENDPOINT_LEN, endpoint_max);
    assert_eq!(
        confluent_flink_sql::limits::LIST_SQLV1_CONNECTIONS_PAGE_SIZE_MAXIMUM,
        Some(page_size_max as i64)
    );

    let server = Scripted::start(|r| match r.method.as_str() {
        "POST" => Reply::json(201, connection("created", "OPENAI", "v1")),
        _ => Reply::json(200, list_page(json!({}), vec![])),
    })
    .await;
    let conns = client(&server).connections();
    let sent = |server: &Scripted| server.requests().len();

    // One past each limit: refused, nothing sent.
    let too_big = u32::try_from(page_size_max + 1).unwrap();
    let e = conns
        .list()
        .page_size(too_big)
        .first_page()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    assert!(e.to_string().contains(&page_size_max.to_string()), "{e}");
    let long_name = "a".repeat(name_max + 1);
    let long_endpoint = format!("https://e/{}", "p".repeat(endpoint_max));
    for bad in [
        openai_at(long_name, "https://e", "k"),
        openai_at("My_Connection", "https://e", "k"),
        openai_at("ok", long_endpoint, "k"),
    ] {
        let e = conns.create(bad).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    }
    assert_eq!(sent(&server), 0, "{:?}", server.requests());

    // At each limit: sent.
    let at_max = u32::try_from(page_size_max).unwrap();
    conns
        .list()
        .page_size(at_max)
        .first_page()
        .await
        .expect("the largest page");
    assert_eq!(
        server.requests()[0].query("page_size"),
        Some(page_size_max.to_string())
    );
    let endpoint = format!(
        "https://e/{}",
        "p".repeat(endpoint_max - "https://e/".len())
    );
    conns
        .create(openai_at("a".repeat(name_max), endpoint, "k"))
        .await
        .expect("a name and an endpoint at their limits");
    assert_eq!(sent(&server), 2);
}
