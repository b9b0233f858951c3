//! Reading the service's date-times and strings without needless work.
//!
//! Every generated date-time field is read by [`optional`] or [`required`]
//! (`build/model.rs` sets `deserialize_with`): chrono's RFC 3339 parser first, and the
//! rules chrono's own `Deserialize` follows (`FromStr`) for anything else, so no value
//! chrono reads is refused. chrono's `Deserialize` goes through its general format
//! parser, which took a sixth of the time of decoding a page (BENCHMARKS.md).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::Visitor;
use serde::{Deserialize, Deserializer};

/// One date-time, as chrono's `Deserialize` would read it.
struct Timestamp(DateTime<Utc>);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        with_str(d, |text| match DateTime::parse_from_rfc3339(text) {
            Ok(t) => Ok(Timestamp(t.with_timezone(&Utc))),
            Err(_) => text.parse().map(Timestamp).map_err(|e| e.to_string()),
        })
    }
}

/// An optional date-time (`null` or absent is `None`).
pub(crate) fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Option::<Timestamp>::deserialize(d)?.map(|t| t.0))
}

/// A required date-time.
#[allow(dead_code)] // used by the generated code when the spec requires a date-time
pub(crate) fn required<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    Ok(Timestamp::deserialize(d)?.0)
}

/// Reads a string and gives it to `read`, without copying it when the JSON holds it
/// unescaped (serde's `Cow<str>` always copies).
pub(crate) fn with_str<'de, D, T, F>(d: D, read: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> Result<T, String>,
{
    struct Text<F>(F);
    impl<'de, T, F: FnOnce(&str) -> Result<T, String>> Visitor<'de> for Text<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            (self.0)(v).map_err(E::custom)
        }
    }
    d.deserialize_str(Text(read))
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use crate::types::ConnectionMetadata;

    #[test]
    fn timestamps_read_as_chronos_deserialize_reads_them() {
        let cases = [
            "2006-01-02T15:04:05-07:00",
            "2025-11-10T16:20:00Z",
            "2025-11-10T16:20:00.123456789Z",
            "2025-11-10t16:20:00z",
            "2025-11-10 16:20:00+05:30",
            "2025-11-10T16:20:00.5+00:00",
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:60Z",
            "2025-11-10T16:20:00",
            "2025-11-10",
            "2025-13-10T16:20:00Z",
            "not a date",
            "",
        ];
        for text in cases {
            let json = serde_json::to_string(text).unwrap();
            let theirs = serde_json::from_str::<DateTime<Utc>>(&json).ok();
            let meta = format!(r#"{{"created_at":{json},"updated_at":null}}"#);
            let ours = serde_json::from_str::<ConnectionMetadata>(&meta)
                .ok()
                .map(|m| m.created_at);
            match theirs {
                Some(t) => assert_eq!(ours, Some(Some(t)), "{text}"),
                None => assert_eq!(ours, None, "{text} must be refused"),
            }
        }
        let none: ConnectionMetadata = serde_json::from_str(r#"{"updated_at":null}"#).unwrap();
        assert_eq!((none.created_at, none.updated_at), (None, None));
    }
}
