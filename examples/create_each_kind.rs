//! Create a connection with each kind of secret: one per `AuthData` constructor.
//!
//! ```sh
//! cargo run --features fake --example create_each_kind
//! ```
//!
//! Every connection type takes certain secret groups (an API key for OpenAI, AWS keys
//! for Bedrock, ...); `create` checks the pairing before sending anything, so a
//! mismatch is a validation error, not a round trip. This example writes, so it always
//! runs against the embedded fake server, never against your environment. It prints
//! the secret field names each connection was sent, never their values.

use confluent_flink_sql::connections::{AuthData, ConnectionType, McpTransport, NewConnection};
use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::ErrorKind;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeServer::start().await?;
    let conns = fake.client_builder().build()?.connections();

    let examples = [
        // An API key: OpenAI, Azure OpenAI, Anthropic, Google AI, Pinecone, ...
        NewConnection::new(
            "openai",
            ConnectionType::OpenAi,
            "https://api.openai.com/v1/chat/completions",
            AuthData::api_key("sk-example"),
        ),
        // AWS keys: Bedrock, SageMaker, S3 Vectors.
        NewConnection::new(
            "bedrock",
            ConnectionType::Bedrock,
            "https://bedrock-runtime.us-east-1.amazonaws.com",
            AuthData::aws("AKIAEXAMPLE", "aws-secret-example"),
        ),
        // Temporary AWS credentials carry a session token too.
        NewConnection::new(
            "sagemaker",
            ConnectionType::SageMaker,
            "https://runtime.sagemaker.us-east-1.amazonaws.com",
            AuthData::aws("ASIAEXAMPLE", "aws-secret-example").session_token("session-example"),
        ),
        // A Google service account key (its JSON text): Vertex AI.
        NewConnection::new(
            "vertex",
            ConnectionType::VertexAi,
            "https://us-central1-aiplatform.googleapis.com",
            AuthData::service_key(r#"{"type":"service_account","project_id":"example"}"#),
        ),
        // User name and password: MongoDB, Couchbase, JDBC, Elastic, REST, ...
        // A type by its wire text: a variant when the spec the crate was built from
        // lists it, `ConnectionType::Other` when not (older specs list 7 of the 19
        // types); the secret rules are the same for both.
        NewConnection::new(
            "mongodb",
            ConnectionType::parse("MONGODB"),
            "mongodb+srv://cluster0.example.mongodb.net",
            AuthData::basic("flink", "password-example"),
        ),
        // A bearer token: REST, A2A, MCP.
        NewConnection::new(
            "rest",
            ConnectionType::parse("REST"),
            "https://api.example.com",
            AuthData::bearer_token("token-example"),
        ),
        // OAuth2 client credentials: REST, A2A, MCP.
        NewConnection::new(
            "a2a",
            ConnectionType::parse("A2A"),
            "https://agent.example.com",
            AuthData::oauth2(
                "https://idp.example.com/oauth2/token",
                "client-id",
                "client-secret-example",
                "agent.invoke",
            ),
        ),
        // MCP servers also say how to talk to them: server-sent events ...
        NewConnection::new(
            "mcp-sse",
            ConnectionType::parse("MCP_SERVER"),
            "https://mcp.example.com",
            AuthData::api_key("mcp-key-example").mcp_transport(McpTransport::Sse {
                endpoint: Some("https://mcp.example.com/sse".into()),
            }),
        ),
        // ... or streamable HTTP.
        NewConnection::new(
            "mcp-http",
            ConnectionType::parse("MCP_SERVER"),
            "https://mcp.example.com",
            AuthData::bearer_token("mcp-token-example").mcp_transport(McpTransport::StreamableHttp),
        ),
        // Any JSON object, sent as given: for secret fields this crate does not know yet.
        NewConnection::new(
            "pinecone",
            ConnectionType::parse("PINECONE"),
            "https://example.svc.pinecone.io",
            AuthData::raw(r#"{"API_KEY":"pinecone-example"}"#),
        ),
    ];

    for new in examples {
        let fields = match new.auth_data().field_names() {
            names if names.is_empty() => "(raw JSON)".to_owned(),
            names => names.join(", "),
        };
        let created = conns.create(new).await?;
        println!(
            "created {:<10} {:<12} secret fields: {fields}",
            created.name(),
            created.connection_type().to_string(),
        );
    }

    // A secret group the type does not take is refused before any request.
    let wrong = NewConnection::new(
        "wrong",
        ConnectionType::Bedrock,
        "https://bedrock-runtime.us-east-1.amazonaws.com",
        AuthData::api_key("sk-example"),
    );
    let before = fake.stats().create_requests;
    let err = conns.create(wrong).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(fake.stats().create_requests, before, "nothing was sent");
    println!("\nrefused without a request: {err}");
    println!("{} connection(s) in the fake", fake.connection_count());
    Ok(())
}
