//! One value of a result row, typed by its column, and how it is read from its text.
//!
//! The service writes every atomic value as a JSON string in Flink's text form
//! (`"42"`, `"61.2"`, `"2025-04-25 06:53:43.584845"`, `"TRUE"`, `"x'0a1b'"`), an
//! `ARRAY` as a JSON array, a `MAP` as a list of `[key, value]` pairs, a `MULTISET` as
//! a list of `[element, count]` pairs and a `ROW` as the list of its fields, with
//! `null` for `NULL` at any depth. JSON numbers and booleans are read too, and a map
//! written as a JSON object.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;

use super::types::{SqlKind, SqlType};

/// A value of a result row.
///
/// ```
/// use confluent_flink_sql::results::{SqlKind, SqlType, SqlValue};
///
/// let ty = SqlType::nullable(SqlKind::Decimal { precision: Some(38), scale: Some(18) });
/// let v = SqlValue::from_text(&ty, "12345678901234567890.123456789012345678")?;
/// assert_eq!(v.to_string(), "12345678901234567890.123456789012345678");
/// # Ok::<(), confluent_flink_sql::results::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SqlValue {
    /// `NULL`.
    Null,
    /// `BOOLEAN`.
    Boolean(bool),
    /// `TINYINT`.
    TinyInt(i8),
    /// `SMALLINT`.
    SmallInt(i16),
    /// `INTEGER`.
    Integer(i32),
    /// `BIGINT`.
    BigInt(i64),
    /// `FLOAT`.
    Float(f32),
    /// `DOUBLE`.
    Double(f64),
    /// `DECIMAL`, exactly as written.
    Decimal(Decimal),
    /// `CHAR` and `VARCHAR`.
    String(String),
    /// `BINARY` and `VARBINARY`.
    Bytes(Vec<u8>),
    /// `DATE`.
    Date(NaiveDate),
    /// `TIME`.
    Time(NaiveTime),
    /// `TIMESTAMP`: a date and time without a zone.
    Timestamp(NaiveDateTime),
    /// `TIMESTAMP_LTZ`: an instant, as the date and time of the statement's
    /// `sql.local-time-zone` (the service writes it without an offset).
    TimestampLtz(NaiveDateTime),
    /// `TIMESTAMP WITH TIME ZONE`.
    TimestampTz(DateTime<FixedOffset>),
    /// `INTERVAL YEAR TO MONTH`, in months (Flink's own measure).
    IntervalMonths(i32),
    /// `INTERVAL DAY TO SECOND`, in milliseconds (Flink's own measure).
    IntervalMillis(i64),
    /// `ARRAY`.
    Array(Vec<SqlValue>),
    /// `MULTISET`: each element with how many times it is there.
    Multiset(Vec<(SqlValue, u64)>),
    /// `MAP`, as its pairs in the order written.
    Map(Vec<(SqlValue, SqlValue)>),
    /// `ROW` (or a structured type): the fields in order.
    Row(Vec<SqlValue>),
    /// A value of a type this crate does not know, as written.
    Unknown(Value),
}

/// An exact decimal number, kept as written (`DECIMAL(38, 18)` has more digits than
/// any float or `i128` scale holds).
///
/// ```
/// use confluent_flink_sql::results::Decimal;
///
/// let d: Decimal = "-0.10".parse()?;
/// assert_eq!(d.as_str(), "-0.10");
/// assert_eq!(d.scale(), 2);
/// assert_eq!(d.to_f64(), -0.1);
/// assert!("1.2.3".parse::<Decimal>().is_err());
/// # Ok::<(), confluent_flink_sql::results::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Digits after the point, as written (before any exponent).
    pub fn scale(&self) -> usize {
        let mantissa = self.0.split(['e', 'E']).next().unwrap_or("");
        mantissa.split_once('.').map_or(0, |(_, f)| f.len())
    }

    /// The nearest `f64` (which may lose digits).
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
}

impl FromStr for Decimal {
    type Err = ValueError;

    /// A decimal number: a sign, digits with at most one point, an exponent
    /// (`1E+3`, as Java writes some); nothing else.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ValueError::text("DECIMAL", s);
        let (mantissa, exponent) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let unsigned = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if int.len() + frac.len() == 0 || !digits(int) || !digits(frac) {
            return Err(bad());
        }
        if let Some(e) = exponent {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            if e.is_empty() || !digits(e) {
                return Err(bad());
            }
        }
        Ok(Decimal(s.to_string()))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A value that does not read as its column's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    message: String,
}

