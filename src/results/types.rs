//! The column types of a statement's results, read from its result schema.
//!
//! A statement's `status.traits.schema.columns[].type` is Flink's JSON form of a
//! logical type: `{"type": "DECIMAL", "nullable": false, "precision": 10, "scale": 2}`,
//! with `element_type`, `key_type`, `value_type` and `fields` for the collection and
//! row types. The spec types `type` as a string: the names below are Flink's
//! (`LogicalTypeRoot`), and a name this crate does not know is kept
//! ([`SqlKind::Other`]) with its values read as JSON, so a type Flink adds loses
//! nothing.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

/// The type of one column (or of an element, key, value or field inside one).
///
/// ```
/// use confluent_flink_sql::results::{SqlKind, SqlType};
///
/// let ty = SqlType::from_json(&serde_json::json!(
///     {"type": "ARRAY", "nullable": true, "element_type": {"type": "INTEGER", "nullable": false}}
/// ))?;
/// assert!(ty.nullable);
/// assert!(matches!(&ty.kind, SqlKind::Array(e) if e.kind == SqlKind::Integer));
/// assert_eq!(ty.to_string(), "ARRAY<INTEGER NOT NULL>");
/// # Ok::<(), confluent_flink_sql::results::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlType {
    /// What the values are.
    pub kind: SqlKind,
    /// Whether a value may be `NULL`.
    pub nullable: bool,
}

/// What a column holds, with the parameters Flink gives each type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SqlKind {
    /// `CHAR(length)`.
    Char {
        /// Characters, when given.
        length: Option<u32>,
    },
    /// `VARCHAR(length)` and `STRING`.
    Varchar {
        /// Most characters, when given.
        length: Option<u32>,
    },
    /// `BOOLEAN`.
    Boolean,
    /// `BINARY(length)`.
    Binary {
        /// Bytes, when given.
        length: Option<u32>,
    },
    /// `VARBINARY(length)` and `BYTES`.
    Varbinary {
        /// Most bytes, when given.
        length: Option<u32>,
    },
    /// `DECIMAL(precision, scale)`: read exactly ([`Decimal`](super::Decimal)).
    Decimal {
        /// Digits in all, when given.
        precision: Option<u32>,
        /// Digits after the point, when given.
        scale: Option<u32>,
    },
    /// `TINYINT` (`i8`).
    TinyInt,
    /// `SMALLINT` (`i16`).
    SmallInt,
    /// `INTEGER` (`i32`).
    Integer,
    /// `BIGINT` (`i64`).
    BigInt,
    /// `FLOAT` (`f32`).
    Float,
    /// `DOUBLE` (`f64`).
    Double,
    /// `DATE`.
    Date,
    /// `TIME(precision)`.
    Time {
        /// Fractional digits of the second, when given.
        precision: Option<u32>,
    },
    /// `TIMESTAMP(precision)`: a date and time without a zone.
    Timestamp {
        /// Fractional digits of the second, when given.
        precision: Option<u32>,
    },
    /// `TIMESTAMP_LTZ(precision)`: an instant, written in the statement's
    /// `sql.local-time-zone`.
    TimestampLtz {
        /// Fractional digits of the second, when given.
        precision: Option<u32>,
    },
    /// `TIMESTAMP(precision) WITH TIME ZONE`.
    TimestampTz {
        /// Fractional digits of the second, when given.
        precision: Option<u32>,
    },
    /// `INTERVAL YEAR TO MONTH` and its narrower forms.
    IntervalYearMonth {
        /// `YEAR`, `YEAR_TO_MONTH` or `MONTH`, when given.
        resolution: Option<String>,
        /// Digits of the year, when given.
        precision: Option<u32>,
    },
    /// `INTERVAL DAY TO SECOND` and its narrower forms.
    IntervalDayTime {
        /// `DAY_TO_SECOND`, `HOUR_TO_MINUTE`, ..., when given.
        resolution: Option<String>,
        /// Digits of the day, when given.
        precision: Option<u32>,
        /// Fractional digits of the second, when given.
        fractional_precision: Option<u32>,
    },
    /// `ARRAY<element>`.
    Array(Box<SqlType>),
    /// `MULTISET<element>`: each element with how many times it is there.
    Multiset(Box<SqlType>),
    /// `MAP<key, value>`.
    Map {
        /// The type of the keys.
        key: Box<SqlType>,
        /// The type of the values.
        value: Box<SqlType>,
    },
    /// `ROW<name type, ...>`.
    Row(Vec<Field>),
    /// A structured (user-defined) type: its attributes, like a row's fields.
    Structured {
        /// The implementing class, when given.
        class_name: Option<String>,
        /// The attributes.
        fields: Vec<Field>,
    },
    /// `NULL`: only `NULL`.
    Null,
    /// A type this crate does not know: its values are kept as JSON
    /// ([`SqlValue::Unknown`](super::SqlValue::Unknown)).
    Other {
        /// Flink's name of the type (`type`).
        name: String,
    },
}

