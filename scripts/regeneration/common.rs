//! What every case of `scripts/check-regeneration.sh` shares: a client pointed at a
//! scripted server on 127.0.0.1, and a connection as the service answers it. Copied
//! into the crate copy's `tests/support/regen_common.rs`; each case includes it with `#[path]`.

#![allow(dead_code)]

use std::time::Duration;

use confluent_flink_sql::{Client, Credentials, RetryPolicy};
use serde_json::{json, Value};

use crate::scripted::Scripted;

pub const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
pub const ENV: &str = "env-123";
pub const COLLECTION: &str =
    "/sql/v1/organizations/3fa85f64-5717-4562-b3fc-2c963f66afa6/environments/env-123/connections";

/// A client of `server`; no retries, so an error answer is the error.
pub fn client(server: &Scripted) -> Client {
    Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", "secret"))
        .organization_id(ORG)
        .environment_id(ENV)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .max_retries(0)
        .build()
        .unwrap()
}

/// A connection as get answers it.
pub fn connection(name: &str) -> Value {
    json!({
        "api_version": "sql/v1",
        "kind": "Connection",
        "metadata": {
            "self": format!("https://flink.example{COLLECTION}/{name}"),
            "uid": format!("uid-{name}"),
            "resource_version": "v1",
            "created_at": "2024-01-02T03:04:05Z"
        },
        "name": name,
        "spec": {"connection_type": "OPENAI", "endpoint": "https://api.openai.com/v1/chat/completions"},
        "status": {"phase": "ACTIVE", "detail": "ok"}
    })
}

/// The service's error body.
pub fn failure(status: u16, code: &str) -> Value {
    json!({"errors": [{"id": "e1", "status": status.to_string(), "code": code,
                       "title": "Regen Check", "detail": "answered by the check"}]})
}
