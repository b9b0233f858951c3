//! A statement's results as a lazy stream of pages, rows or the table they describe.

use std::time::Duration;

use futures::stream::{self, Stream, TryStreamExt};

use super::fetch;
use super::run::{is_failed, is_starting, is_under_way, schema_result, StatementRun};
use crate::results::{ResultPage, Row, Schema, Table};
use crate::Error;

/// Reading a statement's results: see [`StatementRun::results`].
///
/// Pages are read one at a time, as the stream is polled, each following the
/// previous page's `metadata.next` (its page token only: the request goes to the
/// client's own endpoint, never to the link's host). A page that is empty while the
/// statement is still running is followed by a polite wait of
/// [`poll_interval`](Self::poll_interval) (the statement is read again then: a
/// statement seen `FAILED` ends the stream with its [`Error`]). The stream ends when
/// a page has no `next`, or when the statement has stopped or completed and a page
/// brings nothing more. Memory holds one page at a time.
///
/// The rows are typed by the statement's result schema (`status.traits.schema`); a
/// statement still `PENDING` without one is read again until it has one.
#[derive(Debug, Clone)]
#[must_use = "a results request reads nothing until its stream is polled"]
pub struct ResultsRequest {
    run: StatementRun,
    poll_interval: Duration,
    start: Option<String>,
}

/// Where the stream is.
struct State {
    run: StatementRun,
    schema: Option<Schema>,
    poll_interval: Duration,
    token: Option<String>,
    done: bool,
}

impl ResultsRequest {
    pub(crate) fn new(run: StatementRun) -> Self {
        ResultsRequest {
            run,
            poll_interval: Duration::from_secs(1),
            start: None,
        }
    }

    /// How long to wait after an empty page of a running statement (1 s by default).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Starts at this page token (a page's `next` seen earlier) instead of the first
    /// page.
    pub fn resume_from(mut self, page_token: impl Into<String>) -> Self {
        self.start = Some(page_token.into());
        self
    }

