//! The public client against Stoplight Prism, an independent reading of the spec.
//!
//! - Static Prism serving the published spec: the five operations through the public client,
//!   with and without the optional parameters (`page_size`, `page_token`, the
//!   `connection_type` filter) and with every kind of `AuthData`. Every `sl-violations` entry
//!   Prism sends (seen through the recorder) must be explained by a listed deviation. Prism
//!   refuses create and update because `auth_data.data` is plain JSON text
//!   (`auth-data-plain-json`): those requests must be flagged for that deviation alone, and the
//!   client must surface Prism's answer as a typed `Error` with its status and details.
//! - Static Prism serving the relaxed copy (`openapi/DEVIATIONS.md`): the same calls, and
//!   create and update succeed.
//! - Dynamic Prism (`-d`, relaxed copy) with several fixed seeds: every declared status of
//!   every operation (asked for with `Prefer: code=`, added by the recorder) gives a random
//!   schema-valid answer that decodes through the public API, or a typed error that is
//!   explained; unknown properties added to those answers change nothing.
//! - Every Prism a test starts is stopped, also when the test panics, and `scripts/prism.sh`
//!   stops its Prism on failure and on SIGTERM.
//!
//! Needs `scripts/prism.sh install`; skipped with a printed reason otherwise, unless
//! `REQUIRE_PRISM=1`.

#[path = "support/auth_kinds.rs"]
mod auth_kinds;
#[path = "support/figures.rs"]
mod figures;
#[path = "support/prism.rs"]
mod prism;
#[path = "support/recorder.rs"]
mod recorder;
#[path = "support/spec_bodies.rs"]
mod spec_bodies;
#[path = "support/spec_schema.rs"]
mod spec_schema;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use confluent_flink_sql::connections::{
    AuthData, Connection, ConnectionPhase, ConnectionType, NewConnection, Page,
};
use confluent_flink_sql::{Client, Credentials, Error, ErrorKind, ResponseValue};
use futures::StreamExt;
use prism::{Mode, Prism, Served};
use recorder::{Exchange, Recorder};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use spec_schema::Spec;

const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const ENV: &str = "env-123";
/// The name in the spec's examples, which static Prism answers with.
const NAME: &str = "my-openai-connection";
/// The page token in the spec's example `metadata.next`.
const EXAMPLE_TOKEN: &str = "UvmDWOB1iwfAIBPj6EYb";
/// json-schema-faker seeds for the dynamic runs (each needs its own Prism, which takes
/// seconds of CPU to start; `tests/prism_harness.rs` checks five more seeds' answers against
/// the spec).
const SEEDS: [u64; 3] = [3, 2024, 65537];

/// Prism and the recorder in front of it.
struct Rig {
    recorder: Recorder,
    prism: Prism,
}

impl Rig {
    async fn start(mode: Mode, served: Served) -> Option<Rig> {
        let prism = Prism::start_serving(mode, served)?;
        let recorder = Recorder::start(prism.url()).await;
        Some(Rig { recorder, prism })
    }

    /// The public client, through the recorder, without retries (one exchange per call).
    fn client(&self) -> Client {
        Client::builder()
            .base_url(self.recorder.url())
            .credentials(Credentials::basic("TESTKEY", "test-secret"))
            .organization_id(ORG)
            .environment_id(ENV)
            .max_retries(0)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a client")
    }
}

fn spec() -> Spec {
    Spec::load().unwrap_or_else(|e| panic!("{e}"))
}

/// The copy dynamic Prism answers from ([`prism::dynamic_copy_text`]), with the crate's
/// deviations.
fn dynamic_copy() -> Spec {
    let deviations = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/openapi/deviations.json"
    ))
    .unwrap_or_else(|e| panic!("openapi/deviations.json: {e}"));
    Spec::from_texts(&prism::dynamic_copy_text(), &deviations).unwrap_or_else(|e| panic!("{e}"))
}

/// A connection the caller holds (for update_if_unchanged), of the given type.
fn held(connection_type: &ConnectionType) -> Connection {
    serde_json::from_value(json!({
        "api_version": "sql/v1",
        "kind": "Connection",
        "metadata": {
            "self": format!("https://flink.example/sql/v1/organizations/{ORG}/environments/{ENV}/connections/{NAME}"),
            "resource_version": "a23av"
        },
        "name": NAME,
        "spec": {"connection_type": connection_type.as_str(), "endpoint": "https://service.example/v1"},
        "status": {"phase": "ACTIVE"}
    }))
    .expect("a connection")
}

fn new_connection(kind: &auth_kinds::AuthKind, tag: &str) -> NewConnection {
    NewConnection::new(
        NAME,
        kind.connection_type.clone(),
        "https://service.example/v1",
        kind.auth_data(tag),
    )
}

/// The list calls: every combination of the optional parameters worth telling apart. Static
/// Prism answers each with the example page, whose `next` carries [`EXAMPLE_TOKEN`]; a list
/// that started from that very token ends there (the client never asks for a token twice).
fn list_calls(
    client: &Client,
) -> Vec<(&'static str, confluent_flink_sql::connections::ListRequest)> {
    let conns = client.connections();
    vec![
        ("no parameters", conns.list()),
        ("page_size=1", conns.list().page_size(1)),
        ("page_size=100", conns.list().page_size(100)),
        (
            "spec.connection_type=OPENAI",
            conns.list().connection_type(ConnectionType::OpenAi),
        ),
        (
            "spec.connection_type=<a type the spec does not list>",
            conns
                .list()
                .connection_type(ConnectionType::Other("SOMETHING_NEW".into())),
        ),
        ("page_token", conns.list().page_token(EXAMPLE_TOKEN)),
        (
            "page_size + page_token + spec.connection_type",
            conns
                .list()
                .page_size(50)
                .page_token("abc+def/=")
                .connection_type(ConnectionType::Bedrock),
        ),
        (
            "page_size + spec.connection_type",
            conns
                .list()
                .page_size(99)
                .connection_type(ConnectionType::parse("MCP_SERVER")),
        ),
    ]
}

/// For each `sl-violations` entry of an exchange: the deviation that explains it, if any.
fn explained_by(spec: &Spec, ex: &Exchange) -> Vec<(String, Option<String>)> {
    let op = spec
        .validate_request_target(&ex.method, &ex.target)
        .unwrap_or_else(|v| panic!("{ex:?}: {v:#?}"));
    ex.violations
        .iter()
        .zip(recorder::explain_prism(spec, &op, &ex.violations))
        .map(|(v, why)| {
            (
                format!("{}:{}", v.location.join("."), v.code),
                why.map(|(id, _)| id.to_owned()),
            )
        })
        .collect()
}

