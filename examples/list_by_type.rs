//! List the connections of one type.
//!
//! ```sh
//! cargo run --features fake --example list_by_type -- BEDROCK
//! ```
//!
//! The argument is a connection type as the service spells it (`OPENAI`, `BEDROCK`,
//! `MONGODB`, `MCP_SERVER`, ...; `OPENAI` when left out, any case). The filter runs on
//! the service (`spec.connection_type`), so only matching connections are transferred.
//!
//! With `FLINK_API_KEY`, `FLINK_API_SECRET`, `FLINK_REST_ENDPOINT`,
//! `CONFLUENT_ORGANIZATION_ID` and `CONFLUENT_ENVIRONMENT_ID` set, it lists your
//! environment (read-only). Otherwise it starts the embedded fake server holding 40
//! connections of every type.

use confluent_flink_sql::connections::{Connection, ConnectionType};
use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::{Client, ENV_VARS};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arg = std::env::args().nth(1).unwrap_or_else(|| "OPENAI".into());
    let wanted = ConnectionType::parse(&arg.trim().to_ascii_uppercase());
    if !ConnectionType::KNOWN.contains(&wanted) {
        eprintln!("note: `{wanted}` is not a type this crate knows; asking the service anyway");
    }

    // Keep the fake (if any) alive for as long as the client is used.
    let (client, _fake) = if ENV_VARS.iter().any(|v| std::env::var_os(v).is_some()) {
        (Client::from_env()?, None)
    } else {
        let fake = FakeServer::start().await?;
        fake.seed(40);
        (fake.client_builder().build()?, Some(fake))
    };
    println!("{wanted} connections at {}:", client.base_url());

    let matching: Vec<Connection> = client
        .connections()
        .list()
        .connection_type(wanted.clone())
        .page_size(100)
        .items()
        .try_collect()
        .await?;
    for c in &matching {
        let phase = c.phase().map(ToString::to_string).unwrap_or_default();
        println!("  {:<24} {:<10} {}", c.name(), phase, c.endpoint());
    }
    println!("{} connection(s)", matching.len());
    // The filter is applied by the service: everything returned has the type asked for.
    assert!(matching.iter().all(|c| c.connection_type() == &wanted));
    Ok(())
}
