//! HTTP redirects, as Confluent's API compatibility policy allows them: the public
//! client against scripted servers on 127.0.0.1. A redirect on the same origin is
//! followed with the credentials (307 and 308 with the same method and body, and a
//! create sent again there is not a retry); one to another origin is an error naming
//! the redacted `Location`, and nothing reaches that origin; a loop or a long chain ends
//! with an error.

#[path = "support/new_connections.rs"]
mod new_connections;
#[path = "support/scripted.rs"]
mod scripted;

use std::error::Error as _;
use std::time::Duration;

use confluent_flink_sql::connections::AuthData;
use confluent_flink_sql::{Client, Credentials, Error, ErrorKind, RetryPolicy};
use new_connections::openai;
use scripted::{Recorded, Reply, Scripted};
use serde_json::{json, Value};

const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const ENV: &str = "env-123";
const COLLECTION: &str =
    "/sql/v1/organizations/3fa85f64-5717-4562-b3fc-2c963f66afa6/environments/env-123/connections";
/// Where the same-origin redirects send a request: `/moved` before its path.
const MOVED: &str = "/moved";
/// The API secret of the clients here.
const API_SECRET: &str = "api-canary-R3d1r";
/// Canaries in a cross-origin `Location`: in its password and in its query.
const USERINFO_CANARY: &str = "userinfo-canary-Q8";
const QUERY_CANARY: &str = "query-canary-W2";

fn client(server: &Scripted, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", API_SECRET))
        .organization_id(ORG)
        .environment_id(ENV)
        .retry_policy(policy)
        .build()
        .unwrap()
}

/// Retries allowed, with no real wait: a test sees a retry as an extra request.
fn retrying() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(3)
        .initial_backoff(Duration::from_millis(1))
}

fn connection(name: &str) -> Value {
    json!({
        "api_version": "sql/v1",
        "kind": "Connection",
        "metadata": {
            "self": format!("https://flink.example{COLLECTION}/{name}"),
            "resource_version": "v1",
            "created_at": "2024-01-02T03:04:05Z"
        },
        "name": name,
        "spec": {"connection_type": "OPENAI", "endpoint": "https://api.openai.com/v1/chat/completions"},
        "status": {"phase": "ACTIVE"}
    })
}

fn item(name: &str) -> String {
    format!("{COLLECTION}/{name}")
}

/// The absolute URL of `path` on the server `r` was sent to (its `Host`).
fn here(r: &Recorded, path: &str) -> String {
    format!("http://{}{path}", r.header("host").unwrap())
}

/// Everything an error shows: Display, Debug and its sources.
fn shown(e: &Error) -> String {
    let mut text = format!("{e}\n{e:?}");
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(&format!("\n{s}\n{s:?}"));
        source = s.source();
    }
    text
}

#[tokio::test]
async fn get_follows_each_redirect_status_on_the_same_origin_with_the_credentials() {
    for status in [301u16, 302, 303, 307, 308] {
        let server = Scripted::start(move |r| {
            let path = r.path().to_string();
            if path == item("my-openai") {
                Reply::empty(status).header("location", &here(r, &format!("{MOVED}{path}")))
            } else if path == format!("{MOVED}{}", item("my-openai")) {
                Reply::json(200, connection("my-openai"))
            } else {
                Reply::empty(404)
            }
        })
        .await;
        let conns = client(&server, RetryPolicy::none()).connections();

        let got = conns.get("my-openai").await;

        let got = got.unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(got.name(), "my-openai");
        let reqs = server.requests();
        assert_eq!(reqs.len(), 2, "{status}: {reqs:?}");
        assert_eq!(reqs[1].method, "GET", "{status}");
        assert_eq!(
            reqs[1].path(),
            format!("{MOVED}{}", item("my-openai")),
            "{status}"
        );
        let auth = reqs[0].header("authorization").expect("credentials sent");
        assert_eq!(reqs[1].header("authorization"), Some(auth), "{status}");
    }
}