fn assert_api_error(e: &Error, status: u16, body: &[u8]) {
    assert_eq!(
        (e.kind(), e.status()),
        (ErrorKind::Api, Some(status)),
        "{e:?}"
    );
    let sent: Value = serde_json::from_slice(body).expect("a Failure body");
    assert_eq!(
        e.details().len(),
        sent["errors"].as_array().map_or(0, Vec::len),
        "{e:?}"
    );
}

/// The five operations through the public client, with every parameter combination and
/// every kind of secret. `succeeds`: whether create and update are expected to succeed.
/// Returns the number of client calls made.
async fn drive_static(rig: &Rig, succeeds: bool) -> usize {
    let client = rig.client();
    let conns = client.connections();
    let mut calls = 0;
    for (label, request) in list_calls(&client) {
        let page = request
            .first_page()
            .await
            .unwrap_or_else(|e| panic!("{label}: {e:?}"));
        assert_eq!(page.items()[0].name(), NAME, "{label}");
        assert_eq!(page.items()[0].phase(), Some(&ConnectionPhase::Active));
        let next = (label != "page_token").then_some(EXAMPLE_TOKEN);
        assert_eq!(
            (page.total_size(), page.next_page_token()),
            (Some(2), next),
            "{label}"
        );
        calls += 1;
    }
    // The whole list: static Prism answers every page with the same `next`, which the client
    // stops at with an error instead of looping.
    let all: Vec<Result<Connection, Error>> = conns.list().page_size(10).items().collect().await;
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all[..2].iter().all(Result::is_ok));
    let looped = all[2].as_ref().unwrap_err();
    assert_eq!(looped.kind(), ErrorKind::Decode);
    assert!(looped.to_string().contains("a second time"), "{looped}");
    calls += 1;

    for name in [NAME, "a.b-c", "x"] {
        let c = conns.get(name).await.unwrap();
        assert_eq!(
            (c.name(), c.connection_type(), c.resource_version()),
            (NAME, &ConnectionType::OpenAi, Some("a23av"))
        );
        conns.delete(name).await.unwrap();
        calls += 2;
    }

    for kind in auth_kinds::all() {
        let created = conns.create(new_connection(&kind, "one")).await;
        let updated = conns
            .update_if_unchanged(&held(&kind.connection_type), kind.auth_data("two"))
            .await;
        calls += 2;
        let [create_ex, update_ex] = last_exchanges(&rig.recorder);
        if succeeds {
            let created = created.unwrap_or_else(|e| panic!("{}: {e:?}", kind.label));
            assert!(!created.name().is_empty());
            updated.unwrap_or_else(|e| panic!("{}: {e:?}", kind.label));
            assert_eq!((create_ex.status, update_ex.status), (201, 200));
        } else {
            // Prism refuses the plain-JSON secret: 422 (declared for create), 400 (update).
            assert_api_error(&created.unwrap_err(), 422, &create_ex.response_body);
            assert_api_error(&updated.unwrap_err(), 400, &update_ex.response_body);
        }
    }
    // update = get + PUT
    let updated = conns.update(NAME, AuthData::api_key("sk-three")).await;
    calls += 1;
    let [get_ex, put_ex] = last_exchanges(&rig.recorder);
    assert_eq!(
        (get_ex.method.as_str(), put_ex.method.as_str()),
        ("GET", "PUT")
    );
    if succeeds {
        updated.unwrap();
    } else {
        assert_api_error(&updated.unwrap_err(), 400, &put_ex.response_body);
    }
    calls
}

fn last_exchanges<const N: usize>(recorder: &Recorder) -> [Exchange; N] {
    let all = recorder.exchanges();
    assert!(all.len() >= N);
    std::array::from_fn(|i| all[all.len() - N + i].clone())
}

/// The checks both static runs share; returns the deviations Prism's findings were
/// explained by, with counts.
fn check_static(spec: &Spec, exchanges: &[Exchange], relaxed: bool) -> BTreeMap<String, usize> {
    // Our validator agrees the requests are valid up to the deviations, and every Prism
    // finding is explained by one.
    let problems = recorder::check(spec, exchanges);
    assert!(problems.is_empty(), "{problems:#?}");
    let mut by: BTreeMap<String, usize> = BTreeMap::new();
    for ex in exchanges {
        let op = spec
            .validate_request_target(&ex.method, &ex.target)
            .unwrap();
        assert!(
            ex.request_header("authorization")
                .is_some_and(|a| a.starts_with("Basic ")),
            "{ex:?}"
        );
        assert_ne!(ex.status, 401, "{ex:?}");
        let findings = explained_by(spec, ex);
        let on_request: Vec<&(String, Option<String>)> = findings
            .iter()
            .filter(|(at, _)| at.starts_with("request."))
            .collect();
        match (ex.request_body.is_empty(), relaxed) {
            // Bodies with a secret: on the published copy, Prism flags exactly the plain JSON.
            (false, false) => {
                assert!(!on_request.is_empty(), "Prism did not check {ex:?}");
                assert!(
                    on_request
                        .iter()
                        .all(|(_, why)| why.as_deref() == Some("auth-data-plain-json")),
                    "{op}: {on_request:?}"
                );
            }
            _ => assert!(on_request.is_empty(), "{op}: {on_request:?}"),
        }
        for (_, why) in findings {
            *by.entry(why.expect("checked above")).or_default() += 1;
        }
        if let Some(body) = ex.request_json() {
            for v in spec.check_request(&op, &body) {
                let id = v.allowed_by.clone().expect("checked above");
                assert!(
                    ["auth-data-plain-json", "put-metadata-read-only"].contains(&id.as_str()),
                    "{v}"
                );
            }
        }
        // Prism's answers are the spec's examples: they match it, up to the deviations.
        spec.validate_response_bytes(&op, ex.status, &ex.response_body)
            .unwrap_or_else(|v| panic!("{op} {}: {v:#?}", ex.status));
    }
    by
}

