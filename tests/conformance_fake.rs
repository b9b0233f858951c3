//! Every request the public client sends and every answer the fake server gives, checked
//! against the spec by the JSON Schema validator (`tests/support/spec_schema.rs`).
//!
//! The recording proxy (`tests/support/recorder.rs`) sits between the crate's `Client` and
//! `confluent_flink_sql::fake::FakeServer`. The tests drive the five operations with every
//! kind of `AuthData` and every error path (401, 403, 404, 409, 400, 422, 429, 500, 503),
//! then check each recorded exchange: the request target and body against the operation's
//! parameters and request schema, the answer's status, body and headers against the
//! response the spec declares. Only the deviations listed in `openapi/deviations.json` are
//! allowed; anything else fails. The same traffic is also checked against the domain types'
//! own JSON Schemas (`schemars`), so those describe what really goes over the wire.

#[path = "support/auth_kinds.rs"]
mod auth_kinds;
#[path = "support/figures.rs"]
mod figures;
#[path = "support/lists.rs"]
mod lists;
#[path = "support/new_connections.rs"]
mod new_connections;
#[path = "support/prism.rs"]
mod prism;
#[path = "support/recorder.rs"]
mod recorder;
#[path = "support/spec_schema.rs"]
mod spec_schema;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use confluent_flink_sql::connections::{
    AuthData, Connection, ConnectionPhase, ConnectionType, NewConnection,
};
use confluent_flink_sql::fake::{FakeServer, Fault, Operation};
use confluent_flink_sql::{
    Client, ClientBuilder, Credentials, ErrorDetail, ErrorKind, RetryPolicy,
};
use lists::{all_items, all_pages};
use new_connections::openai_at;
use recorder::{Exchange, Recorder};
use schemars::JsonSchema;
use serde_json::Value;
use spec_schema::Spec;

/// The fake, and the recorder in front of it.
struct Rig {
    server: FakeServer,
    recorder: Recorder,
}

impl Rig {
    async fn start() -> Rig {
        let server = FakeServer::start().await.expect("the fake starts");
        let recorder = Recorder::start(server.base_url()).await;
        Rig { server, recorder }
    }

    /// A client of the fake that talks through the recorder.
    fn builder(&self) -> ClientBuilder {
        self.server
            .client_builder()
            .base_url(self.recorder.url())
            .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
            .timeout(Duration::from_secs(10))
    }

    fn client(&self) -> Client {
        self.builder().build().expect("a client")
    }
}

fn spec() -> Spec {
    Spec::load().unwrap_or_else(|e| panic!("{e}"))
}

/// The operationId of a recorded exchange (every exchange here matches one).
fn operation(spec: &Spec, ex: &Exchange) -> String {
    spec.validate_request_target(&ex.method, &ex.target)
        .unwrap_or_else(|v| panic!("{ex:?}: {v:#?}"))
}

/// A validator for a domain type's own JSON Schema.
fn domain_validator<T: JsonSchema>() -> jsonschema::Validator {
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{schema}: {e}"))
}

fn assert_api_error(e: &confluent_flink_sql::Error, status: u16) {
    assert_eq!(
        (e.kind(), e.status()),
        (ErrorKind::Api, Some(status)),
        "{e:?}"
    );
    assert!(e.request_id().is_some(), "{e:?}");
}

/// The names of the keys in a recorded `auth_data.data` (test values, not secrets).
fn secret_keys(data: &str) -> Vec<String> {
    let map: BTreeMap<String, Value> = serde_json::from_str(data).expect("plain JSON text");
    map.into_keys().collect()
}

