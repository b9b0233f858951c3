//! Case 2 of `scripts/check-regeneration.sh`: the spec's `connection_type` lists a new
//! value, `REGEN_CHECK_TYPE`. The public enum must follow: a variant named as typify
//! names it, read from and written as the wire value, and among the known values; and
//! the hand-written layer takes it (it builds, and a new connection of that type passes
//! the client's checks: which secrets it takes is the service's to judge).

use confluent_flink_sql::connections::{AuthData, Connection, ConnectionType, NewConnection};

#[test]
fn the_value_is_a_known_variant() {
    let t = ConnectionType::RegenCheckType;
    assert_eq!(ConnectionType::parse("REGEN_CHECK_TYPE"), t);
    assert_eq!("REGEN_CHECK_TYPE".parse::<ConnectionType>().unwrap(), t);
    assert_eq!(t.as_str(), "REGEN_CHECK_TYPE");
    assert_eq!(ConnectionType::parse(t.as_str()), t);
    assert!(
        ConnectionType::KNOWN.contains(&t),
        "{:?}",
        ConnectionType::KNOWN
    );
    // Not the catch-all.
    assert!(!matches!(
        ConnectionType::parse("REGEN_CHECK_TYPE"),
        ConnectionType::Other(_)
    ));
}

#[test]
fn a_connection_of_that_type_reads_and_writes() {
    let c: Connection = serde_json::from_str(
        r#"{"name": "c1", "spec": {"connection_type": "REGEN_CHECK_TYPE", "endpoint": "https://x"}}"#,
    )
    .unwrap();
    assert_eq!(c.connection_type(), &ConnectionType::RegenCheckType);
    let back = serde_json::to_value(&c).unwrap();
    assert_eq!(back["spec"]["connection_type"], "REGEN_CHECK_TYPE");
}

#[test]
fn a_new_connection_of_that_type_passes_the_clients_checks() {
    let new = NewConnection::new(
        "c1",
        ConnectionType::RegenCheckType,
        "https://x.example/v1",
        AuthData::api_key("k"),
    );
    new.validate().unwrap();
}
