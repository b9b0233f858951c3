//! Credentials go only to the configured host: never to the host of a `next` link,
//! `self` link or `Location`, never across a redirect, and never over plain http to a
//! remote host. A second local server stands for the other host and records whatever
//! reaches it. Figures go to `target/figures/credential_scope.txt`.
#![cfg(feature = "fake")]

#[path = "support/figures.rs"]
mod figures;
#[path = "support/lists.rs"]
mod lists;
#[path = "support/new_connections.rs"]
mod new_connections;
#[path = "support/scripted.rs"]
mod scripted;

use confluent_flink_sql::connections::{AuthData, NewConnection};
use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::{Client, Credentials, ErrorKind};
use lists::all_pages;
use scripted::{Reply, Scripted};

const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

fn new(name: &str) -> NewConnection {
    new_connections::openai_at(name, "https://e.example", "sk-scope")
}

#[tokio::test]
async fn links_to_another_host_are_never_followed() {
    let other = Scripted::start(|_| Reply::empty(500)).await;
    let server = FakeServer::builder()
        .advertised_base_url(&other.base_url)
        .start()
        .await
        .unwrap();
    server.seed(35);
    let conns = server.client_builder().build().unwrap().connections();

    let pages = all_pages(conns.list().page_size(10)).await;
    assert_eq!(pages.len(), 4);
    assert_eq!(pages.iter().map(|p| p.len()).sum::<usize>(), 35);
    let created = conns.create(new("made-here")).await.unwrap();
    assert!(created
        .metadata()
        .and_then(|m| m.self_url())
        .unwrap()
        .starts_with(&other.base_url));
    let got = conns.get("made-here").await.unwrap();
    conns
        .update_if_unchanged(&got, AuthData::api_key("sk-scope-2"))
        .await
        .unwrap();
    conns.delete("made-here").await.unwrap();

    assert!(
        other.requests().is_empty(),
        "the other host was sent: {:?}",
        other.requests()
    );
    let st = server.stats();
    assert_eq!(st.list_requests, 4);
    record_scope(
        "links_to_another_host_are_never_followed",
        "next, self and Location links on another local server (4 pages, create, get, update, delete)",
        st.total_requests(),
        other.requests().len(),
    );
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_an_error_and_sends_nothing_there() {
    let other = Scripted::start(|_| Reply::empty(200)).await;
    let target = other.base_url.clone();
    let mut requests_to_configured = 0;
    for status in [301u16, 302, 303, 307, 308] {
        let to = format!("{target}/sql/v1/elsewhere");
        let redirecting = Scripted::start(move |_| {
            Reply::empty(status)
                .header("location", &to)
                .header("x-request-id", "r-redirect")
        })
        .await;
        let conns = Client::builder()
            .base_url(&redirecting.base_url)
            .credentials(Credentials::basic("KEY", "redirect-secret"))
            .organization_id(ORG)
            .environment_id("env-1")
            .build()
            .unwrap()
            .connections();
        let errors = [
            conns.list().first_page().await.map(|_| ()).unwrap_err(),
            conns.get("a").await.map(|_| ()).unwrap_err(),
            conns.create(new("a")).await.map(|_| ()).unwrap_err(),
            conns.delete("a").await.unwrap_err(),
        ];
        for e in errors {
            assert_eq!(e.kind(), ErrorKind::Api, "{e}");
            assert_eq!(e.status(), Some(status), "{e}");
            assert_eq!(e.request_id(), Some("r-redirect"));
            assert!(!e.is_retryable());
            assert!(!e.to_string().contains("redirect-secret"));
        }
        let seen = redirecting.requests();
        assert_eq!(seen.len(), 4, "each operation once, not retried");
        assert!(seen.iter().all(|r| r.header("authorization").is_some()));
        requests_to_configured += seen.len();
    }
    assert!(
        other.requests().is_empty(),
        "a redirect was followed: {:?}",
        other.requests()
    );
    record_scope(
        "a_redirect_to_another_origin_is_an_error_and_sends_nothing_there",
        "every operation answered 301, 302, 303, 307 and 308 with a Location on another local server",
        requests_to_configured as u64,
        other.requests().len(),
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_any_request() {
    for url in [
        "http://flink.us-east-1.aws.confluent.cloud",
        "http://10.0.0.1:8080",
        "HTTP://example.com",
    ] {
        let e = Client::builder()
            .base_url(url)
            .credentials(Credentials::basic("KEY", "plain-secret"))
            .organization_id(ORG)
            .environment_id("env-1")
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{url}: {e}");
        assert!(e.to_string().contains("refusing plain http"), "{e}");
        assert!(!e.to_string().contains("plain-secret"));
    }
    figures::record(
        "credential_scope",
        "plain_http_to_a_remote_host_is_refused_before_any_request",
        &[
            (
                "what",
                "http:// base URLs of remote hosts (name, private IP, upper-case scheme)".into(),
            ),
            (
                "client",
                "refuses to build: no request can carry the credentials in clear".into(),
            ),
            ("requests_to_other_hosts", "0".into()),
        ],
    );
}

fn record_scope(test: &str, what: &str, configured: u64, other: usize) {
    figures::record(
        "credential_scope",
        test,
        &[
            ("what", what.into()),
            ("requests_to_configured_host", configured.to_string()),
            ("requests_to_other_hosts", other.to_string()),
            (
                "client",
                "sends every request, with its credentials, to the configured host only".into(),
            ),
        ],
    );
}