#[tokio::test]
async fn static_prism_sees_only_the_listed_deviations_in_what_the_client_sends() {
    let Some(rig) = Rig::start(Mode::Static, Served::Published).await else {
        return;
    };
    let spec = spec();
    let calls = drive_static(&rig, false).await;
    let exchanges = rig.recorder.exchanges();
    let by = check_static(&spec, &exchanges, false);
    assert!(by.contains_key("auth-data-plain-json"), "{by:?}");
    let ops: BTreeSet<String> = exchanges
        .iter()
        .map(|ex| {
            spec.validate_request_target(&ex.method, &ex.target)
                .unwrap()
        })
        .collect();
    assert_eq!(ops.len(), 5);
    figures::report(
        "conformance_prism_static",
        &[
            format!(
                "published spec: 5 operations through the public client in {calls} calls ({} exchanges): {} list parameter combinations, {} kinds of AuthData in create and update",
                exchanges.len(),
                list_calls(&rig.client()).len(),
                auth_kinds::all().len()
            ),
            format!(
                "Prism's sl-violations, every one explained by a listed deviation: {by:?}; create answered 422 and update 400 as typed errors with their details"
            ),
        ],
    );
}

#[tokio::test]
async fn static_prism_on_the_relaxed_copy_accepts_every_call_and_its_answers_decode() {
    let Some(rig) = Rig::start(Mode::Static, Served::Relaxed).await else {
        return;
    };
    let spec = spec();
    let calls = drive_static(&rig, true).await;
    let exchanges = rig.recorder.exchanges();
    let by = check_static(&spec, &exchanges, true);
    figures::report(
        "conformance_prism_relaxed",
        &[format!(
            "relaxed copy: {calls} calls ({} exchanges), create and update succeed for {} kinds of AuthData; Prism's findings (all on its own example answers, all explained): {by:?}",
            exchanges.len(),
            auth_kinds::all().len()
        )],
    );
}

#[test]
fn the_relaxed_copy_differs_from_the_published_one_by_the_listed_removals_only() {
    if prism::skip_unless_installed() {
        return;
    }
    let spec = spec();
    let dir = prism::scratch_dir("relaxed");
    let copy = |served, file: &str| -> Value {
        let out = dir.join(file);
        prism::prepare_crate_spec(served, &out).unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
    };
    let published = copy(Served::Published, "published.json");
    let mut relaxed = copy(Served::Relaxed, "relaxed.json");
    let removals: Vec<&str> = spec
        .deviations()
        .iter()
        .flat_map(|d| d.relaxed_copy_removes.iter().map(String::as_str))
        .collect();
    assert_eq!(
        removals,
        ["#/components/schemas/sql.v1.PlaintextProvider/properties/data/format"]
    );
    // Putting the removed places back gives the published copy exactly.
    for pointer in &removals {
        let pointer = pointer.trim_start_matches('#');
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        assert!(relaxed.pointer(pointer).is_none(), "{pointer} still there");
        let value = published.pointer(pointer).unwrap().clone();
        relaxed
            .pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .unwrap()
            .insert(key.to_owned(), value);
    }
    assert_eq!(relaxed, published);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// How one random answer came out through the public client.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Decoded into the public types.
    Decoded,
    /// A typed API error with the status asked for and the body's error objects.
    TypedError(u16),
    /// A decode error with a known cause.
    Explained(&'static str),
}

/// Why a list may end with a decode error on random answers.
fn explain_list_error(e: &Error) -> Option<&'static str> {
    let text = e.to_string();
    (e.kind() == ErrorKind::Decode).then_some(())?;
    if text.contains("has no page_token") {
        Some("random metadata.next without a page_token")
    } else if text.contains("is not a URL") {
        Some("random metadata.next that is not a URL")
    } else if text.contains("a second time") {
        Some("the fixed seed repeats the same next token")
    } else {
        None
    }
}

/// What one call gave, for comparing a run with and without unknown properties (request ids
/// left out: they are not part of the body).
#[derive(Debug, PartialEq)]
enum Decoded {
    /// Each page's items, next token and total.
    Pages(Vec<(Vec<Connection>, Option<String>, Option<u32>)>),
    One(Box<Connection>),
    Done,
    Failed,
}

impl Decoded {
    /// Every connection it holds, with the unknown property `add_unknown_properties`
    /// puts in every object taken out of its `unknown_fields`, after checking it was
    /// kept there (at the top, in `metadata`, `spec` and `status`).
    fn without_added_unknowns(mut self) -> Self {
        fn take(c: &mut Connection) {
            let mut maps = vec![&mut c.unknown_fields, &mut c.spec.unknown_fields];
            if let Some(m) = c.metadata.as_mut() {
                maps.push(&mut m.unknown_fields);
            }
            if let Some(s) = c.status.as_mut() {
                maps.push(&mut s.unknown_fields);
            }
            for map in maps {
                assert!(
                    map.remove("x_unknown_property").is_some(),
                    "an unknown property was not kept: {map:?}"
                );
            }
        }
        match &mut self {
            Decoded::Pages(pages) => pages
                .iter_mut()
                .flat_map(|(items, _, _)| items.iter_mut())
                .for_each(take),
            Decoded::One(c) => take(c),
            Decoded::Done | Decoded::Failed => {}
        }
        self
    }
}

fn page_parts(page: Page<Connection>) -> (Vec<Connection>, Option<String>, Option<u32>) {
    let next = page.next_page_token().map(str::to_owned);
    let total = page.total_size();
    (page.into_items(), next, total)
}

#[derive(Default)]
struct Tally {
    outcomes: BTreeMap<Outcome, usize>,
    /// Successful answers decoded, by operation.
    decoded_by_op: BTreeMap<String, usize>,
    unexplained: Vec<String>,
    pages: usize,
    items: usize,
}

