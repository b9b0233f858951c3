//! A statement being run: its latest state, waiting for it, stopping, resuming and
//! deleting it.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::results::ResultsRequest;
use crate::error::ErrorKind;
use crate::resources::Statements;
use crate::results::Schema;
use crate::types;
use crate::Error;

/// The phases a statement is still starting in, and still running in (the wire text
/// of `status.phase`: Confluent's lifecycle, which the spec lists as an extensible
/// enum; a phase not named here counts as settled).
const STARTING: &[&str] = &["PENDING"];
const UNDER_WAY: &[&str] = &["PENDING", "RUNNING", "DEGRADED", "STOPPING"];
const FAILED: &[&str] = &["FAILED", "FAILING"];

/// A statement created or found through [`Statements`]: its name and the latest state
/// read, with what can be done to it. Its `Debug` shows the name and phase only (a
/// statement's `sql.secrets.*` properties hold secrets).
#[derive(Clone)]
pub struct StatementRun {
    statements: Statements,
    name: String,
    statement: types::Statement,
}

impl fmt::Debug for StatementRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatementRun")
            .field("name", &self.name)
            .field("phase", &self.phase())
            .finish_non_exhaustive()
    }
}

impl StatementRun {
    pub(crate) fn new(statements: Statements, name: String, statement: types::Statement) -> Self {
        StatementRun {
            statements,
            name,
            statement,
        }
    }

    /// The statement's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The statement as last read (by the create, [`refresh`](Self::refresh) or a wait).
    pub fn statement(&self) -> &types::Statement {
        &self.statement
    }

    /// The statement as last read, taken out.
    pub fn into_statement(self) -> types::Statement {
        self.statement
    }

    /// `status.phase` as last read (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, ...).
    pub fn phase(&self) -> Option<String> {
        text_at(&self.statement, "/status/phase")
    }

    /// `status.detail` as last read: what the service says of the phase.
    pub fn detail(&self) -> Option<String> {
        text_at(&self.statement, "/status/detail").filter(|d| !d.is_empty())
    }

    /// Its result schema (`status.traits.schema`), once the service has worked it out
    /// (usually when the statement leaves `PENDING`).
    pub fn schema(&self) -> Option<Schema> {
        schema_of(&self.statement)
    }

    /// Its upsert columns (`status.traits.upsert_columns`), positions in the schema,
    /// when it has some.
    pub fn upsert_columns(&self) -> Option<Vec<usize>> {
        let columns: Vec<usize> = traits(&self.statement)?
            .get("upsert_columns")?
            .as_array()?
            .iter()
            .filter_map(|c| c.as_u64().and_then(|c| usize::try_from(c).ok()))
            .collect();
        (!columns.is_empty()).then_some(columns)
    }

    /// Whether its results end (`status.traits.is_bounded`), when the service says.
    pub fn is_bounded(&self) -> Option<bool> {
        traits(&self.statement)?.get("is_bounded")?.as_bool()
    }

    /// Whether its results only add rows (`status.traits.is_append_only`), when the
    /// service says.
    pub fn is_append_only(&self) -> Option<bool> {
        traits(&self.statement)?.get("is_append_only")?.as_bool()
    }

    /// Reads the statement again.
    pub async fn refresh(&mut self) -> Result<&types::Statement, Error> {
        self.statement = self.statements.get(&self.name).await?;
        Ok(&self.statement)
    }

