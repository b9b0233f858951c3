//! Secrets a service echoes back in an error answer never reach what the error shows,
//! wherever the body puts them: a member the spec declares or not, at any depth, in an
//! array, inside a longer text, as a member's name, JSON-escaped. Neither `Display`,
//! `Debug`, the error objects serialised, the body snippet, the source's text nor a
//! traced event may hold one, and nothing else of the error objects is lost.

#[path = "support/capture.rs"]
mod capture;
#[path = "support/figures.rs"]
mod figures;
#[path = "support/new_connections.rs"]
mod new_connections;
#[path = "support/scripted.rs"]
mod scripted;

use std::error::Error as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use capture::Capture;
use confluent_flink_sql::{Client, Credentials, Error, RetryPolicy};
use new_connections::openai;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use scripted::{Recorded, Reply, Scripted};
use serde_json::{json, Map, Value};
use tracing_subscriber::fmt::format::FmtSpan;

const KEY: &str = "KEYCANARY";
const API_SECRET: &str = "api-secret-echo-4Rt\"q";
const CALL_SECRET: &str = "sk-call-echo-\\9Lm";

fn client(base_url: &str, api_secret: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(Credentials::basic(KEY, api_secret))
        .organization_id("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        .environment_id("env-echo")
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn basic(api_secret: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:{api_secret}"))
}

/// A text as a JSON string holds it, without the quotes.
fn json_inner(text: &str) -> String {
    let json = serde_json::to_string(text).unwrap();
    json[1..json.len() - 1].to_string()
}

/// Every form in which the secrets would show, were they not removed: as they are,
/// JSON-escaped, as `Debug` escapes either, and the `Authorization` value.
fn forms(api_secret: &str, call_secret: &str) -> Vec<String> {
    let mut forms = vec![basic(api_secret)];
    for s in [api_secret, call_secret] {
        let inner = json_inner(s);
        forms.push(s.escape_debug().to_string());
        forms.push(inner.escape_debug().to_string());
        forms.push(s.to_string());
        forms.push(inner);
    }
    forms
}

/// Everything `e` shows, labelled.
fn shown(e: &Error) -> Vec<(&'static str, String)> {
    let mut out = vec![
        ("Display", e.to_string()),
        ("Debug", format!("{e:?}")),
        ("Debug alternate", format!("{e:#?}")),
        ("details", serde_json::to_string(e.details()).unwrap()),
        ("snippet", e.body_snippet().unwrap_or_default().to_string()),
    ];
    let mut source = e.source();
    while let Some(s) = source {
        out.push(("source", s.to_string()));
        out.push(("source Debug", format!("{s:?}")));
        source = s.source();
    }
    out
}

/// The first secret form found in what `e` shows or in `events`, with where; or the
/// start of one (four characters or more) that ends a snippet cut short.
fn leak(e: &Error, events: &str, forms: &[String]) -> Option<String> {
    let mut texts = shown(e);
    texts.push(("traced events", events.to_string()));
    let whole = texts.into_iter().find_map(|(label, text)| {
        forms
            .iter()
            .find(|f| text.contains(f.as_str()))
            .map(|f| format!("{f:?} in {label}: {text}"))
    });
    let cut = e
        .body_snippet()
        .and_then(|s| s.strip_suffix('…'))
        .and_then(|s| {
            forms.iter().find_map(|f| {
                let start = f.char_indices().map(|(i, _)| i).skip(4);
                start
                    .map(|i| &f[..i])
                    .find(|start| s.ends_with(start))
                    .map(|start| format!("{start:?}, the start of {f:?}, ends the snippet {s:?}"))
            })
        });
    whole.or(cut)
}

/// Creates connection `name` with API key `call_secret`, which must fail; returns the
/// error and the events traced meanwhile.
fn failing_create(
    rt: &tokio::runtime::Runtime,
    client: &Client,
    name: &str,
    call_secret: &str,
) -> (Error, String) {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .finish();
    let conns = client.connections();
    let r = tracing::subscriber::with_default(subscriber, || {
        rt.block_on(conns.create(openai(name, call_secret)))
    });
    let events = capture.text();
    assert!(
        events.contains("createSqlv1Connection"),
        "events are captured: {events}"
    );
    (r.expect_err("the service refuses it"), events)
}

/// The API secret (from `Authorization`) and the API key (from `auth_data`) `r` sent.
fn sent_secrets(r: &Recorded) -> (String, String) {
    let header = r.header("authorization").unwrap_or_default();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(header.trim_start_matches("Basic "))
        .unwrap();
    let decoded = String::from_utf8(decoded).unwrap();
    let api = decoded.split_once(':').unwrap().1.to_string();
    let data = r.json()["spec"]["auth_data"]["data"]
        .as_str()
        .unwrap()
        .to_string();
    let data: Value = serde_json::from_str(&data).unwrap();
    (api, data["API_KEY"].as_str().unwrap().to_string())
}

#[test]
fn secrets_echoed_anywhere_in_an_error_answer_are_not_shown() {
    let rt = runtime();
    // Echoes what each request sent: in error objects (by the connection's name), in a
    // body that is not JSON, in a body that is not a `Failure`.
    let server = rt.block_on(Scripted::start(|r| {
        let (api, call) = sent_secrets(r);
        let header = r.header("authorization").unwrap_or_default().to_string();
        match r.json()["name"].as_str().unwrap_or_default() {
            "objects" => Reply::json(
                422,
                json!({"errors": [{
                    "status": "422", "code": "invalid_configuration", "title": "Invalid",
                    "detail": format!("rejected {call}"),
                    "source": {"pointer": "/spec/auth_data", "echo": call,
                               "sent": {"authorization": header, "list": [[api]]}},
                    "meta": {"echo": format!("you sent {call} with {api}"),
                             "nested": [[call], [{"deep": [api, 1]}], "plain"],
                             call.clone(): "a key", api.clone(): {"inner": call}},
                }]}),
            ),
            "text" => Reply {
                status: 418,
                headers: vec![],
                body: format!("no {call} nor {api}").into_bytes(),
            },
            _ => Reply::json(422, json!({"errors": format!("{call} {api}")})),
        }
    }));
    let client = client(&server.base_url, API_SECRET);
    let forms = forms(API_SECRET, CALL_SECRET);

    let (e, events) = failing_create(&rt, &client, "objects", CALL_SECRET);
    assert_eq!(e.status(), Some(422));
    assert_eq!(leak(&e, &events, &forms), None);
    // Everything else is kept: the declared members, and the others as sent.
    assert_eq!(
        serde_json::to_value(e.details()).unwrap(),
        json!([{
            "status": "422", "code": "invalid_configuration", "title": "Invalid",
            "detail": "rejected [redacted]",
            "source": {"pointer": "/spec/auth_data", "echo": "[redacted]",
                       "sent": {"authorization": "Basic [redacted]", "list": [["[redacted]"]]}},
            "meta": {"echo": "you sent [redacted] with [redacted]",
                     "nested": [["[redacted]"], [{"deep": ["[redacted]", 1]}], "plain"],
                     "[redacted]": {"inner": "[redacted]"}, "[redacted]#2": "a key"},
        }])
    );
    assert_eq!(e.details()[0].source_pointer(), Some("/spec/auth_data"));
    assert!(
        e.to_string().contains("Invalid: rejected [redacted]"),
        "{e}"
    );

    for name in ["text", "invalid"] {
        let (e, events) = failing_create(&rt, &client, name, CALL_SECRET);
        assert!(e.body_snippet().is_some(), "{e:?}");
        assert_eq!(leak(&e, &events, &forms), None);
    }
    assert_eq!(server.requests().len(), 3);
}

/// A part of a text: plain, or one of the secrets in one of its forms.
#[derive(Debug, Clone)]
enum Piece {
    Plain(String),
    /// Which secret (the client's, the call's) and in which form.
    Secret(bool, u8),
}

/// A JSON value whose texts are made of pieces.
#[derive(Debug, Clone)]
enum Tree {
    Text(Vec<Piece>),
    Number(i64),
    Bool(bool),
    Null,
    Array(Vec<Tree>),
    Object(Vec<(Vec<Piece>, Tree)>),
}

fn pieces(plain: &'static str) -> impl Strategy<Value = Vec<Piece>> {
    let piece = prop_oneof![
        3 => plain.prop_map(Piece::Plain),
        1 => (any::<bool>(), 0u8..4).prop_map(|(api, form)| Piece::Secret(api, form)),
    ];
    prop::collection::vec(piece, 1..4)
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        4 => pieces("[a-z ]{0,6}").prop_map(Tree::Text),
        1 => any::<i64>().prop_map(Tree::Number),
        1 => any::<bool>().prop_map(Tree::Bool),
        1 => Just(Tree::Null),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Tree::Array),
            prop::collection::vec((pieces("k[a-z]{0,4}"), inner), 0..4).prop_map(Tree::Object),
        ]
    })
}