/// Calls `op` through the `connections` API, Prism answering `status` (random body), and
/// checks what came back against the exchange the recorder saw. `None` for an operation
/// the `connections` API does not cover (the `Operations` handle covers every one).
async fn call_random(
    rig: &Rig,
    client: &Client,
    op: &str,
    status: u16,
    kind: &auth_kinds::AuthKind,
    tally: &mut Tally,
) -> Option<Decoded> {
    let conns = client.connections();
    let before = rig.recorder.exchanges().len();
    let result: Result<Decoded, Error> = match op {
        "listSqlv1Connections" => {
            let mut pages = Vec::new();
            let mut stream = conns.list().page_size(10).pages().take(3);
            let mut failed = None;
            while let Some(page) = stream.next().await {
                match page {
                    Ok(page) => pages.push(page),
                    Err(e) => failed = Some(e),
                }
            }
            match (failed, pages.is_empty()) {
                (Some(e), true) => Err(e),
                (Some(e), false) => {
                    // Later pages of a random list: the random `next` must explain the end.
                    match explain_list_error(&e) {
                        Some(why) => {
                            *tally.outcomes.entry(Outcome::Explained(why)).or_default() += 1
                        }
                        None => tally
                            .unexplained
                            .push(format!("{op} {status}: later page: {e:?}")),
                    }
                    Ok(Decoded::Pages(pages.into_iter().map(page_parts).collect()))
                }
                (None, _) => Ok(Decoded::Pages(pages.into_iter().map(page_parts).collect())),
            }
        }
        "getSqlv1Connection" => conns.get(NAME).await.map(|c| Decoded::One(Box::new(c))),
        "createSqlv1Connection" => conns
            .create(new_connection(kind, "random"))
            .await
            .map(|c| Decoded::One(Box::new(c))),
        "updateSqlv1Connection" => conns
            .update_if_unchanged(&held(&kind.connection_type), kind.auth_data("random"))
            .await
            .map(|()| Decoded::Done),
        "deleteSqlv1Connection" => conns.delete(NAME).await.map(|()| Decoded::Done),
        _ => return None,
    };
    let exchanges = rig.recorder.exchanges();
    let first = exchanges.get(before).unwrap_or_else(|| {
        panic!(
            "{op} {status}: no request was sent; Prism's log:\n{}",
            rig.prism.log()
        )
    });
    assert_eq!(first.status, status, "{op}: Prism did not answer as asked");
    Some(match result {
        Ok(decoded) => {
            if !(200..300).contains(&status) {
                tally
                    .unexplained
                    .push(format!("{op} {status}: an error status decoded as success"));
            }
            if let Decoded::Pages(pages) = &decoded {
                tally.pages += pages.len();
                tally.items += pages.iter().map(|(items, _, _)| items.len()).sum::<usize>();
            }
            *tally.outcomes.entry(Outcome::Decoded).or_default() += 1;
            *tally.decoded_by_op.entry(op.to_owned()).or_default() += 1;
            decoded
        }
        Err(e) if e.kind() == ErrorKind::Api && e.status() == Some(status) => {
            let errors = serde_json::from_slice::<Value>(&first.response_body)
                .ok()
                .and_then(|b| b["errors"].as_array().map(Vec::len))
                .unwrap_or(0);
            if e.details().len() == errors {
                *tally
                    .outcomes
                    .entry(Outcome::TypedError(status))
                    .or_default() += 1;
            } else {
                tally.unexplained.push(format!(
                    "{op} {status}: {} details decoded of {errors}: {e:?}",
                    e.details().len()
                ));
            }
            Decoded::Failed
        }
        Err(e) => {
            match (op, explain_list_error(&e)) {
                ("listSqlv1Connections", Some(why)) => {
                    *tally.outcomes.entry(Outcome::Explained(why)).or_default() += 1
                }
                _ => tally.unexplained.push(format!(
                    "{op} {status}: {e:?}\nbody: {}",
                    String::from_utf8_lossy(&first.response_body)
                )),
            }
            Decoded::Failed
        }
    })
}

// ---- Every operation of the spec through the `Operations` handle ----

/// One call of an operation through [`Operations`](confluent_flink_sql::Operations): the
/// spec's request for it (`spec_bodies::spec_requests`), with or without its query
/// parameters.
#[derive(Clone, Debug)]
struct OpCall {
    op: String,
    /// Path parameters by name, but the organization and environment (the client's).
    path: BTreeMap<String, String>,
    /// Query parameters by their names in the spec, as JSON values.
    query: BTreeMap<String, Value>,
    body: Option<Value>,
    /// What this call varies, for messages and figures.
    label: &'static str,
}

impl OpCall {
    fn path(&self, name: &str) -> &str {
        self.path
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("{}: no path parameter {name}", self.op))
    }

    /// A query parameter as the generated method takes it (`None` when not set).
    fn query<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        self.query.get(name).map(|v| {
            serde_json::from_value(v.clone())
                .unwrap_or_else(|e| panic!("{}: {name} = {v}: {e}", self.op))
        })
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{}: {name} = {v}", self.op))
        })
    }

    /// The body as the generated type of the method's parameter.
    fn body<T: DeserializeOwned>(&self) -> T {
        let body = self
            .body
            .clone()
            .unwrap_or_else(|| panic!("{}: no body", self.op));
        serde_json::from_value(body).unwrap_or_else(|e| {
            panic!("{}: the body does not fit its generated type: {e}", self.op)
        })
    }
}

/// What a call through the `Operations` handle gave: the status and the generated answer
/// type, written back as JSON.
#[derive(Debug, Clone, PartialEq)]
struct Answered {
    status: u16,
    body: Value,
}

fn answered<T: serde::Serialize>(
    result: Result<ResponseValue<T>, Error>,
) -> Result<Answered, Error> {
    result.map(|a| Answered {
        status: a.status().as_u16(),
        body: serde_json::to_value(a.into_inner()).expect("a generated type serializes"),
    })
}

