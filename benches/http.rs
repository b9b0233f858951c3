//! List throughput through `.items()` and `get` latency, each against the hand-written
//! reqwest + serde_json baseline over the same local server, alternating the sides.
//!
//! The list and `get` have two hand-written sides each: the raw loop (issue 17:
//! every member decoded as the JSON's string, `data::StrList`, `data::StrConnection`),
//! against which the targets are measured, and the earlier baseline with chrono
//! date-times (`data::RawList`, `data::RawConnection`), kept as a second reference.
//!
//! `cargo bench --bench http` prints `FIGURE|...` lines (see `benches/support/stats.rs`).
//! `get` is also timed through the generated operation alone (progenitor's generated
//! `get_sqlv1_connection` and the conversion of its answer, without the crate's retry
//! loop, span and error mapping), to show where the crate's time goes.
//!
//! For a profile of one side alone:
//! `--only crate-get|generated-get|raw-strings-get|raw-get|crate-list|raw-strings-list|raw-list`
//! (and, to find where the list's time goes, `crate-pages`: the crate's `.pages()`, no
//! per-item stream; `crate-ops`: the generated operation alone, page after page)
//! with `--count N` (used with valgrind's callgrind, see BENCHMARKS.md).

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use confluent_flink_sql::Client;

use support::baseline::Raw;
use support::data;
use support::sides::{self, crate_list, raw_list, raw_strings_list};
use support::stats::{arg, info, median, micros, millis, percentile, target};

const TOTAL: usize = 10_000;
const PAGE: u32 = 100;
const GETTABLE: usize = 100;

fn main() {
    let rt = support::runtime();
    // The server runs on this runtime too (see support/server.rs).
    let base = rt.block_on(async {
        support::server::spawn(|base| data::answers(base, TOTAL, PAGE as usize, GETTABLE))
    });
    let client = sides::client(&base);
    let raw = Raw::new(&base);

    if let Some(only) = arg("--only") {
        let count: usize = arg("--count").and_then(|c| c.parse().ok()).unwrap_or(1000);
        rt.block_on(profile_one_side(&client, &raw, &only, count));
        return;
    }

    let rounds: usize = arg("--rounds").and_then(|c| c.parse().ok()).unwrap_or(51);
    let gets: usize = arg("--gets").and_then(|c| c.parse().ok()).unwrap_or(10000);
    rt.block_on(async {
        // Warm both sides: connections open, pools and allocators settled.
        for _ in 0..2 {
            assert_eq!(crate_list(&client, PAGE).await, TOTAL);
            assert_eq!(raw_strings_list(&raw, PAGE).await, TOTAL);
            assert_eq!(raw_list(&raw, PAGE).await, TOTAL);
        }
        for i in 0..200 {
            crate_get(&client, i).await;
            raw_get(&raw, i).await;
            raw_strings_get(&raw, i).await;
            generated_get(&client, i).await;
        }

        // Three sides, in a random order each round (a fixed seed), as the gets below.
        let mut lists: [Vec<Duration>; 3] = std::array::from_fn(|_| Vec::with_capacity(rounds));
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..rounds {
            for side in shuffled::<3>(&mut rng) {
                let started = Instant::now();
                let n = match side {
                    0 => crate_list(&client, PAGE).await,
                    1 => raw_strings_list(&raw, PAGE).await,
                    _ => raw_list(&raw, PAGE).await,
                };
                lists[side].push(started.elapsed());
                assert_eq!(n, TOTAL);
            }
        }
        let [ours, strings, chrono] = lists.map(|mut t| median(&mut t));
        let throughput = |d: Duration| TOTAL as f64 / d.as_secs_f64();
        info(
            "list 10k (pages of 100): crate .items()",
            &format!("{} ({:.0} items/s)", millis(ours), throughput(ours)),
        );
        info(
            "list 10k (pages of 100): raw loop, String members (issue 17)",
            &format!("{} ({:.0} items/s)", millis(strings), throughput(strings)),
        );
        info(
            "list 10k (pages of 100): raw loop, chrono date-times",
            &format!("{} ({:.0} items/s)", millis(chrono), throughput(chrono)),
        );
        let ratio = throughput(ours) / throughput(strings);
        target(
            "list throughput ratio (crate / raw loop, String members)",
            &format!("{ratio:.3}x"),
            ">= 1.00x",
            ratio >= 1.0,
        );
        info(
            "list throughput ratio (crate / raw loop, chrono date-times)",
            &format!("{:.3}x", throughput(ours) / throughput(chrono)),
        );

        // Four sides, in a random order each time (a fixed seed): no side always
        // follows the same one, whose traces in the caches it would meet.
        let mut times: [Vec<Duration>; 4] = std::array::from_fn(|_| Vec::with_capacity(gets));
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..gets {
            for side in shuffled::<4>(&mut rng) {
                let started = Instant::now();
                match side {
                    0 => crate_get(&client, i).await,
                    1 => raw_strings_get(&raw, i).await,
                    2 => raw_get(&raw, i).await,
                    _ => generated_get(&client, i).await,
                }
                times[side].push(started.elapsed());
            }
        }
        let [ours, strings, chrono, generated] = &mut times;
        let (o50, s50, c50, g50) = (
            median(ours),
            median(strings),
            median(chrono),
            median(generated),
        );
        let p90 = |t: &mut Vec<Duration>| micros(percentile(t, 0.9));
        info(
            "get: crate median (p90)",
            &format!("{} ({})", micros(o50), p90(ours)),
        );
        info(
            "get: raw call, String members, median (p90)",
            &format!("{} ({})", micros(s50), p90(strings)),
        );
        info(
            "get: raw call, chrono date-times, median (p90)",
            &format!("{} ({})", micros(c50), p90(chrono)),
        );
        info(
            "get: generated operation alone, median (ratio to the raw call, String members)",
            &format!(
                "{} ({:.3}x)",
                micros(g50),
                g50.as_secs_f64() / s50.as_secs_f64()
            ),
        );
        let ratio = o50.as_secs_f64() / s50.as_secs_f64();
        target(
            "get median latency ratio (crate / raw call, String members)",
            &format!("{ratio:.3}x"),
            "<= 1.05x",
            ratio <= 1.05,
        );
        info(
            "get median latency ratio (crate / raw call, chrono date-times)",
            &format!("{:.3}x", o50.as_secs_f64() / c50.as_secs_f64()),
        );
    });
}

