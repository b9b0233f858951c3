//! Rotate the secret of a connection: `update` and `update_if_unchanged`.
//!
//! ```sh
//! cargo run --features fake --example rotate_secret
//! ```
//!
//! `update(name, secret)` reads the connection and writes the new secret in one call.
//! `update_if_unchanged(&held, secret)` writes only if the connection is still at the
//! `resource_version` of the copy you hold: if someone changed it meanwhile, the
//! service refuses instead of silently overwriting their change. `rotate` below is the
//! usual loop around it: re-read, retry a few times, give up.
//!
//! This example writes, so it always runs against the embedded fake server.

use confluent_flink_sql::connections::{AuthData, ConnectionType, Connections, NewConnection};
use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeServer::start().await?;
    let conns = fake.client_builder().build()?.connections();

    let held = conns
        .create(NewConnection::new(
            "chat",
            ConnectionType::OpenAi,
            "https://api.openai.com/v1/chat/completions",
            AuthData::api_key("sk-first"),
        ))
        .await?;
    println!(
        "created `chat` at version {}",
        version(held.resource_version())
    );

    // 1. The simple way: read and write in one call.
    conns.update("chat", AuthData::api_key("sk-second")).await?;
    let now = conns.get("chat").await?;
    println!("update: now at version {}", version(now.resource_version()));

    // 2. The copy created in step 0 is stale now: a conditional write is refused.
    let err = conns
        .update_if_unchanged(&held, AuthData::api_key("sk-lost"))
        .await
        .unwrap_err();
    assert!(is_stale(&err), "{err}");
    println!("update_if_unchanged with a stale copy: refused ({err})");

    // 3. Re-read and try again, as `rotate` does.
    rotate(&conns, "chat", AuthData::api_key("sk-third")).await?;
    let last = conns.get("chat").await?;
    println!(
        "rotate: now at version {}",
        version(last.resource_version())
    );

    // What the fake stored (a test-only view; the API never returns secrets).
    let stored = fake.stored_secret("chat").unwrap_or_default();
    assert!(stored.contains("sk-third") && !stored.contains("sk-lost"));
    println!("the fake holds the third secret, not the refused one");
    Ok(())
}

/// Writes `secret` to connection `name` unless someone else changes the connection
/// between our read and our write more than three times in a row.
async fn rotate(conns: &Connections, name: &str, secret: AuthData) -> Result<(), Error> {
    let mut tries = 0;
    loop {
        let current = conns.get(name).await?;
        match conns.update_if_unchanged(&current, secret.clone()).await {
            Err(e) if is_stale(&e) && tries < 3 => tries += 1,
            other => return other,
        }
    }
}

/// The service refuses a write from a stale `resource_version` with an error that
/// points at that member.
fn is_stale(e: &Error) -> bool {
    e.details()
        .iter()
        .any(|d| d.source_pointer() == Some("/metadata/resource_version"))
}

fn version(v: Option<&str>) -> &str {
    v.unwrap_or("-")
}
