//! Reading the service's date-times and strings without needless work.
//!
//! Every generated date-time field is read by [`optional`] or [`required`]
//! (`build/model.rs` sets `deserialize_with`): the form the service writes
//! (`2025-11-10T16:20:00.123456Z`) read directly (`common_rfc3339`), then chrono's RFC
//! 3339 parser, then the rules chrono's own `Deserialize` follows (`FromStr`) for
//! anything else, so no value chrono reads is refused and each reads as chrono reads
//! it. chrono's `Deserialize` goes through its general format parser, which took a
//! sixth of the time of decoding a page (BENCHMARKS.md).

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::de::Visitor;
use serde::{Deserialize, Deserializer};

/// One date-time, as chrono's `Deserialize` would read it.
struct Timestamp(DateTime<Utc>);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        with_str(d, |text| {
            if let Some(t) = common_rfc3339(text) {
                return Ok(Timestamp(t));
            }
            match DateTime::parse_from_rfc3339(text) {
                Ok(t) => Ok(Timestamp(t.with_timezone(&Utc))),
                Err(_) => text.parse().map(Timestamp).map_err(|e| e.to_string()),
            }
        })
    }
}

/// The common form of an RFC 3339 date-time, read without chrono's parser:
/// `YYYY-MM-DDTHH:MM:SS`, an optional fraction of 1 to 9 digits, then `Z` or
/// `+HH:MM`/`-HH:MM` (hours below 24). `None` for anything else (a lower-case or space
/// separator, a leap second, more fraction digits, a date or time that does not exist):
/// chrono's parsers then decide, so this only ever gives what they would give.
fn common_rfc3339(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    let head: &[u8; 20] = b.get(..20)?.try_into().ok()?;
    // The digit at `i` (of the fixed part), 10 or more when it is not one.
    let d = |i: usize| u32::from(head[i].wrapping_sub(b'0'));
    const DIGITS: [usize; 14] = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    if DIGITS.iter().any(|&i| d(i) > 9)
        || head[4] != b'-'
        || head[7] != b'-'
        || head[10] != b'T'
        || head[13] != b':'
        || head[16] != b':'
    {
        return None;
    }
    let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
    let (month, day) = (d(5) * 10 + d(6), d(8) * 10 + d(9));
    let (hour, minute, second) = (d(11) * 10 + d(12), d(14) * 10 + d(15), d(17) * 10 + d(18));
    if second > 59 {
        return None;
    }
    // The fraction, then the offset.
    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if head[19] == b'.' {
        let mut digits = 0u32;
        rest = &b[20..];
        while let [c @ b'0'..=b'9', tail @ ..] = rest {
            if digits == 9 {
                return None;
            }
            nanos = nanos * 10 + u32::from(c - b'0');
            digits += 1;
            rest = tail;
        }
        if digits == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - digits);
    }
    let offset = match *rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1 @ b'0'..=b'2', h2 @ b'0'..=b'9', b':', m1 @ b'0'..=b'5', m2 @ b'0'..=b'9'] =>
        {
            let hours = i32::from(h1 - b'0') * 10 + i32::from(h2 - b'0');
            if hours > 23 {
                return None;
            }
            let seconds = hours * 3600 + (i32::from(m1 - b'0') * 10 + i32::from(m2 - b'0')) * 60;
            if sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    let local = NaiveDate::from_ymd_opt(year as i32, month, day)?
        .and_hms_nano_opt(hour, minute, second, nanos)?;
    let utc = if offset == 0 {
        local
    } else {
        local.checked_sub_offset(FixedOffset::east_opt(offset)?)?
    };
    Some(Utc.from_utc_datetime(&utc))
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

    /// The direct reading of the common form gives what chrono's RFC 3339 parser gives,
    /// at the edges of every field, and leaves every other form to chrono.
    #[test]
    fn the_common_form_reads_as_chrono_reads_it() {
        let read = [
            "2025-11-10T16:20:00Z",
            "2025-11-10T16:20:00.1Z",
            "2025-11-10T16:20:00.123456Z",
            "2025-11-10T16:20:00.000000001Z",
            "2025-11-10T16:20:00.999999999+23:59",
            "2006-01-02T15:04:05-07:00",
            "1996-03-19T01:02:03-04:05",
            "2025-11-10T16:20:00-00:00",
            "0000-01-01T00:00:00+23:59",
            "9999-12-31T23:59:59.5-23:59",
            "2024-02-29T00:00:00Z",
        ];
        for text in read {
            let chrono = DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc);
            assert_eq!(super::common_rfc3339(text), Some(chrono), "{text}");
        }
        let left_to_chrono = [
            "2025-11-10t16:20:00Z",
            "2025-11-10 16:20:00Z",
            "2025-11-10T16:20:00z",
            "2024-02-29T23:59:60Z",
            "2025-11-10T16:20:00.1234567891Z",
            "2025-11-10T16:20:00.Z",
            "2025-11-10T16:20:00+24:00",
            "2025-11-10T16:20:00+05:60",
            "2025-11-10T16:20:00+0530",
            "2025-11-10T16:20:00+05:3",
            "2025-11-10T16:20:00",
            "2025-11-10T16:20:00Z ",
            "2025-02-29T16:20:00Z",
            "2025-13-10T16:20:00Z",
            "2025-00-10T16:20:00Z",
            "2025-11-10T24:00:00Z",
            "2025-11-10T16:60:00Z",
            "+2025-11-10T16:20:00Z",
            "2025-11-10T16:20:0\u{661}Z",
            "not a date at all, no",
            "",
        ];
        for text in left_to_chrono {
            assert_eq!(super::common_rfc3339(text), None, "{text}");
        }
        // Instants over the years chrono writes with four digits, every length of
        // fraction, offsets both ways: the same instant as chrono's parser.
        for n in 0..20_000i64 {
            let secs = n * 15_000_000 - 62_000_000_000;
            let nanos = (n as u32).wrapping_mul(2_654_435_761) % 1_000_000_000;
            let digits = (n % 10) as usize;
            let minutes = ((n * 37) % (24 * 60)) as i32;
            let offset = if n % 2 == 0 {
                minutes * 60
            } else {
                -minutes * 60
            };
            let zone = chrono::FixedOffset::east_opt(offset).unwrap();
            let local = DateTime::from_timestamp(secs, nanos)
                .unwrap()
                .with_timezone(&zone);
            let fraction = format!(".{nanos:09}");
            let fraction = if digits == 0 {
                ""
            } else {
                &fraction[..=digits]
            };
            let zone = if offset == 0 {
                "Z".to_string()
            } else {
                local.format("%:z").to_string()
            };
            let text = format!("{}{fraction}{zone}", local.format("%Y-%m-%dT%H:%M:%S"));
            let chrono = DateTime::parse_from_rfc3339(&text)
                .unwrap()
                .with_timezone(&Utc);
            assert_eq!(super::common_rfc3339(&text), Some(chrono), "{text}");
        }
    }
}
