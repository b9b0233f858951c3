//! Whatever bytes the service answers with, every operation returns a typed result:
//! never a panic, and a body it cannot read is an error with a secret-free snippet.

#[path = "support/figures.rs"]
mod figures;
#[path = "support/scripted.rs"]
mod scripted;

use std::sync::{Arc, Mutex};

use confluent_flink_sql::connections::{AuthData, ConnectionType, NewConnection};
use confluent_flink_sql::{Client, Credentials, ErrorKind};
use proptest::prelude::*;
use scripted::{Reply, Scripted};

struct Fixture {
    runtime: tokio::runtime::Runtime,
    server: Scripted,
    client: Client,
    reply: Arc<Mutex<Reply>>,
}

fn fixture() -> Fixture {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let reply = Arc::new(Mutex::new(Reply::empty(200)));
    let r = reply.clone();
    let server = runtime.block_on(Scripted::start(move |_| r.lock().unwrap().clone()));
    let client = Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", "secret"))
        .organization_id("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        .environment_id("env-1")
        .max_retries(0)
        .build()
        .unwrap();
    Fixture {
        runtime,
        server,
        client,
        reply,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_operation_types_any_body(
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..512),
            "\\{.{0,200}\\}".prop_map(String::into_bytes),
            Just(br#"{"api_version":"sql/v1","kind":"ConnectionList","metadata":{},"data":[{"name":7}]}"#.to_vec()),
            Just(br#"{"errors":"nope"}"#.to_vec()),
            Just(b"<html><body>Bad Gateway</body></html>".to_vec()),
            Just(br#"{"message":"resource not found"}"#.to_vec()),
            Just(br#"{"error":{"message":"quota exceeded"}}"#.to_vec()),
            Just(br#"{"errors":[{"status":"404","title":"Not Fo"#.to_vec()),
            Just(b"[1,2]".to_vec()),
        ],
        status in prop_oneof![Just(200u16), Just(201), Just(400), Just(401), Just(403), Just(404), Just(409), Just(422), Just(429), Just(500), Just(502), Just(503), Just(418)],
    ) {
        figures::add("proptests_responses", "every_operation_types_any_body", "inputs_tried", 1);
        let f = fixture();
        *f.reply.lock().unwrap() = Reply { status, headers: vec![("content-type".into(), "application/json".into()), ("x-request-id".into(), "req-any".into())], body: body.clone() };
        let conns = f.client.connections();
        let new = NewConnection::new("a", ConnectionType::OpenAi, "https://e", AuthData::api_key("sk-canary-123"));
        let results = f.runtime.block_on(async {
            vec![
                conns.list().first_page().await.map(|_| ()),
                conns.get("a").await.map(|_| ()),
                conns.create(new).await.map(|_| ()),
                conns.delete("a").await,
            ]
        });
        for r in results {
            if let Err(e) = r {
                prop_assert!(matches!(e.kind(), ErrorKind::Api | ErrorKind::Decode), "{e:?}");
                let shown = format!("{e} {e:?}");
                prop_assert!(!shown.contains("sk-canary-123"));
                if e.kind() == ErrorKind::Api { prop_assert_eq!(e.status(), Some(status)); }
                // Any error status, whatever the body: an API error with that status and
                // the request id (issue 14), never a decode error.
                if status >= 400 {
                    prop_assert_eq!(e.kind(), ErrorKind::Api, "{:?}", e);
                    prop_assert_eq!(e.status(), Some(status));
                    prop_assert_eq!(e.request_id(), Some("req-any"));
                }
            }
        }
        prop_assert_eq!(f.server.requests().len(), 4);
    }
}
