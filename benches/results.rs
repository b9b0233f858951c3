//! Reading statement results: 100,000 rows of a 10-column schema, in pages of 1,000,
//! decoded by the crate into typed rows (`results::decode_page`) against a plain
//! serde_json loop that decodes the same pages into `Vec<serde_json::Value>` rows (what
//! a user without the crate writes, and what the generated `StatementResult` holds).
//! Both sides run in the same process, alternately, on the same bytes; the figure is
//! the ratio of their medians (issue 19: at least 1.0x).
//!
//! Then the same pages over HTTP from a local server (127.0.0.1, answers made before
//! the timing): the crate's `StatementRun::results().rows()` against a reqwest +
//! serde_json loop that GETs each page, decodes it into `Vec<Value>` rows and follows
//! `metadata.next`'s page token. And the peak heap while the crate streams the 100
//! pages, after 10 pages and after 100 (a counting global allocator): flat if it holds
//! one page at a time.
//!
//! `cargo bench --bench results` (add `-- --rounds N` for more rounds).

mod support;

use std::hint::black_box;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use confluent_flink_sql::results::{decode_page, Schema};
use confluent_flink_sql::Client;
use futures::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};

use support::counting::{Counting, CURRENT, PEAK};
use support::data::{ENV, ORG};
use support::server::{ok_response, Answers};
use support::stats;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

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

/// The results URL of statement `s` on the server at `base`.
fn results_url(base: &str) -> String {
    format!("{base}/sql/v1/organizations/{ORG}/environments/{ENV}/statements/s/results")
}

/// Pages as the service writes them: every atomic value a string, some NULLs, changelog
/// operations of every kind; each but the last with a `next` on the server at `base`.
fn pages(base: &str) -> Vec<Vec<u8>> {
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
                    "next": if p + 1 < PAGES { json!(format!("{}?page_token=t{}", results_url(base), p + 1)) } else { Value::Null },
                    "self": results_url(base)
                },
                "results": {"data": data}
            }))
            .expect("a page")
        })
        .collect()
}

/// The server's answers: the pages by token, and statement `s` (completed, with the
/// schema) for the crate's `get`.
fn answers(base: &str, schema: &Schema) -> Answers {
    let mut answers = Answers::default();
    for (p, body) in pages(base).into_iter().enumerate() {
        let token = if p == 0 {
            String::new()
        } else {
            format!("t{p}")
        };
        answers.results.insert(
            token.into_bytes(),
            ok_response(&body, &format!("req-results-{p}")),
        );
    }
    let columns: Vec<Value> = schema
        .columns()
        .iter()
        .map(|c| json!({"name": c.name, "type": c.ty.to_json()}))
        .collect();
    let statement = json!({"api_version": "sql/v1", "kind": "Statement", "name": "s",
        "spec": {"statement": "SELECT * FROM orders"},
        "status": {"phase": "COMPLETED", "traits": {"is_bounded": true, "schema": {"columns": columns}}}});
    answers.connections.insert(
        b"s".to_vec(),
        ok_response(statement.to_string().as_bytes(), "req-get-s"),
    );
    answers
}

/// The crate: the statement read once, then every row of its results
/// (`results().rows()`); with `peaks`, the peak heap after each page's worth of rows.
async fn crate_rows(client: &Client, mut peaks: Option<&mut Vec<usize>>) -> usize {
    let run = client.statements().run("s").await.expect("statement");
    let mut rows = Box::pin(run.results().rows());
    let mut n = 0;
    let mut seen = 0;
    while let Some(row) = rows.next().await {
        let row = row.expect("a row");
        n += row.values().len();
        black_box(&row);
        seen += 1;
        if seen % ROWS_PER_PAGE == 0 {
            if let Some(peaks) = peaks.as_deref_mut() {
                peaks.push(PEAK.load(Ordering::Relaxed));
            }
        }
    }
    n
}

