//! A row of a statement's results: its changelog operation and its typed values.

use std::fmt;

use serde::de::DeserializeOwned;

use super::types::Schema;
use super::value::SqlValue;

/// What a row does to the table a statement's results describe (its changelog
/// operation, `op` on the wire: `0` to `3`, `0` when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChangeOp {
    /// `+I` (`0`): the row is added.
    #[default]
    Insert,
    /// `-U` (`1`): the row is taken back before an update (its old content).
    UpdateBefore,
    /// `+U` (`2`): the row's new content after an update.
    UpdateAfter,
    /// `-D` (`3`): the row is removed.
    Delete,
}

impl ChangeOp {
    /// The operation of wire code `code` (`None` for a code outside `0..=3`).
    ///
    /// ```
    /// use confluent_flink_sql::results::ChangeOp;
    ///
    /// assert_eq!(ChangeOp::from_code(3), Some(ChangeOp::Delete));
    /// assert_eq!(ChangeOp::Delete.to_string(), "-D");
    /// assert_eq!(ChangeOp::from_code(4), None);
    /// ```
    pub fn from_code(code: u64) -> Option<ChangeOp> {
        Some(match code {
            0 => ChangeOp::Insert,
            1 => ChangeOp::UpdateBefore,
            2 => ChangeOp::UpdateAfter,
            3 => ChangeOp::Delete,
            _ => return None,
        })
    }

    /// The wire code (`0` to `3`).
    pub fn code(self) -> u8 {
        match self {
            ChangeOp::Insert => 0,
            ChangeOp::UpdateBefore => 1,
            ChangeOp::UpdateAfter => 2,
            ChangeOp::Delete => 3,
        }
    }

    /// True for `+I` and `+U` (the row is in the table afterwards).
    pub fn adds(self) -> bool {
        matches!(self, ChangeOp::Insert | ChangeOp::UpdateAfter)
    }

    /// Flink's short form: `+I`, `-U`, `+U`, `-D`.
    pub fn short(self) -> &'static str {
        match self {
            ChangeOp::Insert => "+I",
            ChangeOp::UpdateBefore => "-U",
            ChangeOp::UpdateAfter => "+U",
            ChangeOp::Delete => "-D",
        }
    }
}

impl fmt::Display for ChangeOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short())
    }
}

/// One row of results: a changelog operation and a value per column.
///
/// ```
/// use confluent_flink_sql::results::{ChangeOp, Row, Schema, SqlValue};
///
/// let schema = Schema::from_json(&serde_json::json!({"columns": [
///     {"name": "id", "type": {"type": "BIGINT", "nullable": false}},
///     {"name": "name", "type": {"type": "VARCHAR", "nullable": true}}
/// ]}))?;
/// let row = Row::new(schema, ChangeOp::Insert, vec![SqlValue::BigInt(7), SqlValue::String("Ada".into())]);
/// assert_eq!(row.get("name").and_then(SqlValue::as_str), Some("Ada"));
///
/// #[derive(serde::Deserialize)]
/// struct Person { id: i64, name: Option<String> }
/// let p: Person = row.deserialize()?;
/// assert_eq!((p.id, p.name.as_deref()), (7, Some("Ada")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    schema: Schema,
    op: ChangeOp,
    values: Vec<SqlValue>,
}

impl Row {
    /// A row of `values`, one per column of `schema`.
    pub fn new(schema: Schema, op: ChangeOp, values: Vec<SqlValue>) -> Self {
        Row { schema, op, values }
    }

    /// The changelog operation.
    pub fn op(&self) -> ChangeOp {
        self.op
    }

    /// The values, one per column, in the schema's order.
    pub fn values(&self) -> &[SqlValue] {
        &self.values
    }

    /// The values, taken out of the row.
    pub fn into_values(self) -> Vec<SqlValue> {
        self.values
    }

    /// The columns the values belong to.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The value of the column named `name`.
    pub fn get(&self, name: &str) -> Option<&SqlValue> {
        self.values.get(self.schema.index_of(name)?)
    }

    /// The row as a JSON object of column name to [`SqlValue::to_json`].
    pub fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::with_capacity(self.values.len());
        for (c, v) in self.schema.columns().iter().zip(&self.values) {
            map.insert(c.name.clone(), v.to_json());
        }
        serde_json::Value::Object(map)
    }

    /// Reads the row into your own type, by column name (each value as
    /// [`SqlValue::to_json`] gives it).
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_value(self.to_json())
    }
}

/// `+I | 7 | Ada`.
impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.op.short())?;
        for v in &self.values {
            write!(f, " | {v}")?;
        }
        Ok(())
    }
}