/// One error object: some members the spec declares (as texts), others not.
fn error_object() -> impl Strategy<Value = Tree> {
    let declared = prop::sample::select(vec!["id", "status", "code", "title", "detail"]);
    let source = prop::sample::select(vec!["pointer", "parameter"]);
    let named = |names: &[(&'static str, Vec<Piece>)]| -> Vec<(Vec<Piece>, Tree)> {
        names
            .iter()
            .map(|(n, t)| (vec![Piece::Plain(n.to_string())], Tree::Text(t.clone())))
            .collect()
    };
    (
        prop::collection::vec((declared, pieces("[a-z ]{0,6}")), 0..3),
        prop::collection::vec((source, pieces("[a-z/]{0,6}")), 0..2),
        prop::collection::vec((pieces("k[a-z]{0,4}"), tree()), 0..3),
        prop::collection::vec((pieces("k[a-z]{0,4}"), tree()), 0..4),
    )
        .prop_map(move |(declared, source, source_extra, extra)| {
            let mut members = named(&declared);
            let mut source = named(&source);
            source.extend(source_extra);
            members.push((vec![Piece::Plain("source".into())], Tree::Object(source)));
            members.extend(extra);
            Tree::Object(members)
        })
}

/// The secrets, in the forms the body may use.
struct Secrets {
    api: String,
    call: String,
}

impl Secrets {
    fn render(&self, pieces: &[Piece]) -> String {
        let mut out = String::new();
        for p in pieces {
            match p {
                Piece::Plain(s) => out.push_str(s),
                Piece::Secret(api, form) => {
                    let s = if *api { &self.api } else { &self.call };
                    out.push_str(&match (form, api) {
                        (0, _) => s.clone(),
                        (1, _) => json_inner(s),
                        (2, true) => format!("Basic {}", basic(s)),
                        (2, false) => {
                            format!("{{\"API_KEY\":{}}}", serde_json::to_string(s).unwrap())
                        }
                        _ => format!("sent \"{s}\" here"),
                    });
                }
            }
        }
        out
    }

    fn value(&self, t: &Tree) -> Value {
        match t {
            Tree::Text(p) => Value::String(self.render(p)),
            Tree::Number(n) => json!(n),
            Tree::Bool(b) => json!(b),
            Tree::Null => Value::Null,
            Tree::Array(a) => Value::Array(a.iter().map(|t| self.value(t)).collect()),
            Tree::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (self.render(k), self.value(v)))
                    .collect::<Map<_, _>>(),
            ),
        }
    }
}