/// Drives every operation, every `AuthData` kind and every error path through the recorder.
async fn drive(rig: &Rig) {
    let conns = rig.client().connections();
    let kinds = auth_kinds::all();

    // create and get, one connection per kind of secret
    let mut created = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        let name = format!("conn-{i:02}");
        let endpoint = format!("https://service-{i}.example/v1");
        let c = conns
            .create(NewConnection::new(
                &name,
                kind.connection_type.clone(),
                &endpoint,
                kind.auth_data("first"),
            ))
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", kind.label));
        assert_eq!(
            (c.name(), c.connection_type(), c.endpoint(), c.phase()),
            (
                name.as_str(),
                &kind.connection_type,
                endpoint.as_str(),
                Some(&ConnectionPhase::Active)
            )
        );
        let stored = rig.server.stored_secret(&name).expect("stored");
        assert_eq!(secret_keys(&stored), kind.keys, "{}", kind.label);
        let read = conns.get(&name).await.unwrap();
        assert_eq!(read.resource_version(), c.resource_version());
        created.push(read);
    }
    let total = kinds.len();

    // list: default page size (10), several pages, the largest page, a filter, resuming
    let all = all_items(conns.list()).await;
    assert_eq!(all.len(), total);
    let pages = all_pages(conns.list().page_size(3)).await;
    assert_eq!(pages.len(), total.div_ceil(3));
    assert!(pages[..pages.len() - 1]
        .iter()
        .all(|p| p.next_page_token().is_some() && p.total_size() == Some(total as u32)));
    let big = conns.list().page_size(100).first_page().await.unwrap();
    assert_eq!((big.len(), big.next_page_token()), (total, None));
    let mcp = all_items(
        conns
            .list()
            .connection_type(ConnectionType::parse("MCP_SERVER"))
            .page_size(2),
    )
    .await;
    assert_eq!(mcp.len(), 3);
    let first = conns.list().page_size(4).first_page().await.unwrap();
    let token = first.next_page_token().expect("more pages").to_owned();
    let rest = all_items(conns.list().page_size(4).page_token(token)).await;
    assert_eq!(first.len() + rest.len(), total);
    let none = conns
        .list()
        .connection_type(ConnectionType::Other("NOT_A_TYPE_YET".into()))
        .max_items(5)
        .first_page()
        .await
        .unwrap();
    assert!(none.is_empty());

    // update (get, then PUT) each with a new secret of its kind
    for (kind, c) in kinds.iter().zip(&created) {
        let before = rig.server.stored_secret(c.name()).unwrap();
        conns
            .update(c.name(), kind.auth_data("second"))
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", kind.label));
        assert_ne!(rig.server.stored_secret(c.name()).unwrap(), before);
    }

    // 400: a stale resource_version (the update refused), a page token not issued
    let stale = conns
        .update_if_unchanged(&created[0], kinds[0].auth_data("third"))
        .await
        .unwrap_err();
    assert_api_error(&stale, 400);
    assert_eq!(
        stale.details()[0].source_pointer(),
        Some("/metadata/resource_version")
    );
    let bad_token = conns
        .list()
        .page_token("never-issued")
        .first_page()
        .await
        .unwrap_err();
    assert_api_error(&bad_token, 400);
    assert_eq!(
        bad_token.details()[0].source_parameter(),
        Some("page_token")
    );

    // 409: the name is taken
    let taken = conns
        .create(openai_at(
            created[0].name(),
            "https://api.openai.com/v1",
            "sk-again",
        ))
        .await
        .unwrap_err();
    assert_api_error(&taken, 409);
    assert!(taken.is_conflict());
    assert_eq!(taken.details()[0].code(), Some("resource_already_exists"));

    // 422: valid for the client, refused by the service
    let unknown_type = conns
        .create(NewConnection::new(
            "quantum",
            ConnectionType::Other("QUANTUM".into()),
            "https://quantum.example",
            AuthData::api_key("q"),
        ))
        .await
        .unwrap_err();
    assert_api_error(&unknown_type, 422);
    assert_eq!(
        unknown_type.details()[0].source_pointer(),
        Some("/spec/connection_type")
    );
    let extra_key = conns
        .create(NewConnection::new(
            "extra",
            ConnectionType::OpenAi,
            "https://api.openai.com/v1",
            AuthData::raw(r#"{"API_KEY":"k","UNEXPECTED":"x"}"#),
        ))
        .await
        .unwrap_err();
    assert_api_error(&extra_key, 422);
    assert_eq!(
        extra_key.details()[0].source_pointer(),
        Some("/spec/auth_data/data")
    );

    // 404
    assert!(conns.get("missing").await.unwrap_err().is_not_found());
    assert!(conns.delete("missing").await.unwrap_err().is_not_found());
    assert!(conns
        .update("missing", AuthData::api_key("k"))
        .await
        .unwrap_err()
        .is_not_found());

    // 401: a wrong secret; 403: an environment the key may not use
    let wrong = rig
        .builder()
        .credentials(Credentials::basic(rig.server.api_key(), "wrong-secret"))
        .build()
        .unwrap();
    let e = wrong.connections().list().first_page().await.unwrap_err();
    assert_api_error(&e, 401);
    assert_eq!(e.details()[0].code(), Some("user_unauthenticated"));
    let elsewhere = rig.builder().environment_id("env-other").build().unwrap();
    assert_api_error(
        &elsewhere.connections().get("conn-00").await.unwrap_err(),
        403,
    );

    // 429 and 503: retried, then answered; without retries, typed errors
    rig.server.inject(Fault::rate_limited(0), 1);
    conns.get("conn-00").await.unwrap();
    rig.server
        .inject_for(Operation::List, Fault::rate_limited(0), 1);
    rig.server
        .inject_for(Operation::List, Fault::Status(503), 1);
    conns.list().first_page().await.unwrap();
    let once = rig.builder().max_retries(0).build().unwrap().connections();
    rig.server.inject(Fault::rate_limited(0), 1);
    let limited = once.delete("conn-00").await.unwrap_err();
    assert_api_error(&limited, 429);
    assert_eq!(limited.retry_after(), Some(Duration::ZERO));
    rig.server.inject(Fault::Status(503), 1);
    let unavailable = once.get("conn-00").await.unwrap_err();
    assert_api_error(&unavailable, 503);
    assert!(unavailable.is_retryable());
    // 500 is not retried
    rig.server.inject(Fault::Status(500), 1);
    let broken = conns.delete("conn-00").await.unwrap_err();
    assert_api_error(&broken, 500);
    assert_eq!(broken.details()[0].code(), Some("internal_error"));

    // delete everything
    for c in &created {
        conns.delete(c.name()).await.unwrap();
    }
    assert!(conns.list().first_page().await.unwrap().is_empty());
}