impl ValueError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
        }
    }

    fn text(ty: &str, text: &str) -> Self {
        // Long values are shortened: the error names the value, it need not hold it.
        let shown: String = text.chars().take(64).collect();
        let more = if shown.len() < text.len() { "..." } else { "" };
        ValueError::new(format!("{shown:?}{more} is not a {ty} value"))
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValueError {}

impl SqlValue {
    /// Reads an atomic value of type `ty` from its text form.
    pub fn from_text(ty: &SqlType, text: &str) -> Result<SqlValue, ValueError> {
        let name = ty.kind.type_name();
        let bad = || ValueError::text(name, text);
        let number = str::trim;
        Ok(match &ty.kind {
            SqlKind::Char { .. } | SqlKind::Varchar { .. } => SqlValue::String(text.to_string()),
            SqlKind::Boolean => match text.trim() {
                t if t.eq_ignore_ascii_case("true") => SqlValue::Boolean(true),
                t if t.eq_ignore_ascii_case("false") => SqlValue::Boolean(false),
                _ => return Err(bad()),
            },
            SqlKind::TinyInt => SqlValue::TinyInt(number(text).parse().map_err(|_| bad())?),
            SqlKind::SmallInt => SqlValue::SmallInt(number(text).parse().map_err(|_| bad())?),
            SqlKind::Integer => SqlValue::Integer(number(text).parse().map_err(|_| bad())?),
            SqlKind::BigInt => SqlValue::BigInt(number(text).parse().map_err(|_| bad())?),
            SqlKind::Float => SqlValue::Float(float(text).ok_or_else(bad)?),
            SqlKind::Double => SqlValue::Double(float(text).ok_or_else(bad)?),
            SqlKind::Decimal { .. } => SqlValue::Decimal(number(text).parse().map_err(|_| bad())?),
            SqlKind::Binary { .. } | SqlKind::Varbinary { .. } => {
                SqlValue::Bytes(hex_bytes(text).ok_or_else(bad)?)
            }
            SqlKind::Date => SqlValue::Date(date(text).ok_or_else(bad)?),
            SqlKind::Time { .. } => SqlValue::Time(time(text).ok_or_else(bad)?),
            SqlKind::Timestamp { .. } => SqlValue::Timestamp(date_time(text).ok_or_else(bad)?),
            SqlKind::TimestampLtz { .. } => {
                SqlValue::TimestampLtz(date_time(text).ok_or_else(bad)?)
            }
            SqlKind::TimestampTz { .. } => SqlValue::TimestampTz(
                DateTime::parse_from_rfc3339(text)
                    .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f %:z"))
                    .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z"))
                    .map_err(|_| bad())?,
            ),
            SqlKind::IntervalYearMonth { .. } => {
                SqlValue::IntervalMonths(year_month(text).ok_or_else(bad)?)
            }
            SqlKind::IntervalDayTime { .. } => {
                SqlValue::IntervalMillis(day_time(text).ok_or_else(bad)?)
            }
            SqlKind::Null => return Err(bad()),
            SqlKind::Other { .. } => SqlValue::Unknown(Value::String(text.to_string())),
            SqlKind::Array(_)
            | SqlKind::Multiset(_)
            | SqlKind::Map { .. }
            | SqlKind::Row(_)
            | SqlKind::Structured { .. } => {
                return Err(ValueError::new(format!(
                    "a {name} value is a list, not the text {:?}",
                    text.chars().take(64).collect::<String>()
                )))
            }
        })
    }

    /// True for `NULL`.
    pub fn is_null(&self) -> bool {
        matches!(self, SqlValue::Null)
    }

    /// The text of a `CHAR` or `VARCHAR` value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            SqlValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// An integer value of any width, as `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            SqlValue::TinyInt(v) => Some(v.into()),
            SqlValue::SmallInt(v) => Some(v.into()),
            SqlValue::Integer(v) => Some(v.into()),
            SqlValue::BigInt(v) => Some(v),
            _ => None,
        }
    }

    /// A `FLOAT` or `DOUBLE` value, as `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            SqlValue::Float(v) => Some(v.into()),
            SqlValue::Double(v) => Some(v),
            _ => None,
        }
    }

    /// A `BOOLEAN` value.
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            SqlValue::Boolean(v) => Some(v),
            _ => None,
        }
    }

    /// The value as plain JSON, for reading a row into a `serde` type: numbers as
    /// numbers (a float that JSON cannot hold, such as `NaN`, as its text), `DECIMAL` as
    /// its exact text, bytes as a list of numbers, dates and times in ISO 8601
    /// (`2025-04-25T06:53:43.584845`), intervals in months or milliseconds, a map as a
    /// list of `[key, value]` pairs, a multiset as `[element, count]` pairs, a row as
    /// the list of its fields.
    pub fn to_json(&self) -> Value {
        let float = |f: f64| {
            serde_json::Number::from_f64(f)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(f.to_string()))
        };
        match self {
            SqlValue::Null => Value::Null,
            SqlValue::Boolean(b) => Value::Bool(*b),
            SqlValue::TinyInt(v) => (*v).into(),
            SqlValue::SmallInt(v) => (*v).into(),
            SqlValue::Integer(v) => (*v).into(),
            SqlValue::BigInt(v) => (*v).into(),
            SqlValue::Float(v) => float(f64::from(*v)),
            SqlValue::Double(v) => float(*v),
            SqlValue::Decimal(d) => Value::String(d.0.clone()),
            SqlValue::String(s) => Value::String(s.clone()),
            SqlValue::Bytes(b) => Value::Array(b.iter().map(|b| (*b).into()).collect()),
            SqlValue::Date(d) => Value::String(d.format("%Y-%m-%d").to_string()),
            SqlValue::Time(t) => Value::String(t.format("%H:%M:%S%.f").to_string()),
            SqlValue::Timestamp(t) | SqlValue::TimestampLtz(t) => {
                Value::String(t.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
            }
            SqlValue::TimestampTz(t) => Value::String(t.to_rfc3339()),
            SqlValue::IntervalMonths(m) => (*m).into(),
            SqlValue::IntervalMillis(m) => (*m).into(),
            SqlValue::Array(items) | SqlValue::Row(items) => {
                Value::Array(items.iter().map(SqlValue::to_json).collect())
            }
            SqlValue::Multiset(items) => Value::Array(
                items
                    .iter()
                    .map(|(v, n)| Value::Array(vec![v.to_json(), (*n).into()]))
                    .collect(),
            ),
            SqlValue::Map(pairs) => Value::Array(
                pairs
                    .iter()
                    .map(|(k, v)| Value::Array(vec![k.to_json(), v.to_json()]))
                    .collect(),
            ),
            SqlValue::Unknown(v) => v.clone(),
        }
    }
}

