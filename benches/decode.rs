//! Decoding one page of 100 connections: the crate's own decode path (the one `.items()`
//! uses, exposed by the `bench-internals` feature) against serde_json into hand-written
//! structs of the same shape, alternating the two sides.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use confluent_flink_sql::__bench::decode_connection_page;

use support::data::{self, RawList};
use support::stats::{arg, info, median, micros, target};

fn main() {
    let page = data::page_bodies("https://flink.us-east-1.aws.confluent.cloud", 200, 100)
        .into_iter()
        .next()
        .expect("a page");
    assert_eq!(decode_connection_page(&page).expect("crate decode"), 100);
    assert_eq!(raw_decode(&page), 100);

    if let Some(only) = arg("--only") {
        let count: usize = arg("--count").and_then(|c| c.parse().ok()).unwrap_or(1000);
        for _ in 0..count {
            match only.as_str() {
                "crate" => black_box(decode_connection_page(black_box(&page)).ok()),
                "raw" => black_box(Some(raw_decode(black_box(&page)))),
                other => panic!("unknown side `{other}`"),
            };
        }
        return;
    }

    // Short batches, many rounds: a burst of other work on the machine then spoils a
    // few samples of either side, not a whole side's median.
    let rounds: usize = arg("--rounds").and_then(|c| c.parse().ok()).unwrap_or(1001);
    const BATCH: u32 = 10;
    let time = |f: &dyn Fn() -> usize| {
        let started = Instant::now();
        for _ in 0..BATCH {
            black_box(f());
        }
        started.elapsed() / BATCH
    };
    let ours_f = || decode_connection_page(black_box(&page)).expect("crate decode");
    let theirs_f = || raw_decode(black_box(&page));
    // Warm-up.
    time(&ours_f);
    time(&theirs_f);
    let (mut ours, mut theirs): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            ours.push(time(&ours_f));
            theirs.push(time(&theirs_f));
        } else {
            theirs.push(time(&theirs_f));
            ours.push(time(&ours_f));
        }
    }
    let (ours, theirs) = (median(&mut ours), median(&mut theirs));
    let mib_s = |d: Duration| page.len() as f64 / d.as_secs_f64() / (1024.0 * 1024.0);
    info(
        "decode page of 100: crate",
        &format!("{} ({:.0} MiB/s)", micros(ours), mib_s(ours)),
    );
    info(
        "decode page of 100: serde_json hand-written",
        &format!("{} ({:.0} MiB/s)", micros(theirs), mib_s(theirs)),
    );
    let ratio = theirs.as_secs_f64() / ours.as_secs_f64();
    target(
        "decode speed ratio (crate / hand-written)",
        &format!("{ratio:.3}x"),
        ">= 1.00x",
        ratio >= 1.0,
    );
}

fn raw_decode(body: &[u8]) -> usize {
    let page: RawList = serde_json::from_slice(body).expect("raw decode");
    let n = page.data.len();
    black_box(page);
    n
}
