//! `flink statement results`: a statement's rows as they arrive, as a table that fits
//! the terminal, JSON lines or CSV.
//!
//! Without `--changelog`, an append-only statement's rows are printed as they arrive;
//! a bounded statement whose results change earlier rows is read to its end and the
//! table the changes describe is printed. An unbounded one of those is, as a table,
//! the table the changes describe so far, drawn again after each page that changes it
//! (in place on a terminal; one after the other, a blank line between, elsewhere); as
//! JSON lines or CSV it can only be shown as its changes, so it is printed as with
//! `--changelog` (said on standard error).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use confluent_flink_sql::results::{Row, Schema, SqlValue, Table};
use confluent_flink_sql::statements::{ResultsRequest, StatementRun};
use futures::TryStreamExt;
use serde_json::Value;

use crate::failure::Failure;
use crate::fit;
use crate::flink_args::ResultFormat;

/// Prints the results of `run`.
pub async fn print(
    mut run: StatementRun,
    format: ResultFormat,
    changelog: bool,
    poll: Duration,
) -> Result<(), Failure> {
    // Until it leaves PENDING its traits (boundedness, schema) are not known.
    run.wait().await.map_err(|e| Failure::from_error(&e))?;
    let bounded = run.is_bounded().unwrap_or(true);
    let append_only = run.is_append_only().unwrap_or(false);
    let schema = run.schema();
    let upsert = run.upsert_columns();
    let request = run.results().poll_interval(poll);
    if !changelog && !append_only && bounded {
        let table = request.table().await.map_err(|e| Failure::from_error(&e))?;
        let schema = schema.unwrap_or_else(|| table.schema().clone());
        let mut writer = RowWriter::new(std::io::stdout().lock(), format, false, schema);
        writer.page(table.rows())?;
        return writer.finish();
    }
    if !changelog && !append_only && format == ResultFormat::Table {
        return live_table(request, schema.unwrap_or_default(), upsert).await;
    }
    let with_op = changelog || !append_only;
    if with_op && !changelog {
        eprintln!(
            "{}: the statement is unbounded and its results change earlier rows: printing \
             each change with its operation (as with --changelog)",
            crate::PROGRAM
        );
    }
    let mut pages = std::pin::pin!(request.pages());
    // The writer needs the columns: the statement's schema, else the first row's.
    let mut writer = schema.map(|s| RowWriter::new(std::io::stdout().lock(), format, with_op, s));
    while let Some(page) = pages
        .try_next()
        .await
        .map_err(|e| Failure::from_error(&e))?
    {
        let Some(first) = page.rows.first() else {
            continue;
        };
        let schema = first.schema().clone();
        writer
            .get_or_insert_with(|| {
                RowWriter::new(std::io::stdout().lock(), format, with_op, schema)
            })
            .page(page.rows.iter())?;
    }
    match writer {
        Some(w) => w.finish(),
        None => Ok(()),
    }
}

/// The table an unbounded statement's changes describe, drawn again after each page
/// that changes it: in place on a terminal, else one drawing after the other.
async fn live_table(
    request: ResultsRequest,
    schema: Schema,
    upsert: Option<Vec<usize>>,
) -> Result<(), Failure> {
    let terminal = std::io::stdout().is_terminal();
    let mut table = match upsert {
        Some(columns) => Table::with_upsert_columns(schema.clone(), columns),
        None => Table::new(schema.clone()),
    };
    let mut pages = std::pin::pin!(request.pages());
    let mut drawn = 0;
    while let Some(page) = pages
        .try_next()
        .await
        .map_err(|e| Failure::from_error(&e))?
    {
        if page.rows.is_empty() {
            continue;
        }
        table.apply_all(page.rows);
        let mut drawing = Vec::new();
        let mut writer = RowWriter::new(&mut drawing, ResultFormat::Table, false, schema.clone());
        writer.page(table.rows())?;
        if table.is_empty() {
            writer.finish()?;
        }
        let mut out = std::io::stdout().lock();
        if terminal {
            // Home, then clear the screen: the new drawing replaces the old.
            out.write_all(b"\x1b[H\x1b[2J")?;
        } else if drawn > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(&drawing)?;
        out.flush()?;
        drawn += 1;
    }
    Ok(())
}

/// Writes rows in one format, page by page, flushing each.
pub struct RowWriter<W: Write> {
    out: W,
    format: ResultFormat,
    with_op: bool,
    header: Vec<String>,
    /// The table's column widths, set by the first page.
    widths: Option<Vec<usize>>,
    written: usize,
}