/// The value as Flink writes it in a table (`NULL`, `TRUE`, `x'0a1b'`, `[1, 2]`,
/// `{k=v}`, `(a, b)`).
impl fmt::Display for SqlValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list<'a>(
            f: &mut fmt::Formatter<'_>,
            open: &str,
            close: &str,
            items: impl Iterator<Item = &'a SqlValue>,
        ) -> fmt::Result {
            f.write_str(open)?;
            for (i, v) in items.enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{v}")?;
            }
            f.write_str(close)
        }
        match self {
            SqlValue::Null => f.write_str("NULL"),
            SqlValue::Boolean(b) => f.write_str(if *b { "TRUE" } else { "FALSE" }),
            SqlValue::TinyInt(v) => write!(f, "{v}"),
            SqlValue::SmallInt(v) => write!(f, "{v}"),
            SqlValue::Integer(v) => write!(f, "{v}"),
            SqlValue::BigInt(v) => write!(f, "{v}"),
            SqlValue::Float(v) => write!(f, "{v}"),
            SqlValue::Double(v) => write!(f, "{v}"),
            SqlValue::Decimal(d) => write!(f, "{d}"),
            SqlValue::String(s) => f.write_str(s),
            SqlValue::Bytes(b) => {
                f.write_str("x'")?;
                b.iter().try_for_each(|b| write!(f, "{b:02x}"))?;
                f.write_str("'")
            }
            SqlValue::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            SqlValue::Time(t) => write!(f, "{}", t.format("%H:%M:%S%.f")),
            SqlValue::Timestamp(t) | SqlValue::TimestampLtz(t) => {
                write!(f, "{}", t.format("%Y-%m-%d %H:%M:%S%.f"))
            }
            SqlValue::TimestampTz(t) => write!(f, "{}", t.format("%Y-%m-%d %H:%M:%S%.f %:z")),
            SqlValue::IntervalMonths(m) => {
                let sign = if *m < 0 { '-' } else { '+' };
                let m = m.unsigned_abs();
                write!(f, "{sign}{}-{:02}", m / 12, m % 12)
            }
            SqlValue::IntervalMillis(ms) => {
                let sign = if *ms < 0 { '-' } else { '+' };
                let ms = ms.unsigned_abs();
                let (s, ms) = (ms / 1000, ms % 1000);
                let (d, s) = (s / 86_400, s % 86_400);
                write!(
                    f,
                    "{sign}{d} {:02}:{:02}:{:02}.{ms:03}",
                    s / 3600,
                    s / 60 % 60,
                    s % 60
                )
            }
            SqlValue::Array(items) => list(f, "[", "]", items.iter()),
            SqlValue::Row(items) => list(f, "(", ")", items.iter()),
            SqlValue::Multiset(items) => {
                f.write_str("{")?;
                for (i, (v, n)) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}={n}")?;
                }
                f.write_str("}")
            }
            SqlValue::Map(pairs) => {
                f.write_str("{")?;
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}={v}")?;
                }
                f.write_str("}")
            }
            SqlValue::Unknown(v) => match v {
                Value::String(s) => f.write_str(s),
                other => write!(f, "{other}"),
            },
        }
    }
}

