//! How to test your own code against the fake Connections service, written as a user
//! of the crate would. In your crate, enable the feature for tests only:
//!
//! ```toml
//! [dev-dependencies]
//! confluent-flink-sql = { version = "0.1", features = ["fake"] }
//! ```
//!
//! Each test starts its own [`FakeServer`] (on 127.0.0.1, an OS-chosen port, with its
//! own organization, environment and credentials), so tests run in parallel without
//! sharing state. The fake checks requests the way the service does, can fail on
//! demand ([`Fault`]), counts what it saw ([`FakeServer::stats`]) and shows what it
//! stored, secrets included ([`FakeServer::stored_secret`]), which the API never returns.

// Only needed inside this crate, whose tests also run without the feature.
#![cfg(feature = "fake")]

use std::time::Duration;

use confluent_flink_sql::connections::{
    AuthData, ConnectionPhase, ConnectionType, Connections, NewConnection,
};
use confluent_flink_sql::fake::{FakeServer, Fault, Operation, SeedConnection};
use confluent_flink_sql::{Error, RetryPolicy};
use futures::TryStreamExt;

// ---- The code under test: what an application might write. ----

/// What [`ensure_openai_connection`] did.
#[derive(Debug, PartialEq)]
enum Ensured {
    Created,
    Rotated,
}

/// Makes sure connection `name` exists and uses `api_key`: creates it, or rotates the
/// secret of the existing one.
async fn ensure_openai_connection(
    conns: &Connections,
    name: &str,
    api_key: &str,
) -> Result<Ensured, Error> {
    match conns.get(name).await {
        Ok(current) => {
            conns
                .update_if_unchanged(&current, AuthData::api_key(api_key))
                .await?;
            Ok(Ensured::Rotated)
        }
        Err(e) if e.is_not_found() => {
            conns
                .create(NewConnection::new(
                    name,
                    ConnectionType::OpenAi,
                    "https://api.openai.com/v1/chat/completions",
                    AuthData::api_key(api_key),
                ))
                .await?;
            Ok(Ensured::Created)
        }
        Err(e) => Err(e),
    }
}

/// The names of the connections that are not usable, across every page.
async fn broken_connections(conns: &Connections) -> Result<Vec<String>, Error> {
    conns
        .list()
        .page_size(100)
        .items()
        .try_filter(|c| {
            let usable = matches!(
                c.phase(),
                Some(ConnectionPhase::Active | ConnectionPhase::Ready) | None
            );
            futures::future::ready(!usable)
        })
        .map_ok(|c| c.name().to_owned())
        .try_collect()
        .await
}

// ---- The tests. ----

/// A client for `server` that retries quickly, so throttling tests stay fast.
fn connections(server: &FakeServer) -> Connections {
    server
        .client_builder()
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .expect("the fake's settings are valid")
        .connections()
}

#[tokio::test]
async fn creates_the_connection_when_it_is_missing() {
    let server = FakeServer::start().await.unwrap();
    let conns = connections(&server);

    let done = ensure_openai_connection(&conns, "chat", "sk-one")
        .await
        .unwrap();

    assert_eq!(done, Ensured::Created);
    assert_eq!(server.connection_names(), ["chat"]);
    // The secret reached the service (the API itself never gives it back).
    assert!(server.stored_secret("chat").unwrap().contains("sk-one"));
    assert_eq!(server.stats().creates_committed, 1);
}

#[tokio::test]
async fn rotates_the_secret_of_an_existing_connection() {
    let server = FakeServer::start().await.unwrap();
    // Put a connection in place directly, as if someone else had created it.
    server.insert(
        SeedConnection::new("chat", "OPENAI", "https://api.openai.com/v1")
            .secret(r#"{"API_KEY":"sk-old"}"#),
    );
    let before = server.resource_version("chat").unwrap();
    let conns = connections(&server);

    let done = ensure_openai_connection(&conns, "chat", "sk-new")
        .await
        .unwrap();

    assert_eq!(done, Ensured::Rotated);
    let stored = server.stored_secret("chat").unwrap();
    assert!(
        stored.contains("sk-new") && !stored.contains("sk-old"),
        "{stored}"
    );
    assert_ne!(server.resource_version("chat").unwrap(), before);
    let stats = server.stats();
    assert_eq!((stats.creates_committed, stats.updates_committed), (0, 1));
}

#[tokio::test]
async fn rides_out_throttling() {
    let server = FakeServer::start().await.unwrap();
    // The next two creates are answered 429 with `Retry-After: 0`; the client retries.
    server.inject_for(Operation::Create, Fault::rate_limited(0), 2);
    let conns = connections(&server);

    ensure_openai_connection(&conns, "chat", "sk-one")
        .await
        .unwrap();

    let stats = server.stats();
    assert_eq!(stats.create_requests, 3, "two throttled, one that worked");
    assert_eq!(stats.creates_committed, 1, "created exactly once");
    assert_eq!(server.pending_faults(), 0);
}

#[tokio::test]
async fn reports_an_outage_without_creating_anything() {
    let server = FakeServer::start().await.unwrap();
    server.inject(Fault::Status(503), 100);
    let conns = server
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .connections();

    let err = ensure_openai_connection(&conns, "chat", "sk-one")
        .await
        .unwrap_err();

    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable(), "the caller may try again later");
    assert!(
        err.request_id().is_some(),
        "there is an id to quote to support"
    );
    assert_eq!(server.connection_count(), 0);
}

#[tokio::test]
async fn finds_broken_connections_on_every_page() {
    let server = FakeServer::start().await.unwrap();
    server.seed(250); // three pages of 100
    server.set_status("seed-000007", "INVALID_AUTH", "401 from the endpoint");
    server.set_status("seed-000242", "UNREACHABLE", "Lookup failed");
    let conns = connections(&server);

    let broken = broken_connections(&conns).await.unwrap();

    assert_eq!(broken, ["seed-000007", "seed-000242"]);
    assert_eq!(server.stats().list_requests, 3);
}
