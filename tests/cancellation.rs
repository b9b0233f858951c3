//! Dropping any future or stream of the client at any point (waiting for an answer,
//! waiting to retry, between pages) leaves nothing behind: the same client keeps
//! working, and the client's runtime holds no task but the pooled connections', which
//! end with the client. The fake runs on a runtime of its own so that the client's
//! runtime can be counted. Figures go to `target/figures/cancellation.txt`.
#![cfg(feature = "fake")]

#[path = "support/figures.rs"]
mod figures;
#[path = "support/lists.rs"]
mod lists;
#[path = "support/new_connections.rs"]
mod new_connections;

use std::future::Future;
use std::time::Duration;

use confluent_flink_sql::connections::AuthData;
use confluent_flink_sql::fake::{FakeServer, Fault, Operation};
use confluent_flink_sql::RetryPolicy;
use futures::StreamExt;
use lists::all_items;
use new_connections::openai_at;

/// Polls `f` for `ms` milliseconds, then drops it; true if it was still running.
async fn drop_after<F: Future>(ms: u64, f: F) -> bool {
    tokio::time::timeout(Duration::from_millis(ms), f)
        .await
        .is_err()
}

#[test]
fn dropping_futures_and_streams_mid_flight_leaves_nothing_behind() {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = server_rt.block_on(FakeServer::start()).unwrap();
    server.seed(50);
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let metrics = client_rt.metrics();
    let mut dropped = 0u32;

    client_rt.block_on(async {
        assert_eq!(metrics.num_alive_tasks(), 0);
        let client = server
            .client_builder()
            .retry_policy(
                RetryPolicy::default()
                    .initial_backoff(Duration::from_millis(200))
                    .max_retries(3),
            )
            .build()
            .unwrap();
        let conns = client.connections();

        // Waiting for an answer the server delays.
        server.inject_for(Operation::Get, Fault::Delay(Duration::from_secs(3)), 5);
        for _ in 0..5 {
            assert!(drop_after(30, conns.get("seed-000000")).await);
            dropped += 1;
        }
        // Waiting to retry after a 429 that asks for a second.
        server.inject_for(Operation::Get, Fault::rate_limited(1), 1);
        assert!(drop_after(100, conns.get("seed-000001")).await);
        dropped += 1;
        // Waiting to retry after a 503 (backoff of 100 to 200 ms).
        server.inject_for(Operation::Get, Fault::Status(503), 1);
        assert!(drop_after(60, conns.get("seed-000001")).await);
        dropped += 1;
        // A create and an update waiting for their answers.
        server.inject_for(Operation::Create, Fault::Delay(Duration::from_secs(3)), 1);
        let new = openai_at("dropped-create", "https://e.example", "sk-drop");
        assert!(drop_after(30, conns.create(new)).await);
        dropped += 1;
        server.inject_for(Operation::Update, Fault::Delay(Duration::from_secs(3)), 1);
        assert!(drop_after(60, conns.update("seed-000002", AuthData::api_key("sk-x"))).await);
        dropped += 1;

        // A list stream dropped between pages, and one dropped mid-page.
        let mut items = conns.list().page_size(10).items();
        for _ in 0..15 {
            items.next().await.unwrap().unwrap();
        }
        drop(items);
        dropped += 1;
        let mut pages = conns.list().page_size(10).pages();
        pages.next().await.unwrap().unwrap();
        server.inject_for(Operation::List, Fault::Delay(Duration::from_secs(3)), 1);
        assert!(drop_after(30, pages.next()).await);
        drop(pages);
        dropped += 1;
        // Two operations raced: the loser is dropped.
        server.inject_for(Operation::Get, Fault::Delay(Duration::from_secs(3)), 1);
        tokio::select! {
            _ = conns.get("seed-000003") => panic!("the delayed get won"),
            r = async { tokio::time::sleep(Duration::from_millis(20)).await; conns.get("seed-000004").await } => {
                r.unwrap();
            }
        }
        dropped += 1;

        // The same client still works, for every operation.
        server.clear_faults();
        assert_eq!(conns.get("seed-000000").await.unwrap().name(), "seed-000000");
        let all = all_items(conns.list().page_size(7)).await;
        assert!(all.len() >= 50, "{}", all.len());
        conns
            .create(openai_at("after-drops", "https://e.example", "sk-after"))
            .await
            .unwrap();
        conns
            .update("after-drops", AuthData::api_key("sk-after-2"))
            .await
            .unwrap();
        conns.delete("after-drops").await.unwrap();

        // The crate spawns nothing: what is alive is the pool's connection tasks.
        let alive = metrics.num_alive_tasks();
        let tcp = server.stats().tcp_connections;
        assert!(
            alive as u64 <= tcp,
            "{alive} tasks alive for {tcp} connections"
        );
        drop(conns);
        drop(client);
        // With the client gone, its pooled connections close and their tasks end.
        let mut waited = 0;
        while metrics.num_alive_tasks() > 0 && waited < 200 {
            tokio::time::sleep(Duration::from_millis(10)).await;
            waited += 1;
        }
        assert_eq!(metrics.num_alive_tasks(), 0, "tasks left behind");
        figures::record(
            "cancellation",
            "dropping_futures_and_streams_mid_flight_leaves_nothing_behind",
            &[
                (
                    "what",
                    "get, create, update and list futures and streams dropped while waiting for a delayed answer, while waiting to retry after 429 and 503, between pages, and as the loser of a race".into(),
                ),
                ("futures_dropped", dropped.to_string()),
                ("tasks_alive_with_client", alive.to_string()),
                ("tcp_connections", tcp.to_string()),
                ("tasks_alive_after_client_dropped", metrics.num_alive_tasks().to_string()),
                ("client", "keeps working for every operation; spawns no task of its own".into()),
            ],
        );
    });
    drop(server);
}
