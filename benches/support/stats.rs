//! Medians and the machine-readable figure lines every benchmark prints.

use std::time::Duration;

pub fn median(samples: &mut [Duration]) -> Duration {
    assert!(!samples.is_empty(), "no samples");
    samples.sort_unstable();
    let n = samples.len();
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2
    }
}

pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    assert!(!samples.is_empty(), "no samples");
    samples.sort_unstable();
    let i = ((samples.len() - 1) as f64 * p).round() as usize;
    samples[i]
}

/// Prints `FIGURE|name|value|target|met`, the line `scripts/bench.sh` collects into its
/// table, for a figure with a target.
pub fn target(name: &str, value: &str, target: &str, met: bool) {
    let met = if met { "yes" } else { "NO" };
    println!("FIGURE|{name}|{value}|{target}|{met}");
}

/// Prints a figure given for information only (no target; `met` is `-`).
pub fn info(name: &str, value: &str) {
    println!("FIGURE|{name}|{value}||-");
}

pub fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

pub fn millis(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// A value of the argument `--name value`, if given.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}
