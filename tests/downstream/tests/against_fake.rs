//! The admin tasks against the fake Connections service that confluent-flink-sql ships
//! behind its `fake` feature: real HTTP on 127.0.0.1, no credentials needed.

use std::time::Duration;

use confluent_flink_sql::connections::{AuthData, ConnectionPhase, ConnectionType, NewConnection};
use confluent_flink_sql::fake::{FakeServer, Fault, Operation, SeedConnection};
use confluent_flink_sql::{Client, Credentials, ErrorKind};
use connection_admin::{
    ensure_connection, inventory, remove_connection, rotate_secrets, EnsureError, Ensured,
};

const OPENAI: &str = "https://api.openai.com/v1/chat/completions";

async fn start() -> (FakeServer, Client) {
    let server = FakeServer::start().await.expect("the fake server starts");
    // Short waits, so that the retry tests stay fast.
    let client = server
        .client_builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("a client for the fake");
    (server, client)
}

/// The `API_KEY` of the secret the fake stored for `name`.
fn stored_api_key(server: &FakeServer, name: &str) -> Option<String> {
    let secret: serde_json::Value = serde_json::from_str(&server.stored_secret(name)?).ok()?;
    secret["API_KEY"].as_str().map(String::from)
}

fn openai(name: &str, key: &str) -> NewConnection {
    NewConnection::new(name, ConnectionType::OpenAi, OPENAI, AuthData::api_key(key))
}

#[tokio::test]
async fn ensure_creates_a_missing_connection_then_finds_it() {
    let (server, client) = start().await;
    let conns = client.connections();

    let first = ensure_connection(&conns, openai("chat", "sk-1"))
        .await
        .unwrap();
    assert!(matches!(first, Ensured::Created(_)), "{first:?}");
    assert_eq!(first.connection().name(), "chat");
    assert_eq!(stored_api_key(&server, "chat").as_deref(), Some("sk-1"));

    // Again, with another secret: found, left alone.
    let second = ensure_connection(&conns, openai("chat", "sk-2"))
        .await
        .unwrap();
    assert!(matches!(second, Ensured::Existing(_)), "{second:?}");
    assert_eq!(second.connection().endpoint(), OPENAI);
    assert_eq!(stored_api_key(&server, "chat").as_deref(), Some("sk-1"));
    assert_eq!(server.stats().creates_committed, 1);
}

