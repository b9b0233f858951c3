//! See what the client does: its `tracing` spans and events, printed by
//! `tracing-subscriber`.
//!
//! ```sh
//! cargo run --features fake --example tracing
//! ```
//!
//! Each operation is one span, `confluent_flink_sql.operation`, with these fields:
//!
//! | field         | value                                                    |
//! |---------------|----------------------------------------------------------|
//! | `operation`   | the spec's operation id (`getSqlv1Connection`, ...)      |
//! | `method`      | `GET`, `POST`, `PUT` or `DELETE`                         |
//! | `path`        | the path template (`.../connections/{connection_name}`)  |
//! | `status`      | the final HTTP status (absent if no answer came)         |
//! | `request_id`  | the answer's `X-Request-Id`, for Confluent support       |
//! | `attempts`    | requests sent, retries included                          |
//! | `duration_ms` | time spent, waits included                               |
//!
//! Inside it, a `retrying` event for each retry (with the status or kind of network
//! failure and the wait), and a `not retrying` event when a retry is given up. Headers,
//! bodies, names of connections and secrets are never recorded. Everything is at
//! `INFO` level, with targets under `confluent_flink_sql` (so a filter such as
//! `confluent_flink_sql=info` selects it).
//!
//! This example runs against the embedded fake server, told to throttle and fail a
//! few requests so that retries show.

use std::time::Duration;

use confluent_flink_sql::connections::{AuthData, ConnectionType, NewConnection};
use confluent_flink_sql::fake::{FakeServer, Fault, Operation};
use confluent_flink_sql::RetryPolicy;
use futures::TryStreamExt;
use tracing_subscriber::fmt::format::FmtSpan;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Print each span when it closes, with its fields; events as they happen.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_span_events(FmtSpan::CLOSE)
        .init();

    let fake = FakeServer::start().await?;
    let client = fake
        .client_builder()
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(20)))
        .build()?;
    let conns = client.connections();

    // The first create is throttled (429, `Retry-After: 0`) and retried.
    fake.inject_for(Operation::Create, Fault::rate_limited(0), 1);
    conns
        .create(NewConnection::new(
            "chat",
            ConnectionType::OpenAi,
            "https://api.openai.com/v1/chat/completions",
            AuthData::api_key("sk-never-traced"),
        ))
        .await?;

    // The first read meets a 503 and is retried after a backoff.
    fake.inject_for(Operation::Get, Fault::Status(503), 1);
    conns.get("chat").await?;

    let _: Vec<_> = conns.list().items().try_collect().await?;
    conns
        .update("chat", AuthData::api_key("sk-never-traced-either"))
        .await?;
    conns.delete("chat").await?;

    // An error answer: the span records its status and request id too.
    let err = conns.get("chat").await.unwrap_err();
    tracing::info!(status = err.status(), "the last get failed, as expected");
    Ok(())
}
