//! `--verbose`: the crate's tracing spans on standard error. Only the crate's own
//! spans and events are shown (they never hold headers, bodies or secrets); those of
//! the HTTP libraries underneath are filtered out.

use std::io::IsTerminal;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

/// Sends the crate's spans to standard error.
pub fn init() {
    let only_the_crate = Targets::new().with_target("confluent_flink_sql", LevelFilter::DEBUG);
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal())
                .with_span_events(FmtSpan::CLOSE)
                .with_filter(only_the_crate),
        )
        .init();
}
