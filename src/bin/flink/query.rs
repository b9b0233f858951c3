//! `flink query`: submits a bounded query, waits for it, reads all its results and
//! prints the table they describe. The statement is left as it is (not deleted).

use std::io::{Read, Write};

use confluent_flink_sql::results::Schema;
use serde_json::{json, Value};

use crate::args::{ConfigArgs, Output};
use crate::failure::Failure;
use crate::flink_args::{QueryArgs, ResultFormat};
use crate::results::RowWriter;
use crate::statement_commands::placed;
use crate::{config, statement_render};

/// Runs `flink query`.
pub fn run(flags: &ConfigArgs, args: QueryArgs) -> Result<(), Failure> {
    let sql = sql_of(&args)?;
    let client = config::client(flags)?;
    config::runtime()?.block_on(async {
        let submit = placed(client.statements().submit(sql), &args.placement);
        let mut run = submit.await.map_err(|e| Failure::from_error(&e))?;
        run.wait().await.map_err(|e| Failure::from_error(&e))?;
        let bounded = run.is_bounded().unwrap_or(true);
        if !bounded {
            return Err(Failure::api(format!(
                "statement `{}` is unbounded (it keeps running): `flink query` reads bounded \
                 queries only; read it with `flink statement results {}`",
                run.name(),
                run.name()
            )));
        }
        let schema = run.schema();
        let table = run
            .results()
            .table()
            .await
            .map_err(|e| Failure::from_error(&e))?;
        let schema: Schema = schema.unwrap_or_else(|| table.schema().clone());
        let mut out = std::io::stdout().lock();
        if args.output == Output::Human {
            let mut writer = RowWriter::new(&mut out, ResultFormat::Table, false, schema);
            writer.page(table.rows())?;
            return writer.finish();
        }
        let columns: Vec<Value> = schema
            .columns()
            .iter()
            .map(|c| json!({"name": c.name, "type": c.ty.to_string()}))
            .collect();
        let rows: Vec<Value> = table
            .rows()
            .map(|r| Value::Array(r.values().iter().map(|v| v.to_json()).collect()))
            .collect();
        statement_render::structured(
            &mut out,
            &json!({"columns": columns, "rows": rows}),
            args.output,
        )?;
        out.flush()?;
        Ok(())
    })
}

/// The SQL of `--sql`, or of the file of `--file` (`-`: standard input).
fn sql_of(args: &QueryArgs) -> Result<String, Failure> {
    let sql = match (&args.sql, &args.file) {
        (Some(sql), _) => sql.clone(),
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                Failure::usage(format!("cannot read the SQL from standard input: {e}"))
            })?;
            text
        }
        (None, Some(path)) => std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(format!(
                "cannot read the SQL from `{}`: {e}",
                path.display()
            ))
        })?,
        (None, None) => return Err(Failure::usage("give the SQL with --sql or --file")),
    };
    if sql.trim().is_empty() {
        return Err(Failure::usage("the SQL is empty"));
    }
    Ok(sql)
}