#[tokio::test]
async fn ensure_refuses_an_existing_connection_of_another_endpoint() {
    let (server, client) = start().await;
    server.insert(SeedConnection::new(
        "chat",
        "OPENAI",
        "https://other.example/v1",
    ));

    let err = ensure_connection(&client.connections(), openai("chat", "sk-1"))
        .await
        .unwrap_err();
    match &err {
        EnsureError::Mismatch { existing } => {
            assert_eq!(existing.endpoint(), "https://other.example/v1")
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    assert!(
        err.to_string().contains("https://other.example/v1"),
        "{err}"
    );
    assert_eq!(server.stats().create_requests, 0);
}

#[tokio::test]
async fn ensure_checks_the_input_before_any_request() {
    let (server, client) = start().await;
    // Bedrock takes AWS keys, not an API key.
    let wrong = NewConnection::new(
        "embed",
        ConnectionType::Bedrock,
        "https://bedrock-runtime.us-east-1.amazonaws.com",
        AuthData::api_key("sk-1"),
    );

    let err = ensure_connection(&client.connections(), wrong)
        .await
        .unwrap_err();
    match err {
        EnsureError::Client(e) => assert_eq!(e.kind(), ErrorKind::Validation, "{e}"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(server.stats().total_requests(), 0);
}

#[tokio::test]
async fn ensure_reads_the_winner_when_another_caller_creates_it_first() {
    let (server, client) = start().await;
    // Hold our create at the server until the other caller's connection is in place.
    server.inject_for(
        Operation::Create,
        Fault::Delay(Duration::from_millis(300)),
        1,
    );
    let conns = client.connections();
    let ours =
        tokio::spawn(async move { ensure_connection(&conns, openai("chat", "sk-ours")).await });
    while server.stats().create_requests == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(server.insert(
        SeedConnection::new("chat", "OPENAI", OPENAI).secret(r#"{"API_KEY":"sk-theirs"}"#)
    ));

    let ensured = ours.await.unwrap().unwrap();
    assert!(matches!(ensured, Ensured::Existing(_)), "{ensured:?}");
    let stats = server.stats();
    assert_eq!((stats.create_requests, stats.creates_committed), (1, 0));
    assert_eq!(stats.get_requests, 2, "read, then read back after the 409");
    assert_eq!(
        stored_api_key(&server, "chat").as_deref(),
        Some("sk-theirs")
    );
}

#[tokio::test]
async fn ensure_reads_back_when_the_answer_to_the_create_is_lost() {
    let (server, client) = start().await;
    // The service creates it, then the connection breaks before the answer.
    server.inject_for(Operation::Create, Fault::DropAfterCommit, 1);

    let ensured = ensure_connection(&client.connections(), openai("chat", "sk-1"))
        .await
        .unwrap();
    assert!(matches!(ensured, Ensured::Existing(_)), "{ensured:?}");
    let stats = server.stats();
    assert_eq!(
        (stats.create_requests, stats.creates_committed),
        (1, 1),
        "a create whose outcome is unknown must not be sent again"
    );
    assert_eq!(server.connection_names(), ["chat"]);
}

#[tokio::test]
async fn ensure_reports_the_services_refusal() {
    let (server, _) = start().await;
    // Built by hand, as for the real service, with credentials the service refuses.
    let stranger = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::basic("not-the-key", "not-the-secret"))
        .organization_id(server.organization_id())
        .environment_id(server.environment_id())
        .max_retries(0)
        .build()
        .unwrap();

    let err = ensure_connection(&stranger.connections(), openai("chat", "sk-1"))
        .await
        .unwrap_err();
    let EnsureError::Client(e) = err else {
        panic!("expected the service's error, got {err:?}")
    };
    assert_eq!((e.kind(), e.status()), (ErrorKind::Api, Some(401)));
    assert!(e.request_id().is_some(), "the fake sends X-Request-Id");
    assert!(!e.details().is_empty(), "the 401 carries a Failure body");
    assert!(!e.to_string().contains("not-the-secret"), "{e}");
    assert_eq!(server.connection_count(), 0);
}

#[tokio::test]
async fn rotate_updates_every_connection_of_the_type_across_pages() {
    let (server, client) = start().await;
    // 19 types in turn: 101 OpenAI connections, more than one page of 100.
    server.seed(19 * 101);
    let secrets_before: Vec<(String, Option<String>)> = server
        .connection_names()
        .into_iter()
        .map(|n| {
            let secret = server.stored_secret(&n);
            (n, secret)
        })
        .collect();
    let lists_before = server.stats().list_requests;
    let conns = client.connections();

    let rotation = rotate_secrets(&conns, ConnectionType::OpenAi, |c| {
        Some(AuthData::api_key(format!("sk-rotated-{}", c.name())))
    })
    .await
    .unwrap();

    assert_eq!(rotation.rotated.len(), 101);
    assert!(rotation.skipped.is_empty() && rotation.failed.is_empty());
    assert_eq!(server.stats().list_requests - lists_before, 2, "two pages");
    assert_eq!(server.stats().updates_committed, 101);
    for (name, before) in secrets_before {
        let after = server.stored_secret(&name);
        if rotation.rotated.contains(&name) {
            let connection = conns.get(&name).await.unwrap();
            assert_eq!(connection.connection_type(), &ConnectionType::OpenAi);
            assert_ne!(after, before);
            assert_eq!(
                stored_api_key(&server, &name),
                Some(format!("sk-rotated-{name}"))
            );
        } else {
            assert_eq!(
                after, before,
                "{name} is not OpenAI and must keep its secret"
            );
        }
    }
}

#[tokio::test]
async fn rotate_skips_on_request_and_goes_on_after_a_failed_update() {
    let (server, client) = start().await;
    for name in ["a", "b", "c", "d"] {
        server.insert(SeedConnection::new(name, "OPENAI", OPENAI));
    }
    server.insert(
        SeedConnection::new("m", "MONGODB", "mongodb+srv://m.example")
            .secret(r#"{"USERNAME":"u","PASSWORD":"p"}"#),
    );
    let mongo_secret = server.stored_secret("m");
    // Update requests in turn: `a` is throttled (the client waits and sends it again),
    // its second try goes through (a zero delay), `b` fails with a 500 (not retried:
    // reported), `c` goes through.
    server.inject_for(Operation::Update, Fault::rate_limited(0), 1);
    server.inject_for(Operation::Update, Fault::Delay(Duration::ZERO), 1);
    server.inject_for(Operation::Update, Fault::Status(500), 1);

    let rotation = rotate_secrets(&client.connections(), ConnectionType::OpenAi, |c| {
        (c.name() != "d").then(|| AuthData::api_key("sk-new"))
    })
    .await
    .unwrap();

    assert_eq!(rotation.rotated, ["a", "c"]);
    assert_eq!(rotation.skipped, ["d"]);
    assert_eq!(rotation.failed.len(), 1);
    let (name, e) = &rotation.failed[0];
    assert_eq!((name.as_str(), e.status()), ("b", Some(500)));
    assert!(!e.is_retryable());
    assert_eq!(server.stats().update_requests, 4, "a twice, b, c");
    for (name, key) in [
        ("a", "sk-new"),
        ("b", "seed-secret"),
        ("c", "sk-new"),
        ("d", "seed-secret"),
    ] {
        assert_eq!(
            stored_api_key(&server, name).as_deref(),
            Some(key),
            "{name}"
        );
    }
    assert_eq!(server.stored_secret("m"), mongo_secret);
}

#[tokio::test]
async fn rotate_stops_with_the_error_when_the_listing_fails() {
    let (server, client) = start().await;
    server.insert(SeedConnection::new("a", "OPENAI", OPENAI));
    server.inject_for(Operation::List, Fault::Status(501), 1);

    let err = rotate_secrets(&client.connections(), ConnectionType::OpenAi, |_| {
        Some(AuthData::api_key("sk-new"))
    })
    .await
    .unwrap_err();
    assert_eq!(err.status(), Some(501));
    assert_eq!(server.stats().update_requests, 0);
}

#[tokio::test]
async fn inventory_counts_by_type_page_by_page() {
    let (server, client) = start().await;
    server.seed(38); // two of each of the 19 types
    server.insert(
        SeedConnection::new("broken", "OPENAI", OPENAI).status("INVALID_AUTH", "401 from OpenAI"),
    );
    server.insert(SeedConnection::new(
        "future",
        "QUANTUM",
        "https://q.example",
    ));

    let inv = inventory(&client.connections(), 7).await.unwrap();

    assert_eq!(inv.total(), 40);
    assert_eq!(inv.pages, 6, "40 connections, 7 per page");
    assert_eq!(inv.by_type[&ConnectionType::OpenAi], 3);
    assert_eq!(inv.by_type[&ConnectionType::Bedrock], 2);
    assert_eq!(inv.by_type[&ConnectionType::Other("QUANTUM".into())], 1);
    assert_eq!(inv.by_type.len(), 20);
    assert_eq!(
        inv.not_usable,
        [("broken".to_string(), ConnectionPhase::InvalidAuth)]
    );
}

#[tokio::test]
async fn inventory_refuses_a_page_size_out_of_range_without_a_request() {
    let (server, client) = start().await;
    let err = inventory(&client.connections(), 101).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation, "{err}");
    assert_eq!(server.stats().total_requests(), 0);
}

#[tokio::test]
async fn remove_deletes_once_then_reports_nothing_to_delete() {
    let (server, client) = start().await;
    server.insert(SeedConnection::new("old", "OPENAI", OPENAI));
    let conns = client.connections();

    assert!(remove_connection(&conns, "old").await.unwrap());
    assert!(!remove_connection(&conns, "old").await.unwrap());
    assert_eq!(server.connection_count(), 0);
    assert_eq!(server.stats().deletes_committed, 1);

    let err = remove_connection(&conns, "").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
}