#[tokio::test]
async fn every_exchange_of_every_operation_matches_the_spec() {
    let spec = spec();
    let rig = Rig::start().await;
    drive(&rig).await;
    let exchanges = rig.recorder.exchanges();

    // The spec, up to the listed deviations: requests, then answers.
    let problems = recorder::check(&spec, &exchanges);
    assert!(problems.is_empty(), "requests: {problems:#?}");
    let problems = recorder::check_responses(&spec, &exchanges);
    assert!(problems.is_empty(), "answers: {problems:#?}");

    // What was covered.
    let mut seen: BTreeMap<String, BTreeSet<u16>> = BTreeMap::new();
    let mut waived: BTreeMap<String, usize> = BTreeMap::new();
    let (mut requests, mut responses, mut bodiless) = (0, 0, 0);
    let mut keysets = BTreeSet::new();
    for ex in &exchanges {
        let op = operation(&spec, ex);
        seen.entry(op.clone()).or_default().insert(ex.status);
        // Every answer of the service carries one (NOTES.md section 1).
        assert!(
            ex.response_header("x-request-id")
                .is_some_and(|id| !id.is_empty()),
            "{ex:?}"
        );
        if let Some(body) = ex.request_json() {
            requests += 1;
            for v in spec.check_request(&op, &body) {
                *waived
                    .entry(v.allowed_by.expect("checked above"))
                    .or_default() += 1;
            }
            if let Some(data) = body.pointer("/spec/auth_data/data").and_then(Value::as_str) {
                keysets.insert(secret_keys(data));
            }
        }
        match ex.response_json() {
            Some(body) => {
                responses += 1;
                for v in spec.check_response(&op, ex.status, &body) {
                    *waived
                        .entry(v.allowed_by.expect("checked above"))
                        .or_default() += 1;
                }
            }
            None => {
                assert!(ex.response_body.is_empty(), "{ex:?}");
                bodiless += 1;
            }
        }
    }
    let statuses: BTreeSet<u16> = seen.values().flatten().copied().collect();
    assert_eq!(
        statuses,
        BTreeSet::from([200, 201, 400, 401, 403, 404, 409, 422, 429, 500, 503])
    );
    assert_eq!(seen.len(), 5, "{seen:?}");
    for (op, wanted) in [
        ("listSqlv1Connections", &[200, 400, 401, 429, 503][..]),
        ("createSqlv1Connection", &[201, 409, 422]),
        ("getSqlv1Connection", &[200, 403, 404, 429, 503]),
        ("updateSqlv1Connection", &[200, 400]),
        ("deleteSqlv1Connection", &[200, 404, 429, 500]),
    ] {
        for status in wanted {
            assert!(seen[op].contains(status), "{op} {status}: {seen:?}");
        }
    }
    // Every kind of secret went over the wire, in create and in update.
    let kinds = auth_kinds::all();
    let expected: BTreeSet<Vec<String>> = kinds
        .iter()
        .map(|k| k.keys.iter().map(|s| s.to_string()).collect())
        .collect();
    assert!(keysets.is_superset(&expected), "{keysets:?}");
    // The deviations the client and the fake show are the known ones, and only those.
    assert_eq!(
        waived.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "auth-data-plain-json",
            "put-metadata-read-only",
            "undeclared-gateway-statuses"
        ]
    );

    let pairs: usize = seen.values().map(BTreeSet::len).sum();
    figures::report(
        "conformance_fake",
        &[
            format!(
                "{} exchanges client -> recorder -> fake: {requests} request bodies and {responses} response bodies validated against the spec's schemas, {bodiless} bodiless answers checked, every target's parameters and every answer's headers checked",
                exchanges.len()
            ),
            format!(
                "5 operations, {pairs} (operation, status) pairs, statuses {statuses:?}, {} kinds of AuthData",
                kinds.len()
            ),
            format!("violations waived by listed deviations: {waived:?}; others: 0"),
        ],
    );
}

