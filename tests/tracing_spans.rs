//! One tracing span per operation with the fields the docs promise, retries as
//! events, and never a header, body or secret in the captured output.

#[path = "support/capture.rs"]
mod capture;
#[path = "support/scripted.rs"]
mod scripted;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use capture::Capture;
use confluent_flink_sql::connections::{AuthData, ConnectionType, NewConnection};
use confluent_flink_sql::{Client, Credentials, RetryPolicy};
use futures::TryStreamExt;
use scripted::{Reply, Scripted};
use serde_json::json;

const SECRET: &str = "sk-canary-trace-91";
const KEY_SECRET: &str = "api-secret-canary-55";

fn connection(name: &str) -> serde_json::Value {
    json!({"api_version": "sql/v1", "kind": "Connection",
        "metadata": {"self": "https://x", "resource_version": "v1"},
        "name": name, "spec": {"connection_type": "OPENAI", "endpoint": "https://e",
            "auth_data": {"kind": "PlaintextProvider", "data": format!("{{\"API_KEY\":\"{SECRET}\"}}")}},
        "status": {"phase": "ACTIVE"}})
}

#[tokio::test]
async fn spans_carry_operation_fields_and_no_secret() {
    let (capture, _guard) = capture();

    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let server = Scripted::start(move |r| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        let reply = match (r.method.as_str(), n) {
            (_, 0) => Reply::empty(429).header("retry-after", "0"),
            ("GET", _) if r.path().ends_with("/connections") => Reply::json(
                200,
                json!({"api_version": "sql/v1", "kind": "ConnectionList", "metadata": {}, "data": [connection("a")]}),
            ),
            ("GET", _) if r.path().ends_with("/missing") => Reply::json(404, json!({"errors": [{"title": "Not Found"}]})),
            ("GET", _) => Reply::json(200, connection("a")),
            ("POST", _) => Reply::json(201, connection("a")),
            _ => Reply::empty(200),
        };
        reply.header("x-request-id", &format!("rid-{n}"))
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", KEY_SECRET))
        .organization_id("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        .environment_id("env-1")
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let conns = client.connections();
    let _: Vec<_> = conns.list().items().try_collect().await.unwrap();
    conns.get("a").await.unwrap();
    conns.get("missing").await.unwrap_err();
    conns
        .create(NewConnection::new(
            "a",
            ConnectionType::OpenAi,
            "https://e",
            AuthData::api_key(SECRET),
        ))
        .await
        .unwrap();
    conns.update("a", AuthData::api_key(SECRET)).await.unwrap();
    conns.delete("a").await.unwrap();
    drop(_guard);

    let out = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(!out.contains(SECRET), "{out}");
    assert!(!out.contains(KEY_SECRET), "{out}");
    assert!(!out.to_lowercase().contains("authorization"), "{out}");
    assert!(!out.contains("a2V5"), "no base64 of the credentials: {out}");
    for op in [
        "listSqlv1Connections",
        "getSqlv1Connection",
        "createSqlv1Connection",
        "updateSqlv1Connection",
        "deleteSqlv1Connection",
    ] {
        assert!(
            out.contains(&format!("operation=\"{op}\"")),
            "{op} missing:\n{out}"
        );
    }
    assert!(
        out.contains("path=\"/sql/v1/organizations/{organization_id}/environments/{environment_id}/connections/{connection_name}\""),
        "the path template, not the filled path:\n{out}"
    );
    for method in ["GET", "POST", "PUT", "DELETE"] {
        assert!(
            out.contains(&format!("method=\"{method}\"")),
            "{method} missing:\n{out}"
        );
    }
    assert!(out.contains("retrying"), "{out}");
    assert!(
        out.contains("wait_ms=0"),
        "the wait the service asked for:\n{out}"
    );
    assert!(out.contains("attempts=2"), "{out}");
    assert!(out.contains("status=404"), "{out}");
    assert!(out.contains("request_id=\"rid-"), "{out}");
    assert!(out.contains("duration_ms="), "{out}");
}

/// A subscriber writing everything to a buffer; the guard keeps it the default.
fn capture() -> (Capture, tracing::subscriber::DefaultGuard) {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    (capture, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn a_retry_given_up_is_an_event_with_its_reason() {
    let (capture, guard) = capture();
    // Always throttled, asking for an hour: longer than any policy below allows.
    let server = Scripted::start(|_| {
        Reply::empty(429)
            .header("retry-after", "3600")
            .header("x-request-id", "rid-throttled")
    })
    .await;
    let builder = Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", KEY_SECRET))
        .organization_id("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        .environment_id("env-1");
    let too_long = builder
        .clone()
        .retry_policy(RetryPolicy::default().max_wait(Duration::from_secs(60)))
        .build()
        .unwrap();
    let err = too_long.connections().get("a").await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    let past_deadline = builder
        .retry_policy(RetryPolicy::default().max_wait(Duration::from_secs(7200)))
        .total_timeout(Some(Duration::from_secs(10)))
        .build()
        .unwrap();
    let err = past_deadline.connections().get("a").await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    drop(guard);

    let out = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert_eq!(server.requests().len(), 2, "neither retried:\n{out}");
    assert!(
        out.contains("not retrying: the service asks for a longer wait than the policy allows"),
        "{out}"
    );
    assert!(
        out.contains("not retrying: the wait would pass the overall timeout")
            && out.contains("wait_ms=3600000"),
        "{out}"
    );
    assert!(
        out.contains("status=429") && out.contains("attempts=1"),
        "{out}"
    );
    assert!(out.contains("request_id=\"rid-throttled\""), "{out}");
    assert!(!out.contains(KEY_SECRET), "{out}");
}

#[tokio::test]
async fn operations_called_as_generated_are_traced_and_retried_the_same_way() {
    let (capture, guard) = capture();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let server = Scripted::start(move |_| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        let reply = if n == 0 {
            Reply::empty(503)
        } else {
            Reply::json(200, connection("a"))
        };
        reply.header("x-request-id", &format!("rid-op-{n}"))
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", KEY_SECRET))
        .organization_id("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        .environment_id("env-1")
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let got = client.operations().get_sqlv1_connection("a").await.unwrap();
    assert_eq!(got.status().as_u16(), 200);
    drop(guard);

    let out = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "the 503 was retried:\n{out}"
    );
    assert!(out.contains("operation=\"getSqlv1Connection\""), "{out}");
    assert!(out.contains("attempts=2"), "{out}");
    assert!(out.contains("request_id=\"rid-op-1\""), "{out}");
    assert!(!out.contains(SECRET) && !out.contains(KEY_SECRET), "{out}");
}
