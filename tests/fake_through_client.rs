//! Each behaviour of the fake service, seen through the crate's own client: the typed
//! errors (401, 403, 404, 409, 422 and 400 with their source pointer or parameter),
//! paging (default and largest page, opaque tokens, totals), request ids on every
//! answer, the created connection, resource versions, and concurrent creates.
//! Figures go to `target/figures/fake_through_client.txt`.
#![cfg(feature = "fake")]

#[path = "support/figures.rs"]
mod figures;
#[path = "support/lists.rs"]
mod lists;
#[path = "support/new_connections.rs"]
mod new_connections;

use std::collections::HashSet;
use std::sync::Arc;

use confluent_flink_sql::connections::{AuthData, ConnectionPhase, ConnectionType, NewConnection};
use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::{Credentials, Error, ErrorKind};
use lists::{all_items, all_pages};

const GROUP: &str = "fake_through_client";

fn openai(name: &str) -> NewConnection {
    new_connections::openai(name, "sk-behaviour")
}

/// The one error object of `e`, checked to carry `status` and a request id.
fn only_detail(e: &Error, status: u16) -> &confluent_flink_sql::ErrorDetail {
    assert_eq!(e.kind(), ErrorKind::Api, "{e}");
    assert_eq!(e.status(), Some(status), "{e}");
    assert!(e.request_id().is_some_and(|id| !id.is_empty()), "{e:?}");
    assert_eq!(e.details().len(), 1, "{e:?}");
    let d = &e.details()[0];
    assert_eq!(d.status(), Some(status.to_string().as_str()));
    d
}