#[tokio::test]
async fn the_traffic_matches_the_domain_types_own_schemas() {
    let spec = spec();
    let rig = Rig::start().await;
    drive(&rig).await;
    let new = domain_validator::<NewConnection>();
    let auth = domain_validator::<AuthData>();
    let connection = domain_validator::<Connection>();
    let detail = domain_validator::<ErrorDetail>();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut check = |name: &'static str, validator: &jsonschema::Validator, value: &Value| {
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{} at {}", e.masked(), e.instance_path().as_str()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        *counts.entry(name).or_default() += 1;
    };
    for ex in rig.recorder.exchanges() {
        let op = operation(&spec, &ex);
        if let Some(body) = ex.request_json() {
            if op == "createSqlv1Connection" {
                check("NewConnection", &new, &body);
            }
            check("AuthData", &auth, &body["spec"]["auth_data"]);
        }
        let Some(body) = ex.response_json() else {
            continue;
        };
        match (op.as_str(), ex.status) {
            ("listSqlv1Connections", 200) => {
                for item in body["data"].as_array().unwrap() {
                    check("Connection", &connection, item);
                }
            }
            ("getSqlv1Connection" | "createSqlv1Connection", 200 | 201) => {
                check("Connection", &connection, &body)
            }
            _ => {
                for item in body["errors"].as_array().unwrap() {
                    check("ErrorDetail", &detail, item);
                }
            }
        }
    }
    for name in ["NewConnection", "AuthData", "Connection", "ErrorDetail"] {
        assert!(counts.get(name).is_some_and(|n| *n > 5), "{counts:?}");
    }
    // The schemas are not vacuous: what the spec forbids, they refuse too.
    assert!(!new.is_valid(&serde_json::json!({"name": "Bad Name", "spec": {}})));
    assert!(!auth.is_valid(&serde_json::json!({"kind": "VaultProvider", "data": "{}"})));
    assert!(!connection.is_valid(&serde_json::json!({"name": "x"})));
    figures::report(
        "conformance_fake_domain_schemas",
        &[format!(
            "the same traffic against the domain types' JSON Schemas (schemars): {counts:?}"
        )],
    );
}

