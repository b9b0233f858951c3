//! Proves the Prism harness with raw HTTP (no client of ours): Prism, an independent tool,
//! accepts a valid request to every operation of the spec (built from the spec,
//! `spec_bodies::spec_requests`) apart from the listed deviations, flags invalid ones, and
//! its random answers to every declared status of every operation match the spec as our
//! validator reads it. Figures per operation go to `target/figures/prism_operations.txt`.
//!
//! Needs `scripts/prism.sh install`; skipped with a printed reason otherwise, unless
//! `REQUIRE_PRISM=1`.

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

use prism::{Mode, Prism, Served, SlViolation};
use recorder::Recorder;
use reqwest::Method;
use serde_json::{json, Value};
use spec_bodies::{create_body, spec_requests, update_body};
use spec_schema::Spec;

const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const ENV: &str = "env-123";
/// Not a secret: a fixed test credential for the mock.
const KEY: &str = "TESTKEY";
const SECRET: &str = "test-secret";
/// Seeds for the dynamic runs.
const SEEDS: [u64; 5] = [1, 7, 42, 1234, 99991];

/// One HTTP call to make.
#[derive(Clone, Debug)]
struct Call {
    op: String,
    method: Method,
    /// Path and query, as sent.
    target: String,
    body: Option<Value>,
    auth: bool,
}

/// Prism's answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    violations: Vec<SlViolation>,
}

fn collection() -> String {
    format!("/sql/v1/organizations/{ORG}/environments/{ENV}/connections")
}

fn call(op: &str, method: Method, target: String, body: Option<Value>) -> Call {
    Call {
        op: op.to_owned(),
        method,
        target,
        body,
        auth: true,
    }
}

/// A valid request to every operation of the spec, read from the spec (its path
/// parameters, and the body's example or the smallest body its schema accepts). Valid as
/// published: an example that only a listed deviation makes acceptable (the plain-JSON
/// `auth_data.data` of the Connections examples) is replaced by the smallest body.
fn valid_calls() -> Vec<Call> {
    let spec = load();
    spec_requests(spec.document(), ORG, ENV)
        .into_iter()
        .map(|r| {
            let method = Method::from_bytes(r.method.as_bytes()).unwrap();
            let body = match &r.body {
                Some(b) if !spec.check_request(&r.op, b).is_empty() => r.minimal_body,
                _ => r.body,
            };
            call(&r.op, method, r.path, body)
        })
        .collect()
}

/// Query strings for the list operation that the spec allows.
fn valid_list_queries() -> Vec<&'static str> {
    vec![
        "",
        "?page_size=1",
        "?page_size=100",
        "?page_token=UvmDWOB1iwfAIBPj6EYb",
        "?page_size=99&page_token=abc%2Bdef",
        "?spec.connection_type=OPENAI",
        "?spec.connection_type=BEDROCK&page_size=50",
        // x-extensible-enum: a connection type the spec does not list yet.
        "?spec.connection_type=SOMETHING_NEW",
    ]
}

async fn send(
    client: &reqwest::Client,
    prism: &Prism,
    call: &Call,
    prefer: Option<&str>,
) -> Answer {
    let mut request = client.request(
        call.method.clone(),
        format!("{}{}", prism.url(), call.target),
    );
    if call.auth {
        request = request.basic_auth(KEY, Some(SECRET));
    }
    if let Some(body) = &call.body {
        request = request.json(body);
    }
    if let Some(prefer) = prefer {
        request = request.header("Prefer", prefer);
    }
    let response = request.send().await.unwrap_or_else(|e| {
        panic!(
            "{} {}: {e}\nPrism log:\n{}",
            call.method,
            call.target,
            prism.log()
        )
    });
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let violations = headers
        .iter()
        .filter(|(n, _)| n == "sl-violations")
        .flat_map(|(_, v)| prism::parse_sl_violations(v).unwrap())
        .collect();
    let body = response.bytes().await.unwrap().to_vec();
    Answer {
        status,
        headers,
        body,
        violations,
    }
}

