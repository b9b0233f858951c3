//! Listing statements (issue 18): 10,000 statements in pages of 100 through the crate's
//! `client.statements().list().items()` (the generic `ListRequest` every resource
//! shares, decoding into the generated `Statement`), against a reqwest + serde_json
//! loop over the same local server that decodes each page into plain structs of every
//! member the spec documents, each as the JSON's string (as the Connections list target
//! is measured: issue 17's raw loop). Sides alternate; the figure is the ratio of the
//! medians.
//!
//! `cargo bench --no-default-features --bench statements_list [-- --rounds N]`; for a
//! profile of one side alone, `-- --only crate|raw --count N` (`--count 0`: the set-up).

mod support;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use confluent_flink_sql::Client;
use futures::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};

use support::data::{ENV, ORG};
use support::server::{ok_response, Answers};
use support::stats;

const TOTAL: usize = 10_000;
const PAGE: usize = 100;
const PHASES: [&str; 4] = ["RUNNING", "COMPLETED", "PENDING", "FAILED"];

fn collection(base: &str) -> String {
    format!("{base}/sql/v1/organizations/{ORG}/environments/{ENV}/statements")
}

/// One statement as the service lists it (the Confluent CLI's fixtures' shape, with
/// traits and a result schema of three columns).
fn statement(base: &str, i: usize) -> Value {
    let name = format!("stmt-{i:07}");
    json!({
        "api_version": "sql/v1", "kind": "Statement",
        "metadata": {
            "self": format!("{}/{name}", collection(base)),
            "uid": format!("12345678-1234-1234-1234-{i:012}"),
            "resource_version": format!("v{}", i % 997),
            "created_at": "2025-11-10T16:20:00Z",
            "updated_at": "2025-11-10T16:21:00.123456Z",
            "labels": {"team": "analytics"}
        },
        "name": name,
        "organization_id": ORG,
        "environment_id": ENV,
        "spec": {
            "statement": format!("SELECT user_id, COUNT(*) AS clicks FROM clicks_{i} GROUP BY user_id"),
            "properties": {"sql.current-catalog": "default", "sql.current-database": "cluster-1"},
            "compute_pool_id": "lfcp-123456",
            "principal": "sa-123456",
            "stopped": false
        },
        "status": {
            "phase": PHASES[i % PHASES.len()],
            "detail": "Statement is running successfully",
            "traits": {
                "sql_kind": "SELECT", "is_bounded": false, "is_append_only": false,
                "upsert_columns": [0],
                "schema": {"columns": [
                    {"name": "user_id", "type": {"type": "VARCHAR", "nullable": false, "length": 2147483647}},
                    {"name": "clicks", "type": {"type": "BIGINT", "nullable": false}},
                    {"name": "window_end", "type": {"type": "TIMESTAMP_WITH_LOCAL_TIME_ZONE", "nullable": true, "precision": 3}}
                ]}
            },
            "network_kind": "PUBLIC"
        }
    })
}

fn answers(base: &str) -> Answers {
    let mut answers = Answers::default();
    let pages = TOTAL.div_ceil(PAGE);
    for p in 0..pages {
        let data: Vec<Value> = (p * PAGE..((p + 1) * PAGE).min(TOTAL))
            .map(|i| statement(base, i))
            .collect();
        let next = if p + 1 < pages {
            json!(format!(
                "{}?page_size={PAGE}&page_token=pg{}",
                collection(base),
                p + 1
            ))
        } else {
            Value::Null
        };
        let body = json!({"api_version": "sql/v1", "kind": "StatementList",
            "metadata": {"self": collection(base), "next": next}, "data": data});
        let token = if p == 0 {
            String::new()
        } else {
            format!("pg{p}")
        };
        answers.pages.insert(
            token.into_bytes(),
            ok_response(body.to_string().as_bytes(), "req"),
        );
    }
    answers
}

// The hand-written side, as issue 17 defines the raw loop: structs of every member the
// spec documents (those this benchmark's statements do not carry included, as the
// Connections baseline includes `auth_data`), each as the JSON's string (timestamps,
// phases, kinds), no capture of unknown properties; a member the spec requires is a
// plain field, the others `Option`s.

