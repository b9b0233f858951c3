//! Case 6 of `scripts/check-regeneration.sh`: the spec's `connection_type` lists no
//! longer name `MCP_SERVER` and `PINECONE` (the oldest published versions list 7 of
//! today's 19 types). The crate must still build, and the hand-written layer must treat
//! such a type by its wire text: `ConnectionType::Other`, with the service's secret
//! rules for it (an MCP server takes a transport and an agent's secrets, not AWS keys),
//! created and read back through the client (127.0.0.1).

#[path = "support/regen_common.rs"]
mod common;
#[path = "support/scripted.rs"]
mod scripted;

use confluent_flink_sql::connections::{AuthData, ConnectionType, McpTransport, NewConnection};
use scripted::{Reply, Scripted};

use common::{client, connection, COLLECTION};

#[test]
fn a_type_the_spec_no_longer_lists_is_other() {
    for text in ["MCP_SERVER", "PINECONE"] {
        let t = ConnectionType::parse(text);
        assert_eq!(t, ConnectionType::Other(text.into()), "{text}");
        assert_eq!(t.as_str(), text);
        assert!(
            !ConnectionType::KNOWN.iter().any(|k| k.as_str() == text),
            "{text} in {:?}",
            ConnectionType::KNOWN
        );
    }
    // The others stay.
    assert!(ConnectionType::KNOWN.iter().any(|k| k.as_str() == "OPENAI"));
}

#[test]
fn the_services_secret_rules_still_apply_to_it() {
    let mcp = || ConnectionType::parse("MCP_SERVER");
    let with = |auth: AuthData| NewConnection::new("c1", mcp(), "https://mcp.example", auth);
    with(AuthData::bearer_token("t").mcp_transport(McpTransport::StreamableHttp))
        .validate()
        .unwrap();
    with(AuthData::api_key("k")).validate().unwrap();
    let err = with(AuthData::aws("a", "b")).validate().unwrap_err();
    assert!(err.to_string().contains("MCP_SERVER"), "{err}");
    // A transport is for MCP servers only, whether or not the spec lists the type.
    let pinecone = NewConnection::new(
        "c2",
        ConnectionType::parse("PINECONE"),
        "https://x.pinecone.io",
        AuthData::api_key("k").mcp_transport(McpTransport::StreamableHttp),
    );
    assert!(pinecone.validate().is_err());
}

#[tokio::test]
async fn it_is_created_and_read_back_by_its_wire_text() {
    let server = Scripted::start(|_| {
        let mut answer = connection("tools");
        answer["spec"]["connection_type"] = "MCP_SERVER".into();
        Reply::json(201, answer)
    })
    .await;
    let created = client(&server)
        .connections()
        .create(NewConnection::new(
            "tools",
            ConnectionType::parse("MCP_SERVER"),
            "https://mcp.example",
            AuthData::bearer_token("tok").mcp_transport(McpTransport::StreamableHttp),
        ))
        .await
        .unwrap();
    assert_eq!(created.connection_type().as_str(), "MCP_SERVER");
    let requests = server.requests();
    let post = requests.iter().find(|r| r.method == "POST").expect("a POST");
    assert_eq!(post.path(), COLLECTION);
    assert_eq!(post.json()["spec"]["connection_type"], "MCP_SERVER");
}
