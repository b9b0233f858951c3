//! The public data types serialise (JSON and YAML) in the service's shape, and a
//! connection's secret is never written, even when the service returned it.

#[path = "support/scripted.rs"]
mod scripted;

use confluent_flink_sql::connections::{
    Connection, ConnectionMetadata, ConnectionPhase, ConnectionType,
};
use confluent_flink_sql::{Client, Credentials, ErrorDetail};
use futures::TryStreamExt;
use scripted::{Reply, Scripted};
use serde_json::{json, Value};

const SECRET: &str = "sk-canary-serde-4411";
const PASSWORD: &str = "pw-canary-serde-8812";

/// A connection as the service sends it, secret included.
fn connection(name: &str, ctype: &str, data: &str) -> Value {
    json!({"api_version": "sql/v1", "kind": "Connection",
        "metadata": {"self": format!("https://flink.example/connections/{name}"),
            "resource_version": "rv-7", "created_at": "2024-05-01T10:00:00Z"},
        "name": name,
        "spec": {"connection_type": ctype, "endpoint": "https://e.example",
            "auth_data": {"kind": "PlaintextProvider", "data": data}},
        "status": {"phase": "INVALID_AUTH", "detail": "401 from the endpoint"}})
}

async fn fetched() -> (Connection, Vec<Connection>) {
    let one = connection("chat", "OPENAI", &format!("{{\"API_KEY\":\"{SECRET}\"}}"));
    let other = connection(
        "orders",
        "MONGODB",
        &format!("{{\"USERNAME\":\"u\",\"PASSWORD\":\"{PASSWORD}\"}}"),
    );
    let server = Scripted::start(move |r| {
        if r.path().ends_with("/connections") {
            Reply::json(
                200,
                json!({"api_version": "sql/v1", "kind": "ConnectionList",
                    "metadata": {"total_size": 2}, "data": [one.clone(), other.clone()]}),
            )
        } else {
            Reply::json(200, one.clone())
        }
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .credentials(Credentials::basic("key", "secret"))
        .organization_id("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        .environment_id("env-1")
        .build()
        .unwrap();
    let conns = client.connections();
    let got = conns.get("chat").await.unwrap();
    let all = conns.list().items().try_collect().await.unwrap();
    (got, all)
}

#[tokio::test]
async fn json_and_yaml_carry_the_fields_but_never_the_secret() {
    let (got, all) = fetched().await;
    assert!(
        got.auth_data().is_some(),
        "the service returned the secret, so there is one not to write"
    );

    let json_one = serde_json::to_value(&got).unwrap();
    assert_eq!(
        json_one,
        json!({"api_version": "sql/v1", "kind": "Connection",
            "metadata": {"self": "https://flink.example/connections/chat",
                "resource_version": "rv-7", "created_at": "2024-05-01T10:00:00Z"},
            "name": "chat",
            "spec": {"connection_type": "OPENAI", "endpoint": "https://e.example"},
            "status": {"phase": "INVALID_AUTH", "detail": "401 from the endpoint"}}),
        "the service's shape, without auth_data"
    );

    let yaml_all = serde_yaml::to_string(&all).unwrap();
    let back: Vec<Connection> = serde_yaml::from_str(&yaml_all).unwrap();
    assert_eq!(
        back.iter().map(Connection::name).collect::<Vec<_>>(),
        ["chat", "orders"]
    );
    assert_eq!(back[1].connection_type(), &ConnectionType::parse("MONGODB"));
    assert_eq!(back[1].phase(), Some(&ConnectionPhase::InvalidAuth));
    assert!(back.iter().all(|c| c.auth_data().is_none()));

    let outputs = [
        serde_json::to_string(&got).unwrap(),
        serde_json::to_string_pretty(&all).unwrap(),
        serde_yaml::to_string(&got).unwrap(),
        yaml_all,
        serde_yaml::to_string(got.metadata().unwrap()).unwrap(),
    ];
    for out in &outputs {
        assert!(!out.contains(SECRET), "secret written: {out}");
        assert!(!out.contains(PASSWORD), "password written: {out}");
        assert!(!out.contains("auth_data"), "auth_data written: {out}");
    }
}

#[test]
fn the_small_types_round_trip_through_json_and_yaml() {
    for t in ConnectionType::KNOWN
        .iter()
        .cloned()
        .chain([ConnectionType::Other("NEWTHING".into())])
    {
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, format!("\"{}\"", t.as_str()));
        assert_eq!(
            serde_yaml::from_str::<ConnectionType>(&serde_yaml::to_string(&t).unwrap()).unwrap(),
            t
        );
    }
    for p in ConnectionPhase::KNOWN {
        assert_eq!(serde_yaml::to_string(p).unwrap().trim(), p.as_str());
    }

    let metadata: ConnectionMetadata =
        serde_yaml::from_str("self: https://x\nresource_version: rv-1\nuid: u-1\n").unwrap();
    assert_eq!(metadata.resource_version(), Some("rv-1"));
    assert_eq!(
        serde_json::to_value(&metadata).unwrap(),
        json!({"self": "https://x", "uid": "u-1", "resource_version": "rv-1"})
    );

    let detail = json!({"id": "e-1", "status": "409", "code": "resource_already_exists",
        "title": "Conflict", "detail": "exists", "source": {"pointer": "/name"}});
    let parsed: ErrorDetail = serde_json::from_value(detail.clone()).unwrap();
    assert_eq!(serde_json::to_value(&parsed).unwrap(), detail);
    let yaml = serde_yaml::to_string(&parsed).unwrap();
    assert_eq!(serde_yaml::from_str::<ErrorDetail>(&yaml).unwrap(), parsed);
}
