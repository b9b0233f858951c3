//! Printing connections: a table that fits the terminal (`human`), or the service's
//! shape through serde (`json`, `yaml`), never a secret (`Connection` does not
//! serialise its `auth_data`). A list is printed page by page as it arrives.

use std::io::Write;

use comfy_table::{presets, Cell, ColumnConstraint, ContentArrangement, Table, Width};
use confluent_flink_sql::connections::{Connection, ConnectionMetadata};

use crate::args::Output;
use crate::failure::Failure;

const COLUMNS: [&str; 5] = ["NAME", "TYPE", "ENDPOINT", "PHASE", "CREATED"];
/// The share of the width each column gets, so that every page's rows line up.
const SHARES: [u16; 5] = [22, 14, 32, 10, 22];

/// Writes a list of connections, one page at a time.
pub struct ListWriter<W: Write> {
    out: W,
    output: Output,
    width: u16,
    written: usize,
}

impl<W: Write> ListWriter<W> {
    pub fn new(out: W, output: Output) -> Self {
        ListWriter {
            out,
            output,
            width: terminal_width(),
            written: 0,
        }
    }

    /// Writes one page and flushes it.
    pub fn page(&mut self, page: &[Connection]) -> Result<(), Failure> {
        match self.output {
            Output::Human => {
                if page.is_empty() {
                    return Ok(());
                }
                let table = list_table(self.width, self.written == 0, page);
                writeln!(self.out, "{table}")?;
            }
            Output::Json => {
                for c in page {
                    let sep = if self.written == 0 { "[\n" } else { ",\n" };
                    self.out.write_all(sep.as_bytes())?;
                    serde_json::to_writer_pretty(&mut self.out, c).map_err(json_failure)?;
                    self.written += 1;
                }
            }
            Output::Yaml => {
                // A sequence of one item per connection: the pieces make one sequence.
                for c in page {
                    let text = serde_yaml::to_string(&[c]).map_err(yaml_failure)?;
                    self.out.write_all(text.as_bytes())?;
                    self.written += 1;
                }
            }
        }
        if self.output == Output::Human {
            self.written += page.len();
        }
        self.out.flush()?;
        Ok(())
    }

    /// Ends the list (closes the JSON array; says so when there was nothing).
    pub fn finish(mut self) -> Result<(), Failure> {
        match (self.output, self.written) {
            (Output::Json, 0) => writeln!(self.out, "[]")?,
            (Output::Json, _) => writeln!(self.out, "\n]")?,
            (Output::Yaml, 0) => writeln!(self.out, "[]")?,
            (Output::Human, 0) => eprintln!("No connections."),
            _ => {}
        }
        self.out.flush()?;
        Ok(())
    }
}

/// Writes one connection: a table of its fields, or its JSON or YAML.
pub fn one(mut out: impl Write, c: &Connection, output: Output) -> Result<(), Failure> {
    match output {
        Output::Human => writeln!(out, "{}", detail_table(c, terminal_width()))?,
        Output::Json => {
            serde_json::to_writer_pretty(&mut out, c).map_err(json_failure)?;
            writeln!(out)?;
        }
        Output::Yaml => {
            let text = serde_yaml::to_string(c).map_err(yaml_failure)?;
            out.write_all(text.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The table of one page; only the first page has the header. Every page has the same
/// column widths (shares of the terminal's width), so that the pages line up.
fn list_table(width: u16, header: bool, page: &[Connection]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    if header {
        table.set_header(COLUMNS);
    }
    for c in page {
        table.add_row(row(c));
    }
    table.set_constraints(SHARES.map(|p| ColumnConstraint::Absolute(Width::Percentage(p))));
    table
}

fn row(c: &Connection) -> [String; 5] {
    [
        c.name().to_owned(),
        c.connection_type().to_string(),
        c.endpoint().to_owned(),
        c.phase().map(ToString::to_string).unwrap_or_default(),
        c.created_at().map(timestamp).unwrap_or_default(),
    ]
}

fn detail_table(c: &Connection, width: u16) -> Table {
    let m = c.metadata();
    let text =
        |f: fn(&ConnectionMetadata) -> Option<&str>| m.and_then(f).unwrap_or_default().to_owned();
    let mut rows: Vec<(&str, String)> = vec![
        ("Name", c.name().to_owned()),
        ("Type", c.connection_type().to_string()),
        ("Endpoint", c.endpoint().to_owned()),
        (
            "Phase",
            c.phase().map(ToString::to_string).unwrap_or_default(),
        ),
        (
            "Status Detail",
            c.status_detail().unwrap_or_default().to_owned(),
        ),
        ("Created", c.created_at().map(timestamp).unwrap_or_default()),
        ("Updated", c.updated_at().map(timestamp).unwrap_or_default()),
        (
            "Resource Version",
            c.resource_version().unwrap_or_default().to_owned(),
        ),
        ("Resource Name", text(ConnectionMetadata::resource_name)),
        ("UID", text(ConnectionMetadata::uid)),
        ("Self", text(ConnectionMetadata::self_url)),
    ];
    if let Some(d) = m.and_then(ConnectionMetadata::deleted_at) {
        rows.push(("Deleted", timestamp(d)));
    }
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    for (k, v) in rows {
        table.add_row([Cell::new(k), Cell::new(v)]);
    }
    // Metadata the crate does not know yet, as the service sent it.
    for (k, v) in m.into_iter().flat_map(|m| &m.unknown_fields) {
        table.add_row([Cell::new(k), Cell::new(v.to_string())]);
    }
    table
}

fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The width of the terminal on standard output, else `COLUMNS`, else 120. (A
/// terminal that reports no size, as some pseudo-terminals do, says 0.)
fn terminal_width() -> u16 {
    Table::new()
        .width()
        .filter(|w| *w > 0)
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .unwrap_or(120)
}

fn json_failure(e: serde_json::Error) -> Failure {
    if e.is_io() {
        return Failure::from(std::io::Error::from(e));
    }
    Failure {
        code: crate::failure::API,
        message: format!("cannot write JSON: {e}"),
    }
}

fn yaml_failure(e: serde_yaml::Error) -> Failure {
    Failure {
        code: crate::failure::API,
        message: format!("cannot write YAML: {e}"),
    }
}
