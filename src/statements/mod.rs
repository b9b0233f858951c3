//! Running SQL: submit a statement, wait for it, stream its typed results.
//!
//! [`Statements::submit`](crate::resources::Statements::submit) creates a statement
//! and gives a [`StatementRun`]: [`wait`](StatementRun::wait) polls it until it
//! leaves `PENDING` (a failed statement is an [`Error`](crate::Error) with its
//! detail and exceptions), [`results`](StatementRun::results) reads its results as a
//! lazy stream of typed [`Row`](crate::results::Row)s, and [`stop`](StatementRun::stop),
//! [`resume`](StatementRun::resume) and [`delete`](StatementRun::delete) do what they
//! say.
//!
//! ```no_run
//! # async fn run(client: confluent_flink_sql::Client) -> Result<(), confluent_flink_sql::Error> {
//! use futures::TryStreamExt;
//!
//! let mut run = client
//!     .statements()
//!     .submit("SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS t(n, word)")
//!     .compute_pool("lfcp-123456")
//!     .database("my-cluster")
//!     .await?;
//! run.wait().await?;
//! let rows: Vec<_> = run.results().rows().try_collect().await?;
//! for row in rows {
//!     println!("{row}");
//! }
//! # Ok(()) }
//! ```
//!
//! The statement is read as the spec in `openapi/` types it
//! ([`types::Statement`](crate::types::Statement)); what this layer reads of it
//! (`status.phase`, `status.detail`, `status.traits`) it reads by the members' wire
//! names, so it builds whatever the version of the spec.

mod fetch;
mod results;
mod run;
mod submit;

pub use results::ResultsRequest;
pub use run::{FailedStatement, StatementRun, Wait};
pub use submit::Submit;

/// A client for the unit tests of this module, pointed at a port nothing listens on.
#[cfg(test)]
fn test_client() -> crate::Client {
    crate::Client::builder()
        .base_url("http://127.0.0.1:9")
        .organization_id(uuid::Uuid::nil().to_string())
        .environment_id("env-1")
        .credentials(crate::Credentials::basic("k", "s"))
        .allow_insecure_http(true)
        .build()
        .expect("a client")
}
