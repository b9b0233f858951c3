//! Printing connections: a table that fits the terminal (`human`: values shortened,
//! never broken mid-word), or the service's
//! shape through serde (`json`, `yaml`), never a secret (`Connection` does not
//! serialise its `auth_data`). A list is printed page by page as it arrives.

use std::io::Write;

use comfy_table::{presets, Cell, ContentArrangement, Table};
use confluent_flink_sql::connections::{Connection, ConnectionMetadata};

use crate::args::Output;
use crate::failure::Failure;
use crate::fit;

const COLUMNS: [&str; 5] = ["NAME", "TYPE", "ENDPOINT", "PHASE", "CREATED"];

/// Writes a list of connections, one page at a time.
pub struct ListWriter<W: Write> {
    out: W,
    output: Output,
    width: usize,
    /// The column widths, set by the first page: every page's rows line up.
    widths: Option<Vec<usize>>,
    written: usize,
}

impl<W: Write> ListWriter<W> {
    /// A writer to `out` in `output`, fitting the terminal's width.
    pub fn new(out: W, output: Output) -> Self {
        ListWriter {
            out,
            output,
            width: fit::terminal_width(),
            widths: None,
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
                let rows: Vec<[String; 5]> = page.iter().map(row).collect();
                let header = COLUMNS.map(String::from);
                if self.widths.is_none() {
                    self.widths = Some(list_widths(self.width, &header, &rows));
                    let widths = self.widths.as_deref().unwrap_or_default();
                    writeln!(self.out, "{}", fit::line(&header, widths))?;
                }
                let widths = self.widths.as_deref().unwrap_or_default();
                for r in &rows {
                    writeln!(self.out, "{}", fit::line(r, widths))?;
                }
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
        Output::Human => writeln!(out, "{}", detail_table(c, fit::terminal_width()))?,
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

/// The column widths that fit `width`: the widest value of each column (header or
/// first page), the widest columns narrowed first, the last columns dropped if need be.
fn list_widths(width: usize, header: &[String; 5], rows: &[[String; 5]]) -> Vec<usize> {
    let natural: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| fit::len(&r[i]))
                .chain([fit::len(&header[i])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    fit::widths(&natural, width.saturating_sub(fit::MARGIN), fit::GAP)
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

fn detail_table(c: &Connection, width: usize) -> Table {
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
    let mut pairs: Vec<(String, String)> =
        rows.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    // Metadata the crate does not know yet, as the service sent it.
    for (k, v) in m.into_iter().flat_map(|m| &m.unknown_fields) {
        pairs.push((k.clone(), v.to_string()));
    }
    fields_table(&pairs, width)
}

/// A table of `(field, value)` that fits `width`: long values wrapped between words,
/// a word too long for a line shortened with `…`.
pub fn fields_table(pairs: &[(String, String)], width: usize) -> Table {
    let key = pairs.iter().map(|(k, _)| fit::len(k)).max().unwrap_or(0);
    // `│ key │ value │`: 7 characters of borders and padding.
    let value = width.saturating_sub(key + 7).max(8);
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    for (k, v) in pairs {
        table.add_row([Cell::new(k), Cell::new(fit::wrap_words(v, value))]);
    }
    table
}

fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A failure to write JSON (a closed output ends quietly, as any write does).
pub fn json_failure(e: serde_json::Error) -> Failure {
    if e.is_io() {
        return Failure::from(std::io::Error::from(e));
    }
    Failure {
        code: crate::failure::API,
        message: format!("cannot write JSON: {e}"),
    }
}

/// A failure to write YAML.
pub fn yaml_failure(e: serde_yaml::Error) -> Failure {
    Failure {
        code: crate::failure::API,
        message: format!("cannot write YAML: {e}"),
    }
}
