//! What a statement returns: its result schema, typed rows, and the table its
//! changelog describes.
//!
//! A statement's results are a changelog: each row says whether it adds (`+I`, `+U`)
//! or takes back (`-U`, `-D`) a row of the table the statement describes, and holds a
//! value per column of the statement's result schema (`status.traits.schema`). This
//! module reads both: [`Schema`] and [`SqlType`] from the schema, [`decode_page`] from
//! the bytes of a results page straight into [`Row`]s of [`SqlValue`]s, and [`Table`]
//! applies the changes.
//!
//! It reads Flink's JSON forms of types and values, not a version of the spec: it
//! builds the same whatever the document in `openapi/` holds.

mod decode;
mod row;
mod table;
mod types;
mod value;

pub use decode::{decode_page, ResultPage};
pub use row::{ChangeOp, Row};
pub use table::Table;
pub use types::{Column, Field, Schema, SchemaError, SqlKind, SqlType};
pub use value::{Decimal, SqlValue, ValueError};
