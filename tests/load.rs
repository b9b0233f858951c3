//! Load: 64 tasks share one `Client` and mix list, create, get, update and delete
//! against the fake while a throttler keeps injecting 429s and 503s. Every task
//! finishes, the final state is exactly what was asked (each create, update and delete
//! applied once), and connections are reused. Figures go to `target/figures/load.txt`.
#![cfg(feature = "fake")]

#[path = "support/figures.rs"]
mod figures;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use confluent_flink_sql::connections::{AuthData, ConnectionType, NewConnection};
use confluent_flink_sql::fake::{FakeServer, Fault, Operation};
use confluent_flink_sql::{Client, RetryPolicy};
use futures::TryStreamExt;

const TASKS: usize = 64;
const PER_TASK: usize = 4;
const SEEDED: usize = 100;

fn secret(task: usize, k: usize, version: u32) -> String {
    format!("sk-load-{task}-{k}-v{version}")
}

fn stored(key: &str) -> String {
    format!(r#"{{"API_KEY":"{key}","AUTH_TYPE":"API_KEY"}}"#)
}

/// One task's work: create four, list everything, read one, rotate two, delete one.
async fn work(client: Client, task: usize) -> usize {
    let conns = client.connections();
    let name = |k: usize| format!("load-{task:02}-{k}");
    for k in 0..PER_TASK {
        conns
            .create(NewConnection::new(
                name(k),
                ConnectionType::OpenAi,
                "https://api.openai.com/v1/chat/completions",
                AuthData::api_key(secret(task, k, 1)),
            ))
            .await
            .unwrap_or_else(|e| panic!("create {}: {e}", name(k)));
    }
    let listed: Vec<String> = conns
        .list()
        .page_size(50)
        .items()
        .map_ok(|c| c.name().to_string())
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("list in task {task}: {e}"));
    // Other tasks create and delete meanwhile; what existed throughout appears once,
    // and the list stays sorted without repeats.
    assert!(listed.windows(2).all(|w| w[0] < w[1]), "task {task}");
    for k in 0..PER_TASK {
        assert!(listed.contains(&name(k)), "task {task} misses {}", name(k));
    }
    assert_eq!(conns.get(&name(2)).await.unwrap().name(), name(2));
    for k in 0..2 {
        conns
            .update(&name(k), AuthData::api_key(secret(task, k, 2)))
            .await
            .unwrap_or_else(|e| panic!("update {}: {e}", name(k)));
    }
    conns
        .delete(&name(3))
        .await
        .unwrap_or_else(|e| panic!("delete {}: {e}", name(3)));
    listed.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_tasks_sharing_one_client_under_throttling() {
    let server = Arc::new(FakeServer::start().await.unwrap());
    server.seed(SEEDED);
    let client = server
        .client_builder()
        .retry_policy(
            RetryPolicy::default()
                .max_retries(50)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(10)),
        )
        .build()
        .unwrap();

    // Throttling all along: 429s (Retry-After: 0) for any operation, 503s for the
    // operations that are retried on them (not create, which may have acted). It stops
    // when few tasks are left, so that no lone request meets a run of faults longer
    // than its retries.
    let done = Arc::new(AtomicBool::new(false));
    let running = Arc::new(AtomicUsize::new(TASKS));
    let throttler = {
        let (server, done, running) = (server.clone(), done.clone(), running.clone());
        tokio::spawn(async move {
            let others = [
                Operation::List,
                Operation::Get,
                Operation::Update,
                Operation::Delete,
            ];
            let mut queued = 0usize;
            let mut round = 0usize;
            while !done.load(Ordering::SeqCst)
                && running.load(Ordering::SeqCst) >= TASKS / 4
                && queued < 600
            {
                // Topped up every 2 ms: enough at a time that a fast client still
                // meets well over a hundred faults before the tasks thin out.
                if server.pending_faults() < 16 {
                    server.inject(Fault::rate_limited(0), 6);
                    server.inject_for(others[round % 4], Fault::Status(503), 1);
                    server.inject_for(others[(round + 1) % 4], Fault::Status(503), 1);
                    queued += 8;
                    round += 2;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };

    let start = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let (client, running) = (client.clone(), running.clone());
            tokio::spawn(async move {
                let listed = work(client, t).await;
                running.fetch_sub(1, Ordering::SeqCst);
                listed
            })
        })
        .collect();
    let mut listed = 0;
    for t in tasks {
        listed += t.await.expect("every task finishes without a panic");
    }
    let took = start.elapsed();
    done.store(true, Ordering::SeqCst);
    throttler.await.unwrap();
    server.clear_faults();

    // Exactly the asked state: the seed, and three of each task's four.
    let mut expected: BTreeSet<String> = server
        .connection_names()
        .into_iter()
        .filter(|n| n.starts_with("seed-"))
        .collect();
    assert_eq!(expected.len(), SEEDED);
    for t in 0..TASKS {
        for k in 0..3 {
            expected.insert(format!("load-{t:02}-{k}"));
        }
    }
    let names: BTreeSet<String> = server.connection_names().into_iter().collect();
    assert_eq!(names, expected);
    assert_eq!(server.connection_count(), SEEDED + 3 * TASKS);
    for t in 0..TASKS {
        for k in 0..3 {
            let version = if k < 2 { 2 } else { 1 };
            assert_eq!(
                server.stored_secret(&format!("load-{t:02}-{k}")),
                Some(stored(&secret(t, k, version)))
            );
        }
    }
    let st = server.stats();
    assert_eq!(st.creates_committed as usize, TASKS * PER_TASK);
    assert_eq!(st.updates_committed as usize, TASKS * 2);
    assert_eq!(st.deletes_committed as usize, TASKS);
    assert!(st.faults_injected >= 100, "throttled: {st:?}");
    let requests = st.total_requests();
    // About one connection per concurrent task (the pool may open a spare while one
    // is being handed back), each reused for many requests.
    assert!(st.tcp_connections <= 2 * TASKS as u64, "{st:?}");
    assert!(requests >= 8 * st.tcp_connections, "{st:?}");
    let lost = expected.difference(&names).count();
    let duplicated = st.creates_committed as usize - TASKS * PER_TASK;

    figures::record(
        "load",
        "sixty_four_tasks_sharing_one_client_under_throttling",
        &[
            ("what", format!("{TASKS} tasks sharing one Client, each creating {PER_TASK} connections, listing all (pages of 50), reading one, rotating two secrets and deleting one, over {SEEDED} seeded connections, with 429s and 503s injected throughout")),
            ("client", "every task finished; each write applied once; the pool reused its connections".into()),
            ("tasks_finished", TASKS.to_string()),
            ("requests", requests.to_string()),
            ("faults_injected", st.faults_injected.to_string()),
            ("creates_expected", (TASKS * PER_TASK).to_string()),
            ("creates_committed", st.creates_committed.to_string()),
            ("updates_asked", (TASKS * 2).to_string()),
            ("updates_committed", st.updates_committed.to_string()),
            ("deletes_asked", TASKS.to_string()),
            ("deletes_committed", st.deletes_committed.to_string()),
            ("connections_listed", listed.to_string()),
            ("final_connections", server.connection_count().to_string()),
            ("expected_connections", expected.len().to_string()),
            ("tcp_connections", st.tcp_connections.to_string()),
            ("requests_per_tcp_connection", format!("{:.1}", requests as f64 / st.tcp_connections as f64)),
            ("elapsed_ms", took.as_millis().to_string()),
            ("lost", lost.to_string()),
            ("duplicated", duplicated.to_string()),
        ],
    );
}
