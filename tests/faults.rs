//! Fault injection through the fake server, driven by the crate's own client: 429 storms,
//! 5xx bursts, delays past the timeout, bodies cut off and connections dropped. Each test
//! states what the client must do and counts, on the server, that nothing was lost or
//! done twice. Figures go to `target/figures/faults.txt` for RELIABILITY.md.
#![cfg(feature = "fake")]

#[path = "support/figures.rs"]
mod figures;
#[path = "support/new_connections.rs"]
mod new_connections;
#[path = "support/scripted.rs"]
mod scripted;

use std::time::{Duration, Instant};

use confluent_flink_sql::connections::AuthData;
use confluent_flink_sql::fake::{FakeServer, Fault, Operation};
use confluent_flink_sql::{Client, ClientBuilder, ErrorKind, RetryPolicy};
use futures::StreamExt;
use new_connections::openai;

const GROUP: &str = "faults";

/// Tiny backoffs so that the suite stays fast; the waits the service asks for are
/// honoured as given.
fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(2))
        .max_backoff(Duration::from_millis(20))
}

async fn fake() -> FakeServer {
    FakeServer::start().await.expect("the fake starts")
}

fn builder(server: &FakeServer) -> ClientBuilder {
    server.client_builder().retry_policy(fast())
}

fn client(server: &FakeServer) -> Client {
    builder(server).build().unwrap()
}

/// The writes a scenario must leave applied on the server, each exactly once.
#[derive(Clone, Copy, Default)]
struct Expected {
    creates: u64,
    updates: u64,
    deletes: u64,
}

/// Records the servers' counters, what was lost (expected but not applied) and
/// duplicated (applied more often than expected), and `extra` figures for `test`.
fn record(
    test: &str,
    what: &str,
    servers: &[&FakeServer],
    expected: Expected,
    extra: &[(&str, String)],
) {
    let mut st = confluent_flink_sql::fake::Stats::default();
    for s in servers {
        let one = s.stats();
        st.list_requests += one.total_requests();
        st.faults_injected += one.faults_injected;
        st.creates_committed += one.creates_committed;
        st.updates_committed += one.updates_committed;
        st.deletes_committed += one.deletes_committed;
        st.tcp_connections += one.tcp_connections;
    }
    let pairs = [
        (expected.creates, st.creates_committed),
        (expected.updates, st.updates_committed),
        (expected.deletes, st.deletes_committed),
    ];
    let lost: u64 = pairs.iter().map(|(e, c)| e.saturating_sub(*c)).sum();
    let duplicated: u64 = pairs.iter().map(|(e, c)| c.saturating_sub(*e)).sum();
    let mut figures = vec![
        ("what", what.to_string()),
        ("faults_injected", st.faults_injected.to_string()),
        ("requests", st.list_requests.to_string()),
        ("creates_expected", expected.creates.to_string()),
        ("creates_committed", st.creates_committed.to_string()),
        ("updates_committed", st.updates_committed.to_string()),
        ("deletes_committed", st.deletes_committed.to_string()),
        ("tcp_connections", st.tcp_connections.to_string()),
        ("lost", lost.to_string()),
        ("duplicated", duplicated.to_string()),
    ];
    figures.extend(extra.iter().cloned());
    figures::record(GROUP, test, &figures);
}

