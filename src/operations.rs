//! Every operation of the spec, callable as generated.
//!
//! [`Client::operations`] gives an [`Operations`] handle with one method per operation
//! in `openapi/`, named after its `operationId` in snake case, with the generated
//! parameter and answer types ([`types`](crate::types)). Its methods are written at
//! build time (`build/operations.rs`): an operation Confluent adds to the spec is here
//! after `cargo build`. Each runs as the crate's own operations do: the client's
//! credentials, retry policy and tracing span, and [`Error`] on failure. The
//! organization and environment path parameters are the client's.
//!
//! The [`connections`](crate::connections) module is the stable, hand-finished API
//! over the same operations (typed secrets, pagination, safe updates); prefer it where
//! it has what you need. What this handle promises is the README's Stability section.
//!
//! ```no_run
//! # async fn demo(client: confluent_flink_sql::Client) -> Result<(), confluent_flink_sql::Error> {
//! // The raw `getSqlv1Connection`: the generated answer, with its status and headers.
//! let answer = client.operations().get_sqlv1_connection("my-openai").await?;
//! println!("{} {:?}", answer.status(), answer.headers().get("x-request-id"));
//! let connection = answer.into_inner();
//! println!("{}", connection.endpoint());
//! # Ok(()) }
//! ```

use std::future::Future;

use progenitor_client::{Error as GenError, ResponseValue};

use crate::client::Client;
use crate::generated;
use crate::generated::types::Failure;
use crate::outcome;
use crate::transport::Operation;
use crate::Error;

/// Every operation of the spec, run with the client's credentials, retries and
/// tracing; given by [`Client::operations`]. The methods are generated from the spec.
#[derive(Debug, Clone, Copy)]
pub struct Operations<'c> {
    client: &'c Client,
}

impl<'c> Operations<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Operations { client }
    }

    /// The generated client, the organization and the environment.
    pub(crate) fn parts(&self) -> (&'c generated::Client, &'c uuid::Uuid, &'c str) {
        self.client.parts()
    }

    /// Runs `attempt` (one call of a generated operation) as operation `op`.
    pub(crate) async fn run<T, F, Fut>(
        &self,
        op: Operation,
        attempt: F,
    ) -> Result<ResponseValue<T>, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, GenError<Failure>>>,
    {
        match self.client.transport().run(op, attempt).await {
            Ok(answer) => Ok(answer),
            Err(failed) => {
                let what = || op.id.to_string();
                Err(Box::pin(outcome::failed(self.client, failed, &what, None)).await)
            }
        }
    }
}
