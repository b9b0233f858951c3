//! Page through a list by hand, and resume from a saved token.
//!
//! ```sh
//! cargo run --features fake --example paging
//! ```
//!
//! `list().items()` hides the pages; this example shows them. `first_page()` sends one
//! request; its `next_page_token()` is all you need to carry on later (in another
//! process, after a crash, in the next request of a paginated UI) with
//! `list().page_token(token)`. The token is opaque and only valid with the same
//! filters. `pages()` is the same as a stream.
//!
//! With `FLINK_API_KEY`, `FLINK_API_SECRET`, `FLINK_REST_ENDPOINT`,
//! `CONFLUENT_ORGANIZATION_ID` and `CONFLUENT_ENVIRONMENT_ID` set, it reads your
//! environment (read-only). Otherwise it starts the embedded fake server holding 23
//! connections.

use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::{Client, ENV_VARS};
use futures::TryStreamExt;

const PAGE_SIZE: u32 = 10;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, fake) = if ENV_VARS.iter().any(|v| std::env::var_os(v).is_some()) {
        (Client::from_env()?, None)
    } else {
        let fake = FakeServer::start().await?;
        fake.seed(23);
        (fake.client_builder().build()?, Some(fake))
    };
    let conns = client.connections();

    // One request: the first page and the token of the next.
    let first = conns.list().page_size(PAGE_SIZE).first_page().await?;
    println!(
        "first page: {} of {} connection(s), request id {}",
        first.len(),
        first
            .total_size()
            .map_or_else(|| "?".into(), |n| n.to_string()),
        first.request_id().unwrap_or("-")
    );
    let Some(saved) = first.next_page_token().map(str::to_owned) else {
        println!("that was the only page");
        return Ok(());
    };
    println!("saved token: {} characters", saved.len());

    // Later: resume from the saved token, page by page.
    let mut pages = conns.list().page_size(PAGE_SIZE).page_token(saved).pages();
    let mut seen = first.len();
    let mut n = 1;
    while let Some(page) = pages.try_next().await? {
        n += 1;
        seen += page.len();
        let names: Vec<&str> = page.items().iter().map(|c| c.name()).collect();
        println!("page {n}: {}", names.join(", "));
    }
    println!("{seen} connection(s) on {n} page(s)");
    if fake.is_some() {
        // Nobody else writes to the fake, so the pages add up to the total.
        assert_eq!(seen, 23, "every connection exactly once");
    }
    Ok(())
}