#[tokio::test]
async fn a_429_storm_is_retried_until_it_passes_then_reported() {
    let server = fake().await;
    server.seed(1);
    let conns = client(&server).connections();

    // Three 429s, then the answer: max_retries is 3, so the read succeeds.
    server.inject_for(Operation::Get, Fault::rate_limited(0), 3);
    let c = conns.get("seed-000000").await.unwrap();
    assert_eq!(c.name(), "seed-000000");
    assert_eq!(server.stats().get_requests, 4);

    // A storm longer than the policy: the caller gets the 429 with what the service said.
    server.inject_for(Operation::Get, Fault::rate_limited(0), 10);
    let e = conns.get("seed-000000").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status(), Some(429));
    assert!(e.is_retryable());
    assert_eq!(e.retry_after(), Some(Duration::ZERO));
    assert!(e.request_id().is_some(), "{e:?}");
    assert_eq!(server.stats().get_requests, 8, "1 attempt + 3 retries");
    server.clear_faults();

    // Creates are retried on 429 (the service did not act) and never duplicated.
    server.inject_for(Operation::Create, Fault::rate_limited(0), 3);
    conns.create(openai("throttled", "sk-1")).await.unwrap();
    let st = server.stats();
    assert_eq!(st.create_requests, 4);
    assert_eq!(st.creates_committed, 1);
    assert_eq!(server.connection_count(), 2);

    record(
        "a_429_storm_is_retried_until_it_passes_then_reported",
        "429 storms (Retry-After: 0) on get and create",
        &[&server],
        Expected {
            creates: 1,
            ..Default::default()
        },
        &[(
            "client",
            "retries 3 times, then returns the 429 with retry_after and request id".into(),
        )],
    );
}

#[tokio::test]
async fn the_client_waits_as_long_as_the_service_asks_and_no_longer_than_allowed() {
    let (a, b, c, d) = (fake().await, fake().await, fake().await, fake().await);
    for s in [&a, &b, &c, &d] {
        s.seed(1);
    }
    // Retry-After: 1 (seconds), and X-RateLimit-Reset: 1 with no Retry-After.
    a.inject_for(Operation::Get, Fault::rate_limited(1), 1);
    b.inject_for(Operation::Get, Fault::RateLimited { retry_after: None }, 1);
    // A wait longer than max_wait ends the retries at once.
    c.inject_for(Operation::Get, Fault::rate_limited(1), 1);
    // A wait past the overall timeout too.
    d.inject_for(Operation::Get, Fault::rate_limited(1), 1);
    // Retry-After as an HTTP date two seconds ahead (whole seconds: a wait of 1 to 2 s),
    // from a scripted server, as the fake only sends seconds.
    let dated = scripted::Scripted::start({
        let calls = std::sync::atomic::AtomicUsize::new(0);
        move |_| {
            if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                let at = std::time::SystemTime::now() + Duration::from_secs(2);
                scripted::Reply::empty(429).header("retry-after", &httpdate::fmt_http_date(at))
            } else {
                scripted::Reply::json(
                    200,
                    serde_json::json!({"name": "seed-000000",
                        "spec": {"connection_type": "OPENAI", "endpoint": "https://e"}}),
                )
            }
        }
    })
    .await;
    let timed = |client: Client| async move {
        let start = Instant::now();
        let r = client.connections().get("seed-000000").await;
        (r, start.elapsed())
    };
    let ((ra, ta), (rb, tb), (rc, tc), (rd, td), (re, te)) = tokio::join!(
        timed(client(&a)),
        timed(client(&b)),
        timed(
            builder(&c)
                .retry_policy(fast().max_wait(Duration::from_millis(500)))
                .build()
                .unwrap()
        ),
        timed(
            builder(&d)
                .total_timeout(Some(Duration::from_millis(500)))
                .build()
                .unwrap()
        ),
        timed(builder(&a).base_url(&dated.base_url).build().unwrap()),
    );
    assert!(re.is_ok(), "{re:?}");
    assert!(
        te >= Duration::from_millis(900),
        "waited until the date: {te:?}"
    );
    assert_eq!(dated.requests().len(), 2);
    assert!(ra.is_ok() && ta >= Duration::from_secs(1), "{ta:?}");
    assert!(rb.is_ok() && tb >= Duration::from_secs(1), "{tb:?}");
    assert_eq!(a.stats().get_requests, 2);
    assert_eq!(b.stats().get_requests, 2);
    for (r, t, s) in [(rc, tc, &c), (rd, td, &d)] {
        let e = r.unwrap_err();
        assert_eq!(e.status(), Some(429), "{e}");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(1)));
        assert!(
            t < Duration::from_millis(900),
            "gave up without waiting: {t:?}"
        );
        assert_eq!(s.stats().get_requests, 1);
    }
    record(
        "the_client_waits_as_long_as_the_service_asks_and_no_longer_than_allowed",
        "429 with Retry-After: 1; with Retry-After as an HTTP date 2 s ahead; with only X-RateLimit-Reset: 1; the same past max_wait and past the overall timeout",
        &[&a, &b, &c, &d],
        Expected::default(),
        &[
            ("waited_retry_after_ms", ta.as_millis().to_string()),
            ("waited_retry_after_http_date_ms", te.as_millis().to_string()),
            ("waited_ratelimit_reset_ms", tb.as_millis().to_string()),
            ("gave_up_past_max_wait_ms", tc.as_millis().to_string()),
            ("gave_up_past_total_timeout_ms", td.as_millis().to_string()),
            ("client", "waits what the service asks; a wait past max_wait or the overall timeout returns the 429 at once".into()),
        ],
    );
}

