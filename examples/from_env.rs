//! Configure the client from the environment, and say what is missing.
//!
//! ```sh
//! cargo run --features fake --example from_env
//! ```
//!
//! `Client::from_env()` reads the variables the Confluent Terraform provider uses:
//! `FLINK_API_KEY`, `FLINK_API_SECRET`, `FLINK_REST_ENDPOINT` (such as
//! `https://flink.us-east-1.aws.confluent.cloud`), `CONFLUENT_ORGANIZATION_ID` and
//! `CONFLUENT_ENVIRONMENT_ID`. Its error names every variable that is missing.
//!
//! When they are all set, this example reads the first page of connections of your
//! environment (read-only). When some are missing, it says which, then shows
//! `Client::from_lookup`, the same configuration from any source of settings, pointed
//! at the embedded fake server. It never prints the API secret.

use std::collections::HashMap;

use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::{Client, ENV_VARS};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("environment:");
    for name in ENV_VARS {
        let value = std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let shown = match (&value, name) {
            (None, _) => "(missing)".to_owned(),
            (Some(_), "FLINK_API_SECRET") => "(set, not shown)".to_owned(),
            (Some(v), _) => v.clone(),
        };
        println!("  {name:<26} {shown}");
    }

    match Client::from_env() {
        Ok(client) => {
            println!("\nconfigured for {}", client.base_url());
            let page = client.connections().list().first_page().await?;
            println!(
                "first page: {} connection(s), request id {}",
                page.len(),
                page.request_id().unwrap_or("-")
            );
        }
        Err(e) => {
            // The message names every missing variable (and every invalid value).
            println!("\nClient::from_env(): {e}");

            println!("\nthe same through Client::from_lookup, against the embedded fake:");
            let fake = FakeServer::start().await?;
            let settings = HashMap::from([
                ("FLINK_API_KEY", fake.api_key().to_owned()),
                ("FLINK_API_SECRET", fake.api_secret().to_owned()),
                ("FLINK_REST_ENDPOINT", fake.base_url().to_owned()),
                (
                    "CONFLUENT_ORGANIZATION_ID",
                    fake.organization_id().to_owned(),
                ),
                ("CONFLUENT_ENVIRONMENT_ID", fake.environment_id().to_owned()),
            ]);
            let client = Client::from_lookup(|name| settings.get(name).cloned())?;
            let page = client.connections().list().first_page().await?;
            println!(
                "  {} in {}: {} connection(s)",
                client.base_url(),
                client.environment_id(),
                page.len()
            );
        }
    }
    Ok(())
}
