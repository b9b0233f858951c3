//! Running SQL: submit a statement, wait for it, print its typed rows.
//!
//! ```sh
//! cargo run --features fake --example sql_quickstart
//! ```
//!
//! With `FLINK_API_KEY`, `FLINK_API_SECRET`, `FLINK_REST_ENDPOINT`,
//! `CONFLUENT_ORGANIZATION_ID`, `CONFLUENT_ENVIRONMENT_ID` and `FLINK_COMPUTE_POOL_ID`
//! set, it runs the statement on that compute pool in Confluent Cloud (and deletes it
//! afterwards). Without them it starts the crate's embedded fake server, which runs
//! `VALUES` of literals itself.

use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::results::SqlValue;
use confluent_flink_sql::{Client, ENV_VARS};

const SQL: &str =
    "SELECT * FROM (VALUES (1, 'Ada', 36.5), (2, 'Grace', NULL), (3, 'Edsger', 41.25)) \
                   AS people(id, name, score)";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pool = std::env::var("FLINK_COMPUTE_POOL_ID")
        .ok()
        .filter(|p| !p.is_empty());
    let configured = ENV_VARS
        .iter()
        .all(|v| std::env::var(v).is_ok_and(|x| !x.is_empty()));
    let (_server, client) = if configured && pool.is_some() {
        println!(
            "Running on Confluent Cloud, compute pool {}\n",
            pool.as_deref().unwrap_or_default()
        );
        (None, Client::from_env()?)
    } else {
        println!("No Confluent credentials and compute pool in the environment: using the embedded fake server.\n");
        let server = FakeServer::start().await?;
        let client = server.client_builder().build()?;
        (Some(server), client)
    };

    let mut submit = client.statements().submit(SQL);
    if let Some(pool) = &pool {
        submit = submit.compute_pool(pool);
    }
    let mut run = submit.await?;
    println!(
        "statement {} created ({})",
        run.name(),
        run.phase().unwrap_or_default()
    );
    run.wait().await?;
    println!(
        "statement {} is {}\n",
        run.name(),
        run.phase().unwrap_or_default()
    );

    let table = run.results().table().await?;
    let names: Vec<&str> = table
        .schema()
        .columns()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    println!("{}", names.join(" | "));
    for row in table.rows() {
        let cells: Vec<String> = row.values().iter().map(SqlValue::to_string).collect();
        println!("{}", cells.join(" | "));
    }

    // Read into your own type, by column name.
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Person {
        id: i32,
        name: String,
        score: Option<String>,
    }
    if let Some(first) = table.rows().next() {
        let person: Person = first.deserialize()?;
        println!("\nthe first row as a Rust value: {person:?}");
    }

    run.delete().await?;
    println!("statement deleted");
    Ok(())
}