    /// Waits until the statement leaves `PENDING` (running, completed, stopped, ...),
    /// polling it: see [`Wait`].
    pub fn wait(&mut self) -> Wait<'_> {
        Wait {
            run: self,
            timeout: Duration::from_secs(600),
            interval: Duration::from_millis(200),
            max_interval: Duration::from_secs(2),
            until_done: false,
        }
    }

    /// Its results, as a lazy stream: see [`ResultsRequest`].
    pub fn results(&self) -> ResultsRequest {
        ResultsRequest::new(self.clone())
    }

    /// Its exceptions, newest first, as the service returns them (the most recent
    /// few).
    pub async fn exceptions(&self) -> Result<Vec<types::StatementException>, Error> {
        exceptions(&self.statements, &self.name).await
    }

    /// Stops it: sends the statement back with `spec.stopped` set (the Confluent CLI's
    /// `statement stop`), then reads it again.
    pub async fn stop(&mut self) -> Result<(), Error> {
        self.set_stopped(true).await
    }

    /// Resumes a stopped statement: `spec.stopped` cleared, then read again.
    pub async fn resume(&mut self) -> Result<(), Error> {
        self.set_stopped(false).await
    }

    async fn set_stopped(&mut self, stopped: bool) -> Result<(), Error> {
        let held = self.statements.get(&self.name).await?;
        let mut json = serde_json::to_value(&held)
            .map_err(|e| Error::decode(format!("statement `{}`: {e}", self.name)))?;
        match json.get_mut("spec") {
            Some(Value::Object(spec)) => {
                spec.insert("stopped".into(), Value::Bool(stopped));
            }
            _ => {
                return Err(Error::validation(format!(
                    "statement `{}` has no spec to set `stopped` in",
                    self.name
                )))
            }
        }
        let changed: types::Statement = serde_json::from_value(json)
            .map_err(|e| Error::decode(format!("statement `{}`: {e}", self.name)))?;
        self.statements.update_from(&self.name, &changed).await?;
        self.refresh().await?;
        Ok(())
    }

    /// Deletes it.
    pub async fn delete(self) -> Result<(), Error> {
        self.statements.delete(&self.name).await
    }

    pub(crate) fn statements(&self) -> &Statements {
        &self.statements
    }

    /// The error of a failed statement: its detail, and its exceptions when they can
    /// be read.
    pub(crate) async fn failure(&self) -> Error {
        let exceptions = self.exceptions().await.unwrap_or_default();
        let e = failed(&self.name, self.statement.clone(), exceptions);
        crate::outcome::scrubbed(&self.statements.client, e, None)
    }
}

/// `status.traits` of `statement`, read by the members' wire names (whatever else the
/// spec's version types there).
fn traits(statement: &types::Statement) -> Option<Value> {
    Some(
        serde_json::to_value(statement)
            .ok()?
            .pointer("/status/traits")?
            .clone(),
    )
}

/// `status.traits.schema` of `statement`; `Err` when it is there but unreadable.
pub(crate) fn schema_result(statement: &types::Statement) -> Result<Option<Schema>, Error> {
    match traits(statement).as_ref().and_then(|t| t.get("schema")) {
        None | Some(Value::Null) => Ok(None),
        Some(schema) => Schema::from_json(schema)
            .map(Some)
            .map_err(|e| Error::decode(e.to_string())),
    }
}

fn schema_of(statement: &types::Statement) -> Option<Schema> {
    schema_result(statement).ok().flatten()
}

/// `text` at `pointer` of `statement` as JSON.
pub(crate) fn text_at(statement: &types::Statement, pointer: &str) -> Option<String> {
    serde_json::to_value(statement)
        .ok()?
        .pointer(pointer)?
        .as_str()
        .map(String::from)
}

/// Whether `phase` says the statement failed.
pub(crate) fn is_failed(phase: Option<&str>) -> bool {
    phase.is_some_and(|p| FAILED.contains(&p))
}

/// Whether `phase` says the statement is still starting (or has no phase yet).
pub(crate) fn is_starting(phase: Option<&str>) -> bool {
    phase.is_none_or(|p| STARTING.contains(&p))
}

/// Whether `phase` says the statement is still starting or running.
pub(crate) fn is_under_way(phase: Option<&str>) -> bool {
    phase.is_none_or(|p| UNDER_WAY.contains(&p))
}

async fn exceptions(
    statements: &Statements,
    name: &str,
) -> Result<Vec<types::StatementException>, Error> {
    let client = statements.client.clone();
    let list = client
        .operations()
        .get_sqlv1_statement_exceptions(name)
        .await?
        .into_inner();
    // `data`, read by its wire name (whatever else the list type has in this spec).
    let json = serde_json::to_value(&list)
        .map_err(|e| Error::decode(format!("exceptions of statement `{name}`: {e}")))?;
    match json.get("data") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(data) => serde_json::from_value(data.clone())
            .map_err(|e| Error::decode(format!("exceptions of statement `{name}`: {e}"))),
    }
}

