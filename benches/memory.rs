//! Peak heap while streaming a list: 100,000 connections against 1,000, through
//! `.items()` (pages of 100), measured by a counting global allocator. A list that holds
//! one page at a time peaks at about the same size for both.
//!
//! The servers' answers are built before measuring; the figure is the growth of the
//! heap above what was allocated when the stream started.

mod support;

use std::sync::atomic::Ordering;

use support::baseline::Raw;
use support::counting::{Counting, CURRENT, PEAK};
use support::data;
use support::sides::{self, crate_list, raw_list};
use support::stats::{info, target};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns how far the heap grew above where it started, at its peak.
async fn peak_growth<F: std::future::Future<Output = usize>>(f: F) -> (usize, usize) {
    let start = CURRENT.load(Ordering::SeqCst);
    PEAK.store(start, Ordering::SeqCst);
    let n = f.await;
    (n, PEAK.load(Ordering::SeqCst).saturating_sub(start))
}

const PAGE: u32 = 100;

fn main() {
    let rt = support::runtime();
    let (small, large) = rt.block_on(async {
        (
            support::server::spawn(|base| data::answers(base, 1_000, PAGE as usize, 0)),
            support::server::spawn(|base| data::answers(base, 100_000, PAGE as usize, 0)),
        )
    });
    let (small_client, large_client) = (sides::client(&small), sides::client(&large));
    let (small_raw, large_raw) = (Raw::new(&small), Raw::new(&large));

    rt.block_on(async {
        // Warm: connections open, lazily built state in place.
        crate_list(&small_client, PAGE).await;
        crate_list(&large_client, PAGE).await;
        raw_list(&small_raw, PAGE).await;
        raw_list(&large_raw, PAGE).await;

        // Each measured three times, alternately; the highest peak of each counts.
        let (mut ours, mut theirs) = ([0usize; 2], [0usize; 2]);
        for _ in 0..3 {
            for (i, (c, r, n)) in [
                (&small_client, &small_raw, 1_000),
                (&large_client, &large_raw, 100_000),
            ]
            .into_iter()
            .enumerate()
            {
                let (got, peak) = peak_growth(crate_list(c, PAGE)).await;
                assert_eq!(got, n);
                ours[i] = ours[i].max(peak);
                let (got, peak) = peak_growth(raw_list(r, PAGE)).await;
                assert_eq!(got, n);
                theirs[i] = theirs[i].max(peak);
            }
        }
        let kib = |b: usize| format!("{:.1} KiB", b as f64 / 1024.0);
        info("memory: crate peak streaming 1,000", &kib(ours[0]));
        info("memory: crate peak streaming 100,000", &kib(ours[1]));
        let ratio = ours[1] as f64 / ours[0] as f64;
        target(
            "memory ratio 100,000 / 1,000 (crate)",
            &format!("{ratio:.3}x"),
            "<= 1.25x",
            ratio <= 1.25,
        );
        info(
            "memory: raw peak streaming 1,000 / 100,000",
            &format!("{} / {}", kib(theirs[0]), kib(theirs[1])),
        );
    });
}
