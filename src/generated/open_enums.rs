//! Tests of the open enums `build/open_enums.rs` writes for every enum of the spec: the
//! values the spec lists as variants, `Other` for the rest, and equality by wire text.

use crate::types::{ConnectionPhase, ConnectionType};

#[test]
fn every_known_type_round_trips_through_its_text() {
    for t in ConnectionType::KNOWN {
        assert_eq!(&ConnectionType::parse(t.as_str()), t);
        let json = serde_json::to_string(t).unwrap();
        assert_eq!(&serde_json::from_str::<ConnectionType>(&json).unwrap(), t);
    }
    for p in ConnectionPhase::KNOWN {
        assert_eq!(&ConnectionPhase::parse(p.as_str()), p);
    }
}

#[test]
fn escaped_and_plain_strings_read_the_same_values() {
    let escaped: ConnectionType = serde_json::from_str(r#""OPEN\u0041I""#).unwrap();
    assert_eq!(escaped, ConnectionType::OpenAi);
    let phase: ConnectionPhase = serde_json::from_slice(br#""ACTIVE""#).unwrap();
    assert_eq!(phase, ConnectionPhase::Active);
    let err = serde_json::from_str::<ConnectionPhase>("5").unwrap_err();
    assert!(err.to_string().contains("expected a string"), "{err}");
}

#[test]
fn a_known_value_built_as_other_is_that_value() {
    use std::collections::HashSet;
    for t in ConnectionType::KNOWN {
        let built = ConnectionType::Other(t.as_str().to_string());
        assert_eq!(&built, t);
        assert_eq!(built.cmp(t), std::cmp::Ordering::Equal);
        let set: HashSet<ConnectionType> = [built.clone(), t.clone()].into_iter().collect();
        assert_eq!(set.len(), 1, "{t:?} hashes as its wire text");
        assert_eq!(format!("{built:?}"), format!("{t:?}"));
    }
    let unknown = ConnectionType::Other("NOT_A_LISTED_TYPE".into());
    assert!(ConnectionType::KNOWN.iter().all(|t| t != &unknown));
    assert!(format!("{unknown:?}").contains("Other(\"NOT_A_LISTED_TYPE\")"));
}

#[test]
fn unknown_values_are_kept() {
    let t: ConnectionType = serde_json::from_str("\"NEWTHING\"").unwrap();
    assert_eq!(t, ConnectionType::Other("NEWTHING".into()));
    assert_eq!(serde_json::to_string(&t).unwrap(), "\"NEWTHING\"");
    assert_eq!(format!("{t:?}"), "ConnectionType::Other(\"NEWTHING\")");
}