/// Calls `c.op` through `client.operations()`, the method named after it. `None` for an
/// operation this `match` lacks: the tests fail for it, so an operation added to the spec
/// needs a line here (and one the spec drops no longer compiles).
async fn dispatch(client: &Client, c: &OpCall) -> Option<Result<Answered, Error>> {
    let ops = client.operations();
    let (page_size, page_token) = ("page_size", "page_token");
    Some(match c.op.as_str() {
        "listSqlv1Agents" => answered(
            ops.list_sqlv1_agents(c.query(page_size), c.query(page_token).as_ref())
                .await,
        ),
        "listSqlv1Connections" => answered(
            ops.list_sqlv1_connections(
                c.query(page_size),
                c.query(page_token).as_ref(),
                c.query("spec.connection_type"),
            )
            .await,
        ),
        "createSqlv1Connection" => answered(ops.create_sqlv1_connection(&c.body()).await),
        "getSqlv1Connection" => answered(ops.get_sqlv1_connection(c.path("connection_name")).await),
        "updateSqlv1Connection" => answered(
            ops.update_sqlv1_connection(c.path("connection_name"), &c.body())
                .await,
        ),
        "deleteSqlv1Connection" => {
            answered(ops.delete_sqlv1_connection(c.path("connection_name")).await)
        }
        "listSqlv1Tools" => answered(
            ops.list_sqlv1_tools(
                c.path("database_name"),
                c.query(page_size),
                c.query(page_token).as_ref(),
            )
            .await,
        ),
        "createSqlv1Tool" => answered(
            ops.create_sqlv1_tool(c.path("database_name"), &c.body())
                .await,
        ),
        "getSqlv1Tool" => answered(
            ops.get_sqlv1_tool(c.path("database_name"), c.path("tool_name"))
                .await,
        ),
        "deleteSqlv1Tool" => answered(
            ops.delete_sqlv1_tool(c.path("database_name"), c.path("tool_name"))
                .await,
        ),
        "createSqlv1Agent" => answered(
            ops.create_sqlv1_agent(c.path("kafka_cluster_id"), &c.body())
                .await,
        ),
        "getSqlv1Agent" => answered(
            ops.get_sqlv1_agent(c.path("kafka_cluster_id"), c.path("agent_name"))
                .await,
        ),
        "updateSqlv1Agent" => answered(
            ops.update_sqlv1_agent(c.path("kafka_cluster_id"), c.path("agent_name"), &c.body())
                .await,
        ),
        "deleteSqlv1Agent" => answered(
            ops.delete_sqlv1_agent(c.path("kafka_cluster_id"), c.path("agent_name"))
                .await,
        ),
        "createSqlv1MaterializedTable" => answered(
            ops.create_sqlv1_materialized_table(c.path("kafka_cluster_id"), &c.body())
                .await,
        ),
        "getSqlv1MaterializedTable" => answered(
            ops.get_sqlv1_materialized_table(c.path("kafka_cluster_id"), c.path("table_name"))
                .await,
        ),
        "updateSqlv1MaterializedTable" => answered(
            ops.update_sqlv1_materialized_table(
                c.path("kafka_cluster_id"),
                c.path("table_name"),
                &c.body(),
            )
            .await,
        ),
        "deleteSqlv1MaterializedTable" => answered(
            ops.delete_sqlv1_materialized_table(c.path("kafka_cluster_id"), c.path("table_name"))
                .await,
        ),
        "listSqlv1MaterializedTableVersions" => answered(
            ops.list_sqlv1_materialized_table_versions(
                c.path("kafka_cluster_id"),
                c.path("table_name"),
                c.query(page_size),
                c.query(page_token).as_ref(),
            )
            .await,
        ),
        "getSqlv1MaterializedTableVersion" => answered(
            ops.get_sqlv1_materialized_table_version(
                c.path("kafka_cluster_id"),
                c.path("table_name"),
                c.path("version").parse().expect("a version number"),
            )
            .await,
        ),
        "listSqlv1MaterializedTables" => answered(
            ops.list_sqlv1_materialized_tables(c.query(page_size), c.query(page_token).as_ref())
                .await,
        ),
        "listSqlv1Statements" => answered(
            ops.list_sqlv1_statements(
                c.text("label_selector"),
                c.query(page_size),
                c.query(page_token).as_ref(),
                c.text("spec.compute_pool_id"),
            )
            .await,
        ),
        "createSqlv1Statement" => answered(ops.create_sqlv1_statement(&c.body()).await),
        "getSqlv1StatementResult" => answered(
            ops.get_sqlv1_statement_result(c.path("name"), c.query(page_token).as_ref())
                .await,
        ),
        "getSqlv1Statement" => answered(ops.get_sqlv1_statement(c.path("statement_name")).await),
        "updateSqlv1Statement" => answered(
            ops.update_sqlv1_statement(c.path("statement_name"), &c.body())
                .await,
        ),
        "deleteSqlv1Statement" => {
            answered(ops.delete_sqlv1_statement(c.path("statement_name")).await)
        }
        "patchSqlv1Statement" => answered(
            ops.patch_sqlv1_statement(c.path("statement_name"), &c.body())
                .await,
        ),
        "getSqlv1StatementExceptions" => answered(
            ops.get_sqlv1_statement_exceptions(c.path("statement_name"))
                .await,
        ),
        _ => return None,
    })
}

/// `node`, or what its local `$ref` points at.
fn resolved<'a>(document: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(target) => document
            .pointer(target.trim_start_matches('#'))
            .unwrap_or(&Value::Null),
        None => node,
    }
}

/// Every query parameter of `op`, each its example or the smallest value its schema takes.
fn query_values(document: &Value, op: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for item in document["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            if operation["operationId"] != op {
                continue;
            }
            for p in operation["parameters"].as_array().into_iter().flatten() {
                let p = resolved(document, p);
                if p["in"] != "query" {
                    continue;
                }
                let value = p
                    .get("example")
                    .or_else(|| p["schema"].get("example"))
                    .cloned()
                    .unwrap_or_else(|| spec_bodies::minimal(document, &p["schema"], 1));
                out.insert(p["name"].as_str().unwrap().to_owned(), value);
            }
        }
    }
    out
}

/// The calls of every operation of the spec: its request as `spec_requests` builds it
/// (the spec's example body where our validator accepts it as published, else the smallest
/// body the schema takes), again with every query parameter set, and again with the
/// smallest body where the example is another valid one.
fn op_calls(spec: &Spec) -> Vec<OpCall> {
    let document = spec.document();
    let mut out = Vec::new();
    for r in spec_bodies::spec_requests(document, ORG, ENV) {
        let valid = |b: &Option<Value>| {
            b.as_ref()
                .is_none_or(|b| spec.check_request(&r.op, b).is_empty())
        };
        let (body, label) = if r.body.is_none() {
            (None, "no body")
        } else if valid(&r.body) {
            let label = if r.body_from_example {
                "the spec's example body"
            } else {
                "the smallest body"
            };
            (r.body.clone(), label)
        } else {
            (
                r.minimal_body.clone(),
                "the smallest body (the example needs a deviation)",
            )
        };
        let base = OpCall {
            op: r.op.clone(),
            path: r
                .path_params
                .iter()
                .filter(|(n, _)| n != "organization_id" && n != "environment_id")
                .cloned()
                .collect(),
            query: BTreeMap::new(),
            body: body.clone(),
            label,
        };
        let query = query_values(document, &r.op);
        if !query.is_empty() {
            out.push(OpCall {
                query,
                label: "every query parameter",
                ..base.clone()
            });
        }
        if body != r.minimal_body && valid(&r.minimal_body) {
            out.push(OpCall {
                body: r.minimal_body.clone(),
                label: "the smallest body",
                ..base.clone()
            });
        }
        out.insert(
            out.len() - out.iter().rev().take_while(|c| c.op == r.op).count(),
            base,
        );
    }
    out
}

/// `value` without the property `recorder::add_unknown_string_properties` adds, at every depth.
fn without_unknowns(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| *k != "x_unknown_property")
                .map(|(k, v)| (k.clone(), without_unknowns(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_unknowns).collect()),
        other => other.clone(),
    }
}

/// The documented success status of an operation (its one 2xx).
fn success(spec: &Spec, op: &str) -> u16 {
    let ok: Vec<u16> = spec
        .operation(op)
        .unwrap()
        .statuses()
        .into_iter()
        .filter_map(|s| s.parse().ok())
        .filter(|s| (200..300).contains(s))
        .collect();
    assert_eq!(ok.len(), 1, "{op}: {ok:?}");
    ok[0]
}

