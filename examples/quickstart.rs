//! The main job: a whole connection life cycle.
//!
//! ```sh
//! cargo run --features fake --example quickstart
//! ```
//!
//! With `FLINK_API_KEY`, `FLINK_API_SECRET`, `FLINK_REST_ENDPOINT`,
//! `CONFLUENT_ORGANIZATION_ID` and `CONFLUENT_ENVIRONMENT_ID` set, it lists the
//! connections of that environment (read-only). Without them it starts the crate's
//! embedded fake server and walks the life cycle against it: create connections of
//! several types, list them page by page, read one, rotate its secret, delete them.
//! It never prints a secret.

use confluent_flink_sql::connections::{
    AuthData, Connection, ConnectionType, McpTransport, NewConnection,
};
use confluent_flink_sql::fake::FakeServer;
use confluent_flink_sql::{Client, Error, ENV_VARS};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let configured = ENV_VARS
        .iter()
        .filter(|v| std::env::var(v).is_ok_and(|x| !x.is_empty()))
        .count();
    if configured == ENV_VARS.len() {
        let client = Client::from_env()?;
        println!(
            "Listing the connections of {} (read-only)\n",
            client.environment_id()
        );
        return Ok(list_real(&client).await?);
    }
    if configured > 0 {
        // Some but not all: say which are missing rather than silently using the fake.
        Client::from_env()?;
    }
    println!("No Confluent credentials in the environment: using the embedded fake server.\n");
    let server = FakeServer::start().await?;
    let client = server.client_builder().build()?;
    println!(
        "fake server: {}  organization {}  environment {}\n",
        server.base_url(),
        server.organization_id(),
        server.environment_id()
    );
    life_cycle(&client).await?;
    Ok(())
}

async fn list_real(client: &Client) -> Result<(), Error> {
    let all: Vec<Connection> = client
        .connections()
        .list()
        .page_size(100)
        .items()
        .try_collect()
        .await?;
    print_table(&all);
    println!("\n{} connection(s)", all.len());
    Ok(())
}

async fn life_cycle(client: &Client) -> Result<(), Error> {
    let conns = client.connections();
    let new = [
        NewConnection::new(
            "chat-openai",
            ConnectionType::OpenAi,
            "https://api.openai.com/v1/chat/completions",
            AuthData::api_key("sk-quickstart-openai"),
        ),
        NewConnection::new(
            "embed-bedrock",
            ConnectionType::Bedrock,
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v1/invoke",
            AuthData::aws("AKIAQUICKSTART", "quickstart-aws-secret").session_token("quickstart-session"),
        ),
        NewConnection::new(
            "orders-mongodb",
            ConnectionType::parse("MONGODB"),
            "mongodb+srv://cluster0.example.mongodb.net",
            AuthData::basic("flink", "quickstart-password"),
        ),
        NewConnection::new(
            "crm-rest",
            ConnectionType::parse("REST"),
            "https://crm.example.com/api",
            AuthData::oauth2("https://idp.example.com/oauth2/token", "flink", "quickstart-client-secret", "crm.read"),
        ),
        NewConnection::new(
            "tools-mcp",
            ConnectionType::parse("MCP_SERVER"),
            "https://mcp.example.com",
            AuthData::bearer_token("quickstart-token").mcp_transport(McpTransport::StreamableHttp),
        ),
    ];

    println!("1. create {} connections", new.len());
    for c in new {
        let created = conns.create(c).await?;
        println!(
            "   created {:<16} {:<12} phase {}",
            created.name(),
            created.connection_type(),
            phase(&created)
        );
    }

    println!("\n2. list them, two per page");
    let mut pages = conns.list().page_size(2).pages();
    let mut n = 0;
    while let Some(page) = pages.try_next().await? {
        n += 1;
        let names: Vec<&str> = page.items().iter().map(Connection::name).collect();
        println!("   page {n}: {}", names.join(", "));
    }

    println!("\n3. read one");
    let one = conns.get("chat-openai").await?;
    print_table(std::slice::from_ref(&one));

    println!("\n4. rotate its secret (only if nobody changed it meanwhile)");
    conns
        .update_if_unchanged(&one, AuthData::api_key("sk-quickstart-rotated"))
        .await?;
    let after = conns.get("chat-openai").await?;
    println!(
        "   resource_version {} -> {}",
        one.resource_version().unwrap_or("-"),
        after.resource_version().unwrap_or("-")
    );

    println!("\n5. delete them all");
    let all: Vec<Connection> = conns.list().page_size(100).items().try_collect().await?;
    for c in &all {
        conns.delete(c.name()).await?;
        println!("   deleted {}", c.name());
    }
    let left: Vec<Connection> = conns.list().items().try_collect().await?;
    println!("\n{} connection(s) left", left.len());
    Ok(())
}

fn phase(c: &Connection) -> String {
    c.phase()
        .map(ToString::to_string)
        .unwrap_or_else(|| "-".into())
}

fn print_table(rows: &[Connection]) {
    println!(
        "   {:<16} {:<14} {:<10} {:<10} ENDPOINT",
        "NAME", "TYPE", "PHASE", "VERSION"
    );
    for c in rows {
        let endpoint: String = c.endpoint().chars().take(50).collect();
        println!(
            "   {:<16} {:<14} {:<10} {:<10} {}",
            c.name(),
            c.connection_type().to_string(),
            phase(c),
            c.resource_version().unwrap_or("-"),
            endpoint
        );
    }
}