/// For each of Prism's violations: the listed deviation (and which of its `prism` entries)
/// that explains it, or `None`.
fn explain<'a>(
    spec: &Spec,
    op: &str,
    violations: &'a [SlViolation],
) -> Vec<(&'a SlViolation, Option<(String, usize)>)> {
    violations
        .iter()
        .zip(recorder::explain_prism(spec, op, violations))
        .map(|(v, why)| (v, why.map(|(id, i)| (id.to_owned(), i))))
        .collect()
}

/// The violations no listed deviation explains.
fn unexplained<'a>(found: &[(&'a SlViolation, Option<(String, usize)>)]) -> Vec<&'a SlViolation> {
    found
        .iter()
        .filter(|(_, why)| why.is_none())
        .map(|(v, _)| *v)
        .collect()
}

/// The (deviation id, matcher index) of the explained ones.
fn explained(
    found: Vec<(&SlViolation, Option<(String, usize)>)>,
) -> impl Iterator<Item = (String, usize)> + '_ {
    found.into_iter().filter_map(|(_, why)| why)
}

/// Every Prism entry of the deviation list observed in `mode` fired: the list cannot rot.
fn assert_all_fired(spec: &Spec, mode: &str, hits: &BTreeSet<(String, usize)>) {
    let mut unused = Vec::new();
    for deviation in spec.deviations() {
        for (i, m) in deviation.prism.iter().enumerate() {
            if m.observed_in.iter().any(|o| o == mode) && !hits.contains(&(deviation.id.clone(), i))
            {
                unused.push(format!(
                    "`{}` prism[{i}] ({} {:?})",
                    deviation.id, m.location, m.codes
                ));
            }
        }
    }
    assert!(
        unused.is_empty(),
        "{mode} Prism never reported what these deviation entries explain:\n{}",
        unused.join("\n")
    );
}

/// The documented success status of an operation (its one 2xx).
fn success(spec: &Spec, op: &str) -> u16 {
    let statuses = spec.operation(op).unwrap().statuses();
    let ok: Vec<&str> = statuses
        .into_iter()
        .filter(|s| s.starts_with('2'))
        .collect();
    assert_eq!(ok.len(), 1, "{op}: {ok:?}");
    ok[0].parse().unwrap()
}

