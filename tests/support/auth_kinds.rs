//! One `AuthData` of every kind the public API builds (each constructor, the AWS session
//! token, both MCP transports, raw JSON text), each with a connection type that takes it.
//!
//! Include it with `#[path = "support/auth_kinds.rs"] mod auth_kinds;`. The values are
//! test strings, not secrets.

#![allow(dead_code)]

use confluent_flink_sql::connections::{AuthData, ConnectionType, McpTransport};

/// One kind of secret.
pub struct AuthKind {
    /// A short label for messages and figures (`api_key`, `aws+session_token`, ...).
    pub label: &'static str,
    /// A connection type that accepts it.
    pub connection_type: ConnectionType,
    /// The secret keys the service receives in `auth_data.data`, sorted.
    pub keys: &'static [&'static str],
    make: fn(&str) -> AuthData,
}

impl AuthKind {
    /// The secret, its values made from `tag` (so that two calls can differ).
    pub fn auth_data(&self, tag: &str) -> AuthData {
        (self.make)(tag)
    }
}

/// Every kind, in the order the README lists the constructors.
pub fn all() -> Vec<AuthKind> {
    use ConnectionType as T;
    vec![
        AuthKind {
            label: "api_key",
            connection_type: T::OpenAi,
            keys: &["API_KEY", "AUTH_TYPE"],
            make: |t| AuthData::api_key(format!("sk-{t}")),
        },
        AuthKind {
            label: "aws",
            connection_type: T::Bedrock,
            keys: &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
            make: |t| AuthData::aws(format!("AKIA{t}"), format!("aws-secret-{t}")),
        },
        AuthKind {
            label: "aws+session_token",
            connection_type: T::SageMaker,
            keys: &[
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
            ],
            make: |t| {
                AuthData::aws(format!("ASIA{t}"), format!("aws-secret-{t}"))
                    .session_token(format!("session-{t}"))
            },
        },
        AuthKind {
            label: "service_key",
            connection_type: T::VertexAi,
            keys: &["SERVICE_KEY"],
            make: |t| {
                AuthData::service_key(format!(
                    r#"{{"type":"service_account","private_key_id":"{t}"}}"#
                ))
            },
        },
        AuthKind {
            label: "basic",
            connection_type: T::parse("MONGODB"),
            keys: &["AUTH_TYPE", "PASSWORD", "USERNAME"],
            make: |t| AuthData::basic(format!("user-{t}"), format!("password-{t}")),
        },
        AuthKind {
            label: "bearer_token",
            connection_type: T::parse("REST"),
            keys: &["AUTH_TYPE", "BEARER_TOKEN"],
            make: |t| AuthData::bearer_token(format!("bearer-{t}")),
        },
        AuthKind {
            label: "oauth2",
            connection_type: T::parse("A2A"),
            keys: &[
                "AUTH_TYPE",
                "OAUTH2_CLIENT_ID",
                "OAUTH2_CLIENT_SECRET",
                "OAUTH2_SCOPE",
                "OAUTH2_TOKEN_ENDPOINT",
            ],
            make: |t| {
                AuthData::oauth2(
                    "https://idp.example/oauth2/token",
                    format!("client-{t}"),
                    format!("client-secret-{t}"),
                    "inference",
                )
            },
        },
        AuthKind {
            label: "mcp_transport(Sse+endpoint)",
            connection_type: T::parse("MCP_SERVER"),
            keys: &["API_KEY", "AUTH_TYPE", "SSE_ENDPOINT", "TRANSPORT_TYPE"],
            make: |t| {
                AuthData::api_key(format!("mcp-{t}")).mcp_transport(McpTransport::Sse {
                    endpoint: Some("https://mcp.example/sse".into()),
                })
            },
        },
        AuthKind {
            label: "mcp_transport(Sse)",
            connection_type: T::parse("MCP_SERVER"),
            keys: &["AUTH_TYPE", "BEARER_TOKEN", "TRANSPORT_TYPE"],
            make: |t| {
                AuthData::bearer_token(format!("mcp-{t}"))
                    .mcp_transport(McpTransport::Sse { endpoint: None })
            },
        },
        AuthKind {
            label: "mcp_transport(StreamableHttp)",
            connection_type: T::parse("MCP_SERVER"),
            keys: &["AUTH_TYPE", "PASSWORD", "TRANSPORT_TYPE", "USERNAME"],
            make: |t| {
                AuthData::basic(format!("mcp-user-{t}"), format!("mcp-password-{t}"))
                    .mcp_transport(McpTransport::StreamableHttp)
            },
        },
        AuthKind {
            label: "raw",
            connection_type: T::parse("ELASTIC"),
            keys: &["API_KEY"],
            make: |t| AuthData::raw(format!(r#"{{"API_KEY":"elastic-{t}"}}"#)),
        },
    ]
}