/// A field of a `ROW` (or an attribute of a structured type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field's name.
    pub name: String,
    /// The field's type.
    pub ty: SqlType,
    /// The field's description, when given.
    pub description: Option<String>,
}

/// A column of a statement's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// The column's type.
    pub ty: SqlType,
}

/// The columns of a statement's results, shared by every row read with them.
///
/// ```
/// use confluent_flink_sql::results::Schema;
///
/// let schema = Schema::from_json(&serde_json::json!({"columns": [
///     {"name": "id", "type": {"type": "BIGINT", "nullable": false}},
///     {"name": "name", "type": {"type": "VARCHAR", "nullable": true, "length": 2147483647}}
/// ]}))?;
/// assert_eq!(schema.len(), 2);
/// assert_eq!(schema.index_of("name"), Some(1));
/// # Ok::<(), confluent_flink_sql::results::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    columns: Arc<[Column]>,
}

impl Schema {
    /// A schema of these columns.
    pub fn new(columns: Vec<Column>) -> Self {
        Schema {
            columns: columns.into(),
        }
    }

    /// Reads a result schema (`{"columns": [{"name", "type"}, ...]}`, a statement's
    /// `status.traits.schema`).
    pub fn from_json(schema: &Value) -> Result<Self, SchemaError> {
        let columns = match schema.get("columns") {
            None | Some(Value::Null) => return Ok(Schema::default()),
            Some(Value::Array(columns)) => columns,
            Some(_) => return Err(SchemaError::new("columns", "is not a list")),
        };
        columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let at = format!("columns[{i}]");
                let name = c
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| SchemaError::new(&at, "has no name"))?;
                let ty = c
                    .get("type")
                    .ok_or_else(|| SchemaError::new(&at, "has no type"))?;
                let ty = SqlType::parse(ty, &format!("{at}.type"))?;
                Ok(Column {
                    name: name.to_string(),
                    ty,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Schema::new)
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// How many columns there are.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// True when there are no columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The position of the first column named `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// A result schema this crate cannot read: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    at: String,
    problem: String,
}

impl SchemaError {
    fn new(at: &str, problem: &str) -> Self {
        SchemaError {
            at: at.to_string(),
            problem: problem.to_string(),
        }
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "result schema: {} {}", self.at, self.problem)
    }
}

impl std::error::Error for SchemaError {}

impl SqlType {
    /// Reads Flink's JSON form of a type (`{"type": "INTEGER", "nullable": false}`).
    pub fn from_json(ty: &Value) -> Result<Self, SchemaError> {
        SqlType::parse(ty, "type")
    }

    /// A nullable type of `kind`.
    pub fn nullable(kind: SqlKind) -> Self {
        SqlType {
            kind,
            nullable: true,
        }
    }

    /// A type of `kind` that never holds `NULL`.
    pub fn not_null(kind: SqlKind) -> Self {
        SqlType {
            kind,
            nullable: false,
        }
    }