/// A client that talks to 127.0.0.1 directly, whatever proxy the environment names.
fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn load() -> Spec {
    Spec::load().unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn static_prism_accepts_valid_requests_apart_from_the_listed_deviations() {
    let Some(prism) = Prism::start(Mode::Static) else {
        return;
    };
    let spec = load();
    let client = http();
    let mut hits: BTreeSet<(String, usize)> = BTreeSet::new();
    let mut calls = valid_calls();
    // operationId -> (requests, answers Prism composed from incomplete examples)
    let mut per_operation: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for query in valid_list_queries() {
        calls.push(call(
            "listSqlv1Connections",
            Method::GET,
            format!("{}{query}", collection()),
            None,
        ));
    }
    for c in &calls {
        // Our validator agrees that the request is valid.
        assert_eq!(
            spec.validate_request_target(c.method.as_str(), &c.target)
                .as_deref(),
            Ok(c.op.as_str())
        );
        if let Some(body) = &c.body {
            spec.validate_request(&c.op, body)
                .unwrap_or_else(|v| panic!("{}: {v:#?}", &c.op));
        }
        let answer = send(&client, &prism, c, None).await;
        assert_eq!(
            answer.status,
            success(&spec, &c.op),
            "{} {}: {answer:?}",
            c.method,
            c.target
        );
        let found = explain(&spec, &c.op, &answer.violations);
        let rest = unexplained(&found);
        // The request: everything Prism reports about it is a listed deviation.
        let request_side: Vec<_> = rest.iter().filter(|v| v.side() != "response").collect();
        assert!(
            request_side.is_empty(),
            "{} {}: request violations no deviation explains: {request_side:#?}",
            c.method,
            c.target
        );
        // The answer: static Prism composes it from the spec's examples. Where they are
        // complete (Prism finds nothing unlisted), our validator finds nothing either; where
        // they are not (the spec gives no example of a property an answer requires, so
        // Prism leaves it out), each property Prism finds missing or wrong, ours finds too.
        let response_side: Vec<&&SlViolation> =
            rest.iter().filter(|v| v.side() == "response").collect();
        let entry = per_operation.entry(c.op.clone()).or_default();
        entry.0 += 1;
        if response_side.is_empty() {
            spec.validate_response_bytes(&c.op, answer.status, &answer.body)
                .unwrap_or_else(|v| panic!("{}: {v:#?}", &c.op));
        } else {
            entry.1 += 1;
            let body: Value = serde_json::from_slice(&answer.body).unwrap();
            let ours = spec.check_response(&c.op, answer.status, &body);
            for v in response_side {
                let pointer = v
                    .body_pointer()
                    .unwrap_or_else(|| panic!("{}: {v:?} is not about the body", c.op));
                assert!(
                    ours.iter()
                        .any(|o| o.pointer == pointer && o.keyword == v.code),
                    "{}: Prism reports {v:?}; we do not: {ours:#?}",
                    c.op
                );
            }
        }
        hits.extend(explained(found));
    }
    let incomplete: Vec<String> = per_operation
        .iter()
        .filter(|(_, (_, partial))| *partial > 0)
        .map(|(op, _)| op.clone())
        .collect();
    figures::record(
        "prism_operations",
        "static",
        &per_operation
            .iter()
            .map(|(op, (requests, partial))| {
                (
                    op.as_str(),
                    format!("{requests} requests accepted, {partial} answers composed from incomplete examples"),
                )
            })
            .collect::<Vec<_>>(),
    );
    // Every operation of the spec was called.
    assert_eq!(
        per_operation.keys().map(String::as_str).collect::<Vec<_>>(),
        spec.operation_ids()
    );

    // Each deviation's request samples: Prism reports them, and only as that deviation.
    let mut samples = 0;
    for deviation in spec.deviations() {
        for sample in &deviation.samples {
            let Some(op) = sample.context.strip_prefix("request ") else {
                continue;
            };
            let c = valid_calls().into_iter().find(|c| c.op == op).unwrap();
            let answer = send(
                &client,
                &prism,
                &Call {
                    body: Some(sample.body.clone()),
                    ..c
                },
                None,
            )
            .await;
            for (v, why) in explain(&spec, op, &answer.violations) {
                match why {
                    None => panic!(
                        "{}: Prism reports {v:?}, which no deviation explains",
                        deviation.id
                    ),
                    Some((id, matcher)) => {
                        if v.side() == "request" {
                            assert_eq!(id, deviation.id, "{v:?}");
                        }
                        hits.insert((id, matcher));
                    }
                }
            }
            samples += 1;
        }
    }

    assert_all_fired(&spec, "static", &hits);
    figures::report(
        "prism_harness_static",
        &[format!(
            "raw HTTP: {} operations, {} requests ({} list parameter combinations, {} deviation samples), {} deviation matchers fired; answers composed from incomplete examples (each finding confirmed by our validator): {incomplete:?}",
            spec.operation_ids().len(),
            calls.len() + samples,
            valid_list_queries().len(),
            samples,
            hits.len()
        )],
    );
}

#[tokio::test]
async fn static_prism_flags_invalid_requests_as_our_validator_does() {
    let Some(prism) = Prism::start(Mode::Static) else {
        return;
    };
    let spec = load();
    let client = http();
    let item = format!("{}/c1", collection());
    let mut no_spec = create_body();
    no_spec.as_object_mut().unwrap().remove("spec");
    let mut endpoint_number = create_body();
    endpoint_number["spec"]["endpoint"] = json!(42);
    let mut no_auth_data = update_body();
    no_auth_data["spec"]
        .as_object_mut()
        .unwrap()
        .remove("auth_data");
    // (call, expected status, Prism's location and code, our pointer and keyword)
    let cases = [
        (
            call(
                "createSqlv1Connection",
                Method::POST,
                collection(),
                Some(no_spec),
            ),
            422,
            ("request.body", "required"),
            ("", "required"),
        ),
        (
            call(
                "createSqlv1Connection",
                Method::POST,
                collection(),
                Some(endpoint_number),
            ),
            422,
            ("request.body.spec.endpoint", "type"),
            ("/spec/endpoint", "type"),
        ),
        (
            call(
                "updateSqlv1Connection",
                Method::PUT,
                item.clone(),
                Some(no_auth_data),
            ),
            400,
            ("request.body.spec", "required"),
            ("/spec", "required"),
        ),
        (
            call(
                "listSqlv1Connections",
                Method::GET,
                format!("{}?page_size=101", collection()),
                None,
            ),
            400,
            ("request.query.page_size", "maximum"),
            ("/query/page_size", "maximum"),
        ),
        (
            call(
                "listSqlv1Connections",
                Method::GET,
                format!("{}?page_size=ten", collection()),
                None,
            ),
            400,
            ("request.query.page_size", "type"),
            ("/query/page_size", "type"),
        ),
        (
            call(
                "getSqlv1Connection",
                Method::GET,
                format!("/sql/v1/organizations/not-a-uuid/environments/{ENV}/connections/c1"),
                None,
            ),
            400,
            ("request.path.organization_id", "format"),
            ("/path/organization_id", "format"),
        ),
    ];
    for (c, status, (location, code), (pointer, keyword)) in &cases {
        let answer = send(&client, &prism, c, None).await;
        assert_eq!(
            answer.status, *status,
            "{} {}: {answer:?}",
            c.method, c.target
        );
        let found = explain(&spec, &c.op, &answer.violations);
        assert!(
            unexplained(&found)
                .iter()
                .any(|v| v.location.join(".") == *location && v.code == *code),
            "{} {}: Prism did not report {location} {code}: {:#?}",
            c.method,
            c.target,
            answer.violations
        );
        // Our validator finds the same problem at the same place.
        let ours = match &c.body {
            Some(body) => spec.validate_request(&c.op, body).unwrap_err(),
            None => spec
                .validate_request_target(c.method.as_str(), &c.target)
                .unwrap_err(),
        };
        assert!(
            ours.iter()
                .any(|v| v.pointer == *pointer && v.keyword == *keyword),
            "{}: ours: {ours:#?}",
            c.op
        );
    }
    // Without credentials: Prism answers 401 and says why (code is a number here).
    let mut anonymous = valid_calls().remove(4);
    anonymous.auth = false;
    let answer = send(&client, &prism, &anonymous, None).await;
    assert_eq!(answer.status, 401);
    assert_eq!(
        answer
            .violations
            .iter()
            .map(|v| (v.location.join("."), v.code.as_str()))
            .collect::<Vec<_>>(),
        [("request".to_owned(), "401")]
    );
    figures::report(
        "prism_harness_invalid",
        &[format!(
            "raw HTTP: {} invalid requests flagged by Prism and by our validator alike",
            cases.len() + 1
        )],
    );
}

#[tokio::test]
async fn dynamic_prism_answers_match_the_spec_for_several_seeds() {
    if prism::skip_unless_installed() {
        return;
    }
    let spec = load();
    // Prism's random answers are checked against the copy they are generated from.
    let deviations = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/openapi/deviations.json"
    ))
    .unwrap_or_else(|e| panic!("openapi/deviations.json: {e}"));
    let answers = Spec::from_texts(&prism::dynamic_copy_text(), &deviations)
        .unwrap_or_else(|e| panic!("{e}"));
    let client = http();
    let mut checked = 0;
    let mut with_body = 0;
    let mut explained_by: BTreeMap<String, usize> = BTreeMap::new();
    let mut hits = BTreeSet::new();
    // (operation, status) -> the distinct bodies the seeds gave.
    let mut distinct: BTreeMap<(String, u16), BTreeSet<Vec<u8>>> = BTreeMap::new();
    for seed in SEEDS {
        let prism = Prism::start(Mode::Dynamic { seed }).expect("installed");
        for c in valid_calls() {
            let op = spec.operation(&c.op).unwrap();
            for status in op.statuses() {
                let wanted: u16 = status.parse().unwrap();
                let answer = send(&client, &prism, &c, Some(&format!("code={status}"))).await;
                let at = format!("seed {seed}, {} {} -> {status}", c.method, c.target);
                assert_eq!(answer.status, wanted, "{at}: {answer:?}");
                answers
                    .validate_response_bytes(&c.op, wanted, &answer.body)
                    .unwrap_or_else(|v| {
                        panic!(
                            "{at}: {v:#?}\nbody: {}",
                            String::from_utf8_lossy(&answer.body)
                        )
                    });
                let headers: Vec<(&str, &str)> = answer
                    .headers
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect();
                spec.validate_response_headers(&c.op, wanted, &headers)
                    .unwrap_or_else(|v| panic!("{at}: {v:#?}"));
                let found = explain(&spec, &c.op, &answer.violations);
                let rest = unexplained(&found);
                assert!(
                    rest.is_empty(),
                    "{at}: Prism violations no deviation explains: {rest:#?}"
                );
                for hit in explained(found) {
                    *explained_by.entry(hit.0.clone()).or_default() += 1;
                    hits.insert(hit);
                }
                // Where Prism finds its own random body at odds with the spec, our validator
                // (before waivers) finds the same place: the two readings of the spec agree.
                if !answer.body.is_empty() {
                    let body: Value = serde_json::from_slice(&answer.body).unwrap();
                    let ours = spec.check_response(&c.op, wanted, &body);
                    for v in answer
                        .violations
                        .iter()
                        .filter(|v| v.side() == "response" && v.code != "oneOf")
                    {
                        let pointer = v.body_pointer().expect("a body location");
                        assert!(
                            ours.iter().any(|o| o.pointer == pointer),
                            "{at}: Prism reports {v:?}; we do not: {ours:#?}"
                        );
                    }
                    with_body += 1;
                    distinct
                        .entry((c.op.to_owned(), wanted))
                        .or_default()
                        .insert(answer.body.clone());
                }
                checked += 1;
            }
        }
    }
    assert_all_fired(&spec, "dynamic", &hits);
    // Different seeds give different bodies: each case was checked with more than one body.
    for (case, bodies) in &distinct {
        assert!(bodies.len() > 1, "{case:?}: every seed gave the same body");
    }
    let distinct_bodies: usize = distinct.values().map(BTreeSet::len).sum();
    figures::report(
        "prism_harness_dynamic",
        &[format!(
            "raw HTTP: {} seeds x {} operations: {checked} random responses checked against our validator ({with_body} with a body, {} distinct), Prism findings explained by deviations: {explained_by:?}",
            SEEDS.len(),
            spec.operation_ids().len(),
            distinct_bodies
        )],
    );
}