/// How a case's answer is made.
#[derive(Debug, Clone)]
enum Body {
    /// `{"errors": [..]}` and other members.
    Errors(Vec<Tree>, Vec<(Vec<Piece>, Tree)>),
    /// `{"message": ..}`.
    Message(Vec<Piece>),
    /// Any JSON value.
    Any(Tree),
    /// Not JSON.
    Text(Vec<Piece>),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        4 => (
            prop::collection::vec(error_object(), 0..3),
            prop::collection::vec((pieces("k[a-z]{0,4}"), tree()), 0..2)
        )
            .prop_map(|(e, m)| Body::Errors(e, m)),
        1 => pieces("[a-z ]{0,10}").prop_map(Body::Message),
        1 => tree().prop_map(Body::Any),
        1 => pieces("[a-z ]{0,60}").prop_map(Body::Text),
    ]
}

/// Every text and member name in `v`, and how many values it holds.
fn texts(v: &Value, out: &mut Vec<String>) -> usize {
    match v {
        Value::String(s) => {
            out.push(s.clone());
            1
        }
        Value::Array(a) => 1 + a.iter().map(|v| texts(v, out)).sum::<usize>(),
        Value::Object(m) => {
            out.extend(m.keys().cloned());
            1 + m.values().map(|v| texts(v, out)).sum::<usize>()
        }
        _ => 1,
    }
}

