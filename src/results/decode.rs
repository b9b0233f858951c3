//! Reading a page of results straight from its bytes into typed rows.
//!
//! A page is read once, by serde "seeds" that carry each column's type: a value goes
//! from the JSON text to its [`SqlValue`] without a `serde_json::Value` in between,
//! and every member of the page but `results.data` and `metadata.next` is skipped
//! without being kept.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::row::{ChangeOp, Row};
use super::types::{Field, Schema, SqlKind, SqlType};
use super::value::{SqlValue, ValueError};

/// One page of a statement's results, read with the statement's schema.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultPage {
    /// The rows of the page, in order.
    pub rows: Vec<Row>,
    /// `metadata.next`: where the next page is, when the service says there is one.
    pub next: Option<String>,
}

/// Reads a results page (the body of `GET .../statements/{name}/results`) with the
/// columns of `schema`.
///
/// ```
/// use confluent_flink_sql::results::{decode_page, ChangeOp, Schema, SqlValue};
///
/// let schema = Schema::from_json(&serde_json::json!({"columns": [
///     {"name": "when_reported", "type": {"type": "TIMESTAMP_WITH_LOCAL_TIME_ZONE", "nullable": false, "precision": 6}},
///     {"name": "tempf", "type": {"type": "DOUBLE", "nullable": false}}
/// ]}))?;
/// let page = decode_page(br#"{"api_version": "sql/v1", "kind": "StatementResult",
///     "metadata": {"next": "https://flink.example/next?page_token=t2"},
///     "results": {"data": [{"op": 0, "row": ["2025-04-25 06:53:43.584845", "61.2"]}]}}"#, &schema)?;
/// assert_eq!(page.rows[0].op(), ChangeOp::Insert);
/// assert_eq!(page.rows[0].get("tempf"), Some(&SqlValue::Double(61.2)));
/// assert_eq!(page.next.as_deref(), Some("https://flink.example/next?page_token=t2"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_page(body: &[u8], schema: &Schema) -> Result<ResultPage, ValueError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let page = PageSeed(schema)
        .deserialize(&mut de)
        .and_then(|page| de.end().map(|()| page))
        .map_err(|e| ValueError::new(format!("results page: {e}")))?;
    Ok(page)
}

struct PageSeed<'a>(&'a Schema);

impl<'de> DeserializeSeed<'de> for PageSeed<'_> {
    type Value = ResultPage;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ResultPage, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PageSeed<'_> {
    type Value = ResultPage;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a results page (an object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ResultPage, A::Error> {
        let mut page = ResultPage {
            rows: Vec::new(),
            next: None,
        };
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Results => {
                    page.rows = map.next_value_seed(Member("data", DataSeed(self.0)))?
                }
                Key::Metadata => page.next = map.next_value_seed(Member("next", NextSeed))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(page)
    }
}