#[test]
fn the_served_copy_differs_from_the_published_spec_only_by_the_listed_types() {
    if prism::skip_unless_installed() {
        return;
    }
    let spec = load();
    let root = spec_schema::crate_root();
    let dir = prism::scratch_dir("served");
    let out = dir.join("spec.json");
    let deviations = root.join(spec_schema::DEVIATIONS_PATH);
    prism::prepare_crate_spec(Served::Published, &out).unwrap();
    let served: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();

    let mut differences = Vec::new();
    diff(spec.document(), &served, String::new(), &mut differences);
    let listed: Vec<&str> = spec
        .deviations()
        .iter()
        .filter(|d| d.prism_patch.is_some())
        .flat_map(|d| {
            d.spec_locations
                .iter()
                .map(|l| l.pointer.trim_start_matches('#'))
        })
        .collect();
    // Every untyped overlay property of the document (found here independently of the
    // script) gets the type of the same property of the base (string where it has none) and
    // its nullable; the recorded ones are among them.
    let mut overlays = Vec::new();
    untyped_overlays(spec.document(), String::new(), &mut overlays);
    for pointer in &listed {
        assert!(
            overlays.contains(&pointer.to_string()),
            "{pointer} recorded, not found"
        );
    }
    assert!(overlays.len() > listed.len(), "{overlays:#?}");
    let mut expected = Vec::new();
    for pointer in &overlays {
        let base = base_property(spec.document(), pointer);
        let kind = base
            .and_then(|b| b.get("type"))
            .cloned()
            .unwrap_or(json!("string"));
        expected.push(format!("{pointer}/type added: {kind}"));
        if base.is_some_and(|b| b["nullable"] == json!(true)) {
            expected.push(format!("{pointer}/nullable added: true"));
        }
    }
    expected.sort();
    differences.sort();
    assert_eq!(differences, expected);

    // A recorded location that is not an untyped overlay stops the script.
    let mut edited: Value =
        serde_json::from_str(&std::fs::read_to_string(&deviations).unwrap()).unwrap();
    let entry = edited["deviations"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|d| d["prism_patch"].is_string())
        .unwrap();
    let dropped = json!({ "pointer": "#/components/schemas/Failure/properties/errors" });
    entry["spec_locations"]
        .as_array_mut()
        .unwrap()
        .push(dropped.clone());
    let edited_path = dir.join("deviations.json");
    std::fs::write(&edited_path, edited.to_string()).unwrap();
    let report = prism::prepare_spec(
        &root.join(spec_schema::SPEC_PATH),
        &edited_path,
        &dir.join("x.json"),
    )
    .unwrap_err();
    assert!(
        report.contains(&format!(
            "listed, not an untyped overlay in the spec: {}",
            dropped["pointer"].as_str().unwrap()
        )),
        "{report}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The JSON pointers of every property of an inline `allOf` member that has only an
/// `example` and/or a `description` (no type).
fn untyped_overlays(node: &Value, at: String, out: &mut Vec<String>) {
    let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
    if let Some(members) = node.get("allOf").and_then(Value::as_array) {
        for (i, member) in members.iter().enumerate() {
            if member.get("$ref").is_some() {
                continue;
            }
            for (name, schema) in member["properties"].as_object().into_iter().flatten() {
                let keys = schema.as_object().map(|o| o.keys().collect::<Vec<_>>());
                if keys.is_some_and(|k| {
                    !k.is_empty() && k.iter().all(|k| *k == "example" || *k == "description")
                }) {
                    out.push(format!("{at}/allOf/{i}/properties/{}", escape(name)));
                }
            }
        }
    }
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                untyped_overlays(v, format!("{at}/{}", escape(k)), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                untyped_overlays(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The typed property of the same name in the other members of the overlay's `allOf`.
fn base_property<'a>(document: &'a Value, pointer: &str) -> Option<&'a Value> {
    let (prefix, name) = pointer.rsplit_once("/properties/")?;
    let (all_of, index) = prefix.rsplit_once('/')?;
    let members = document.pointer(all_of)?.as_array()?;
    members.iter().enumerate().find_map(|(i, member)| {
        if i.to_string() == index {
            return None;
        }
        let base = match member.get("$ref").and_then(Value::as_str) {
            Some(target) => document.pointer(target.trim_start_matches('#'))?,
            None => member,
        };
        base.pointer(&format!("/properties/{name}"))
            .filter(|p| p.get("type").is_some())
    })
}

/// Differences between two JSON trees, as `pointer added|removed|changed: value`.
fn diff(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match y.get(k) {
                    Some(w) => diff(v, w, here, out),
                    None => out.push(format!("{here} removed: {v}")),
                }
            }
            for (k, w) in y.iter().filter(|(k, _)| !x.contains_key(*k)) {
                out.push(format!(
                    "{at}/{} added: {w}",
                    k.replace('~', "~0").replace('/', "~1")
                ));
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                diff(v, w, format!("{at}/{i}"), out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{at} changed: {a} -> {b}")),
    }
}

#[tokio::test]
async fn the_recorder_forwards_client_traffic_to_prism_and_records_it() {
    let Some(prism) = Prism::start(Mode::Static) else {
        return;
    };
    let spec = load();
    let recorder = Recorder::start(prism.url()).await;
    // One pooled client: several requests share a kept-alive connection.
    let client = http();
    let mut no_spec = create_body();
    no_spec.as_object_mut().unwrap().remove("spec");
    // The valid calls whose static answers Prism finds complete: the traffic the check
    // below must find nothing in (the others are the static test's subject).
    let mut calls = Vec::new();
    for c in valid_calls() {
        let direct = send(&client, &prism, &c, None).await;
        if unexplained(&explain(&spec, &c.op, &direct.violations)).is_empty() {
            calls.push(c);
        }
    }
    assert!(calls.len() > 5, "{} complete static answers", calls.len());
    calls.push(call(
        "createSqlv1Connection",
        Method::POST,
        collection(),
        Some(no_spec),
    ));
    for c in &calls {
        let direct = send(&client, &prism, c, None).await;
        let mut request = client
            .request(c.method.clone(), format!("{}{}", recorder.url(), c.target))
            .basic_auth(KEY, Some(SECRET));
        if let Some(body) = &c.body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let violations = response
            .headers()
            .get("sl-violations")
            .map(|v| prism::parse_sl_violations(v.to_str().unwrap()).unwrap())
            .unwrap_or_default();
        let body = response.bytes().await.unwrap().to_vec();
        // The client sees what it would see talking to Prism directly.
        assert_eq!(
            (status, &body, &violations),
            (direct.status, &direct.body, &direct.violations),
            "{}",
            c.op
        );
    }
    // A chunked request body is decoded before it is forwarded and recorded.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(b"{\"name\":\"x\",".to_vec()),
        Ok(b"\"spec\":{}}".to_vec()),
    ];
    let response = client
        .post(format!("{}{}", recorder.url(), collection()))
        .basic_auth(KEY, Some(SECRET))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);

    let exchanges = recorder.exchanges();
    assert_eq!(exchanges.len(), calls.len() + 1);
    for (ex, c) in exchanges.iter().zip(&calls) {
        assert_eq!(
            (ex.method.as_str(), ex.target.as_str()),
            (c.method.as_str(), c.target.as_str())
        );
        let sent: Option<Value> = (!ex.request_body.is_empty())
            .then(|| serde_json::from_slice(&ex.request_body).unwrap());
        assert_eq!(sent.as_ref(), c.body.as_ref());
        assert!(ex
            .request_header("authorization")
            .is_some_and(|a| a.starts_with("Basic ")));
        assert!(
            !format!("{ex:?}").contains("Basic"),
            "Debug shows no header values"
        );
    }
    let chunked = exchanges.last().unwrap();
    assert_eq!(chunked.request_body, b"{\"name\":\"x\",\"spec\":{}}");
    assert_eq!(chunked.request_header("transfer-encoding"), Some("chunked"));

    // The check finds the two invalid creates, by our validator and by Prism, and nothing
    // in the valid traffic.
    let problems = recorder::check(&spec, &exchanges);
    let valid = calls.len() - 1;
    assert!(
        problems
            .iter()
            .all(|p| p.starts_with(&format!("exchange {valid} "))
                || p.starts_with(&format!("exchange {} ", valid + 1))),
        "{problems:#?}"
    );
    for i in [valid, valid + 1] {
        let at = format!("exchange {i} (POST {})", collection());
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with(&format!("{at}: request createSqlv1Connection"))),
            "ours, {i}: {problems:#?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with(&format!("{at}: Prism: request.body"))),
            "Prism's, {i}: {problems:#?}"
        );
    }
    assert!(recorder::check(&spec, &exchanges[..valid]).is_empty());
    figures::report(
        "prism_harness_recorder",
        &[format!(
            "{} exchanges recorded and checked, {} problems found in the 2 invalid ones",
            exchanges.len(),
            problems.len()
        )],
    );
}