#[tokio::test]
async fn bursts_of_502_503_504_are_retried_and_other_5xx_are_not() {
    let server = fake().await;
    server.seed(2);
    let conns = client(&server).connections();
    for status in [502, 503, 504] {
        server.inject_for(Operation::Get, Fault::Status(status), 3);
        conns.get("seed-000000").await.unwrap();
    }
    assert_eq!(server.stats().get_requests, 12);
    for status in [500, 501] {
        server.inject_for(Operation::Get, Fault::Status(status), 1);
        let e = conns.get("seed-000000").await.unwrap_err();
        assert_eq!(e.status(), Some(status));
        assert!(!e.is_retryable());
        assert_eq!(e.details()[0].status(), Some(status.to_string().as_str()));
    }
    assert_eq!(
        server.stats().get_requests,
        14,
        "500 and 501 are not retried"
    );

    // Updates and deletes are retried too; each is applied once.
    server.inject_for(Operation::Update, Fault::Status(503), 2);
    conns
        .update("seed-000000", AuthData::api_key("sk-rotated"))
        .await
        .unwrap();
    server.inject_for(Operation::Delete, Fault::Status(502), 2);
    conns.delete("seed-000001").await.unwrap();
    let st = server.stats();
    assert_eq!((st.update_requests, st.updates_committed), (3, 1));
    assert_eq!((st.delete_requests, st.deletes_committed), (3, 1));

    // A create answered 503 is not retried: the service may act on it later.
    server.inject_for(Operation::Create, Fault::Status(503), 1);
    let e = conns.create(openai("maybe", "sk-2")).await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert!(!e.outcome_unknown(), "the service answered");
    let st = server.stats();
    assert_eq!((st.create_requests, st.creates_committed), (1, 0));
    assert_eq!(server.connection_names(), ["seed-000000"]);
    record(
        "bursts_of_502_503_504_are_retried_and_other_5xx_are_not",
        "bursts of 502, 503, 504 on get, update, delete; 500, 501 on get; 503 on create",
        &[&server],
        Expected { creates: 0, updates: 1, deletes: 1 },
        &[
            ("client", "retries 502/503/504 on reads, updates and deletes; returns 500, 501 and a create's 503 at once".into()),
            ("updates_committed", st.updates_committed.to_string()),
            ("deletes_committed", st.deletes_committed.to_string()),
        ],
    );
}