    fn parse(ty: &Value, at: &str) -> Result<Self, SchemaError> {
        let obj = ty
            .as_object()
            .ok_or_else(|| SchemaError::new(at, "is not an object"))?;
        let name = obj
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| SchemaError::new(at, "has no `type` name"))?;
        // The spec requires `nullable`; a type without it is taken as nullable (what
        // Flink assumes of a type written without NOT NULL).
        let nullable = obj.get("nullable").and_then(Value::as_bool).unwrap_or(true);
        let number = |key: &str| -> Result<Option<u32>, SchemaError> {
            match obj.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .map(Some)
                    .ok_or_else(|| SchemaError::new(&format!("{at}.{key}"), "is not a count")),
            }
        };
        let text = |key: &str| obj.get(key).and_then(Value::as_str).map(String::from);
        let inner = |key: &str| -> Result<Box<SqlType>, SchemaError> {
            let v = obj
                .get(key)
                .ok_or_else(|| SchemaError::new(at, &format!("({name}) has no `{key}`")))?;
            SqlType::parse(v, &format!("{at}.{key}")).map(Box::new)
        };
        let fields = || -> Result<Vec<Field>, SchemaError> {
            let list = match obj.get("fields") {
                None | Some(Value::Null) => return Ok(Vec::new()),
                Some(Value::Array(list)) => list,
                Some(_) => return Err(SchemaError::new(&format!("{at}.fields"), "is not a list")),
            };
            list.iter()
                .enumerate()
                .map(|(i, f)| {
                    let at = format!("{at}.fields[{i}]");
                    let name = f
                        .get("name")
                        .and_then(Value::as_str)
                        .ok_or_else(|| SchemaError::new(&at, "has no name"))?;
                    let ty = f
                        .get("field_type")
                        .ok_or_else(|| SchemaError::new(&at, "has no field_type"))?;
                    Ok(Field {
                        name: name.to_string(),
                        ty: SqlType::parse(ty, &format!("{at}.field_type"))?,
                        description: f
                            .get("description")
                            .and_then(Value::as_str)
                            .map(String::from),
                    })
                })
                .collect()
        };
        let kind = match name {
            "CHAR" => SqlKind::Char {
                length: number("length")?,
            },
            "VARCHAR" | "STRING" => SqlKind::Varchar {
                length: number("length")?,
            },
            "BOOLEAN" => SqlKind::Boolean,
            "BINARY" => SqlKind::Binary {
                length: number("length")?,
            },
            "VARBINARY" | "BYTES" => SqlKind::Varbinary {
                length: number("length")?,
            },
            "DECIMAL" => SqlKind::Decimal {
                precision: number("precision")?,
                scale: number("scale")?,
            },
            "TINYINT" => SqlKind::TinyInt,
            "SMALLINT" => SqlKind::SmallInt,
            "INTEGER" | "INT" => SqlKind::Integer,
            "BIGINT" => SqlKind::BigInt,
            "FLOAT" => SqlKind::Float,
            "DOUBLE" => SqlKind::Double,
            "DATE" => SqlKind::Date,
            "TIME_WITHOUT_TIME_ZONE" | "TIME" => SqlKind::Time {
                precision: number("precision")?,
            },
            "TIMESTAMP_WITHOUT_TIME_ZONE" | "TIMESTAMP" => SqlKind::Timestamp {
                precision: number("precision")?,
            },
            "TIMESTAMP_WITH_LOCAL_TIME_ZONE" | "TIMESTAMP_LTZ" => SqlKind::TimestampLtz {
                precision: number("precision")?,
            },
            "TIMESTAMP_WITH_TIME_ZONE" => SqlKind::TimestampTz {
                precision: number("precision")?,
            },
            "INTERVAL_YEAR_MONTH" => SqlKind::IntervalYearMonth {
                resolution: text("resolution"),
                precision: number("precision")?,
            },
            "INTERVAL_DAY_TIME" => SqlKind::IntervalDayTime {
                resolution: text("resolution"),
                precision: number("precision")?,
                fractional_precision: number("fractional_precision")?,
            },
            "ARRAY" => SqlKind::Array(inner("element_type")?),
            "MULTISET" => SqlKind::Multiset(inner("element_type")?),
            "MAP" => SqlKind::Map {
                key: inner("key_type")?,
                value: inner("value_type")?,
            },
            "ROW" => SqlKind::Row(fields()?),
            "STRUCTURED_TYPE" => SqlKind::Structured {
                class_name: text("class_name"),
                fields: fields()?,
            },
            "NULL" => SqlKind::Null,
            other => SqlKind::Other {
                name: other.to_string(),
            },
        };
        Ok(SqlType { kind, nullable })
    }

    /// Flink's JSON form of the type, as [`SqlType::from_json`] reads it.
    pub fn to_json(&self) -> Value {
        let mut obj = serde_json::Map::new();
        let mut put = |k: &str, v: Value| {
            obj.insert(k.to_string(), v);
        };
        let name = self.kind.type_name();
        match &self.kind {
            SqlKind::Char { length }
            | SqlKind::Varchar { length }
            | SqlKind::Binary { length }
            | SqlKind::Varbinary { length } => {
                if let Some(n) = length {
                    put("length", (*n).into());
                }
            }
            SqlKind::Decimal { precision, scale } => {
                if let Some(p) = precision {
                    put("precision", (*p).into());
                }
                if let Some(s) = scale {
                    put("scale", (*s).into());
                }
            }
            SqlKind::Time { precision }
            | SqlKind::Timestamp { precision }
            | SqlKind::TimestampLtz { precision }
            | SqlKind::TimestampTz { precision } => {
                if let Some(p) = precision {
                    put("precision", (*p).into());
                }
            }
            SqlKind::IntervalYearMonth {
                resolution,
                precision,
            } => {
                if let Some(r) = resolution {
                    put("resolution", r.as_str().into());
                }
                if let Some(p) = precision {
                    put("precision", (*p).into());
                }
            }
            SqlKind::IntervalDayTime {
                resolution,
                precision,
                fractional_precision,
            } => {
                if let Some(r) = resolution {
                    put("resolution", r.as_str().into());
                }
                if let Some(p) = precision {
                    put("precision", (*p).into());
                }
                if let Some(f) = fractional_precision {
                    put("fractional_precision", (*f).into());
                }
            }
            SqlKind::Array(e) | SqlKind::Multiset(e) => put("element_type", e.to_json()),
            SqlKind::Map { key, value } => {
                put("key_type", key.to_json());
                put("value_type", value.to_json());
            }
            SqlKind::Row(fields) | SqlKind::Structured { fields, .. } => {
                if let SqlKind::Structured {
                    class_name: Some(c),
                    ..
                } = &self.kind
                {
                    put("class_name", c.as_str().into());
                }
                let fields = fields
                    .iter()
                    .map(|f| {
                        let mut o = serde_json::Map::new();
                        o.insert("name".into(), f.name.as_str().into());
                        o.insert("field_type".into(), f.ty.to_json());
                        if let Some(d) = &f.description {
                            o.insert("description".into(), d.as_str().into());
                        }
                        Value::Object(o)
                    })
                    .collect();
                put("fields", Value::Array(fields));
            }
            SqlKind::Boolean
            | SqlKind::TinyInt
            | SqlKind::SmallInt
            | SqlKind::Integer
            | SqlKind::BigInt
            | SqlKind::Float
            | SqlKind::Double
            | SqlKind::Date
            | SqlKind::Null
            | SqlKind::Other { .. } => {}
        }
        obj.insert("type".into(), name.into());
        obj.insert("nullable".into(), self.nullable.into());
        Value::Object(obj)
    }
}

