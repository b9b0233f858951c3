//! The table a changelog describes: the rows a person sees once every change applied.

use std::collections::{HashMap, VecDeque};

use super::row::{ChangeOp, Row};
use super::types::Schema;
use super::value::SqlValue;

/// The rows of a statement's results with every change applied, in the order they
/// were first added: `+I` and `+U` add a row, `-U` and `-D` take one back.
///
/// With upsert columns (a statement's `status.traits.upsert_columns`), a row is known
/// by the values of those columns: adding a row whose key is there replaces it where it
/// stands, and taking one back removes the row with that key; an update (`-U`, then
/// `+U` of the same key) keeps the row's place. Without them, a row is
/// known by all its values: taking one back removes the earliest row equal to it.
///
/// ```
/// use confluent_flink_sql::results::{ChangeOp, Row, Schema, SqlValue, Table};
///
/// let schema = Schema::from_json(&serde_json::json!({"columns": [
///     {"name": "word", "type": {"type": "VARCHAR", "nullable": false}},
///     {"name": "n", "type": {"type": "BIGINT", "nullable": false}}
/// ]}))?;
/// let row = |op, w: &str, n| Row::new(schema.clone(), op, vec![SqlValue::String(w.into()), SqlValue::BigInt(n)]);
/// let mut table = Table::with_upsert_columns(schema.clone(), vec![0]);
/// table.apply(row(ChangeOp::Insert, "hello", 1));
/// table.apply(row(ChangeOp::Insert, "world", 1));
/// table.apply(row(ChangeOp::UpdateAfter, "hello", 2));
/// table.apply(row(ChangeOp::Delete, "world", 1));
/// let shown: Vec<String> = table.rows().map(|r| r.values()[1].to_string()).collect();
/// assert_eq!(shown, ["2"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Table {
    schema: Schema,
    key: Option<Vec<usize>>,
    /// Rows in the order first added; `None` where one was taken back.
    slots: Vec<Option<Row>>,
    live: usize,
    /// Where the rows of each key are, earliest first.
    index: HashMap<String, VecDeque<usize>>,
    /// With upsert columns: the place of a row taken back by `-U`, kept for the `+U`
    /// of the same key.
    updating: HashMap<String, usize>,
}

impl Table {
    /// An empty table whose rows are known by all their values.
    pub fn new(schema: Schema) -> Self {
        Table {
            schema,
            key: None,
            slots: Vec::new(),
            live: 0,
            index: HashMap::new(),
            updating: HashMap::new(),
        }
    }

    /// An empty table whose rows are known by the values of `columns` (positions in
    /// the schema); positions outside it are ignored, and with none left the rows are
    /// known by all their values.
    pub fn with_upsert_columns(schema: Schema, columns: Vec<usize>) -> Self {
        let columns: Vec<usize> = columns.into_iter().filter(|c| *c < schema.len()).collect();
        let mut table = Table::new(schema);
        if !columns.is_empty() {
            table.key = Some(columns);
        }
        table
    }

    /// The columns of the rows.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Applies one change.
    pub fn apply(&mut self, row: Row) {
        let key = self.key_of(row.values());
        let keyed = self.key.is_some();
        if row.op().adds() {
            let reserved = if keyed {
                self.updating.remove(&key)
            } else {
                None
            };
            let slots = self.index.entry(key).or_default();
            match (slots.front(), reserved) {
                (Some(&at), _) if keyed => self.slots[at] = Some(row),
                (None, Some(at)) if self.slots.get(at).is_some_and(Option::is_none) => {
                    // Back where the `-U` took it from.
                    slots.push_back(at);
                    self.slots[at] = Some(row);
                    self.live += 1;
                }
                _ => {
                    slots.push_back(self.slots.len());
                    self.slots.push(Some(row));
                    self.live += 1;
                }
            }
        } else if row.op() == ChangeOp::Delete && self.updating.remove(&key).is_some() {
            // Taken back by its `-U` already: no `+U` will follow.
        } else if let Some(slots) = self.index.get_mut(&key) {
            let Some(at) = slots.pop_front() else {
                return;
            };
            self.slots[at] = None;
            self.live -= 1;
            if keyed && row.op() == ChangeOp::UpdateBefore {
                self.updating.insert(key.clone(), at);
            }
            if slots.is_empty() {
                // Keys of rows taken back are not kept (memory stays with the rows).
                self.index.remove(&key);
            }
        }
        if self.slots.len() > 64 && self.slots.len() > 2 * self.live {
            self.compact();
        }
    }

    /// Applies every change of `rows`, in order.
    pub fn apply_all(&mut self, rows: impl IntoIterator<Item = Row>) {
        rows.into_iter().for_each(|r| self.apply(r));
    }

    /// The rows, in the order they were first added.
    pub fn rows(&self) -> impl Iterator<Item = &Row> + '_ {
        self.slots.iter().flatten()
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.live
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    fn key_of(&self, values: &[SqlValue]) -> String {
        match &self.key {
            Some(columns) => {
                let picked: Vec<Option<&SqlValue>> =
                    columns.iter().map(|c| values.get(*c)).collect();
                format!("{picked:?}")
            }
            None => format!("{values:?}"),
        }
    }

    fn compact(&mut self) {
        let rows = std::mem::take(&mut self.slots);
        self.index.clear();
        // Places move: a pending update's `+U` goes to the end instead.
        self.updating.clear();
        for row in rows.into_iter().flatten() {
            let key = self.key_of(row.values());
            self.index
                .entry(key)
                .or_default()
                .push_back(self.slots.len());
            self.slots.push(Some(row));
        }
    }
}