#[tokio::test]
async fn a_delay_past_the_request_timeout_is_retried_for_reads_and_unknown_for_creates() {
    let server = fake().await;
    server.seed(1);
    let quick = builder(&server)
        .timeout(Duration::from_millis(250))
        .build()
        .unwrap()
        .connections();
    server.inject_for(Operation::Get, Fault::Delay(Duration::from_secs(2)), 1);
    let start = Instant::now();
    quick.get("seed-000000").await.unwrap();
    assert!(start.elapsed() < Duration::from_millis(1500));
    assert_eq!(server.stats().get_requests, 2);

    let no_retry = builder(&server)
        .timeout(Duration::from_millis(250))
        .max_retries(0)
        .build()
        .unwrap()
        .connections();
    server.inject_for(Operation::Get, Fault::Delay(Duration::from_secs(2)), 1);
    let e = no_retry.get("seed-000000").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.is_retryable());

    // A create that times out may have been applied: not retried, and it says so.
    server.inject_for(
        Operation::Create,
        Fault::Delay(Duration::from_millis(600)),
        1,
    );
    let e = quick.create(openai("slow", "sk-slow")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.outcome_unknown(), "{e:?}");
    assert_eq!(server.stats().create_requests, 1);
    // It was: the service finished it after the client gave up.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(server.stats().creates_committed, 1);
    assert_eq!(quick.get("slow").await.unwrap().name(), "slow");

    // The overall timeout bounds an operation with all its retries.
    let bounded = builder(&server)
        .timeout(Duration::from_millis(200))
        .total_timeout(Some(Duration::from_millis(500)))
        .retry_policy(fast().max_retries(100))
        .build()
        .unwrap()
        .connections();
    server.inject_for(Operation::Get, Fault::Delay(Duration::from_secs(2)), 100);
    let start = Instant::now();
    let e = bounded.get("seed-000000").await.unwrap_err();
    let took = start.elapsed();
    server.clear_faults();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.to_string().contains("overall timeout"), "{e}");
    assert!(took < Duration::from_millis(1200), "{took:?}");
    record(
        "a_delay_past_the_request_timeout_is_retried_for_reads_and_unknown_for_creates",
        "2 s delays against a 250 ms request timeout on get; a 600 ms delay on create; an overall timeout of 500 ms",
        &[&server],
        Expected { creates: 1, ..Default::default() },
        &[
            ("client", "retries the read; reports the create as timed out with outcome unknown; stops at the overall timeout".into()),
            ("overall_timeout_took_ms", took.as_millis().to_string()),
        ],
    );
}

