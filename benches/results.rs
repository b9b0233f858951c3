//! Reading statement results: 100,000 rows of a 10-column schema, in pages of 1,000,
//! decoded by the crate into typed rows (`results::decode_page`) against a plain
//! serde_json loop that decodes the same pages into `Vec<serde_json::Value>` rows (what
//! a user without the crate writes, and what the generated `StatementResult` holds).
//! Both sides run in the same process, alternately, on the same bytes; the figure is
//! the ratio of their medians (issue 19: at least 1.0x).
//!
//! `cargo bench --bench results` (add `-- --rounds N` for more rounds).

#[path = "support/stats.rs"]
#[allow(dead_code)]
mod stats;

use std::hint::black_box;
use std::time::{Duration, Instant};

use confluent_flink_sql::results::{decode_page, Schema};
use serde::Deserialize;
use serde_json::{json, Value};

const PAGES: usize = 100;
const ROWS_PER_PAGE: usize = 1_000;

/// What a user decodes a page into without the crate.
#[derive(Deserialize)]
struct RawPage {
    #[allow(dead_code)]
    metadata: RawMeta,
    results: RawResults,
}

#[derive(Deserialize)]
struct RawMeta {
    #[allow(dead_code)]
    next: Option<String>,
}

#[derive(Deserialize)]
struct RawResults {
    data: Vec<RawRow>,
}

#[derive(Deserialize)]
struct RawRow {
    #[allow(dead_code)]
    op: Option<u8>,
    row: Vec<Value>,
}

fn schema() -> Schema {
    Schema::from_json(&json!({"columns": [
        {"name": "id", "type": {"type": "BIGINT", "nullable": false}},
        {"name": "customer", "type": {"type": "VARCHAR", "nullable": true, "length": 2147483647}},
        {"name": "price", "type": {"type": "DOUBLE", "nullable": true}},
        {"name": "amount", "type": {"type": "DECIMAL", "nullable": true, "precision": 10, "scale": 2}},
        {"name": "ordered_at", "type": {"type": "TIMESTAMP_WITH_LOCAL_TIME_ZONE", "nullable": false, "precision": 3}},
        {"name": "paid", "type": {"type": "BOOLEAN", "nullable": true}},
        {"name": "quantity", "type": {"type": "INTEGER", "nullable": true}},
        {"name": "day", "type": {"type": "DATE", "nullable": true}},
        {"name": "note", "type": {"type": "VARCHAR", "nullable": true}},
        {"name": "tags", "type": {"type": "ARRAY", "nullable": true, "element_type": {"type": "INTEGER", "nullable": true}}}
    ]}))
    .expect("the schema")
}

/// Pages as the service writes them: every atomic value a string, some NULLs, changelog
/// operations of every kind.
fn pages() -> Vec<Vec<u8>> {
    (0..PAGES)
        .map(|p| {
            let data: Vec<Value> = (0..ROWS_PER_PAGE)
                .map(|r| {
                    let i = p * ROWS_PER_PAGE + r;
                    json!({"op": i % 4, "row": [
                        i.to_string(),
                        format!("customer-{}", i % 977),
                        format!("{}.{}", i % 1000, i % 97),
                        format!("{}.{:02}", i % 100_000, i % 100),
                        format!("2025-04-{:02} {:02}:{:02}:{:02}.{:03}", 1 + i % 28, i % 24, i % 60, (i / 60) % 60, i % 1000),
                        if i.is_multiple_of(3) { Value::Null } else { json!(if i.is_multiple_of(2) { "TRUE" } else { "FALSE" }) },
                        (i % 50).to_string(),
                        format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                        if i.is_multiple_of(5) { Value::Null } else { json!(format!("note {i} with a few words")) },
                        [(i % 10).to_string(), (i % 7).to_string(), null]
                    ]})
                })
                .collect();
            serde_json::to_vec(&json!({
                "api_version": "sql/v1",
                "kind": "StatementResult",
                "metadata": {
                    "created_at": "2025-05-02T17:54:48.059504718Z",
                    "next": format!("https://flink.us-east1.gcp.confluent.cloud/sql/v1/organizations/o/environments/e/statements/s/results?page_token=t{p}"),
                    "self": "https://flink.us-east1.gcp.confluent.cloud/sql/v1/organizations/o/environments/e/statements/s/results"
                },
                "results": {"data": data}
            }))
            .expect("a page")
        })
        .collect()
}

fn main() {
    let rounds: usize = stats::arg("--rounds")
        .and_then(|r| r.parse().ok())
        .unwrap_or(9);
    let schema = schema();
    let pages = pages();
    let bytes: usize = pages.iter().map(Vec::len).sum();

    let crate_side = || -> usize {
        pages
            .iter()
            .map(|p| {
                let page = decode_page(black_box(p), &schema).expect("a page");
                page.rows.iter().map(|r| r.values().len()).sum::<usize>()
            })
            .sum()
    };
    let raw_side = || -> usize {
        pages
            .iter()
            .map(|p| {
                serde_json::from_slice::<RawPage>(black_box(p))
                    .expect("a page")
                    .results
                    .data
                    .iter()
                    .map(|r| r.row.len())
                    .sum::<usize>()
            })
            .sum()
    };
    assert_eq!(crate_side(), PAGES * ROWS_PER_PAGE * schema.len());
    assert_eq!(raw_side(), PAGES * ROWS_PER_PAGE * schema.len());

    let mut crate_times: Vec<Duration> = Vec::new();
    let mut raw_times: Vec<Duration> = Vec::new();
    for round in 0..rounds {
        // Alternate which side goes first, so neither always runs on a warmer cache.
        let mut run = |first_crate: bool| {
            for side in if first_crate {
                [true, false]
            } else {
                [false, true]
            } {
                let started = Instant::now();
                let rows = if side { crate_side() } else { raw_side() };
                let elapsed = started.elapsed();
                black_box(rows);
                if side {
                    crate_times.push(elapsed);
                } else {
                    raw_times.push(elapsed);
                }
            }
        };
        run(round % 2 == 0);
    }
    let crate_median = stats::median(&mut crate_times);
    let raw_median = stats::median(&mut raw_times);
    let ratio = raw_median.as_secs_f64() / crate_median.as_secs_f64();
    let rows = (PAGES * ROWS_PER_PAGE) as f64;
    stats::info(
        "results: 100,000 rows x 10 columns, crate (typed rows)",
        &format!(
            "{} ({:.0} rows/s, {:.0} MB/s)",
            stats::millis(crate_median),
            rows / crate_median.as_secs_f64(),
            bytes as f64 / crate_median.as_secs_f64() / 1e6
        ),
    );
    stats::info(
        "results: 100,000 rows x 10 columns, raw loop (Vec<Value> rows)",
        &format!(
            "{} ({:.0} rows/s)",
            stats::millis(raw_median),
            rows / raw_median.as_secs_f64()
        ),
    );
    stats::target(
        "results: typed rows, throughput vs the raw loop",
        &format!("{ratio:.2}x"),
        ">= 1.00x",
        ratio >= 1.0,
    );
}