/// What the static run found for one operation.
#[derive(Default)]
struct StaticFigures {
    calls: usize,
    /// Prism's findings on the requests, by the deviation that explains them.
    request_findings: BTreeMap<String, usize>,
    /// Answers Prism composed from incomplete examples (each finding confirmed by ours).
    incomplete_answers: usize,
    /// Bodies sent exactly as given (else the generated type changed them, validly).
    sent_as_given: usize,
    bodies: usize,
}

#[tokio::test]
async fn static_prism_takes_every_operation_of_the_spec_through_the_operations_handle() {
    let Some(rig) = Rig::start(Mode::Static, Served::Published).await else {
        return;
    };
    let spec = spec();
    let client = rig.client();
    let calls = op_calls(&spec);
    let mut missing = BTreeSet::new();
    let mut by_op: BTreeMap<String, StaticFigures> = BTreeMap::new();
    for c in &calls {
        let before = rig.recorder.exchanges().len();
        let Some(result) = dispatch(&client, c).await else {
            missing.insert(c.op.clone());
            continue;
        };
        let exchanges = rig.recorder.exchanges();
        assert_eq!(exchanges.len(), before + 1, "{}: one exchange", c.op);
        let ex = &exchanges[before];
        let at = format!("{} ({}): {} {}", c.op, c.label, ex.method, ex.target);
        // Every call succeeds, with the operation's success status.
        let answer = result.unwrap_or_else(|e| {
            panic!(
                "{at}: {e:?}\nanswer {}: {}",
                ex.status,
                String::from_utf8_lossy(&ex.response_body)
            )
        });
        assert_eq!(
            (answer.status, ex.status),
            (success(&spec, &c.op), answer.status),
            "{at}"
        );
        // What the client sent is the operation's request, valid by our validator, with
        // exactly the query parameters given.
        assert_eq!(
            spec.validate_request_target(&ex.method, &ex.target)
                .as_deref(),
            Ok(c.op.as_str()),
            "{at}"
        );
        let sent_query: BTreeSet<String> = ex
            .target
            .split_once('?')
            .map(|(_, q)| {
                q.split('&')
                    .map(|kv| kv.split('=').next().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(sent_query, c.query.keys().cloned().collect(), "{at}");
        assert!(
            ex.request_header("authorization")
                .is_some_and(|a| a.starts_with("Basic ")),
            "{at}"
        );
        let figures = by_op.entry(c.op.clone()).or_default();
        figures.calls += 1;
        match (&c.body, ex.request_json()) {
            (Some(given), Some(sent)) => {
                spec.validate_request(&c.op, &sent)
                    .unwrap_or_else(|v| panic!("{at}: {v:#?}"));
                figures.bodies += 1;
                figures.sent_as_given += usize::from(&sent == given);
            }
            (None, None) => {}
            (given, sent) => panic!("{at}: given {given:?}, sent {sent:?}"),
        }
        // Prism's findings: on the request, each explained by a listed deviation; on its
        // answer (composed from the spec's examples), each confirmed by our validator.
        let findings = recorder::explain_prism(&spec, &c.op, &ex.violations);
        let mut unexplained_response = Vec::new();
        for (v, why) in ex.violations.iter().zip(findings) {
            match (v.side(), why) {
                (_, Some((id, _))) if v.side() == "request" => {
                    *figures.request_findings.entry(id.to_owned()).or_default() += 1
                }
                ("request", None) => panic!("{at}: Prism flags what the client sent: {v:?}"),
                (_, Some(_)) => {}
                (_, None) => unexplained_response.push(v),
            }
        }
        if unexplained_response.is_empty() {
            spec.validate_response_bytes(&c.op, ex.status, &ex.response_body)
                .unwrap_or_else(|v| panic!("{at}: {v:#?}"));
        } else {
            figures.incomplete_answers += 1;
            let body: Value = serde_json::from_slice(&ex.response_body).unwrap();
            let ours = spec.check_response(&c.op, ex.status, &body);
            for v in unexplained_response {
                let pointer = v.body_pointer().unwrap_or_else(|| panic!("{at}: {v:?}"));
                assert!(
                    ours.iter()
                        .any(|o| o.pointer == pointer && o.keyword == v.code),
                    "{at}: Prism reports {v:?}; we do not: {ours:#?}"
                );
            }
        }
    }
    assert!(
        missing.is_empty(),
        "operations of the spec with no line in `dispatch`: {missing:?}"
    );
    assert_eq!(
        by_op.keys().map(String::as_str).collect::<Vec<_>>(),
        spec.operation_ids()
    );
    figures::record(
        "conformance_prism_operations",
        "static",
        &by_op
            .iter()
            .map(|(op, f)| {
                (
                    op.as_str(),
                    format!(
                        "{} calls succeeded; bodies sent as given: {}/{}; Prism's findings on the requests (all explained): {:?}; answers composed from incomplete examples: {}",
                        f.calls, f.sent_as_given, f.bodies, f.request_findings, f.incomplete_answers
                    ),
                )
            })
            .collect::<Vec<_>>(),
    );
    figures::report(
        "conformance_prism_operations_static",
        &[format!(
            "published spec: {} operations through the Operations handle in {} calls, every one successful; Prism flags nothing in the requests beyond the listed deviations",
            by_op.len(),
            calls.len()
        )],
    );
}

/// How the random answers to one operation came out through the `Operations` handle.
#[derive(Default)]
struct OpTally {
    decoded: usize,
    /// Typed API errors by status.
    typed: BTreeMap<u16, usize>,
    rechecked: usize,
}

/// Calls `c` through the `Operations` handle, Prism answering `status` at random, and
/// checks the outcome against the exchange: a 2xx decodes into the generated type, any other
/// status is a typed API error with the body's error objects. Returns the answer, if any.
async fn call_operation(
    rig: &Rig,
    client: &Client,
    c: &OpCall,
    status: u16,
    tally: &mut OpTally,
    unexplained: &mut Vec<String>,
) -> Option<Answered> {
    let before = rig.recorder.exchanges().len();
    let Some(result) = dispatch(client, c).await else {
        unexplained.push(format!("{}: no line in `dispatch`", c.op));
        return None;
    };
    let exchanges = rig.recorder.exchanges();
    let ex = exchanges.get(before).unwrap_or_else(|| {
        panic!(
            "{} {status}: no request was sent; Prism's log:\n{}",
            c.op,
            rig.prism.log()
        )
    });
    assert_eq!(ex.status, status, "{}: Prism did not answer as asked", c.op);
    let body = || String::from_utf8_lossy(&ex.response_body).into_owned();
    match result {
        Ok(answer) if (200..300).contains(&status) && answer.status == status => {
            tally.decoded += 1;
            Some(answer)
        }
        Ok(answer) => {
            unexplained.push(format!("{} {status}: decoded as {answer:?}", c.op));
            None
        }
        Err(e) if e.kind() == ErrorKind::Api && e.status() == Some(status) => {
            let errors = serde_json::from_slice::<Value>(&ex.response_body)
                .ok()
                .and_then(|b| b["errors"].as_array().map(Vec::len))
                .unwrap_or(0);
            if e.details().len() == errors {
                *tally.typed.entry(status).or_default() += 1;
            } else {
                unexplained.push(format!(
                    "{} {status}: {} details decoded of {errors}: {e:?}",
                    c.op,
                    e.details().len()
                ));
            }
            None
        }
        Err(e) => {
            unexplained.push(format!("{} {status}: {e:?}\nbody: {}", c.op, body()));
            None
        }
    }
}

/// What one seed's run found.
#[derive(Default)]
struct SeedReport {
    tally: Tally,
    /// The operations the `connections` API covers.
    connection_ops: BTreeSet<String>,
    /// Every operation through the `Operations` handle.
    operations: BTreeMap<String, OpTally>,
    /// (operation, declared status) calls.
    combinations: usize,
    /// Prism's answers checked by our validator, and how many had a body.
    responses: usize,
    with_body: usize,
    /// 2xx answers decoded a second time with unknown properties.
    rechecked: usize,
}

/// Every declared status of every operation, Prism (seeded) answering at random: through the
/// `connections` API where it covers the operation, and through the `Operations` handle.
async fn run_seed(spec: &Spec, answers: &Spec, index: usize, seed: u64, rig: &Rig) -> SeedReport {
    let kinds = auth_kinds::all();
    let client = rig.client();
    let calls = op_calls(spec);
    let mut report = SeedReport::default();
    for op in spec.operation_ids() {
        let c = calls
            .iter()
            .find(|c| c.op == op)
            .expect("a call per operation");
        for status in spec.operation(op).unwrap().statuses() {
            let code: u16 = status.parse().unwrap();
            let kind = &kinds[(index + report.combinations) % kinds.len()];
            rig.recorder
                .set_request_headers(&[("prefer", &format!("code={status}"))]);
            report.combinations += 1;
            let rewrite = || {
                rig.recorder
                    .set_json_rewrite(Some(Arc::new(recorder::add_unknown_string_properties)))
            };
            if let Some(plain) = call_random(rig, &client, op, code, kind, &mut report.tally).await
            {
                report.connection_ops.insert(op.to_owned());
                // The same answer with unknown properties in every object decodes the same,
                // and keeps them (MUST IGNORE, MUST FORWARD).
                if (200..300).contains(&code) {
                    rewrite();
                    let mut scratch = Tally::default();
                    let extended = call_random(rig, &client, op, code, kind, &mut scratch)
                        .await
                        .expect("covered")
                        .without_added_unknowns();
                    rig.recorder.set_json_rewrite(None);
                    assert_eq!(
                        extended, plain,
                        "seed {seed}, {op} {status}: unknown properties changed the result"
                    );
                    report.rechecked += 1;
                }
            }
            let tally = report.operations.entry(op.to_owned()).or_default();
            let plain =
                call_operation(rig, &client, c, code, tally, &mut report.tally.unexplained).await;
            if let Some(plain) = plain {
                // Through the generated types too: unknown properties change nothing.
                rewrite();
                let mut scratch = OpTally::default();
                let extended = call_operation(
                    rig,
                    &client,
                    c,
                    code,
                    &mut scratch,
                    &mut report.tally.unexplained,
                )
                .await;
                rig.recorder.set_json_rewrite(None);
                assert_eq!(
                    extended.map(|a| without_unknowns(&a.body)),
                    Some(plain.body),
                    "seed {seed}, {op} {status}: unknown properties changed the generated answer"
                );
                tally.rechecked += 1;
            }
        }
    }
    rig.recorder.set_request_headers(&[]);
    let exchanges = rig.recorder.exchanges();
    // Requests valid by our validator, and Prism's findings explained by deviations.
    let problems = recorder::check(spec, &exchanges);
    assert!(problems.is_empty(), "seed {seed}: {problems:#?}");
    // Prism's random answers are valid by our validator too (up to the deviations),
    // against the copy they are generated from.
    for ex in exchanges
        .iter()
        .filter(|ex| ex.upstream_response_body.is_none())
    {
        let op = spec
            .validate_request_target(&ex.method, &ex.target)
            .unwrap();
        answers
            .validate_response_bytes(&op, ex.status, &ex.response_body)
            .unwrap_or_else(|v| panic!("seed {seed}, {op} {}: {v:#?}", ex.status));
        report.responses += 1;
        report.with_body += usize::from(!ex.response_body.is_empty());
    }
    report
}

/// The operations the spec tags as Connections ones (what the `connections` API covers).
fn connection_operations(spec: &Spec) -> BTreeSet<String> {
    let document = spec.document();
    let mut out = BTreeSet::new();
    for item in document["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            let tagged = operation["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|t| t.as_str().is_some_and(|t| t.starts_with("Connections ")));
            if let (true, Some(id)) = (tagged, operation["operationId"].as_str()) {
                out.insert(id.to_owned());
            }
        }
    }
    out
}

#[tokio::test]
async fn random_answers_of_dynamic_prism_decode_or_give_explained_typed_errors() {
    if prism::skip_unless_installed() {
        return;
    }
    let spec = spec();
    let answers = dynamic_copy();
    // One Prism per seed, started side by side (each takes seconds to start); dropped, and
    // so stopped, however this test ends.
    let prisms: Vec<Prism> = std::thread::scope(|scope| {
        let starting: Vec<_> = SEEDS
            .iter()
            .map(|&seed| {
                scope.spawn(move || {
                    Prism::start_serving(Mode::Dynamic { seed }, Served::Relaxed)
                        .expect("installed")
                })
            })
            .collect();
        starting
            .into_iter()
            .map(|h| h.join().expect("Prism starts"))
            .collect()
    });
    let mut rigs = Vec::new();
    for prism in prisms {
        let recorder = Recorder::start(prism.url()).await;
        rigs.push(Rig { recorder, prism });
    }
    let reports = futures::future::join_all(
        rigs.iter()
            .enumerate()
            .map(|(i, rig)| run_seed(&spec, &answers, i, SEEDS[i], rig)),
    )
    .await;
    let mut tally = Tally::default();
    let mut operations: BTreeMap<String, OpTally> = BTreeMap::new();
    let mut connection_ops = BTreeSet::new();
    let (mut combinations, mut responses, mut with_body, mut rechecked) = (0, 0, 0, 0);
    for report in reports {
        for (outcome, n) in report.tally.outcomes {
            *tally.outcomes.entry(outcome).or_default() += n;
        }
        for (op, n) in report.tally.decoded_by_op {
            *tally.decoded_by_op.entry(op).or_default() += n;
        }
        for (op, t) in report.operations {
            let all = operations.entry(op).or_default();
            all.decoded += t.decoded;
            all.rechecked += t.rechecked;
            for (status, n) in t.typed {
                *all.typed.entry(status).or_default() += n;
            }
        }
        connection_ops.extend(report.connection_ops);
        tally.unexplained.extend(report.tally.unexplained);
        tally.pages += report.tally.pages;
        tally.items += report.tally.items;
        combinations += report.combinations;
        responses += report.responses;
        with_body += report.with_body;
        rechecked += report.rechecked;
    }
    assert!(
        tally.unexplained.is_empty(),
        "random answers the client could not handle:\n{}",
        tally.unexplained.join("\n")
    );
    // The `connections` API covers exactly the spec's Connections operations.
    assert_eq!(connection_ops, connection_operations(&spec));
    let decoded = tally.outcomes.get(&Outcome::Decoded).copied().unwrap_or(0);
    // Every seed's success answer of get, create, update and delete decodes; a random list
    // page decodes unless its random `next` is no page link (explained above), which some
    // seeds give and some do not.
    for op in &connection_ops {
        let n = tally.decoded_by_op.get(op).copied().unwrap_or(0);
        if op == "listSqlv1Connections" {
            assert!(n >= 1, "{:?}", tally.decoded_by_op);
        } else {
            assert_eq!(n, SEEDS.len(), "{op}: {:?}", tally.decoded_by_op);
        }
    }
    // Through the `Operations` handle, every seed's success answer of every operation decodes.
    assert_eq!(
        operations.keys().map(String::as_str).collect::<Vec<_>>(),
        spec.operation_ids()
    );
    for (op, t) in &operations {
        assert_eq!(t.decoded, SEEDS.len(), "{op}");
    }
    figures::record(
        "conformance_prism_operations",
        "dynamic",
        &operations
            .iter()
            .map(|(op, t)| {
                (
                    op.as_str(),
                    format!(
                        "{} seeds: {} success answers decoded into the generated types (and again with unknown properties: {}); typed API errors by status: {:?}",
                        SEEDS.len(),
                        t.decoded,
                        t.rechecked,
                        t.typed
                    ),
                )
            })
            .collect::<Vec<_>>(),
    );
    figures::report(
        "conformance_prism_random",
        &[
            format!(
                "dynamic Prism (relaxed copy), {} seeds: {combinations} (operation, declared status) combinations, each through the Operations handle and, for the {} Connections operations, through the connections API; {responses} random answers ({with_body} with a body) valid by our validator",
                SEEDS.len(),
                connection_ops.len()
            ),
            format!(
                "connections API: decoded: {decoded} calls ({} pages, {} connections); typed API errors by status: {:?}; explained decode errors: {:?}; unexplained: 0",
                tally.pages,
                tally.items,
                tally
                    .outcomes
                    .iter()
                    .filter_map(|(o, n)| match o {
                        Outcome::TypedError(s) => Some((*s, *n)),
                        _ => None,
                    })
                    .collect::<BTreeMap<_, _>>(),
                tally
                    .outcomes
                    .iter()
                    .filter_map(|(o, n)| match o {
                        Outcome::Explained(why) => Some((*why, *n)),
                        _ => None,
                    })
                    .collect::<BTreeMap<_, _>>()
            ),
            format!(
                "Operations handle: {} operations, {} success answers decoded, {} typed API errors; unexplained: 0",
                operations.len(),
                operations.values().map(|t| t.decoded).sum::<usize>(),
                operations.values().flat_map(|t| t.typed.values()).sum::<usize>()
            ),
            format!("{rechecked} connections-API and {} Operations-handle 2xx answers decoded again with unknown properties added to every object: the same results", operations.values().map(|t| t.rechecked).sum::<usize>()),
        ],
    );
}

/// Whether something listens at `url` (`http://127.0.0.1:port`).
fn listening(url: &str) -> bool {
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    TcpStream::connect_timeout(&address.parse().unwrap(), Duration::from_secs(2)).is_ok()
}

#[test]
fn a_test_that_panics_still_stops_its_prism() {
    if prism::skip_unless_installed() {
        return;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let outcome = std::thread::spawn(move || {
        let prism = Prism::start(Mode::Static).expect("installed");
        tx.send((prism.pid(), prism.url().to_owned())).unwrap();
        panic!("this test thread fails on purpose while its Prism runs");
    })
    .join();
    assert!(outcome.is_err());
    let (pid, url) = rx.recv().unwrap();
    assert!(!listening(&url), "Prism still answers at {url}");
    #[cfg(target_os = "linux")]
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "Prism (pid {pid}) is still running"
    );
    let _ = pid;
}

/// `scripts/prism.sh`, stopped with SIGTERM (then SIGKILL) if still running when dropped.
struct Script(Child);

impl Drop for Script {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.0.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.0.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn script() -> Command {
    let mut command = Command::new(spec_schema::crate_root().join("scripts/prism.sh"));
    command.stdin(Stdio::null());
    command
}

#[test]
fn scripts_prism_sh_stops_prism_when_its_command_fails_and_on_sigterm() {
    if prism::skip_unless_installed() {
        return;
    }
    // `run`: the command fails; the script exits with its status and stops Prism.
    let output = script()
        .args(["run", "--", "sh", "-c", "echo \"$PRISM_URL\"; exit 3"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let url = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
    assert!(!listening(&url), "Prism still answers at {url}");

    // `mock --relaxed`: serving until SIGTERM, then stopped.
    let mut mock = Script(
        script()
            .args(["mock", "--relaxed"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(mock.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line:?}");
    assert!(listening(&url));
    let status = Command::new("kill")
        .args(["-TERM", &mock.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = mock.0.wait().unwrap();
    assert!(!exit.success(), "{exit:?}");
    assert!(
        !listening(&url),
        "Prism still answers at {url} after SIGTERM"
    );
}