#[tokio::test]
async fn create_and_update_keep_method_and_body_on_307_and_308() {
    for status in [307u16, 308] {
        let server = Scripted::start(move |r| {
            let path = r.path().to_string();
            let moved = path.strip_prefix(MOVED);
            match (r.method.as_str(), moved) {
                // The first request of each write is redirected, a relative `Location`
                // for the update.
                ("POST", None) if path == COLLECTION => Reply::empty(status)
                    .header("location", &here(r, &format!("{MOVED}{COLLECTION}"))),
                ("PUT", None) if path == item("my-openai") => {
                    Reply::empty(status).header("location", &format!("{MOVED}{path}"))
                }
                ("POST", Some(p)) if p == COLLECTION => Reply::json(201, connection("my-openai")),
                ("PUT", Some(p)) if p == item("my-openai") => Reply::empty(200),
                ("GET", None) if path == item("my-openai") => {
                    Reply::json(200, connection("my-openai"))
                }
                _ => Reply::empty(404),
            }
        })
        .await;
        // No retries at all: the write sent again to the `Location` is not a retry.
        let conns = client(&server, RetryPolicy::none()).connections();

        let created = conns
            .create(openai("my-openai", "sk-first"))
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(created.name(), "my-openai");
        conns
            .update("my-openai", AuthData::api_key("sk-second"))
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));

        let reqs = server.requests();
        let seen: Vec<(&str, &str)> = reqs.iter().map(|r| (r.method.as_str(), r.path())).collect();
        let moved_collection = format!("{MOVED}{COLLECTION}");
        let moved_item = format!("{MOVED}{}", item("my-openai"));
        assert_eq!(
            seen,
            [
                ("POST", COLLECTION),
                ("POST", moved_collection.as_str()),
                ("GET", item("my-openai").as_str()),
                ("PUT", item("my-openai").as_str()),
                ("PUT", moved_item.as_str()),
            ],
            "{status}"
        );
        for (first, again) in [(&reqs[0], &reqs[1]), (&reqs[3], &reqs[4])] {
            assert!(
                !first.body.is_empty(),
                "{status}: {} sent no body",
                first.method
            );
            assert_eq!(
                again.body, first.body,
                "{status}: {} body changed",
                first.method
            );
            assert_eq!(
                again.header("content-type"),
                first.header("content-type"),
                "{status}"
            );
            assert!(first.header("authorization").is_some());
            assert_eq!(
                again.header("authorization"),
                first.header("authorization"),
                "{status}"
            );
        }
    }
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_an_error_naming_the_redacted_location() {
    // The other origin would answer everything: only the client can keep requests away.
    let other = Scripted::start(|r| {
        if r.method == "POST" {
            Reply::json(201, connection("my-openai"))
        } else {
            Reply::json(200, connection("my-openai"))
        }
    })
    .await;
    let other_port = other.base_url.rsplit(':').next().unwrap().to_string();
    let target = format!("http://127.0.0.1:{other_port}/sql/v1/elsewhere");
    for status in [301u16, 302, 303, 307, 308] {
        let location = format!(
            "http://key:{USERINFO_CANARY}@127.0.0.1:{other_port}/sql/v1/elsewhere?token={QUERY_CANARY}#{QUERY_CANARY}"
        );
        // Every request is redirected to the other origin, except the read `update`
        // makes first (so that its PUT is sent).
        let server = Scripted::start(move |r| {
            if r.method == "GET" && r.path() == item("held") {
                Reply::json(200, connection("held"))
            } else {
                Reply::empty(status)
                    .header("location", &location)
                    .header("x-request-id", "r-redirect")
            }
        })
        .await;
        let conns = client(&server, retrying()).connections();

        let errors = [
            ("get", conns.get("my-openai").await.map(|_| ()).unwrap_err()),
            (
                "create",
                conns
                    .create(openai("my-openai", "sk-x"))
                    .await
                    .map(|_| ())
                    .unwrap_err(),
            ),
            (
                "update",
                conns
                    .update("held", AuthData::api_key("sk-y"))
                    .await
                    .unwrap_err(),
            ),
            ("delete", conns.delete("my-openai").await.unwrap_err()),
        ];

        for (op, e) in &errors {
            let text = e.to_string();
            assert!(text.contains(&target), "{status} {op}: {text}");
            assert!(text.contains("leaves the origin"), "{status} {op}: {text}");
            assert!(text.contains(&server.base_url), "{status} {op}: {text}");
            assert_eq!(e.kind(), ErrorKind::Api, "{status} {op}");
            assert_eq!(e.status(), Some(status), "{status} {op}");
            assert_eq!(e.request_id(), Some("r-redirect"), "{status} {op}");
            assert!(!e.is_retryable(), "{status} {op}");
            assert!(!e.outcome_unknown(), "{status} {op}");
            let all = shown(e);
            for canary in [API_SECRET, USERINFO_CANARY, QUERY_CANARY] {
                assert!(!all.contains(canary), "{status} {op}: {canary} in {all}");
            }
        }
        // get, create, GET + PUT of update, delete: each once, none retried.
        let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
        assert_eq!(methods, ["GET", "POST", "GET", "PUT", "DELETE"], "{status}");
    }
    assert!(
        other.requests().is_empty(),
        "a redirect was followed to the other origin: {:?}",
        other.requests()
    );
}

/// `call`'s output, or a panic if it takes 20 seconds (it must not hang).
async fn ended<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), call)
        .await
        .expect("the redirects ended")
}

