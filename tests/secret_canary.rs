//! The secret canary: every operation and every error path runs with known secret values
//! in the credentials and in `auth_data`, and none of them may appear in any formatted
//! value (results, errors and their sources, the client), nor in anything traced or
//! logged (a global subscriber at TRACE level captures the crate's events and, through
//! `log`, its dependencies'). Runs through the fake, plus a server that echoes secrets
//! back in error bodies and undecodable answers. Figures go to
//! `target/figures/secret_canary.txt`.
#![cfg(feature = "fake")]

#[path = "support/capture.rs"]
mod capture;
#[path = "support/figures.rs"]
mod figures;
#[path = "support/new_connections.rs"]
mod new_connections;
#[path = "support/scripted.rs"]
mod scripted;

use std::error::Error as _;
use std::time::Duration;

use base64::Engine;
use capture::Capture;
use confluent_flink_sql::connections::{AuthData, Connection, ConnectionType, NewConnection};
use confluent_flink_sql::fake::{FakeServer, Fault, Operation};
use confluent_flink_sql::{Client, ClientBuilder, Credentials, Error, RetryPolicy};
use futures::{StreamExt, TryStreamExt};
use new_connections::openai;
use scripted::{Reply, Scripted};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::util::SubscriberInitExt;

const KEY: &str = "CANARYKEY";
const CRED_SECRET: &str = "cred-canary-Zx81Qp";
const AUTH_SECRET: &str = "sk-canary-auth-77Ab";
const AUTH_SECRET_2: &str = "sk-canary-rotated-31Kc";
const AWS_SECRET: &str = "aws-canary-secret-9Hh";

/// Every formatted value of the run, labelled, and how many paths ran.
#[derive(Default)]
struct Shown {
    texts: Vec<(String, String)>,
    paths: usize,
    succeeded: usize,
}

impl Shown {
    fn add(&mut self, label: &str, text: String) {
        self.texts.push((label.to_string(), text));
    }
    /// Records the outcome of one path.
    fn path<T: std::fmt::Debug>(&mut self, label: &str, r: &Result<T, Error>) {
        self.paths += 1;
        if self.result(label, r) {
            self.succeeded += 1;
        }
    }
    fn value<T: std::fmt::Debug>(&mut self, label: &str, v: &T) {
        self.add(label, format!("{v:?}"));
        self.add(label, format!("{v:#?}"));
    }
    fn error(&mut self, label: &str, e: &Error) {
        self.add(label, e.to_string());
        self.value(label, e);
        let mut source = e.source();
        while let Some(s) = source {
            self.add(label, s.to_string());
            self.add(label, format!("{s:?}"));
            source = s.source();
        }
    }
    fn result<T: std::fmt::Debug>(&mut self, label: &str, r: &Result<T, Error>) -> bool {
        match r {
            Ok(v) => {
                self.value(label, v);
                true
            }
            Err(e) => {
                self.error(label, e);
                false
            }
        }
    }
}

fn canaries() -> Vec<String> {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:{CRED_SECRET}"));
    vec![
        CRED_SECRET.into(),
        AUTH_SECRET.into(),
        AUTH_SECRET_2.into(),
        AWS_SECRET.into(),
        basic,
        // Fragments long enough to be telling.
        "canary-Zx81".into(),
        "canary-auth".into(),
        "canary-rotated".into(),
        "canary-secret".into(),
    ]
}

fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