    /// The pages, in order, each with its rows and its `next`.
    pub fn pages(self) -> impl Stream<Item = Result<ResultPage, Error>> + Send + 'static {
        stream::try_unfold(self.state(), |mut state| async move {
            match state.next_page().await? {
                Some(page) => Ok(Some((page, state))),
                None => Ok(None),
            }
        })
    }

    /// The rows of every page, in order, each with its changelog operation.
    pub fn rows(self) -> impl Stream<Item = Result<Row, Error>> + Send + 'static {
        self.pages()
            .map_ok(|page| stream::iter(page.rows.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Reads every row and applies it: the table the results describe, as a person
    /// would see it once the statement is done (keyed by the statement's
    /// `upsert_columns` where it has them). For a statement that keeps running this
    /// never ends: use [`rows`](Self::rows) and a [`Table`] of your own instead.
    pub async fn table(self) -> Result<Table, Error> {
        let mut state = self.state();
        // The statement's schema, read first: a table of no rows still has its columns.
        let schema = state.schema().await?;
        // Upsert columns as the statement says once it has its schema.
        let mut table = match state.run.upsert_columns() {
            Some(columns) => Table::with_upsert_columns(schema, columns),
            None => Table::new(schema),
        };
        while let Some(page) = state.next_page().await? {
            table.apply_all(page.rows);
        }
        Ok(table)
    }

    fn state(self) -> State {
        State {
            run: self.run,
            schema: None,
            poll_interval: self.poll_interval,
            token: self.start,
            done: false,
        }
    }
}

impl State {
    async fn next_page(&mut self) -> Result<Option<ResultPage>, Error> {
        loop {
            if self.done {
                return Ok(None);
            }
            let schema = self.schema().await?;
            let name = self.run.name().to_string();
            let client = self.run.statements().client.clone();
            let page = fetch::page(&client, &name, self.token.as_deref(), &schema).await?;
            self.token = page_token(page.next.as_deref(), client.base_url());
            if self.token.is_none() {
                self.done = true;
            }
            if !page.rows.is_empty() || self.done {
                return Ok(Some(page));
            }
            // Nothing new yet: is the statement still running?
            tokio::time::sleep(self.poll_interval).await;
            self.run.refresh().await?;
            let phase = self.run.phase();
            if is_failed(phase.as_deref()) {
                return Err(self.run.failure().await);
            }
            if !is_under_way(phase.as_deref()) {
                // Stopped or completed: one more read, and an empty one ends it.
                let page = fetch::page(&client, &name, self.token.as_deref(), &schema).await?;
                self.token = page_token(page.next.as_deref(), client.base_url());
                self.done = self.token.is_none() || page.rows.is_empty();
                return Ok(Some(page));
            }
        }
    }

    /// The result schema, read from the statement (again while it has none and is
    /// still starting); a statement last seen failed is its error.
    async fn schema(&mut self) -> Result<Schema, Error> {
        if let Some(schema) = &self.schema {
            return Ok(schema.clone());
        }
        loop {
            let phase = self.run.phase();
            if is_failed(phase.as_deref()) {
                return Err(self.run.failure().await);
            }
            if let Some(schema) = schema_result(self.run.statement())? {
                self.schema = Some(schema.clone());
                return Ok(schema);
            }
            if !is_starting(phase.as_deref()) {
                // Settled without a schema: rows are read as written.
                self.schema = Some(Schema::default());
                return Ok(Schema::default());
            }
            tokio::time::sleep(self.poll_interval).await;
            self.run.refresh().await?;
        }
    }
}

/// The page token of a results page's `metadata.next` (the next request goes to the
/// client's own endpoint with it); `None` when there is none, which ends the results
/// (as the Confluent CLI and VS Code extension read it).
fn page_token(next: Option<&str>, base_url: &str) -> Option<String> {
    let next = next.map(str::trim).filter(|n| !n.is_empty())?;
    let url = reqwest::Url::parse(next)
        .or_else(|_| reqwest::Url::parse(base_url).and_then(|b| b.join(next)))
        .ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "page_token")
        .map(|(_, v)| v.into_owned())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::page_token;
    use crate::statements::StatementRun;

    #[test]
    fn an_optional_list_written_null_reads_as_absent() {
        // As the service writes a statement without upsert columns (the VS Code
        // extension's fixture): `"upsert_columns": null`.
        // Whole, as every published version's answers promise it.
        let statement: crate::types::Statement = serde_json::from_value(serde_json::json!({
            "api_version": "sql/v1", "kind": "Statement", "name": "s",
            "metadata": {"self": "https://flink.example/statements/s", "created_at": "2025-05-02T17:54:43Z"},
            "spec": {"statement": "SELECT 1", "compute_pool_id": "lfcp-1", "statement_name": "s"},
            "status": {"phase": "RUNNING", "traits": {"upsert_columns": null, "is_bounded": false,
                "schema": {"columns": [{"name": "x", "type": {"type": "DOUBLE", "nullable": false}}]}}}
        }))
        .expect("null is absent");
        let client = super::super::test_client();
        let run = StatementRun::new(client.statements(), "s".into(), statement);
        assert_eq!(run.upsert_columns(), None);
        assert_eq!(run.is_bounded(), Some(false));
        assert_eq!(run.schema().unwrap().len(), 1);
    }

    #[test]
    fn next_links_give_their_token_or_end() {
        let base = "https://flink.example";
        assert_eq!(
            page_token(Some("https://elsewhere.example/r?page_token=t1&x=1"), base).as_deref(),
            Some("t1")
        );
        assert_eq!(
            page_token(Some("/sql/v1/r?page_token=t2"), base).as_deref(),
            Some("t2")
        );
        assert_eq!(page_token(Some("https://flink.example/r"), base), None);
        assert_eq!(
            page_token(Some("https://flink.example/r?page_token="), base),
            None
        );
        assert_eq!(page_token(Some(""), base), None);
        assert_eq!(page_token(None, base), None);
    }
}
