//! New OpenAI connections with an API key, the connection most client-driven tests create.
//!
//! Include it with `#[path = "support/new_connections.rs"] mod new_connections;`.

#![allow(dead_code)]

use confluent_flink_sql::connections::{AuthData, ConnectionType, NewConnection};

/// A new OpenAI connection named `name` to the chat completions endpoint, with API key
/// `key`.
pub fn openai(name: impl Into<String>, key: impl Into<String>) -> NewConnection {
    openai_at(name, "https://api.openai.com/v1/chat/completions", key)
}

/// A new OpenAI connection named `name` to `endpoint`, with API key `key`.
pub fn openai_at(
    name: impl Into<String>,
    endpoint: impl Into<String>,
    key: impl Into<String>,
) -> NewConnection {
    NewConnection::new(
        name,
        ConnectionType::OpenAi,
        endpoint,
        AuthData::api_key(key),
    )
}
