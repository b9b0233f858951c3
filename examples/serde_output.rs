//! Write connections and the other data types as JSON and YAML, without the secrets.
//!
//! ```sh
//! cargo run --features fake --example serde_output
//! ```
//!
//! `Connection`, `ConnectionMetadata`, `ConnectionType`, `ConnectionPhase` and `ErrorDetail`
//! implement serde's `Serialize` and `Deserialize`, in the service's JSON shape, so
//! they go to any serde format (`serde_json`, `serde_yaml`, ...). A connection's
//! `auth_data` (its secret) is never serialised; `AuthData` does not implement
//! `Serialize` at all, so it cannot be written by accident.
//!
//! This example creates connections, so it always runs against the embedded fake.

use confluent_flink_sql::connections::{
    AuthData, Connection, ConnectionPhase, ConnectionType, NewConnection,
};
use confluent_flink_sql::fake::FakeServer;
use futures::TryStreamExt;

const SECRETS: [&str; 2] = ["sk-serde-example", "serde-example-password"];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeServer::start().await?;
    let conns = fake.client_builder().build()?.connections();
    conns
        .create(NewConnection::new(
            "chat",
            ConnectionType::OpenAi,
            "https://api.openai.com/v1/chat/completions",
            AuthData::api_key(SECRETS[0]),
        ))
        .await?;
    conns
        .create(NewConnection::new(
            "orders",
            ConnectionType::parse("MONGODB"),
            "mongodb+srv://cluster0.example.mongodb.net",
            AuthData::basic("flink", SECRETS[1]),
        ))
        .await?;

    let one: Connection = conns.get("chat").await?;
    let all: Vec<Connection> = conns.list().items().try_collect().await?;

    let mut written = Vec::new();
    let json = serde_json::to_string_pretty(&one)?;
    println!("one connection, JSON:\n{json}\n");
    written.push(json);
    let yaml = serde_yaml::to_string(&all)?;
    println!("the list, YAML:\n{yaml}");
    written.push(yaml);

    // The smaller types on their own.
    let metadata = serde_json::to_string(&one.metadata())?;
    println!("metadata: {metadata}");
    written.push(metadata);
    let kinds = serde_json::to_string(&[one.connection_type(), &ConnectionType::Bedrock])?;
    println!("types: {kinds}");
    written.push(kinds);
    let phase = serde_json::to_string(&one.phase().unwrap_or(&ConnectionPhase::Unreachable))?;
    println!("phase: {phase}");
    written.push(phase);

    // The service's error objects: creating `chat` again is a conflict (409).
    let err = conns
        .create(NewConnection::new(
            "chat",
            ConnectionType::OpenAi,
            "https://api.openai.com/v1/chat/completions",
            AuthData::api_key(SECRETS[0]),
        ))
        .await
        .unwrap_err();
    let details = serde_yaml::to_string(err.details())?;
    println!("\nerror details, YAML:\n{details}");
    written.push(details);

    // Reading the JSON back gives the same connection, minus the secret.
    let back: Connection = serde_json::from_str(&written[0])?;
    assert_eq!(back.name(), one.name());
    assert_eq!(back.resource_version(), one.resource_version());
    assert!(back.auth_data().is_none());

    for text in &written {
        for secret in SECRETS {
            assert!(!text.contains(secret), "a secret was written");
        }
    }
    println!("no secret in any of it");
    Ok(())
}