/// The hand-written loop: GET, status check, the whole body, `Vec<Value>` rows, the
/// next page's token from `metadata.next`.
async fn raw_rows(http: &reqwest::Client, url: &str) -> usize {
    let mut token: Option<String> = None;
    let mut n = 0;
    loop {
        let mut request = http.get(url);
        if let Some(t) = &token {
            request = request.query(&[("page_token", t)]);
        }
        let response = request.send().await.expect("sent");
        assert!(response.status().is_success());
        let body = response.bytes().await.expect("body");
        let page: RawPage = serde_json::from_slice(&body).expect("a page");
        n += page.results.data.iter().map(|r| r.row.len()).sum::<usize>();
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
        .unwrap_or(9);
    let schema = schema();
    let pages = pages("http://127.0.0.1:1");
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let cells = PAGES * ROWS_PER_PAGE * schema.len();
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
    assert_eq!(crate_side(), cells);
    assert_eq!(raw_side(), cells);

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

    // Over HTTP, from a local server on this thread's runtime.
    let rt = support::runtime();
    let base = rt.block_on(async {
        let schema = schema.clone();
        support::server::spawn(move |base| answers(base, &schema))
    });
    let client = support::sides::client(&base);
    let http = support::baseline::http_client();
    let url = results_url(&base);
    let (crate_http, raw_http) = rt.block_on(async {
        assert_eq!(crate_rows(&client, None).await, cells);
        assert_eq!(raw_rows(&http, &url).await, cells);
        let mut crate_times = Vec::new();
        let mut raw_times = Vec::new();
        for round in 0..rounds {
            for side in if round % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            } {
                let started = Instant::now();
                let n = if side {
                    crate_rows(&client, None).await
                } else {
                    raw_rows(&http, &url).await
                };
                let elapsed = started.elapsed();
                black_box(n);
                if side {
                    crate_times.push(elapsed)
                } else {
                    raw_times.push(elapsed)
                }
            }
        }
        (
            stats::median(&mut crate_times),
            stats::median(&mut raw_times),
        )
    });
    let ratio = raw_http.as_secs_f64() / crate_http.as_secs_f64();
    stats::info(
        "results over HTTP: 100 pages, crate results().rows() (typed)",
        &stats::millis(crate_http),
    );
    stats::info(
        "results over HTTP: 100 pages, raw reqwest loop (Vec<Value> rows)",
        &stats::millis(raw_http),
    );
    stats::target(
        "results over HTTP: typed rows, throughput vs the raw loop",
        &format!("{ratio:.2}x"),
        ">= 1.00x",
        ratio >= 1.0,
    );

    // Peak heap while the crate streams: after 10 pages and after all 100.
    let mut peaks = Vec::new();
    rt.block_on(async {
        PEAK.store(CURRENT.load(Ordering::Relaxed), Ordering::Relaxed);
        let start = CURRENT.load(Ordering::Relaxed);
        crate_rows(&client, Some(&mut peaks)).await;
        for p in peaks.iter_mut() {
            *p -= start.min(*p);
        }
    });
    let (after_10, after_100) = (peaks[9], peaks[PAGES - 1]);
    let growth = after_100 as f64 / after_10.max(1) as f64;
    stats::info(
        "results: peak heap growth streaming, after 10 pages / after 100",
        &format!(
            "{:.1} MB / {:.1} MB",
            after_10 as f64 / 1e6,
            after_100 as f64 / 1e6
        ),
    );
    stats::target(
        "results: memory flat however many pages (peak after 100 pages / after 10)",
        &format!("{growth:.2}x"),
        "<= 1.10x",
        growth <= 1.10,
    );

    // How soon `wait()` sees a statement complete: a server whose statement turns
    // COMPLETED at a moment the client does not know; the lag from that moment to
    // the end of the wait, against the polling interval.
    let interval = Duration::from_millis(200);
    let lags: Vec<Duration> = rt.block_on(async {
        let mut lags = Vec::new();
        for trial in 0..6u64 {
            let completes_after = Duration::from_millis(300 + trial * 137);
            let (base, completed_at) = completing_server(completes_after).await;
            let client = support::sides::client(&base);
            let mut run = client.statements().run("s").await.expect("statement");
            run.wait()
                .until_done()
                .interval(interval)
                .max_interval(interval)
                .await
                .expect("completed");
            let seen = Instant::now();
            lags.push(seen.saturating_duration_since(completed_at));
        }
        lags
    });
    let worst = lags.iter().max().copied().unwrap_or_default();
    stats::target(
        "statements: a completed statement seen by wait() (worst lag of 6, 200 ms polling)",
        &stats::millis(worst),
        "<= 1 polling interval (200 ms)",
        worst <= interval,
    );
}

/// A server on 127.0.0.1 whose statement `s` is RUNNING until `after` has passed since
/// it started, then COMPLETED; with the moment it started answering COMPLETED.
async fn completing_server(after: Duration) -> (String, Instant) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let started = Instant::now();
    let completed_at = started + after;
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut seen = Vec::new();
                loop {
                    let Ok(n) = stream.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    while let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                        seen.drain(..end + 4);
                        let phase = if started.elapsed() >= after {
                            "COMPLETED"
                        } else {
                            "RUNNING"
                        };
                        let body = json!({"name": "s", "spec": {"statement": "SELECT 1"},
                            "status": {"phase": phase}})
                        .to_string();
                        let reply = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if stream.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (base, completed_at)
}
