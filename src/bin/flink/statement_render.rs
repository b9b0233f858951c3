//! Printing statements and their exceptions: a table that fits the terminal
//! (`human`), or the service's shape (`json`, `yaml`). The values of `sql.secrets.*`
//! properties are never printed: they are masked in every format.

use std::io::Write;

use confluent_flink_sql::types;
use serde::Serialize;
use serde_json::Value;

use crate::args::Output;
use crate::connection_render::{fields_table, json_failure, yaml_failure};
use crate::failure::Failure;
use crate::fit;

/// What a masked property value reads as.
pub const MASK: &str = "********";

/// `value` as JSON, with the value of every member whose key starts with
/// `sql.secrets` (at any depth) masked.
pub fn masked(value: &impl Serialize) -> Result<Value, Failure> {
    let mut json = serde_json::to_value(value).map_err(json_failure)?;
    mask(&mut json);
    Ok(json)
}

fn mask(json: &mut Value) {
    match json {
        Value::Object(members) => {
            for (k, v) in members.iter_mut() {
                if k.starts_with("sql.secrets") {
                    *v = Value::String(MASK.into());
                } else {
                    mask(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

/// The text at `pointer` of `json` (a string as is, another value as JSON).
fn text(json: &Value, pointer: &str) -> String {
    match json.pointer(pointer) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// Writes `json` (already masked) as JSON or YAML.
pub fn structured(mut out: impl Write, json: &Value, output: Output) -> Result<(), Failure> {
    match output {
        Output::Yaml => {
            let text = serde_yaml::to_string(json).map_err(yaml_failure)?;
            out.write_all(text.as_bytes())?;
        }
        _ => {
            serde_json::to_writer_pretty(&mut out, json).map_err(json_failure)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Writes one statement: a table of its fields, or its JSON or YAML.
pub fn one(mut out: impl Write, s: &types::Statement, output: Output) -> Result<(), Failure> {
    let json = masked(s)?;
    if output != Output::Human {
        return structured(out, &json, output);
    }
    let mut pairs: Vec<(String, String)> = [
        ("Name", "/name"),
        ("Statement", "/spec/statement"),
        ("Phase", "/status/phase"),
        ("Status Detail", "/status/detail"),
        ("Compute Pool", "/spec/compute_pool_id"),
        ("Principal", "/spec/principal"),
        ("Stopped", "/spec/stopped"),
        ("Created", "/metadata/created_at"),
        ("Updated", "/metadata/updated_at"),
    ]
    .iter()
    .map(|(k, p)| (k.to_string(), text(&json, p)))
    .collect();
    if let Some(Value::Object(props)) = json.pointer("/spec/properties") {
        let lines: Vec<String> = props
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().map_or(v.to_string(), String::from)))
            .collect();
        pairs.push(("Properties".into(), lines.join("\n")));
    }
    writeln!(out, "{}", fields_table(&pairs, fit::terminal_width()))?;
    out.flush()?;
    Ok(())
}

const LIST_COLUMNS: [&str; 5] = ["NAME", "PHASE", "COMPUTE POOL", "CREATED", "STATEMENT"];

/// Writes a list of statements: a table, a JSON array or a YAML sequence.
pub fn list(
    mut out: impl Write,
    items: &[types::Statement],
    output: Output,
) -> Result<(), Failure> {
    let json: Vec<Value> = items.iter().map(masked).collect::<Result<_, _>>()?;
    if output != Output::Human {
        return structured(out, &Value::Array(json), output);
    }
    if json.is_empty() {
        eprintln!("No statements.");
        return Ok(());
    }
    let header = LIST_COLUMNS.map(String::from).to_vec();
    let rows: Vec<Vec<String>> = json
        .iter()
        .map(|s| {
            [
                "/name",
                "/status/phase",
                "/spec/compute_pool_id",
                "/metadata/created_at",
                "/spec/statement",
            ]
            .iter()
            .map(|p| text(s, p))
            .collect()
        })
        .collect();
    columns(&mut out, &header, &rows)
}

/// Writes `rows` under `header` as columns that fit the terminal.
pub fn columns(
    mut out: impl Write,
    header: &[String],
    rows: &[Vec<String>],
) -> Result<(), Failure> {
    let natural: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| fit::len(c)))
                .chain([fit::len(&header[i])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let widths = fit::widths(
        &natural,
        fit::terminal_width().saturating_sub(fit::MARGIN),
        fit::GAP,
    );
    writeln!(out, "{}", fit::line(header, &widths))?;
    for r in rows {
        writeln!(out, "{}", fit::line(r, &widths))?;
    }
    out.flush()?;
    Ok(())
}

/// Writes a statement's exceptions: a table Timestamp | Name | Message, or JSON/YAML.
pub fn exceptions(
    mut out: impl Write,
    items: &[types::StatementException],
    output: Output,
) -> Result<(), Failure> {
    let json: Vec<Value> = items.iter().map(masked).collect::<Result<_, _>>()?;
    if output != Output::Human {
        return structured(out, &Value::Array(json), output);
    }
    if json.is_empty() {
        eprintln!("No exceptions.");
        return Ok(());
    }
    let header: Vec<String> = ["TIMESTAMP", "NAME", "MESSAGE"].map(String::from).to_vec();
    let rows: Vec<Vec<String>> = json
        .iter()
        .map(|e| {
            ["/timestamp", "/name", "/message"]
                .iter()
                .map(|p| text(e, p))
                .collect()
        })
        .collect();
    columns(&mut out, &header, &rows)?;
    out.flush()?;
    Ok(())
}
