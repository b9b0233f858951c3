//! List throughput through `.items()` and `get` latency, each against the hand-written
//! reqwest + serde_json baseline over the same local server, alternating the two sides.
//!
//! `cargo bench --bench http` prints `FIGURE|...` lines (see `benches/support/stats.rs`).
//! `get` is also timed through the generated operation alone (progenitor's generated
//! `get_sqlv1_connection` and the conversion of its answer, without the crate's retry
//! loop, span and error mapping), to show where the crate's time goes.
//!
//! For a profile of one side alone: `--only crate-get|generated-get|raw-get|crate-list|raw-list`
//! with `--count N` (used with valgrind's callgrind, see BENCHMARKS.md).

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use confluent_flink_sql::Client;

use support::baseline::Raw;
use support::data;
use support::sides::{self, crate_list, raw_list};
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
            assert_eq!(raw_list(&raw, PAGE).await, TOTAL);
        }
        for i in 0..200 {
            crate_get(&client, i).await;
            raw_get(&raw, i).await;
        }

        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            // ABBA: each side goes first in every other round.
            for side in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
                let started = Instant::now();
                let n = if side == 0 {
                    crate_list(&client, PAGE).await
                } else {
                    raw_list(&raw, PAGE).await
                };
                let took = started.elapsed();
                assert_eq!(n, TOTAL);
                if side == 0 {
                    ours.push(took)
                } else {
                    theirs.push(took)
                }
            }
        }
        let (ours, theirs) = (median(&mut ours), median(&mut theirs));
        let throughput = |d: Duration| TOTAL as f64 / d.as_secs_f64();
        let ratio = throughput(ours) / throughput(theirs);
        info(
            "list 10k (pages of 100): crate .items()",
            &format!("{} ({:.0} items/s)", millis(ours), throughput(ours)),
        );
        info(
            "list 10k (pages of 100): raw reqwest+serde_json",
            &format!("{} ({:.0} items/s)", millis(theirs), throughput(theirs)),
        );
        target(
            "list throughput ratio (crate / raw)",
            &format!("{ratio:.3}x"),
            ">= 1.00x",
            ratio >= 1.0,
        );

        // Three sides, in a random order each time (a fixed seed): no side always
        // follows the same one, whose traces in the caches it would meet.
        let mut times: [Vec<Duration>; 3] = std::array::from_fn(|_| Vec::with_capacity(gets));
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..gets {
            let mut order = [0usize, 1, 2];
            for j in (1..order.len()).rev() {
                // xorshift64
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(j, (rng % (j as u64 + 1)) as usize);
            }
            for side in order {
                let started = Instant::now();
                match side {
                    0 => crate_get(&client, i).await,
                    1 => raw_get(&raw, i).await,
                    _ => generated_get(&client, i).await,
                }
                times[side].push(started.elapsed());
            }
        }
        let [ours, theirs, generated] = &mut times;
        let (o50, t50, g50) = (median(ours), median(theirs), median(generated));
        let (o90, t90) = (percentile(ours, 0.9), percentile(theirs, 0.9));
        let ratio = o50.as_secs_f64() / t50.as_secs_f64();
        info(
            "get: crate median (p90)",
            &format!("{} ({})", micros(o50), micros(o90)),
        );
        info(
            "get: raw median (p90)",
            &format!("{} ({})", micros(t50), micros(t90)),
        );
        info(
            "get: generated operation alone, median (ratio to raw)",
            &format!(
                "{} ({:.3}x)",
                micros(g50),
                g50.as_secs_f64() / t50.as_secs_f64()
            ),
        );
        target(
            "get median latency ratio (crate / raw)",
            &format!("{ratio:.3}x"),
            "<= 1.08x (aim: <= 1.05x)",
            ratio <= 1.08,
        );
    });
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
    black_box(raw.get(&name).await.expect("raw get"));
}

/// One side alone, `count` times, after a warm-up: for profiling.
async fn profile_one_side(client: &Client, raw: &Raw, only: &str, count: usize) {
    for i in 0..20 {
        crate_get(client, i).await;
        raw_get(raw, i).await;
    }
    for i in 0..count {
        match only {
            "crate-get" => crate_get(client, i).await,
            "raw-get" => raw_get(raw, i).await,
            "generated-get" => generated_get(client, i).await,
            "crate-list" => {
                crate_list(client, PAGE).await;
            }
            "raw-list" => {
                raw_list(raw, PAGE).await;
            }
            other => panic!("unknown side `{other}`"),
        }
    }
}