impl<W: Write> RowWriter<W> {
    /// A writer of rows of `schema`; `with_op` adds each row's operation.
    pub fn new(out: W, format: ResultFormat, with_op: bool, schema: Schema) -> Self {
        let mut header: Vec<String> = schema.columns().iter().map(|c| c.name.clone()).collect();
        if with_op {
            header.insert(0, "op".into());
        }
        RowWriter {
            out,
            format,
            with_op,
            header,
            widths: None,
            written: 0,
        }
    }

    /// Writes the rows of one page and flushes them.
    pub fn page<'r>(&mut self, rows: impl Iterator<Item = &'r Row>) -> Result<(), Failure> {
        let rows: Vec<&Row> = rows.collect();
        match self.format {
            ResultFormat::Json => {
                for r in &rows {
                    writeln!(self.out, "{}", self.json_line(r))?;
                }
            }
            ResultFormat::Csv => {
                if self.written == 0 {
                    let line = csv_line(self.header.iter().map(String::as_str));
                    writeln!(self.out, "{line}")?;
                }
                for r in &rows {
                    let cells = self.cells(r, |v| match v {
                        SqlValue::Null => String::new(),
                        v => v.to_string(),
                    });
                    writeln!(self.out, "{}", csv_line(cells.iter().map(String::as_str)))?;
                }
            }
            ResultFormat::Table => {
                let cells: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| self.cells(r, ToString::to_string))
                    .collect();
                if self.widths.is_none() {
                    let natural: Vec<usize> = (0..self.header.len())
                        .map(|i| {
                            cells
                                .iter()
                                .map(|r| r.get(i).map_or(0, |c| fit::len(c)))
                                .chain([fit::len(&self.header[i])])
                                .max()
                                .unwrap_or(0)
                        })
                        .collect();
                    let width = fit::terminal_width().saturating_sub(fit::MARGIN);
                    let widths = fit::widths(&natural, width, fit::GAP);
                    writeln!(self.out, "{}", fit::line(&self.header, &widths))?;
                    self.widths = Some(widths);
                }
                let widths = self.widths.as_deref().unwrap_or_default();
                for r in &cells {
                    writeln!(self.out, "{}", fit::line(r, widths))?;
                }
            }
        }
        self.written += rows.len();
        self.out.flush()?;
        Ok(())
    }

    /// Ends the output (a table with no rows still shows its header).
    pub fn finish(mut self) -> Result<(), Failure> {
        if self.written == 0 {
            match self.format {
                ResultFormat::Csv => {
                    let line = csv_line(self.header.iter().map(String::as_str));
                    writeln!(self.out, "{line}")?;
                }
                ResultFormat::Table => {
                    writeln!(self.out, " {}", self.header.join("  "))?;
                    eprintln!("No rows.");
                }
                ResultFormat::Json => {}
            }
        }
        self.out.flush()?;
        Ok(())
    }

    /// The row's cells as `text` makes them, its operation first when asked.
    fn cells(&self, row: &Row, text: impl Fn(&SqlValue) -> String) -> Vec<String> {
        let mut cells: Vec<String> = Vec::with_capacity(self.header.len());
        if self.with_op {
            cells.push(row.op().to_string());
        }
        cells.extend(row.values().iter().map(text));
        cells
    }

    /// One JSON object: `"op"` first when asked, then each column by name, in order.
    fn json_line(&self, row: &Row) -> String {
        let names = &self.header[usize::from(self.with_op)..];
        let mut members: Vec<String> = Vec::with_capacity(self.header.len());
        if self.with_op {
            members.push(format!("\"op\":{}", Value::String(row.op().to_string())));
        }
        for (name, value) in names.iter().zip(row.values()) {
            members.push(format!(
                "{}:{}",
                Value::String(name.clone()),
                value.to_json()
            ));
        }
        format!("{{{}}}", members.join(","))
    }
}

/// One CSV line (RFC 4180): a field with a comma, quote or line break is quoted.
pub fn csv_line<'a>(fields: impl Iterator<Item = &'a str>) -> String {
    fields
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::csv_line;

    #[test]
    fn csv_fields_are_quoted_when_they_must_be() {
        let line = csv_line(["a", "b,c", "say \"hi\"", "x\ny"].into_iter());
        assert_eq!(line, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"");
    }
}
