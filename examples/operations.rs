//! Every operation of the spec as generated, and what the crate does not know yet.
//!
//! ```sh
//! cargo run --features fake --example operations
//! ```
//!
//! `client.operations()` has one method per operation in `openapi/`, named after its
//! `operationId`: the generated parameters and answer (status, headers, body), with the
//! client's credentials, retries, tracing and `Error`. An operation Confluent adds to the
//! spec is there after a build. The model it answers is generated too: every property a
//! public field, and what the spec does not declare kept in `unknown_fields`.
//!
//! With the `FLINK_*` / `CONFLUENT_*` variables set, it lists your environment
//! (read-only). Otherwise it starts the embedded fake server holding 20 connections.

use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::types::ConnectionType;
use confluent_flink_sql::{Client, ENV_VARS};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _fake) = if ENV_VARS.iter().any(|v| std::env::var_os(v).is_some()) {
        (Client::from_env()?, None)
    } else {
        let fake = FakeServer::start().await?;
        fake.seed(20);
        (fake.client_builder().build()?, Some(fake))
    };
    let ops = client.operations();

    // `listSqlv1Connections`, one page, as the service answered it.
    let page = ops.list_sqlv1_connections(Some(10), None, None).await?;
    println!(
        "listSqlv1Connections: HTTP {}, request id {}",
        page.status(),
        page.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
    );
    let page = page.into_inner();
    for c in &page.data {
        // Generated fields, documented with the spec's own descriptions.
        println!(
            "  {:<20} {:<12} {}",
            c.name(),
            c.spec.connection_type,
            c.spec.endpoint
        );
    }
    if let Some(first) = page.data.first() {
        // `getSqlv1Connection`.
        let got = ops.get_sqlv1_connection(first.name()).await?.into_inner();
        println!(
            "getSqlv1Connection {}: resource_version {:?}, {} property(ies) this spec does not declare",
            got.name(),
            got.resource_version(),
            got.unknown_fields.len() + got.spec.unknown_fields.len()
        );
    }
    // A filter by an open enum: any value the service knows, named or not.
    let openai = ops
        .list_sqlv1_connections(Some(100), None, Some(ConnectionType::OpenAi))
        .await?
        .into_inner();
    println!(
        "{} OPENAI connection(s) on the first page",
        openai.data.len()
    );
    assert!(openai
        .data
        .iter()
        .all(|c| c.spec.connection_type == ConnectionType::OpenAi));

    // A request body is built with `new` (what the spec requires), then optional
    // fields: code that keeps compiling when Confluent adds an optional property.
    if _fake.is_some() {
        use confluent_flink_sql::connections::AuthData;
        use confluent_flink_sql::types::{
            CreateSqlv1ConnectionBody, CreateSqlv1ConnectionBodySpec,
        };
        let spec = CreateSqlv1ConnectionBodySpec::new(
            (&AuthData::api_key("sk-example")).into(),
            ConnectionType::OpenAi,
            "https://api.openai.com/v1/chat/completions".parse()?,
        );
        let body = CreateSqlv1ConnectionBody::new("built-with-new".parse()?, spec);
        let created = ops.create_sqlv1_connection(&body).await?.into_inner();
        println!("createSqlv1Connection: {} created", created.name());
    }

    // An error is the crate's one Error, with the status and request id.
    match ops.get_sqlv1_connection("no-such-connection").await {
        Err(e) if e.is_not_found() => println!("getSqlv1Connection no-such-connection: {e}"),
        other => return Err(format!("expected a 404, got {other:?}").into()),
    }
    Ok(())
}