#[tokio::test]
async fn every_error_status_arrives_typed_with_its_source() {
    let server = FakeServer::start().await.unwrap();
    server.seed(1);
    let good = server.client_builder().build().unwrap().connections();

    // 401: wrong secret (its WWW-Authenticate header is checked by tests/fake_server.rs).
    let e = server
        .client_builder()
        .credentials(Credentials::basic(server.api_key(), "wrong-secret"))
        .build()
        .unwrap()
        .connections()
        .get("seed-000000")
        .await
        .unwrap_err();
    assert_eq!(only_detail(&e, 401).code(), Some("user_unauthenticated"));
    assert!(!e.is_retryable());

    // 403: an organization or environment the key may not use.
    for b in [
        server.client_builder().environment_id("env-other"),
        server
            .client_builder()
            .organization_id("00000000-0000-4000-8000-000000000000"),
    ] {
        let e = b
            .build()
            .unwrap()
            .connections()
            .list()
            .first_page()
            .await
            .unwrap_err();
        assert_eq!(only_detail(&e, 403).code(), Some("user_unauthorized"));
    }

    // 404.
    let e = good.get("missing").await.unwrap_err();
    assert!(e.is_not_found());
    assert_eq!(only_detail(&e, 404).code(), Some("not_found"));
    let e = good.delete("missing").await.unwrap_err();
    assert!(e.is_not_found());

    // 409, pointing at the name.
    good.create(openai("taken")).await.unwrap();
    let e = good.create(openai("taken")).await.unwrap_err();
    assert!(e.is_conflict());
    assert!(!e.outcome_unknown(), "nothing was lost: a plain conflict");
    let d = only_detail(&e, 409);
    assert_eq!(d.code(), Some("resource_already_exists"));
    assert_eq!(d.source_pointer(), Some("/name"));

    // 422, pointing at what the service refused (the client cannot check these: a
    // type it does not know, and keys it does not know).
    let e = good
        .create(NewConnection::new(
            "quantum",
            ConnectionType::Other("QUANTUM".into()),
            "https://q.example",
            AuthData::raw(r#"{"API_KEY":"sk-q"}"#),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        only_detail(&e, 422).source_pointer(),
        Some("/spec/connection_type")
    );
    let e = good
        .create(NewConnection::new(
            "odd-keys",
            ConnectionType::OpenAi,
            "https://q.example",
            AuthData::raw(r#"{"TOKEN":"sk-q"}"#),
        ))
        .await
        .unwrap_err();
    let d = only_detail(&e, 422);
    assert_eq!(d.code(), Some("invalid_configuration"));
    assert_eq!(d.source_pointer(), Some("/spec/auth_data/data"));
    assert!(e.to_string().contains("[at /spec/auth_data/data]"), "{e}");

    // 400 with the query parameter: a page token this server never issued.
    let e = good
        .list()
        .page_token("forged-token")
        .first_page()
        .await
        .unwrap_err();
    let d = only_detail(&e, 400);
    assert_eq!(d.source_parameter(), Some("page_token"));
    assert!(e.to_string().contains("[parameter page_token]"), "{e}");

    figures::record(
        GROUP,
        "every_error_status_arrives_typed_with_its_source",
        &[
            ("what", "401, 403 (organization, environment), 404, 409, 422 (type, keys), 400 (page_token)".into()),
            ("requests", server.stats().total_requests().to_string()),
            ("client", "an Api error with status, request id and the decoded error object with its source pointer or parameter".into()),
        ],
    );
}

#[tokio::test]
async fn paging_default_and_largest_pages_opaque_tokens_totals_and_request_ids() {
    let server = FakeServer::start().await.unwrap();
    server.seed(150);
    let conns = server.client_builder().build().unwrap().connections();

    let first = conns.list().first_page().await.unwrap();
    assert_eq!(first.len(), 10, "the service's default page size");
    assert_eq!(first.total_size(), Some(150));
    let token = first.next_page_token().unwrap().to_string();
    assert!(!token.contains("seed-"), "opaque: {token}");

    let biggest = conns.list().page_size(100).first_page().await.unwrap();
    assert_eq!(biggest.len(), 100);
    let e = conns.list().page_size(101).first_page().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "refused before sending");

    // The token is read from an absolute `next` URL and resumes where the page ended.
    let resumed = conns.list().page_token(token).first_page().await.unwrap();
    assert_eq!(resumed.items()[0].name(), "seed-000010");

    let pages = all_pages(conns.list().page_size(40)).await;
    assert_eq!(
        pages.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [40, 40, 40, 30]
    );
    assert!(pages.iter().all(|p| p.total_size() == Some(150)));
    let ids: HashSet<_> = pages.iter().map(|p| p.request_id().unwrap()).collect();
    assert_eq!(ids.len(), 4, "a request id per answer");
    assert_eq!(pages[3].next_page_token(), None);

    // Filtered lists count only their type (19 types cycle through the seed).
    let openai = all_items(conns.list().connection_type(ConnectionType::OpenAi)).await;
    assert_eq!(openai.len(), 8);
    assert!(openai
        .iter()
        .all(|c| c.connection_type() == &ConnectionType::OpenAi));
    figures::record(
        GROUP,
        "paging_default_and_largest_pages_opaque_tokens_totals_and_request_ids",
        &[
            ("what", "150 connections: default page, page of 100, 101 refused, resume from a token, pages of 40, a filtered list".into()),
            ("requests", server.stats().total_requests().to_string()),
            ("client", "10 by default, 100 at most, tokens opaque and resumable, total_size and a distinct request id on every page".into()),
        ],
    );
}

#[tokio::test]
async fn creates_updates_and_stale_versions() {
    let server = FakeServer::start().await.unwrap();
    let conns = server.client_builder().build().unwrap().connections();

    let created = conns.create(openai("versioned")).await.unwrap();
    assert_eq!(created.phase(), Some(&ConnectionPhase::Active));
    assert_eq!(
        created.metadata().and_then(|m| m.self_url()),
        Some(format!("{}/versioned", server.connections_url()).as_str()),
        "the created resource's URL, as in Location"
    );
    assert_eq!(created.connection_type(), &ConnectionType::OpenAi);

    let mut versions = vec![created.resource_version().unwrap().to_string()];
    for i in 0..3 {
        conns
            .update("versioned", AuthData::api_key(format!("sk-{i}")))
            .await
            .unwrap();
        let now = conns.get("versioned").await.unwrap();
        versions.push(now.resource_version().unwrap().to_string());
    }
    let distinct: HashSet<_> = versions.iter().collect();
    assert_eq!(distinct.len(), 4, "a new version per update: {versions:?}");
    assert_eq!(
        server.stored_secret("versioned").as_deref(),
        Some(r#"{"API_KEY":"sk-2","AUTH_TYPE":"API_KEY"}"#)
    );

    // Updating from the connection as it was at create time: refused, typed.
    let e = conns
        .update_if_unchanged(&created, AuthData::api_key("sk-stale"))
        .await
        .unwrap_err();
    let d = only_detail(&e, 400);
    assert_eq!(d.source_pointer(), Some("/metadata/resource_version"));
    assert_eq!(d.code(), Some("resource_version_mismatch"));
    assert!(!e.outcome_unknown());
    assert!(!e.to_string().contains("sk-stale"));
    assert_eq!(
        server.stored_secret("versioned").as_deref(),
        Some(r#"{"API_KEY":"sk-2","AUTH_TYPE":"API_KEY"}"#),
        "the stale update changed nothing"
    );
    figures::record(
        GROUP,
        "creates_updates_and_stale_versions",
        &[
            ("what", "create, three updates, then an update from the version of create time".into()),
            ("resource_versions_seen", distinct.len().to_string()),
            ("updates_committed", server.stats().updates_committed.to_string()),
            ("client", "phase ACTIVE on create; a new resource_version per update; the stale update is a 400 at /metadata/resource_version".into()),
        ],
    );
}

#[tokio::test]
async fn concurrent_creates_one_name_once_distinct_names_all() {
    let server = FakeServer::start().await.unwrap();
    let conns = Arc::new(server.client_builder().build().unwrap().connections());

    let same: Vec<_> = futures::future::join_all((0..16).map(|_| {
        let conns = conns.clone();
        tokio::spawn(async move { conns.create(openai("contested")).await })
    }))
    .await
    .into_iter()
    .map(|r| r.unwrap())
    .collect();
    let won = same.iter().filter(|r| r.is_ok()).count();
    let conflicts = same
        .iter()
        .filter(|r| r.as_ref().is_err_and(|e| e.is_conflict()))
        .count();
    assert_eq!((won, conflicts), (1, 15));

    let distinct: Vec<_> = futures::future::join_all((0..48).map(|i| {
        let conns = conns.clone();
        tokio::spawn(async move { conns.create(openai(&format!("many-{i:02}"))).await })
    }))
    .await;
    assert!(distinct.iter().all(|r| r.as_ref().unwrap().is_ok()));
    let mut expected: Vec<String> = (0..48).map(|i| format!("many-{i:02}")).collect();
    expected.insert(0, "contested".into());
    expected.sort();
    assert_eq!(server.connection_names(), expected);
    let st = server.stats();
    assert_eq!(st.creates_committed, 49);
    assert_eq!(st.create_requests, 64);
    figures::record(
        GROUP,
        "concurrent_creates_one_name_once_distinct_names_all",
        &[
            ("what", "16 concurrent creates of one name, then 48 concurrent creates of distinct names".into()),
            ("creates_asked", "64".into()),
            ("creates_committed", st.creates_committed.to_string()),
            ("same_name_succeeded", won.to_string()),
            ("same_name_conflicts", conflicts.to_string()),
            ("stored", server.connection_count().to_string()),
            ("client", "exactly one create of the contested name succeeds, the others are 409; every distinct name is stored once".into()),
        ],
    );
}