fn failed(
    name: &str,
    statement: types::Statement,
    exceptions: Vec<types::StatementException>,
) -> Error {
    let phase = text_at(&statement, "/status/phase").unwrap_or_default();
    let detail = text_at(&statement, "/status/detail").filter(|d| !d.is_empty());
    let message = match &detail {
        Some(detail) => format!("statement `{name}` is {phase}: {detail}"),
        None => format!("statement `{name}` is {phase}"),
    };
    Error::new(ErrorKind::Statement, message).with_source(FailedStatement {
        name: name.to_string(),
        statement,
        exceptions,
    })
}

/// A statement that failed, as the [`Error`] of a wait or of its results holds it
/// ([`Error::failed_statement`]). Its `Debug` shows the name, phase, detail and
/// exceptions, not the statement's properties (`sql.secrets.*` hold secrets).
#[derive(Clone)]
#[non_exhaustive]
pub struct FailedStatement {
    /// The statement's name.
    pub name: String,
    /// The statement as read when it was seen failed (`status.detail` says why).
    pub statement: types::Statement,
    /// Its exceptions, newest first (empty if they could not be read).
    pub exceptions: Vec<types::StatementException>,
}

impl fmt::Display for FailedStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "statement `{}` failed ({} exceptions)",
            self.name,
            self.exceptions.len()
        )
    }
}

impl fmt::Debug for FailedStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FailedStatement")
            .field("name", &self.name)
            .field("phase", &text_at(&self.statement, "/status/phase"))
            .field("detail", &text_at(&self.statement, "/status/detail"))
            .field("exceptions", &self.exceptions)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for FailedStatement {}

impl Error {
    /// The failed statement this error is about (a wait or results that ended with
    /// the statement `FAILED`), with its exceptions.
    pub fn failed_statement(&self) -> Option<&FailedStatement> {
        std::error::Error::source(self)?.downcast_ref()
    }
}

/// Waiting for a statement: see [`StatementRun::wait`]. Polls the statement with a
/// growing interval (from 200 ms to 2 s by default) until it leaves `PENDING` (or,
/// with [`until_done`](Self::until_done), until it is no longer running), for at most
/// 10 minutes by default. A statement seen `FAILED` or `FAILING` ends the wait with an
/// [`Error`] of kind [`ErrorKind::Statement`] that holds it
/// ([`Error::failed_statement`]).
#[must_use = "the wait happens when it is awaited"]
#[derive(Debug)]
pub struct Wait<'a> {
    run: &'a mut StatementRun,
    timeout: Duration,
    interval: Duration,
    max_interval: Duration,
    until_done: bool,
}

impl Wait<'_> {
    /// The longest the wait may take (10 minutes by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The first interval between two reads (200 ms by default); each next one is
    /// half as long again, up to [`max_interval`](Self::max_interval).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The longest interval between two reads (2 s by default): a statement that
    /// settles is seen within this long.
    pub fn max_interval(mut self, max: Duration) -> Self {
        self.max_interval = max;
        self
    }

    /// Waits until the statement is done (completed, stopped, ...), not only started.
    pub fn until_done(mut self) -> Self {
        self.until_done = true;
        self
    }

    async fn run(self) -> Result<(), Error> {
        let Wait {
            run,
            timeout,
            mut interval,
            max_interval,
            until_done,
        } = self;
        let started = Instant::now();
        loop {
            let phase = run.phase();
            let phase = phase.as_deref();
            if is_failed(phase) {
                return Err(run.failure().await);
            }
            let waiting = if until_done {
                is_under_way(phase)
            } else {
                is_starting(phase)
            };
            if !waiting {
                return Ok(());
            }
            let left = timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "statement `{}` is still {} after {:?}",
                        run.name,
                        phase.unwrap_or("without a phase"),
                        timeout
                    ),
                ));
            }
            tokio::time::sleep(interval.min(max_interval).min(left)).await;
            interval = (interval * 3 / 2).min(max_interval);
            run.refresh().await?;
        }
    }
}

impl<'a> IntoFuture for Wait<'a> {
    type Output = Result<(), Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
