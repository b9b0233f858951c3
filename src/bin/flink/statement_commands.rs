//! `flink statement ...`: each command reads its input, calls the crate, and prints
//! the result.

use std::time::Duration;

use confluent_flink_sql::resources::Statements;
use confluent_flink_sql::Client;
use futures::TryStreamExt;
use serde_json::Value;

use crate::args::ConfigArgs;
use crate::failure::Failure;
use crate::flink_args::{ExceptionCommand, Placement, StatementCommand};
use crate::{config, results, statement_render as render};

/// Runs a statement command.
pub fn run(flags: &ConfigArgs, command: StatementCommand) -> Result<(), Failure> {
    // Input is checked before the configuration is read and before any request.
    let properties = match &command {
        StatementCommand::Create { properties, .. } => parse_properties(properties)?,
        _ => Vec::new(),
    };
    let client = config::client(flags)?;
    config::runtime()?.block_on(run_on(&client, command, properties))
}

async fn run_on(
    client: &Client,
    command: StatementCommand,
    properties: Vec<(String, String)>,
) -> Result<(), Failure> {
    let statements = client.statements();
    match command {
        StatementCommand::Create {
            name,
            sql,
            placement,
            service_account,
            wait,
            output,
            ..
        } => {
            let mut submit = placed(statements.submit(sql), &placement);
            if let Some(name) = name {
                submit = submit.name(name);
            }
            if let Some(sa) = service_account {
                submit = submit.principal(sa);
            }
            // The values of secret properties, never to be printed (not even in an
            // error that would quote them back).
            let secrets: Vec<String> = properties
                .iter()
                .filter(|(k, v)| k.starts_with("sql.secrets") && !v.is_empty())
                .map(|(_, v)| v.clone())
                .collect();
            let failure = |e: confluent_flink_sql::Error| {
                let mut f = Failure::from_error(&e);
                for secret in &secrets {
                    f.message = f.message.replace(secret.as_str(), render::MASK);
                }
                f
            };
            for (k, v) in properties {
                submit = submit.property(k, v);
            }
            let mut run = submit.await.map_err(failure)?;
            if wait {
                run.wait().await.map_err(failure)?;
            }
            render::one(std::io::stdout().lock(), run.statement(), output)
        }
        StatementCommand::List {
            compute_pool,
            status,
            output,
        } => {
            let mut request = statements.list();
            if let Some(pool) = compute_pool {
                request = request.compute_pool_id(pool);
            }
            let mut items: Vec<_> = request
                .items()
                .try_collect()
                .await
                .map_err(|e| Failure::from_error(&e))?;
            if let Some(wanted) = status {
                items.retain(|s| phase_of(s).is_some_and(|p| p.eq_ignore_ascii_case(&wanted)));
            }
            render::list(std::io::stdout().lock(), &items, output)
        }
        StatementCommand::Describe { name, output } => {
            let s = statements
                .get(&name)
                .await
                .map_err(|e| Failure::about_statement(&name, &e))?;
            render::one(std::io::stdout().lock(), &s, output)
        }
        StatementCommand::Delete { names, force } => delete(&statements, &names, force).await,
        StatementCommand::Stop { name } => {
            let mut run = found(&statements, &name).await?;
            run.stop()
                .await
                .map_err(|e| Failure::about_statement(&name, &e))?;
            println!("Requested to stop statement `{name}`.");
            Ok(())
        }
        StatementCommand::Resume {
            name,
            principal,
            compute_pool,
        } => resume(&statements, &name, principal, compute_pool).await,
        StatementCommand::Exception {
            command: ExceptionCommand::List { name, output },
        } => {
            let run = found(&statements, &name).await?;
            let list = run
                .exceptions()
                .await
                .map_err(|e| Failure::about_statement(&name, &e))?;
            render::exceptions(std::io::stdout().lock(), &list, output)
        }
        StatementCommand::Results {
            name,
            format,
            changelog,
            poll_interval,
        } => {
            let run = found(&statements, &name).await?;
            results::print(run, format, changelog, Duration::from_millis(poll_interval)).await
        }
    }
}

/// `submit` with the compute pool and database of `placement`.
pub fn placed(
    mut submit: confluent_flink_sql::statements::Submit,
    placement: &Placement,
) -> confluent_flink_sql::statements::Submit {
    if let Some(pool) = &placement.compute_pool {
        submit = submit.compute_pool(pool);
    }
    if let Some(db) = &placement.database {
        submit = submit.database(db);
    }
    submit
}

/// `key=value` flags, each checked (a key before the first `=`, not empty).
fn parse_properties(given: &[String]) -> Result<Vec<(String, String)>, Failure> {
    given
        .iter()
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
            // The text may be a secret (a value without its key): it is not repeated.
            Some(_) => Err(Failure::usage(
                "--property must be KEY=VALUE: a key is empty",
            )),
            None => Err(Failure::usage(
                "--property must be KEY=VALUE: a property has no `=`",
            )),
        })
        .collect()
}

/// The statement's `status.phase`.
fn phase_of(s: &confluent_flink_sql::types::Statement) -> Option<String> {
    serde_json::to_value(s)
        .ok()?
        .pointer("/status/phase")?
        .as_str()
        .map(String::from)
}

async fn found(
    statements: &Statements,
    name: &str,
) -> Result<confluent_flink_sql::statements::StatementRun, Failure> {
    statements
        .run(name)
        .await
        .map_err(|e| Failure::about_statement(name, &e))
}

/// Resumes `name`; a new principal or compute pool is written first (with the
/// statement still stopped), then the statement is resumed.
async fn resume(
    statements: &Statements,
    name: &str,
    principal: Option<String>,
    compute_pool: Option<String>,
) -> Result<(), Failure> {
    if principal.is_some() || compute_pool.is_some() {
        let held = statements
            .get(name)
            .await
            .map_err(|e| Failure::about_statement(name, &e))?;
        let mut json =
            serde_json::to_value(&held).map_err(crate::connection_render::json_failure)?;
        let Some(Value::Object(spec)) = json.get_mut("spec") else {
            return Err(Failure::usage(format!("statement `{name}` has no spec")));
        };
        if let Some(p) = principal {
            spec.insert("principal".into(), Value::String(p));
        }
        if let Some(pool) = compute_pool {
            spec.insert("compute_pool_id".into(), Value::String(pool));
        }
        let changed =
            serde_json::from_value(json).map_err(crate::connection_render::json_failure)?;
        statements
            .update_from(name, &changed)
            .await
            .map_err(|e| Failure::about_statement(name, &e))?;
    }
    let mut run = found(statements, name).await?;
    run.resume()
        .await
        .map_err(|e| Failure::about_statement(name, &e))?;
    println!("Requested to resume statement `{name}`.");
    Ok(())
}

/// Deletes each name, asking first: see [`crate::delete::delete_each`].
async fn delete(statements: &Statements, names: &[String], force: bool) -> Result<(), Failure> {
    crate::delete::delete_each("statement", names, force, |name| async move {
        statements.delete(&name).await
    })
    .await
}