impl SqlKind {
    /// Flink's name of the type (the `type` of its JSON form).
    pub fn type_name(&self) -> &str {
        match self {
            SqlKind::Char { .. } => "CHAR",
            SqlKind::Varchar { .. } => "VARCHAR",
            SqlKind::Boolean => "BOOLEAN",
            SqlKind::Binary { .. } => "BINARY",
            SqlKind::Varbinary { .. } => "VARBINARY",
            SqlKind::Decimal { .. } => "DECIMAL",
            SqlKind::TinyInt => "TINYINT",
            SqlKind::SmallInt => "SMALLINT",
            SqlKind::Integer => "INTEGER",
            SqlKind::BigInt => "BIGINT",
            SqlKind::Float => "FLOAT",
            SqlKind::Double => "DOUBLE",
            SqlKind::Date => "DATE",
            SqlKind::Time { .. } => "TIME_WITHOUT_TIME_ZONE",
            SqlKind::Timestamp { .. } => "TIMESTAMP_WITHOUT_TIME_ZONE",
            SqlKind::TimestampLtz { .. } => "TIMESTAMP_WITH_LOCAL_TIME_ZONE",
            SqlKind::TimestampTz { .. } => "TIMESTAMP_WITH_TIME_ZONE",
            SqlKind::IntervalYearMonth { .. } => "INTERVAL_YEAR_MONTH",
            SqlKind::IntervalDayTime { .. } => "INTERVAL_DAY_TIME",
            SqlKind::Array(_) => "ARRAY",
            SqlKind::Multiset(_) => "MULTISET",
            SqlKind::Map { .. } => "MAP",
            SqlKind::Row(_) => "ROW",
            SqlKind::Structured { .. } => "STRUCTURED_TYPE",
            SqlKind::Null => "NULL",
            SqlKind::Other { name } => name,
        }
    }
}