/// The member names a page is read by; every other name is skipped.
enum Key {
    Results,
    Metadata,
    Data,
    Next,
    Op,
    Row,
    Other,
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key, E> {
                Ok(match s {
                    "results" => Key::Results,
                    "metadata" => Key::Metadata,
                    "data" => Key::Data,
                    "next" => Key::Next,
                    "op" => Key::Op,
                    "row" => Key::Row,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// Member `.0` of an object (or `null`), read by seed `.1`; its default when absent.
struct Member<S>(&'static str, S);

impl<'de, S> DeserializeSeed<'de> for Member<S>
where
    S: DeserializeSeed<'de> + Copy,
    S::Value: Default,
{
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S> Visitor<'de> for Member<S>
where
    S: DeserializeSeed<'de> + Copy,
    S::Value: Default,
{
    type Value = S::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with `{}`", self.0)
    }

    fn visit_none<E: de::Error>(self) -> Result<S::Value, E> {
        Ok(S::Value::default())
    }

    fn visit_unit<E: de::Error>(self) -> Result<S::Value, E> {
        Ok(S::Value::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Value, A::Error> {
        let mut out = S::Value::default();
        while let Some(key) = map.next_key::<Key>()? {
            let wanted = matches!((self.0, key), ("data", Key::Data) | ("next", Key::Next));
            if wanted {
                out = map.next_value_seed(self.1)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}

#[derive(Clone, Copy)]
struct NextSeed;

impl<'de> DeserializeSeed<'de> for NextSeed {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        // An empty `next` says there is no next page, as an absent one does.
        Ok(<Option<String> as serde::Deserialize>::deserialize(d)?.filter(|n| !n.is_empty()))
    }
}

#[derive(Clone, Copy)]
struct DataSeed<'a>(&'a Schema);

impl<'de> DeserializeSeed<'de> for DataSeed<'_> {
    type Value = Vec<Row>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Row>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for DataSeed<'_> {
    type Value = Vec<Row>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of results")
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<Row>, E> {
        Ok(Vec::new())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<Row>, E> {
        Ok(Vec::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Row>, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Row>, A::Error> {
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(row) = seq.next_element_seed(RowSeed(self.0, rows.len()))? {
            rows.push(row);
        }
        Ok(rows)
    }
}

/// One result, `{"op": 0, "row": [...]}`; `.1` is its position in the page.
struct RowSeed<'a>(&'a Schema, usize);

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = Row;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Row, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = Row;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "result {} as an object with `op` and `row`", self.1)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
        let mut op = ChangeOp::Insert;
        let mut values = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Op => {
                    let code: Option<u64> = map.next_value()?;
                    op = match code {
                        None => ChangeOp::Insert,
                        Some(c) => ChangeOp::from_code(c).ok_or_else(|| {
                            de::Error::custom(format!(
                                "result {}: op {c} is not a changelog operation (0 to 3)",
                                self.1
                            ))
                        })?,
                    };
                }
                Key::Row => values = Some(map.next_value_seed(ValuesSeed(self.0, self.1))?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let values =
            values.ok_or_else(|| de::Error::custom(format!("result {} has no `row`", self.1)))?;
        Ok(Row::new(self.0.clone(), op, values))
    }
}

/// A row's values, one per column.
struct ValuesSeed<'a>(&'a Schema, usize);

impl<'de> DeserializeSeed<'de> for ValuesSeed<'_> {
    type Value = Vec<SqlValue>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<SqlValue>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ValuesSeed<'_> {
    type Value = Vec<SqlValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the values of result {} as a list", self.1)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<SqlValue>, A::Error> {
        let columns = self.0.columns();
        let mut values = Vec::with_capacity(columns.len());
        loop {
            let i = values.len();
            let Some(column) = columns.get(i) else {
                if columns.is_empty() {
                    // No schema (yet): the values are kept as written.
                    match seq.next_element_seed(RawSeed)? {
                        Some(v) => {
                            values.push(v);
                            continue;
                        }
                        None => break,
                    }
                }
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(format!(
                        "result {} has more values than the {} columns",
                        self.1,
                        columns.len()
                    )));
                }
                break;
            };
            match seq.next_element_seed(ValueSeed(&column.ty)) {
                Ok(Some(v)) => values.push(v),
                Ok(None) => {
                    return Err(de::Error::custom(format!(
                        "result {} has {i} values for {} columns",
                        self.1,
                        columns.len()
                    )))
                }
                Err(e) => {
                    return Err(de::Error::custom(format!(
                        "result {}, column {:?}: {e}",
                        self.1, column.name
                    )))
                }
            }
        }
        Ok(values)
    }
}

/// One value of type `.0`.
#[derive(Clone, Copy)]
struct ValueSeed<'a>(&'a SqlType);

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = SqlValue;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<SqlValue, D::Error> {
        match &self.0.kind {
            SqlKind::Other { .. } => RawSeed.deserialize(d),
            _ => d.deserialize_any(self),
        }
    }
}

/// A value kept as written: of a type this crate does not know, or of a row read
/// without a schema.
struct RawSeed;