#[test]
fn no_secret_in_any_output_of_any_path() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .finish()
        .try_init()
        .expect("the only subscriber of this test binary");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut shown = Shown::default();
    let (paths, successes) = runtime.block_on(run_every_path(&mut shown));
    drop(runtime);

    let traced = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(traced.contains("retrying"), "the capture works");
    assert!(
        traced.contains("confluent_flink_sql.operation"),
        "spans captured"
    );
    let dependency_lines = traced
        .lines()
        .filter(|l| l.contains("reqwest") || l.contains("hyper"))
        .count();
    let canaries = canaries();
    let mut leaks = Vec::new();
    for (label, text) in shown
        .texts
        .iter()
        .chain([&("trace".to_string(), traced.clone())])
    {
        for c in &canaries {
            if text.contains(c.as_str()) {
                leaks.push(format!("{label}: `{c}` in {text}"));
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
    figures::record(
        "secret_canary",
        "no_secret_in_any_output_of_any_path",
        &[
            ("what", "every operation and error path with canary secrets in the credentials and in auth_data: success, 401, 403, 404, 409, 422, 400, 429, 5xx, timeouts, cut-off bodies, dropped and refused connections, undecodable answers, and a server echoing the secrets back".into()),
            ("client", "shows none of the secrets in any result, error, source, Debug or Display, and traces and logs none".into()),
            ("paths", paths.to_string()),
            ("succeeded", successes.to_string()),
            ("formatted_values_checked", shown.texts.len().to_string()),
            ("trace_lines_checked", traced.lines().count().to_string()),
            ("dependency_log_lines", dependency_lines.to_string()),
            ("canaries", canaries.len().to_string()),
            ("leaks", leaks.len().to_string()),
        ],
    );
}

/// Runs every path, recording what each shows; returns (paths, successes).
async fn run_every_path(shown: &mut Shown) -> (usize, usize) {
    let server = FakeServer::builder()
        .credentials(KEY, CRED_SECRET)
        .start()
        .await
        .unwrap();
    server.seed(12);
    let base = || server.client_builder().retry_policy(fast());
    let client = base().build().unwrap();
    let conns = client.connections();
    shown.value("client", &client);
    shown.value("connections", &conns);
    shown.value("list request", &conns.list().page_size(5));

    // Success of every operation.
    let new = openai("canary", AUTH_SECRET);
    shown.value("new connection", &new);
    let r = conns.create(new).await;
    shown.path("create", &r);
    let r = conns.get("canary").await;
    shown.path("get", &r);
    if let Ok(c) = &r {
        shown.add("get serde", serde_json::to_string(c).unwrap());
    }
    let r: Result<Vec<Connection>, Error> = conns.list().page_size(5).items().try_collect().await;
    shown.path("list", &r);
    let r = conns.list().first_page().await;
    shown.path("page", &r);
    let r = conns
        .update("canary", AuthData::api_key(AUTH_SECRET_2))
        .await;
    shown.path("update", &r);
    let bedrock = NewConnection::new(
        "canary-aws",
        ConnectionType::Bedrock,
        "https://bedrock.example",
        AuthData::aws("AKIACANARY", AWS_SECRET).session_token(AWS_SECRET),
    );
    shown.value("new aws connection", &bedrock);
    let r = conns.create(bedrock).await;
    shown.path("create aws", &r);
    let r = conns.delete("canary-aws").await;
    shown.path("delete", &r);

    // 401, with a wrong secret that is a canary too.
    let wrong = base()
        .credentials(Credentials::basic(KEY, format!("{CRED_SECRET}-wrong")))
        .build()
        .unwrap();
    shown.value("wrong client", &wrong);
    let r = wrong
        .connections()
        .create(openai("x401", AUTH_SECRET))
        .await;
    shown.path("401", &r);
    // 403.
    let r = base()
        .environment_id("env-nope")
        .build()
        .unwrap()
        .connections()
        .update("canary", AuthData::api_key(AUTH_SECRET))
        .await;
    shown.path("403", &r);
    // 404.
    let r = conns
        .update("missing", AuthData::api_key(AUTH_SECRET))
        .await;
    shown.path("404 update", &r);
    let r = conns.delete("missing").await;
    shown.path("404 delete", &r);
    // 409.
    let r = conns.create(openai("canary", AUTH_SECRET)).await;
    shown.path("409", &r);
    // 422: keys the service refuses, values that are canaries.
    let r = conns
        .create(NewConnection::new(
            "odd",
            ConnectionType::OpenAi,
            "https://e.example",
            AuthData::raw(format!(r#"{{"TOKEN":"{AUTH_SECRET}"}}"#)),
        ))
        .await;
    shown.path("422", &r);
    // 400: a stale version, and a forged page token.
    let stale = conns.get("canary").await.unwrap();
    conns
        .update("canary", AuthData::api_key(AUTH_SECRET))
        .await
        .unwrap();
    let r = conns
        .update_if_unchanged(&stale, AuthData::api_key(AUTH_SECRET_2))
        .await;
    shown.path("400 stale", &r);
    let r = conns.list().page_token("forged").first_page().await;
    shown.path("400 token", &r);
    // 429 past the retries, on a create.
    server.inject_for(Operation::Create, Fault::rate_limited(0), 10);
    let r = conns.create(openai("x429", AUTH_SECRET)).await;
    shown.path("429", &r);
    server.clear_faults();
    // 5xx.
    for status in [500, 503] {
        server.inject_for(Operation::Create, Fault::Status(status), 1);
        let r = conns.create(openai("x5xx", AUTH_SECRET)).await;
        shown.path("5xx", &r);
        server.inject(Fault::Status(status), 10);
        let r = conns
            .update("canary", AuthData::api_key(AUTH_SECRET_2))
            .await;
        shown.path("5xx update", &r);
        server.clear_faults();
    }
    // Timeouts: per request, and overall.
    let quick = base()
        .timeout(Duration::from_millis(150))
        .max_retries(0)
        .build()
        .unwrap()
        .connections();
    server.inject_for(
        Operation::Create,
        Fault::Delay(Duration::from_millis(400)),
        1,
    );
    let r = quick.create(openai("slow", AUTH_SECRET)).await;
    shown.path("timeout", &r);
    let bounded = base()
        .total_timeout(Some(Duration::from_millis(150)))
        .build()
        .unwrap()
        .connections();
    server.inject_for(
        Operation::Update,
        Fault::Delay(Duration::from_millis(400)),
        1,
    );
    let r = bounded
        .update("canary", AuthData::api_key(AUTH_SECRET))
        .await;
    shown.path("overall timeout", &r);
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Cut-off bodies and dropped connections, with and without retrying creates.
    let retrying = base()
        .retry_policy(fast().retry_creates_on_unknown_outcome(true))
        .build()
        .unwrap()
        .connections();
    for fault in [
        Fault::TruncateBody,
        Fault::DropConnection,
        Fault::DropAfterCommit,
    ] {
        for (i, c) in [&conns, &retrying].into_iter().enumerate() {
            server.inject_for(Operation::Create, fault.clone(), 1);
            let name = format!("cut-{}-{i}", server.stats().faults_injected);
            let r = c.create(openai(&name, AUTH_SECRET)).await;
            shown.path("cut create", &r);
            server.inject_for(Operation::Update, fault.clone(), 1);
            let r = c.update("canary", AuthData::api_key(AUTH_SECRET_2)).await;
            shown.path("cut update", &r);
            server.inject_for(Operation::Get, fault.clone(), 5);
            let r = c.get("canary").await;
            shown.path("cut get", &r);
            server.clear_faults();
        }
    }
    let r: Vec<_> = conns.list().page_size(3).pages().collect().await;
    for p in &r {
        shown.path("pages", p);
    }
    // A refused connection.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let refused = client_for(Client::builder().base_url(format!("http://127.0.0.1:{port}")))
        .max_retries(1)
        .build()
        .unwrap()
        .connections();
    let r = refused.create(openai("refused", AUTH_SECRET)).await;
    shown.path("refused", &r);

    // A server that echoes every secret back: in error details, in bodies it cannot
    // decode, and where auth_data has the wrong type.
    let echo = Scripted::start(|r| {
        let body = String::from_utf8_lossy(&r.body).to_string();
        let auth = r.header("authorization").unwrap_or("").to_string();
        let echoed = format!("you sent {body} with {auth}");
        match r.method.as_str() {
            "POST" | "PUT" => Reply::json(
                422,
                serde_json::json!({"errors": [{"status": "422", "title": echoed, "detail": body,
                    "source": {"pointer": body}}]}),
            ),
            "DELETE" => Reply::json(500, serde_json::json!({"unexpected": echoed})),
            _ if r.path().ends_with("/connections") => Reply {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: format!("not json {echoed} auth_data {AUTH_SECRET}").into_bytes(),
            },
            _ if r.path().ends_with("/typed") => Reply::json(
                200,
                serde_json::json!({"name": "typed", "spec": {"connection_type": "OPENAI",
                    "endpoint": "https://e", "auth_data": format!("{{\"API_KEY\":\"{AUTH_SECRET}\"}}")}}),
            ),
            _ => Reply::json(
                200,
                serde_json::json!({"name": 7, "spec": {"auth_data": {"kind": "PlaintextProvider",
                    "data": format!("{{\"API_KEY\":\"{AUTH_SECRET}\"}}")}}, "echo": echoed}),
            ),
        }
    })
    .await;
    let echoing = client_for(Client::builder().base_url(&echo.base_url))
        .build()
        .unwrap()
        .connections();
    let r = echoing.create(openai("echo", AUTH_SECRET)).await;
    shown.path("echo create", &r);
    let held: Connection = serde_json::from_value(serde_json::json!({
        "name": "echo", "metadata": {"resource_version": "1"},
        "spec": {"connection_type": "OPENAI", "endpoint": "https://e"}}))
    .unwrap();
    let r = echoing
        .update_if_unchanged(&held, AuthData::api_key(AUTH_SECRET_2))
        .await;
    shown.path("echo update", &r);
    let r = echoing.delete("echo").await;
    shown.path("echo delete", &r);
    let r = echoing.list().first_page().await;
    shown.path("echo list", &r);
    let r = echoing.get("echo").await;
    shown.path("echo get", &r);
    let r = echoing.get("typed").await;
    shown.path("echo typed", &r);
    assert!(echo.requests().len() >= 6);

    (shown.paths, shown.succeeded)
}

/// The canary credentials and a fixed organization and environment.
fn client_for(b: ClientBuilder) -> ClientBuilder {
    b.credentials(Credentials::basic(KEY, CRED_SECRET))
        .organization_id("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        .environment_id("env-canary")
        .retry_policy(fast())
}