#[tokio::test]
async fn unknown_properties_in_every_answer_are_tolerated() {
    let spec = spec();
    let rig = Rig::start().await;
    rig.recorder
        .set_json_rewrite(Some(Arc::new(recorder::add_unknown_properties)));
    // The whole drive, with its assertions on every decoded value and error detail.
    drive(&rig).await;
    let exchanges = rig.recorder.exchanges();
    let rewritten = exchanges
        .iter()
        .filter(|ex| ex.upstream_response_body.is_some())
        .count();
    assert!(rewritten > 40, "{rewritten}");
    // Unknown properties are what the spec allows (no additionalProperties: false).
    let problems = recorder::check_responses(&spec, &exchanges);
    assert!(problems.is_empty(), "{problems:#?}");
    // They are kept at every level (MUST FORWARD), and serialised back as they came.
    let conns = rig.client().connections();
    let c = conns
        .create(openai_at("after", "https://api.openai.com/v1", "sk-after"))
        .await
        .unwrap();
    let written = serde_json::to_value(&c).unwrap();
    for at in ["", "/metadata", "/spec", "/status"] {
        assert_eq!(
            written.pointer(&format!("{at}/x_unknown_property/list/1")),
            Some(&serde_json::json!("two")),
            "{at}: {written}"
        );
    }
    figures::report(
        "conformance_fake_unknown_properties",
        &[format!(
            "unknown properties injected into every object of {rewritten} answers: every operation and error path still decodes the same"
        )],
    );
}

#[tokio::test]
async fn answers_without_a_name_get_the_name_asked_for() {
    let spec = spec();
    let rig = Rig::start().await;
    // The spec does not require `name` in the get 200 and create 201 answers.
    rig.recorder
        .set_json_rewrite(Some(Arc::new(|body: &mut Value| {
            if body.get("kind") == Some(&Value::from("Connection")) {
                body.as_object_mut().unwrap().remove("name");
            }
        })));
    let conns = rig.client().connections();
    let created = conns
        .create(openai_at("nameless", "https://api.openai.com/v1", "sk-1"))
        .await
        .unwrap();
    assert_eq!(created.name(), "nameless");
    let read = conns.get("nameless").await.unwrap();
    assert_eq!(read.name(), "nameless");
    conns
        .update("nameless", AuthData::api_key("sk-2"))
        .await
        .unwrap();
    let exchanges = rig.recorder.exchanges();
    assert!(exchanges
        .iter()
        .filter(|ex| ex.status == 200 || ex.status == 201)
        .filter_map(Exchange::response_json)
        .all(|body| body.get("name").is_none()));
    let problems = recorder::check_responses(&spec, &exchanges);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn the_checks_catch_what_the_spec_does_not_allow() {
    let spec = spec();
    let rig = Rig::start().await;
    rig.server.seed(3);
    let conns = rig.builder().max_retries(0).build().unwrap().connections();
    conns.get("seed-000001").await.unwrap();
    // An answer that breaks its schema: the client may still read it, the check must not.
    rig.recorder
        .set_json_rewrite(Some(Arc::new(|body: &mut Value| {
            body["metadata"]["created_at"] = "yesterday".into();
        })));
    let _ = conns.get("seed-000001").await;
    rig.recorder.set_json_rewrite(None);
    // A status the spec declares nowhere, and that no deviation waives.
    rig.server.inject(Fault::Status(501), 1);
    let _ = conns.delete("seed-000001").await;
    let exchanges = rig.recorder.exchanges();
    assert_eq!(exchanges.len(), 3);
    assert!(recorder::check_responses(&spec, &exchanges[..1]).is_empty());
    let problems = recorder::check_responses(&spec, &exchanges);
    assert!(
        problems.len() == 2
            && problems[0].starts_with("exchange 1 ")
            && problems[0].contains("/metadata/created_at")
            && problems[1].starts_with("exchange 2 ")
            && problems[1].contains("status 501 is not declared"),
        "{problems:#?}"
    );
    // A request that breaks its schema (as if the client forgot the endpoint).
    conns
        .create(openai_at("fine", "https://api.openai.com/v1", "sk-1"))
        .await
        .unwrap();
    let mut broken = rig.recorder.exchanges().pop().unwrap();
    assert!(recorder::check(&spec, std::slice::from_ref(&broken)).is_empty());
    let mut body = broken.request_json().unwrap();
    body["spec"].as_object_mut().unwrap().remove("endpoint");
    broken.request_body = serde_json::to_vec(&body).unwrap();
    let problems = recorder::check(&spec, &[broken]);
    assert!(
        problems.len() == 1
            && problems[0].contains("request createSqlv1Connection: /spec:")
            && problems[0].contains("[required]"),
        "{problems:#?}"
    );
}
