//! Reading the service's date-times without needless work.
//!
//! Every generated date-time field is read by [`optional`] or [`required`]
//! (`build/model.rs` sets `deserialize_with`): the form the service writes
//! (`2025-11-10T16:20:00.123Z`, any offset) by [`strict_rfc3339`], then chrono's RFC 3339
//! parser, then the rules chrono's own `Deserialize` follows (`FromStr`) for anything
//! else, so no value chrono reads is refused and each reads as chrono reads it.
//! chrono's `Deserialize` goes through its general format parser, which took a sixth of
//! the time of decoding a page; its RFC 3339 parser still took a twentieth of a
//! Connections list's time (BENCHMARKS.md).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use crate::visit::Text;

/// One date-time, as chrono's `Deserialize` would read it.
struct Timestamp(DateTime<Utc>);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(d)?;
        if let Some(t) = strict_rfc3339(text.as_bytes()) {
            return Ok(Timestamp(t));
        }
        match DateTime::parse_from_rfc3339(&text) {
            Ok(t) => Ok(Timestamp(t.with_timezone(&Utc))),
            Err(_) => text.parse().map(Timestamp).map_err(D::Error::custom),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|+HH:MM|-HH:MM)`, uppercase, a valid date and time
/// without a leap second, read as chrono reads it; `None` for anything else (which
/// chrono's parsers then read or refuse).
fn strict_rfc3339(b: &[u8]) -> Option<DateTime<Utc>> {
    /// Where `YYYY-MM-DDTHH:MM:SS` has its digits.
    const DIGITS: [usize; 14] = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let mut digits = true;
    for i in DIGITS {
        digits &= b[i].is_ascii_digit();
    }
    if !digits {
        return None;
    }
    // The number of the two digits at b[i..i + 2], checked digits.
    let two = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    let date = NaiveDate::from_ymd_opt((two(0) * 100 + two(2)) as i32, two(5), two(8))?;
    let mut i = 19;
    let mut nanos = 0;
    if b[i] == b'.' {
        /// Nanoseconds per unit of a fraction of `n` digits, at index `n`.
        const SCALE: [u32; 10] = [
            1,
            100_000_000,
            10_000_000,
            1_000_000,
            100_000,
            10_000,
            1_000,
            100,
            10,
            1,
        ];
        let start = i + 1;
        i = start;
        while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
            if i - start == 9 {
                return None; // more than nine digits: chrono's to judge
            }
            nanos = nanos * 10 + u32::from(d - b'0');
            i += 1;
        }
        if i == start {
            return None; // no digit: chrono's to judge
        }
        nanos *= SCALE[i - start];
    }
    let time = NaiveTime::from_hms_nano_opt(two(11), two(14), two(17), nanos)?;
    let local = date.and_time(time);
    let utc = match b.get(i..)? {
        b"Z" => local,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2]
            if h1.is_ascii_digit()
                && h2.is_ascii_digit()
                && m1.is_ascii_digit()
                && m2.is_ascii_digit() =>
        {
            let (hours, minutes) = (two(i + 1), two(i + 4));
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = (hours * 3600 + minutes * 60) as i32;
            let offset = FixedOffset::east_opt(if *sign == b'-' { -seconds } else { seconds })?;
            local.checked_sub_offset(offset)?
        }
        _ => return None,
    };
    Some(utc.and_utc())
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

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use crate::types::ConnectionMetadata;

    /// chrono's reading of `text`, as [`super::Timestamp`] falls back to it.
    fn chronos(text: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .ok()
    }

    #[test]
    fn the_strict_form_reads_as_chrono_reads_it() {
        let read = [
            "2025-11-10T16:20:00Z",
            "2025-11-10T16:20:00.1Z",
            "2025-11-10T16:20:00.123456789-07:00",
            "2024-02-29T23:59:59+23:59",
            "0000-01-01T00:00:00Z",
            "0000-03-01T00:00:00+01:00",
            "1969-12-31T23:59:59.999999999Z",
            "1900-03-01T00:00:00Z",
            "2000-02-29T12:00:00-00:00",
            "9999-12-31T23:59:59.999999999-23:59",
        ];
        for text in read {
            let fast = super::strict_rfc3339(text.as_bytes());
            assert!(fast.is_some(), "{text} is in the strict form");
            assert_eq!(fast, chronos(text), "{text}");
        }
        // Left to chrono: valid in other forms, or invalid.
        let left = [
            "2025-11-10t16:20:00z",
            "2025-11-10 16:20:00Z",
            "2024-02-29T23:59:60Z",
            "2025-11-10T16:20:00.1234567891Z",
            "2025-11-10T16:20:00.12345678912345678Z",
            "2025-11-10T16:20:00.Z",
            "1900-02-29T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2025-04-31T00:00:00Z",
            "2025-00-10T00:00:00Z",
            "2025-11-00T00:00:00Z",
            "2025-11-10T24:00:00Z",
            "2025-11-10T16:60:00Z",
            "2025-11-10T16:20:00+24:00",
            "2025-11-10T16:20:00+05:60",
            "2025-11-10T16:20:00+0530",
            "2025-11-10T16:20:00Zjunk",
            "2025-11-10T16:20:00",
            "+2025-11-10T16:20:00Z",
            "2025-1１-10T16:20:00Z",
            "",
        ];
        for text in left {
            assert_eq!(super::strict_rfc3339(text.as_bytes()), None, "{text}");
        }
    }

    proptest::proptest! {
        /// Any date-time in the strict form, with a random offset and fraction: the
        /// fast path reads it, and reads what chrono reads.
        #[test]
        fn strict_form_agrees_with_chrono(
            seconds in -62_167_219_200i64..253_402_300_799,
            nanos in 0u32..1_000_000_000,
            digits in 0usize..=9,
            offset_minutes in -1439i32..=1439,
        ) {
            let t = DateTime::from_timestamp(seconds, nanos).unwrap();
            let offset = chrono::FixedOffset::east_opt(offset_minutes * 60).unwrap();
            let local = t.with_timezone(&offset);
            let mut text = local.format("%Y-%m-%dT%H:%M:%S").to_string();
            if digits > 0 {
                let fraction = format!("{:09}", local.timestamp_subsec_nanos());
                text.push('.');
                text.push_str(&fraction[..digits]);
            }
            text.push_str(&if offset_minutes == 0 { "Z".to_string() } else { offset.to_string() });
            let fast = super::strict_rfc3339(text.as_bytes());
            proptest::prop_assert!(fast.is_some(), "{}", text);
            proptest::prop_assert_eq!(fast, chronos(&text), "{}", text);
        }

        /// Any string at all: the fast path reads only what chrono reads, the same way.
        #[test]
        fn strict_form_never_disagrees(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,11})?(Z|[+-][0-9]{2}:[0-9]{2}|[a-z+:0-9]{0,4})") {
            if let Some(fast) = super::strict_rfc3339(text.as_bytes()) {
                proptest::prop_assert_eq!(Some(fast), chronos(&text), "{}", text);
            }
        }
    }

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
