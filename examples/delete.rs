//! Delete connections, and treat "already gone" as done.
//!
//! ```sh
//! cargo run --features fake --example delete
//! ```
//!
//! `delete(name)` succeeds on any 2xx. Deleting a connection that does not exist is a
//! 404 error ([`Error::is_not_found`](confluent_flink_sql::Error::is_not_found)); a
//! clean-up job usually wants to count that as done, as `delete_if_present` does.
//!
//! This example writes, so it always runs against the embedded fake server.

use confluent_flink_sql::connections::{Connection, Connections};
use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::Error;
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeServer::start().await?;
    fake.seed(5);
    let conns = fake.client_builder().build()?.connections();

    // Delete one by name.
    conns.delete("seed-000000").await?;
    println!("deleted seed-000000");

    // Deleting it again: the service answers 404.
    let err = conns.delete("seed-000000").await.unwrap_err();
    assert!(err.is_not_found());
    println!("deleting it again: {err}");
    println!(
        "delete_if_present(seed-000000): {}",
        delete_if_present(&conns, "seed-000000").await?
    );

    // Delete everything that is left: collect the names first, then delete, so the
    // listing does not shift under the deletes.
    let left: Vec<Connection> = conns.list().page_size(100).items().try_collect().await?;
    for c in &left {
        let deleted = delete_if_present(&conns, c.name()).await?;
        println!("deleted {} ({deleted})", c.name());
    }
    assert_eq!(fake.connection_count(), 0);
    println!("{} connection(s) left", fake.connection_count());
    Ok(())
}

/// Deletes `name`; `Ok(false)` when there was nothing to delete.
async fn delete_if_present(conns: &Connections, name: &str) -> Result<bool, Error> {
    match conns.delete(name).await {
        Ok(()) => Ok(true),
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}