/// A float as Java writes it (`1.0E10`, `NaN`, `Infinity`, `-Infinity`), read at
/// its own width (an `f32` read through an `f64` could round twice).
fn float<F: FromStr>(text: &str) -> Option<F> {
    let t = text.trim();
    match t {
        "Infinity" | "+Infinity" => "inf".parse().ok(),
        "-Infinity" => "-inf".parse().ok(),
        _ => t.parse().ok(),
    }
}

/// `x'0a1b'` (Flink's form), or the hex digits alone.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    let t = text.trim();
    let hex = t
        .strip_prefix("x'")
        .or_else(|| t.strip_prefix("X'"))
        .and_then(|h| h.strip_suffix('\''))
        .unwrap_or(t);
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect()
}

/// `2025-04-25 06:53:43.584845` or with a `T`; seconds may be left out.
fn date_time(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    let fast = || {
        let (d, rest) = (t.get(..10)?, t.get(10..)?);
        let sep = rest.bytes().next()?;
        if sep != b' ' && sep != b'T' {
            return None;
        }
        Some(NaiveDateTime::new(fast_date(d)?, fast_time(&rest[1..])?))
    };
    fast().or_else(|| {
        [
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    })
}

/// `1990-01-12`.
fn date(text: &str) -> Option<NaiveDate> {
    fast_date(text).or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
}

/// `12:00:00.123`; seconds may be left out.
fn time(text: &str) -> Option<NaiveTime> {
    fast_time(text).or_else(|| {
        NaiveTime::parse_from_str(text, "%H:%M:%S%.f")
            .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M"))
            .ok()
    })
}

/// The digits of `b` as a number (`None` unless every byte is a digit).
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// `YYYY-MM-DD` exactly, read without chrono's general format parser (which costs
/// more than the rest of a value's decoding); anything else is left to it.
fn fast_date(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&b[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&b[5..7])?, digits(&b[8..10])?)
}

/// `HH:MM:SS` with up to nine fractional digits, exactly.
fn fast_time(t: &str) -> Option<NaiveTime> {
    let b = t.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let nanos = match &b[8..] {
        [] => 0,
        [b'.', frac @ ..] if !frac.is_empty() && frac.len() <= 9 => {
            digits(frac)? * 10u32.pow(9 - frac.len() as u32)
        }
        _ => return None,
    };
    NaiveTime::from_hms_nano_opt(
        digits(&b[..2])?,
        digits(&b[3..5])?,
        digits(&b[6..8])?,
        nanos,
    )
}