#[test]
fn random_error_bodies_show_no_secret_and_lose_nothing_else() {
    let rt = runtime();
    let answer: Arc<Mutex<(u16, Vec<u8>)>> = Arc::default();
    let shared = answer.clone();
    let server = rt.block_on(Scripted::start(move |_| {
        let (status, body) = shared.lock().unwrap().clone();
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body,
        }
    }));
    let secret = |prefix: &'static str| {
        "[A-Za-z0-9\"\\\\/é]{6,12}".prop_map(move |s| format!("{prefix}{s}"))
    };
    let mut runner = TestRunner::new(Config {
        cases: 128,
        failure_persistence: None,
        ..Config::default()
    });
    // A client takes a while to build: a few, each with its own random API secret.
    let clients: Vec<(String, Client)> = (0..4)
        .map(|_| {
            let api = secret("api-").new_tree(&mut runner).unwrap().current();
            let client = client(&server.base_url, &api);
            (api, client)
        })
        .collect();
    let case = (
        0..clients.len(),
        secret("sk-"),
        body(),
        prop::sample::select(vec![422u16, 418]),
    );
    runner
        .run(&case, |(which, call, body, status)| {
            figures::add(
                "proptests_responses",
                "error_bodies_echoing_secrets",
                "inputs_tried",
                1,
            );
            let (api, client) = &clients[which];
            let secrets = Secrets {
                api: api.clone(),
                call,
            };
            let (wire, errors) = match &body {
                Body::Errors(errors, members) => {
                    let errors: Vec<Value> = errors.iter().map(|e| secrets.value(e)).collect();
                    let mut top = match secrets.value(&Tree::Object(members.clone())) {
                        Value::Object(m) => m,
                        _ => unreachable!(),
                    };
                    top.insert("errors".into(), Value::Array(errors.clone()));
                    (Value::Object(top).to_string(), Some(errors))
                }
                Body::Message(m) => (json!({"message": secrets.render(m)}).to_string(), None),
                Body::Any(t) => (secrets.value(t).to_string(), None),
                Body::Text(p) => (format!("oops {}", secrets.render(p)), None),
            };
            *answer.lock().unwrap() = (status, wire.into_bytes());
            let (e, events) = failing_create(&rt, client, "case", &secrets.call);
            let forms = forms(&secrets.api, &secrets.call);
            prop_assert_eq!(leak(&e, &events, &forms), None);
            // The error objects keep every value, and every text and name that held no
            // secret.
            if let Some(errors) = errors.filter(|e| !e.is_empty()) {
                let (mut before, mut after) = (Vec::new(), Vec::new());
                let sent = texts(&Value::Array(errors), &mut before);
                let kept = texts(&serde_json::to_value(e.details()).unwrap(), &mut after);
                prop_assert_eq!(sent, kept);
                for text in before {
                    if !forms.iter().any(|f| text.contains(f.as_str())) {
                        prop_assert!(after.contains(&text), "{:?} lost: {:?}", text, e);
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}