#[derive(Deserialize)]
struct StrList {
    #[allow(dead_code)]
    api_version: String,
    #[allow(dead_code)]
    kind: String,
    metadata: StrListMeta,
    data: Vec<StrStatement>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrListMeta {
    #[serde(rename = "self")]
    self_url: Option<String>,
    first: Option<String>,
    last: Option<String>,
    prev: Option<String>,
    next: Option<String>,
    total_size: Option<i64>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrStatement {
    api_version: String,
    kind: String,
    metadata: StrMeta,
    name: String,
    organization_id: Option<String>,
    environment_id: Option<String>,
    spec: StrSpec,
    status: StrStatus,
    result: Option<StrResult>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrMeta {
    #[serde(rename = "self")]
    self_url: String,
    uid: Option<String>,
    resource_version: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
    labels: Option<HashMap<String, String>>,
    resource_name: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrSpec {
    statement: Option<String>,
    properties: Option<HashMap<String, String>>,
    compute_pool_id: Option<String>,
    principal: Option<String>,
    stopped: Option<bool>,
    execution_mode: Option<String>,
    scaling: Option<StrScaling>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrScaling {
    baseline_cfu: Option<i64>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrStatus {
    phase: String,
    scaling_status: Option<StrScalingStatus>,
    state_limit_status: Option<StrStateLimitStatus>,
    detail: Option<String>,
    warnings: Option<Vec<StrWarning>>,
    traits: Option<StrTraits>,
    network_kind: Option<String>,
    latest_offsets: Option<HashMap<String, String>>,
    latest_offsets_timestamp: Option<String>,
    end_time: Option<String>,
    duration: Option<String>,
    affected_resource: Option<StrAffectedResource>,
    identity: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrScalingStatus {
    scaling_state: Option<String>,
    last_updated: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrStateLimitStatus {
    state_limit_state: Option<String>,
    last_updated: Option<String>,
    detail: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrWarning {
    severity: Option<String>,
    created_at: Option<String>,
    reason: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrAffectedResource {
    kind: Option<String>,
    environment_id: Option<String>,
    database_id: Option<String>,
    resource_name: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrTraits {
    sql_kind: Option<String>,
    is_bounded: Option<bool>,
    is_append_only: Option<bool>,
    upsert_columns: Option<Vec<i64>>,
    schema: Option<StrSchema>,
    connection_refs: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrSchema {
    columns: Option<Vec<StrColumn>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrColumn {
    name: Option<String>,
    #[serde(rename = "type")]
    ty: Option<StrType>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrType {
    #[serde(rename = "type")]
    name: Option<String>,
    nullable: Option<bool>,
    length: Option<i64>,
    precision: Option<i64>,
    scale: Option<i64>,
    key_type: Option<Box<StrType>>,
    value_type: Option<Box<StrType>>,
    element_type: Option<Box<StrType>>,
    fields: Option<Vec<StrRowField>>,
    resolution: Option<String>,
    fractional_precision: Option<i64>,
    class_name: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrRowField {
    name: Option<String>,
    field_type: Option<StrType>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrResult {
    api_version: Option<String>,
    kind: Option<String>,
    metadata: Option<StrResultMeta>,
    results: Option<StrResults>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrResultMeta {
    #[serde(rename = "self")]
    self_url: Option<String>,
    created_at: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrResults {
    data: Option<Vec<serde_json::Value>>,
}

async fn crate_list(client: &Client) -> usize {
    let mut items = Box::pin(client.statements().list().page_size(PAGE as u32).items());
    let mut n = 0;
    while let Some(s) = items.next().await {
        black_box(s.expect("a statement"));
        n += 1;
    }
    n
}

async fn raw_list(http: &reqwest::Client, url: &str) -> usize {
    let mut token: Option<String> = None;
    let mut n = 0;
    loop {
        let mut request = http.get(url).query(&[("page_size", PAGE)]);
        if let Some(t) = &token {
            request = request.query(&[("page_token", t)]);
        }
        let response = request.send().await.expect("sent");
        assert!(response.status().is_success());
        let body = response.bytes().await.expect("body");
        let page: StrList = serde_json::from_slice(&body).expect("a page");
        n += page.data.len();
        black_box(&page.data);
        token = page
            .metadata
            .next
            .and_then(|next| url::Url::parse(&next).ok())
            .and_then(|u| {
                u.query_pairs()
                    .find(|(k, _)| k == "page_token")
                    .map(|(_, v)| v.into_owned())
            });
        if token.is_none() {
            return n;
        }
    }
}

fn main() {
    let rounds: usize = stats::arg("--rounds")
        .and_then(|r| r.parse().ok())
        .unwrap_or(21);
    let rt = support::runtime();
    let base = rt.block_on(async { support::server::spawn(answers) });
    let client = support::sides::client(&base);
    let http = support::baseline::http_client();
    let url = collection(&base);
    if let Some(only) = stats::arg("--only") {
        // One side alone, `--count` lists (for valgrind's callgrind; 0: the set-up).
        let count: usize = stats::arg("--count")
            .and_then(|c| c.parse().ok())
            .unwrap_or(1);
        rt.block_on(async {
            for _ in 0..count {
                let n = match only.as_str() {
                    "crate" => crate_list(&client).await,
                    "raw" => raw_list(&http, &url).await,
                    other => panic!("--only crate|raw, not {other}"),
                };
                assert_eq!(n, TOTAL);
            }
        });
        return;
    }
    let (ours, raw) = rt.block_on(async {
        for _ in 0..2 {
            assert_eq!(crate_list(&client).await, TOTAL);
            assert_eq!(raw_list(&http, &url).await, TOTAL);
        }
        let mut ours = Vec::new();
        let mut raw = Vec::new();
        for round in 0..rounds {
            for side in if round % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            } {
                let started = Instant::now();
                let n = if side {
                    crate_list(&client).await
                } else {
                    raw_list(&http, &url).await
                };
                assert_eq!(n, TOTAL);
                if side {
                    ours.push(started.elapsed());
                } else {
                    raw.push(started.elapsed());
                }
            }
        }
        (stats::median(&mut ours), stats::median(&mut raw))
    });
    let throughput = |d: Duration| TOTAL as f64 / d.as_secs_f64();
    stats::info(
        "statements list 10k (pages of 100): crate .items()",
        &format!("{} ({:.0} items/s)", stats::millis(ours), throughput(ours)),
    );
    stats::info(
        "statements list 10k (pages of 100): raw loop, String members",
        &format!("{} ({:.0} items/s)", stats::millis(raw), throughput(raw)),
    );
    let ratio = throughput(ours) / throughput(raw);
    stats::target(
        "statements list throughput ratio (crate / raw loop, String members)",
        &format!("{ratio:.3}x"),
        ">= 1.00x",
        ratio >= 1.0,
    );
}