#[tokio::test]
async fn a_redirect_loop_or_a_long_chain_ends_with_an_error() {
    let server = Scripted::start(|r| {
        let path = r.path().to_string();
        if path == item("looping") {
            // To itself.
            Reply::empty(307).header("location", &path)
        } else if path == item("chain") {
            Reply::empty(302).header("location", "/hop/1")
        } else if let Some(n) = path.strip_prefix("/hop/") {
            let n: u32 = n.parse().unwrap();
            Reply::empty(302).header("location", &format!("/hop/{}", n + 1))
        } else {
            Reply::empty(404)
        }
    })
    .await;
    let conns = client(&server, retrying()).connections();

    let looped = ended(conns.get("looping")).await.unwrap_err();
    let text = looped.to_string();
    assert!(text.contains("redirect loop"), "{text}");
    assert!(
        text.contains(&format!("{}{}", server.base_url, item("looping"))),
        "{text}"
    );
    assert_eq!(looped.kind(), ErrorKind::Api);
    assert_eq!(looped.status(), Some(307));
    assert!(!looped.is_retryable());
    assert_eq!(server.requests().len(), 1, "not retried");

    // A delete whose answer is lost is retried; one that loops is not, and its outcome
    // is known (nothing was applied).
    let deleted = ended(conns.delete("looping")).await.unwrap_err();
    assert!(deleted.to_string().contains("redirect loop"), "{deleted}");
    assert!(!deleted.outcome_unknown(), "{deleted:?}");
    assert!(!deleted.is_retryable());
    assert_eq!(server.requests().len(), 2, "not retried");

    let long = ended(conns.get("chain")).await.unwrap_err();
    let text = long.to_string();
    assert!(text.contains("too many redirects"), "{text}");
    assert!(text.contains("/hop/11"), "{text}");
    assert_eq!(long.status(), Some(302));
    assert!(!long.is_retryable());
    // The first request and 10 hops, not retried.
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2 + 11, "{reqs:?}");
    assert_eq!(reqs.last().unwrap().path(), "/hop/10");
}

#[tokio::test]
async fn a_redirect_that_would_turn_a_write_into_a_get_is_not_followed() {
    for status in [301u16, 302, 303] {
        let server = Scripted::start(move |r| {
            let path = r.path().to_string();
            match r.method.as_str() {
                // Anything at the new location would answer as if all went well.
                _ if path.starts_with(MOVED) => Reply::json(200, connection("held")),
                "GET" => Reply::json(200, connection("held")),
                "POST" | "PUT" => Reply::empty(status)
                    .header("location", &format!("{MOVED}{}", item("held")))
                    .header("x-request-id", "r-see-other"),
                _ => Reply::empty(404),
            }
        })
        .await;
        let conns = client(&server, retrying()).connections();

        // HTTP lets a client re-send a POST redirected with 301, 302 or 303 as a GET,
        // whose answer is not the create's: the client does not.
        let e = conns
            .create(openai("held", "sk-x"))
            .await
            .map(|_| ())
            .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("not followed"), "{status}: {text}");
        assert!(
            text.contains(&format!("{}{MOVED}{}", server.base_url, item("held"))),
            "{status}: {text}"
        );
        assert_eq!(e.kind(), ErrorKind::Api, "{status}");
        assert_eq!(e.status(), Some(status), "{status}");
        assert!(!e.is_retryable(), "{status}");
        // A 303 ("see other") answers a request the service handled.
        assert_eq!(e.outcome_unknown(), status == 303, "{status}: {e:?}");

        // An update: a 303 would also become a GET; a 301 or 302 keeps the PUT and its
        // body.
        let updated = conns.update("held", AuthData::api_key("sk-y")).await;
        let reqs = server.requests();
        let seen: Vec<(&str, &str)> = reqs.iter().map(|r| (r.method.as_str(), r.path())).collect();
        let moved_item = format!("{MOVED}{}", item("held"));
        if status == 303 {
            let e = updated.unwrap_err();
            assert!(e.to_string().contains("not followed"), "{e}");
            assert!(e.outcome_unknown(), "{e:?}");
            assert!(!e.is_retryable());
            assert_eq!(
                seen,
                [
                    ("POST", COLLECTION),
                    ("GET", item("held").as_str()),
                    ("PUT", item("held").as_str()),
                ],
                "nothing sent to the Location, nothing retried"
            );
        } else {
            updated.unwrap_or_else(|e| panic!("{status}: {e}"));
            assert_eq!(
                seen,
                [
                    ("POST", COLLECTION),
                    ("GET", item("held").as_str()),
                    ("PUT", item("held").as_str()),
                    ("PUT", moved_item.as_str()),
                ],
                "{status}"
            );
            assert_eq!(reqs[3].body, reqs[2].body, "{status}");
        }
    }
}