/// The type in SQL (`DECIMAL(10, 2) NOT NULL`, `ROW<id BIGINT, tags ARRAY<STRING>>`).
impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn with(f: &mut fmt::Formatter<'_>, name: &str, n: &Option<u32>) -> fmt::Result {
            match n {
                Some(n) => write!(f, "{name}({n})"),
                None => f.write_str(name),
            }
        }
        fn fields(f: &mut fmt::Formatter<'_>, name: &str, list: &[Field]) -> fmt::Result {
            write!(f, "{name}<")?;
            for (i, field) in list.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{} {}", field.name, field.ty)?;
            }
            f.write_str(">")
        }
        match &self.kind {
            SqlKind::Char { length } => with(f, "CHAR", length)?,
            SqlKind::Varchar { length } => with(f, "VARCHAR", length)?,
            SqlKind::Binary { length } => with(f, "BINARY", length)?,
            SqlKind::Varbinary { length } => with(f, "VARBINARY", length)?,
            SqlKind::Decimal { precision, scale } => match (precision, scale) {
                (Some(p), Some(s)) => write!(f, "DECIMAL({p}, {s})")?,
                (Some(p), None) => write!(f, "DECIMAL({p})")?,
                _ => f.write_str("DECIMAL")?,
            },
            SqlKind::Time { precision } => with(f, "TIME", precision)?,
            SqlKind::Timestamp { precision } => with(f, "TIMESTAMP", precision)?,
            SqlKind::TimestampLtz { precision } => with(f, "TIMESTAMP_LTZ", precision)?,
            SqlKind::TimestampTz { precision } => {
                with(f, "TIMESTAMP", precision)?;
                f.write_str(" WITH TIME ZONE")?
            }
            SqlKind::IntervalYearMonth { .. } => f.write_str("INTERVAL YEAR TO MONTH")?,
            SqlKind::IntervalDayTime { .. } => f.write_str("INTERVAL DAY TO SECOND")?,
            SqlKind::Array(e) => write!(f, "ARRAY<{e}>")?,
            SqlKind::Multiset(e) => write!(f, "MULTISET<{e}>")?,
            SqlKind::Map { key, value } => write!(f, "MAP<{key}, {value}>")?,
            SqlKind::Row(list) => fields(f, "ROW", list)?,
            SqlKind::Structured { fields: list, .. } => fields(f, "STRUCTURED", list)?,
            other => f.write_str(other.type_name())?,
        }
        if !self.nullable {
            f.write_str(" NOT NULL")?;
        }
        Ok(())
    }
}