/// `[0, 1, ..., N - 1]` in a random order (Fisher-Yates, xorshift64 on `rng`).
fn shuffled<const N: usize>(rng: &mut u64) -> [usize; N] {
    let mut order: [usize; N] = std::array::from_fn(|i| i);
    for j in (1..order.len()).rev() {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        order.swap(j, (*rng % (j as u64 + 1)) as usize);
    }
    order
}

async fn crate_get(client: &Client, i: usize) {
    let name = data::connection_name(i % GETTABLE);
    black_box(client.connections().get(&name).await.expect("crate get"));
}

async fn generated_get(client: &Client, i: usize) {
    let name = data::connection_name(i % GETTABLE);
    black_box(
        confluent_flink_sql::__bench::generated_get(client, &name)
            .await
            .expect("generated get"),
    );
}

async fn raw_get(raw: &Raw, i: usize) {
    let name = data::connection_name(i % GETTABLE);
    black_box(
        raw.get::<data::RawConnection>(&name)
            .await
            .expect("raw get"),
    );
}

async fn raw_strings_get(raw: &Raw, i: usize) {
    let name = data::connection_name(i % GETTABLE);
    black_box(
        raw.get::<data::StrConnection>(&name)
            .await
            .expect("raw-strings get"),
    );
}

/// One side alone, `count` times, after a warm-up: for profiling.
async fn profile_one_side(client: &Client, raw: &Raw, only: &str, count: usize) {
    for i in 0..20 {
        crate_get(client, i).await;
        raw_get(raw, i).await;
        raw_strings_get(raw, i).await;
    }
    for i in 0..count {
        match only {
            "crate-get" => crate_get(client, i).await,
            "raw-get" => raw_get(raw, i).await,
            "raw-strings-get" => raw_strings_get(raw, i).await,
            "generated-get" => generated_get(client, i).await,
            "crate-list" => {
                crate_list(client, PAGE).await;
            }
            "raw-list" => {
                raw_list(raw, PAGE).await;
            }
            "raw-strings-list" => {
                raw_strings_list(raw, PAGE).await;
            }
            "crate-pages" => {
                use futures::StreamExt;
                let mut pages = client.connections().list().page_size(PAGE).pages();
                while let Some(p) = pages.next().await {
                    std::hint::black_box(p.expect("page"));
                }
            }
            "crate-ops" => {
                // The generated operation alone, page after page (token from the link).
                let ops = client.operations();
                let mut token: Option<confluent_flink_sql::types::ListSqlv1ConnectionsPageToken> =
                    None;
                loop {
                    let page = ops
                        .list_sqlv1_connections(Some(PAGE as i64 as _), token.as_ref(), None)
                        .await
                        .expect("page")
                        .into_inner();
                    let next = page.metadata.as_ref().and_then(|m| m.next.clone());
                    std::hint::black_box(page.data);
                    token = next.filter(|n| !n.is_empty()).and_then(|n| {
                        url::Url::parse(&n)
                            .ok()?
                            .query_pairs()
                            .find(|(k, _)| k == "page_token")
                            .and_then(|(_, v)| v.parse().ok())
                    });
                    if token.is_none() {
                        break;
                    }
                }
            }
            other => panic!("unknown side `{other}`"),
        }
    }
}