impl<'de> DeserializeSeed<'de> for RawSeed {
    type Value = SqlValue;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<SqlValue, D::Error> {
        Ok(
            match <serde_json::Value as serde::Deserialize>::deserialize(d)? {
                serde_json::Value::Null => SqlValue::Null,
                v => SqlValue::Unknown(v),
            },
        )
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = SqlValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} value", self.0)
    }

    fn visit_unit<E: de::Error>(self) -> Result<SqlValue, E> {
        Ok(SqlValue::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<SqlValue, E> {
        Ok(SqlValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<SqlValue, D::Error> {
        self.deserialize(d)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<SqlValue, E> {
        SqlValue::from_text(self.0, s).map_err(E::custom)
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<SqlValue, E> {
        match self.0.kind {
            // The string is the value: no second copy.
            SqlKind::Char { .. } | SqlKind::Varchar { .. } => Ok(SqlValue::String(s)),
            _ => self.visit_str(&s),
        }
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<SqlValue, E> {
        match self.0.kind {
            SqlKind::Boolean => Ok(SqlValue::Boolean(b)),
            _ => Err(E::invalid_type(de::Unexpected::Bool(b), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<SqlValue, E> {
        let out_of_range = || E::invalid_value(de::Unexpected::Signed(n), &self);
        Ok(match self.0.kind {
            SqlKind::TinyInt => SqlValue::TinyInt(n.try_into().map_err(|_| out_of_range())?),
            SqlKind::SmallInt => SqlValue::SmallInt(n.try_into().map_err(|_| out_of_range())?),
            SqlKind::Integer => SqlValue::Integer(n.try_into().map_err(|_| out_of_range())?),
            SqlKind::BigInt => SqlValue::BigInt(n),
            SqlKind::Float => SqlValue::Float(n as f32),
            SqlKind::Double => SqlValue::Double(n as f64),
            SqlKind::Decimal { .. } => SqlValue::Decimal(
                n.to_string()
                    .parse()
                    .map_err(|_: ValueError| out_of_range())?,
            ),
            SqlKind::IntervalYearMonth { .. } => {
                SqlValue::IntervalMonths(n.try_into().map_err(|_| out_of_range())?)
            }
            SqlKind::IntervalDayTime { .. } => SqlValue::IntervalMillis(n),
            _ => return Err(E::invalid_type(de::Unexpected::Signed(n), &self)),
        })
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<SqlValue, E> {
        match i64::try_from(n) {
            Ok(n) => self.visit_i64(n),
            Err(_) => match self.0.kind {
                SqlKind::Float => Ok(SqlValue::Float(n as f32)),
                SqlKind::Double => Ok(SqlValue::Double(n as f64)),
                SqlKind::Decimal { .. } => self.visit_str(&n.to_string()),
                _ => Err(E::invalid_value(de::Unexpected::Unsigned(n), &self)),
            },
        }
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<SqlValue, E> {
        match self.0.kind {
            SqlKind::Float => Ok(SqlValue::Float(n as f32)),
            SqlKind::Double => Ok(SqlValue::Double(n)),
            SqlKind::Decimal { .. } => self.visit_str(&n.to_string()),
            _ => Err(E::invalid_type(de::Unexpected::Float(n), &self)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SqlValue, A::Error> {
        let mut index = 0;
        let mut at = |e: A::Error| {
            let e = de::Error::custom(format!("[{index}]: {e}"));
            index += 1;
            e
        };
        match &self.0.kind {
            SqlKind::Array(element) => {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(v) = seq.next_element_seed(ValueSeed(element)).map_err(&mut at)? {
                    items.push(v);
                }
                Ok(SqlValue::Array(items))
            }
            SqlKind::Multiset(element) => {
                let mut items = Vec::new();
                while let Some((v, n)) = seq
                    .next_element_seed(PairSeed(ValueSeed(element), CountSeed))
                    .map_err(&mut at)?
                {
                    items.push((v, n));
                }
                Ok(SqlValue::Multiset(items))
            }
            SqlKind::Map { key, value } => {
                let mut pairs = Vec::new();
                while let Some(pair) = seq
                    .next_element_seed(PairSeed(ValueSeed(key), ValueSeed(value)))
                    .map_err(&mut at)?
                {
                    pairs.push(pair);
                }
                Ok(SqlValue::Map(pairs))
            }
            SqlKind::Row(fields) | SqlKind::Structured { fields, .. } => {
                let mut values = Vec::with_capacity(fields.len());
                for field in fields {
                    let v = seq
                        .next_element_seed(ValueSeed(&field.ty))
                        .map_err(|e| de::Error::custom(format!("field {:?}: {e}", field.name)))?;
                    values.push(v.ok_or_else(|| {
                        de::Error::custom(format!(
                            "a row of {} fields has {}",
                            fields.len(),
                            values.len()
                        ))
                    })?);
                }
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(format!(
                        "a row of {} fields has more values",
                        fields.len()
                    )));
                }
                Ok(SqlValue::Row(values))
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SqlValue, A::Error> {
        match &self.0.kind {
            // A map written as a JSON object: each key read from its text.
            SqlKind::Map { key, value } => {
                let mut pairs = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    let k = SqlValue::from_text(key, &k).map_err(de::Error::custom)?;
                    pairs.push((k, map.next_value_seed(ValueSeed(value))?));
                }
                Ok(SqlValue::Map(pairs))
            }
            // A row written as an object of its fields by name.
            SqlKind::Row(fields) | SqlKind::Structured { fields, .. } => {
                let mut values = vec![None; fields.len()];
                while let Some(name) = map.next_key::<String>()? {
                    match fields.iter().position(|f: &Field| f.name == name) {
                        Some(i) => values[i] = Some(map.next_value_seed(ValueSeed(&fields[i].ty))?),
                        None => {
                            return Err(de::Error::custom(format!("the row has no field {name:?}")))
                        }
                    }
                }
                Ok(SqlValue::Row(
                    values
                        .into_iter()
                        .map(|v| v.unwrap_or(SqlValue::Null))
                        .collect(),
                ))
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// A two-element list `[a, b]`.
struct PairSeed<A, B>(A, B);

impl<'de, A: DeserializeSeed<'de>, B: DeserializeSeed<'de>> DeserializeSeed<'de>
    for PairSeed<A, B>
{
    type Value = (A::Value, B::Value);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, A: DeserializeSeed<'de>, B: DeserializeSeed<'de>> Visitor<'de> for PairSeed<A, B> {
    type Value = (A::Value, B::Value);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a pair [key, value]")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let a = seq
            .next_element_seed(self.0)?
            .ok_or_else(|| de::Error::invalid_length(0, &"a pair"))?;
        let b = seq
            .next_element_seed(self.1)?
            .ok_or_else(|| de::Error::invalid_length(1, &"a pair"))?;
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(3, &"a pair"));
        }
        Ok((a, b))
    }
}

/// How many times a multiset holds an element: a number or its text.
struct CountSeed;

impl<'de> DeserializeSeed<'de> for CountSeed {
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        d.deserialize_any(self)
    }
}

impl Visitor<'_> for CountSeed {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a count")
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<u64, E> {
        Ok(n)
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<u64, E> {
        u64::try_from(n).map_err(|_| E::invalid_value(de::Unexpected::Signed(n), &self))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<u64, E> {
        s.trim()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(s), &self))
    }
}