/// `+1-02` (years and months), or a number of months.
fn year_month(text: &str) -> Option<i32> {
    let t = text.trim();
    let (negative, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let months: i64 = match rest.split_once('-') {
        Some((y, m)) => {
            let m: i64 = m.parse().ok()?;
            if !(0..12).contains(&m) {
                return None;
            }
            y.parse::<i64>().ok()?.checked_mul(12)?.checked_add(m)?
        }
        None => rest.parse().ok()?,
    };
    i32::try_from(if negative { -months } else { months }).ok()
}

/// `+1 02:03:04.567` (days, then a time of day), or a number of milliseconds.
fn day_time(text: &str) -> Option<i64> {
    let t = text.trim();
    let (negative, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let millis = match rest.split_once(' ') {
        Some((days, time)) => {
            let days: i64 = days.parse().ok()?;
            let mut parts = time.split(':');
            let h: i64 = parts.next()?.parse().ok()?;
            let m: i64 = parts.next()?.parse().ok()?;
            let (s, frac) = match parts.next() {
                Some(s) => s.split_once('.').unwrap_or((s, "")),
                None => ("0", ""),
            };
            if parts.next().is_some() || h >= 24 || m >= 60 {
                return None;
            }
            let s: i64 = s.parse().ok()?;
            if s >= 60 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let ms: i64 = format!("{frac:0<3}").get(..3)?.parse().ok()?;
            days.checked_mul(86_400_000)?
                .checked_add(((h * 60 + m) * 60 + s) * 1000 + ms)?
        }
        None => rest.parse().ok()?,
    };
    Some(if negative { -millis } else { millis })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(kind: SqlKind) -> SqlType {
        SqlType::nullable(kind)
    }

    #[test]
    fn atomic_values_read_from_flinks_text() {
        let cases: Vec<(SqlKind, &str, SqlValue)> = vec![
            (SqlKind::Boolean, "TRUE", SqlValue::Boolean(true)),
            (SqlKind::Boolean, "false", SqlValue::Boolean(false)),
            (SqlKind::TinyInt, "-128", SqlValue::TinyInt(-128)),
            (SqlKind::SmallInt, "32767", SqlValue::SmallInt(32767)),
            (SqlKind::Integer, "-7", SqlValue::Integer(-7)),
            (
                SqlKind::BigInt,
                "9223372036854775807",
                SqlValue::BigInt(i64::MAX),
            ),
            (SqlKind::Double, "61.2", SqlValue::Double(61.2)),
            (SqlKind::Double, "1.0E10", SqlValue::Double(1.0e10)),
            (
                SqlKind::Double,
                "-Infinity",
                SqlValue::Double(f64::NEG_INFINITY),
            ),
            (SqlKind::Float, "0.5", SqlValue::Float(0.5)),
            (
                SqlKind::Varbinary { length: None },
                "x'0a1B'",
                SqlValue::Bytes(vec![10, 27]),
            ),
            (
                SqlKind::Date,
                "1990-01-12",
                SqlValue::Date(NaiveDate::from_ymd_opt(1990, 1, 12).unwrap()),
            ),
            (
                SqlKind::TimestampLtz { precision: Some(6) },
                "2025-04-25 06:53:43.584845",
                SqlValue::TimestampLtz(
                    NaiveDate::from_ymd_opt(2025, 4, 25)
                        .unwrap()
                        .and_hms_micro_opt(6, 53, 43, 584_845)
                        .unwrap(),
                ),
            ),
            (
                SqlKind::IntervalYearMonth {
                    resolution: None,
                    precision: None,
                },
                "-1-02",
                SqlValue::IntervalMonths(-14),
            ),
            (
                SqlKind::IntervalDayTime {
                    resolution: None,
                    precision: None,
                    fractional_precision: None,
                },
                "+1 02:03:04.5",
                SqlValue::IntervalMillis(93_784_500),
            ),
        ];
        for (kind, text, want) in cases {
            let got = SqlValue::from_text(&ty(kind.clone()), text);
            assert_eq!(got, Ok(want.clone()), "{kind:?} {text}");
            // What Display writes reads back as the same value.
            if !matches!(want, SqlValue::Float(_) | SqlValue::Double(_)) {
                let again = SqlValue::from_text(&ty(kind.clone()), &want.to_string());
                assert_eq!(again, Ok(want), "{kind:?}");
            }
        }
    }

    #[test]
    fn a_value_that_is_not_its_types_says_so() {
        let e = SqlValue::from_text(&ty(SqlKind::Integer), "4x").unwrap_err();
        assert_eq!(e.to_string(), "\"4x\" is not a INTEGER value");
        assert!(SqlValue::from_text(&ty(SqlKind::TinyInt), "128").is_err());
        assert!(SqlValue::from_text(&ty(SqlKind::Date), "1990-13-01").is_err());
        assert!(SqlValue::from_text(&ty(SqlKind::Binary { length: None }), "x'0'").is_err());
        let long = "9".repeat(500);
        let e = SqlValue::from_text(&ty(SqlKind::Integer), &long).unwrap_err();
        assert!(e.to_string().len() < 120, "{e}");
    }

    #[test]
    fn decimals_keep_every_digit() {
        for ok in [
            "0",
            "-0.10",
            "+12",
            ".5",
            "5.",
            "1E+3",
            "123456789012345678901234567890.12345678",
        ] {
            assert_eq!(ok.parse::<Decimal>().unwrap().as_str(), ok);
        }
        for bad in ["", "-", ".", "1.2.3", "1e", "0x10", "1 0", "NaN"] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad}");
        }
    }
}