#[tokio::test]
async fn a_body_cut_off_is_retried_where_safe_and_reported_where_not() {
    let server = fake().await;
    server.seed(3);
    let conns = client(&server).connections();

    server.inject_for(Operation::Get, Fault::TruncateBody, 2);
    conns.get("seed-000000").await.unwrap();
    server.inject_for(Operation::List, Fault::TruncateBody, 1);
    let page = conns.list().first_page().await.unwrap();
    assert_eq!(page.len(), 3);

    // A create cut off was applied; by default it is not retried and says so.
    server.inject_for(Operation::Create, Fault::TruncateBody, 1);
    let e = conns.create(openai("cut", "sk-cut")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.outcome_unknown());
    assert_eq!(server.stats().creates_committed, 1);

    // An update cut off was applied; its retry meets the new resource_version, and the
    // error says the earlier attempt may have been applied.
    server.inject_for(Operation::Update, Fault::TruncateBody, 1);
    let e = conns
        .update("seed-000001", AuthData::api_key("sk-new"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400), "{e}");
    assert!(e.outcome_unknown(), "{e:?}");
    assert!(e.to_string().contains("may have been applied"), "{e}");
    assert_eq!(
        server.stored_secret("seed-000001").as_deref(),
        Some(r#"{"API_KEY":"sk-new","AUTH_TYPE":"API_KEY"}"#)
    );
    assert_eq!(server.stats().updates_committed, 1);

    // A delete cut off was applied; the retry's 404 is the success it reports.
    server.inject_for(Operation::Delete, Fault::TruncateBody, 1);
    conns.delete("seed-000002").await.unwrap();
    let st = server.stats();
    assert_eq!((st.delete_requests, st.deletes_committed), (2, 1));
    assert_eq!(
        server.connection_names(),
        ["cut", "seed-000000", "seed-000001"]
    );
    record(
        "a_body_cut_off_is_retried_where_safe_and_reported_where_not",
        "answers cut off mid-body on get, list, create, update and delete",
        &[&server],
        Expected { creates: 1, updates: 1, deletes: 1 },
        &[
            ("client", "retries reads; a create or update that may have been applied is an error with outcome_unknown; a delete whose retry finds nothing succeeds".into()),
        ],
    );
}

#[tokio::test]
async fn dropped_connections_lose_and_duplicate_nothing() {
    let server = fake().await;
    server.seed(3);
    let conns = client(&server).connections();

    server.inject_for(Operation::Get, Fault::DropConnection, 3);
    conns.get("seed-000000").await.unwrap();
    server.inject_for(Operation::Update, Fault::DropConnection, 1);
    conns
        .update("seed-000000", AuthData::api_key("sk-upd"))
        .await
        .unwrap();
    server.inject_for(Operation::Delete, Fault::DropAfterCommit, 1);
    conns.delete("seed-000001").await.unwrap();

    // A create whose connection drops is not retried by default: it may have acted.
    server.inject_for(Operation::Create, Fault::DropConnection, 1);
    let e = conns.create(openai("a", "sk-a")).await.unwrap_err();
    assert!(e.outcome_unknown(), "{e:?}");
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert_eq!(server.stats().creates_committed, 0, "it had not");
    server.inject_for(Operation::Create, Fault::DropAfterCommit, 1);
    let e = conns.create(openai("b", "sk-b")).await.unwrap_err();
    assert!(e.outcome_unknown(), "{e:?}");
    assert_eq!(server.stats().creates_committed, 1, "this one had");

    // With retry_creates_on_unknown_outcome, the retry finds out.
    let retrying = builder(&server)
        .retry_policy(fast().retry_creates_on_unknown_outcome(true))
        .build()
        .unwrap()
        .connections();
    server.inject_for(Operation::Create, Fault::DropConnection, 1);
    retrying.create(openai("c", "sk-c")).await.unwrap();
    server.inject_for(Operation::Create, Fault::DropAfterCommit, 1);
    let e = retrying.create(openai("d", "sk-d")).await.unwrap_err();
    assert!(e.is_conflict(), "{e}");
    assert!(e.outcome_unknown());
    assert!(
        e.to_string()
            .contains("possibly created by an earlier attempt"),
        "{e}"
    );
    let st = server.stats();
    assert_eq!(st.creates_committed, 3, "b, c, d: each once");
    assert_eq!(
        server.connection_names(),
        ["b", "c", "d", "seed-000000", "seed-000002"]
    );
    assert_eq!((st.updates_committed, st.deletes_committed), (1, 1));
    record(
        "dropped_connections_lose_and_duplicate_nothing",
        "connections closed without an answer, before (DropConnection) and after (DropAfterCommit) the service acted",
        &[&server],
        Expected { creates: 3, updates: 1, deletes: 1 },
        &[
            ("client", "retries reads, updates, deletes; a create is retried only with retry_creates_on_unknown_outcome, and a 409 after a lost answer says the earlier attempt may have created it".into()),
        ],
    );
}

#[tokio::test]
async fn a_create_refused_before_sending_is_retried() {
    // A port nothing listens on yet: the create's first attempts are refused.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let builder = FakeServer::builder().port(port);
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .credentials(confluent_flink_sql::Credentials::basic(
            "KEY",
            "secret-of-key",
        ))
        .organization_id("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        .environment_id("env-refused")
        .retry_policy(
            RetryPolicy::default()
                .max_retries(6)
                .initial_backoff(Duration::from_millis(150)),
        )
        .build()
        .unwrap();
    let create =
        tokio::spawn(async move { client.connections().create(openai("late", "sk-late")).await });
    tokio::time::sleep(Duration::from_millis(40)).await;
    let server = builder
        .credentials("KEY", "secret-of-key")
        .organization_id("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        .environment_id("env-refused")
        .start()
        .await
        .expect("the port is still free");
    let created = create.await.unwrap().unwrap();
    assert_eq!(created.name(), "late");
    let st = server.stats();
    assert_eq!((st.create_requests, st.creates_committed), (1, 1));
    record(
        "a_create_refused_before_sending_is_retried",
        "a create sent while nothing listens on the port (connection refused), the server starting 40 ms later",
        &[&server],
        Expected { creates: 1, ..Default::default() },
        &[
            ("client", "retries the refused create (nothing was sent) and it is created once".into()),
        ],
    );
}

#[tokio::test]
async fn a_list_meeting_faults_on_its_pages_yields_every_connection_once_in_order() {
    let server = fake().await;
    server.seed(1000);
    let expected = server.connection_names();
    let conns = client(&server).connections();
    let faults = [
        vec![Fault::rate_limited(0)],
        vec![Fault::Status(503), Fault::Status(502)],
        vec![Fault::TruncateBody],
        vec![Fault::DropConnection],
        vec![
            Fault::Status(504),
            Fault::rate_limited(0),
            Fault::TruncateBody,
        ],
        vec![],
    ];
    let mut pages = conns.list().page_size(40).pages();
    let mut names = Vec::new();
    for page_number in 0.. {
        for f in &faults[page_number % faults.len()] {
            server.inject_for(Operation::List, f.clone(), 1);
        }
        match pages.next().await {
            Some(page) => names.extend(page.unwrap().into_iter().map(|c| c.name().to_string())),
            None => break,
        }
        assert_eq!(
            server.pending_faults(),
            0,
            "page {page_number} met its faults"
        );
    }
    let unique: std::collections::HashSet<&String> = names.iter().collect();
    let names_lost = expected.iter().filter(|n| !unique.contains(n)).count();
    assert_eq!(names.len(), 1000);
    assert_eq!(names, expected, "every connection once, in order");
    let st = server.stats();
    assert_eq!(st.list_requests, 25 + st.faults_injected);
    record(
        "a_list_meeting_faults_on_its_pages_yields_every_connection_once_in_order",
        "a list of 1,000 connections, 40 per page, with 429, 502, 503, 504, cut-off bodies and dropped connections on its pages",
        &[&server],
        Expected::default(),
        &[
            ("client", "retries each faulted page; yields 1,000 connections in order".into()),
            ("pages", "25".into()),
            ("connections_yielded", names.len().to_string()),
            ("names_lost", names_lost.to_string()),
            ("names_duplicated", (names.len() - unique.len()).to_string()),
        ],
    );
}

#[tokio::test]
async fn a_write_whose_last_attempt_is_cut_off_says_its_outcome_is_unknown() {
    // One verdict per attempt (not sent, maybe sent, answered) decides retries and
    // outcome_unknown alike: DELETE is a write, so a last attempt that may have reached
    // the service says so, as an update's does; a read's never does.
    let server = fake().await;
    server.seed(2);
    let once = builder(&server)
        .retry_policy(fast().max_retries(0))
        .build()
        .unwrap()
        .connections();
    for (fault, applied) in [(Fault::DropAfterCommit, 1), (Fault::TruncateBody, 2)] {
        let name = format!("seed-00000{}", applied - 1);
        server.inject_for(Operation::Delete, fault, 1);
        let e = once.delete(&name).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
        assert!(e.outcome_unknown(), "{e:?}");
        assert_eq!(server.stats().deletes_committed, applied, "it was applied");
    }
    // Refused before anything was sent: not unknown.
    let gone = builder(&server)
        .base_url("http://127.0.0.1:9")
        .retry_policy(fast().max_retries(0))
        .build()
        .unwrap()
        .connections();
    let e = gone.delete("seed-000000").await.unwrap_err();
    assert!(!e.outcome_unknown(), "{e:?}");
    // A read cut off is never unknown.
    server.seed(1);
    server.inject_for(Operation::Get, Fault::DropConnection, 1);
    let e = once.get("seed-000000").await.unwrap_err();
    assert!(!e.outcome_unknown(), "{e:?}");
}
