//! What every resource handle does around one generated operation: run it with the
//! client's credentials, retries and tracing, read any 2xx answer as success, and turn
//! a failure into the crate's [`Error`]. The handles themselves
//! ([`resources`](crate::resources)) are generated from the spec (`build/resources.rs`).

use std::future::Future;

use progenitor_client::{Error as GenError, ResponseValue};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::generated::types::Failure;
use crate::outcome::{self, request_id};
use crate::redact::Secrets;
use crate::transport::{Failed, Operation};
use crate::Error;

type Attempt<T> = Result<ResponseValue<T>, GenError<Failure>>;

/// Runs `attempt` as operation `op` and gives the answer's body. A 2xx answer the spec
/// does not declare for the operation (a 200 for a 201) is read as the body too. No
/// error shows the client's credentials nor `sent`, the secrets the call carries.
pub(crate) async fn answer<T, F, Fut>(
    client: &Client,
    op: Operation,
    what: &(dyn Fn() -> String + Sync),
    sent: Option<Secrets>,
    attempt: F,
) -> Result<T, Error>
where
    T: DeserializeOwned,
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    match client.transport().run(op, attempt).await {
        Ok(answer) => Ok(answer.into_inner()),
        Err(Failed::Attempt {
            error: GenError::UnexpectedResponse(r),
            ..
        }) if r.status().is_success() => {
            let request_id = request_id(r.headers());
            let body = r.bytes().await.unwrap_or_default();
            serde_json::from_slice(&body).map_err(|e| {
                let e = outcome::undecodable(&what(), &e, &body).with_request_id(request_id);
                outcome::scrubbed(client, e, sent)
            })
        }
        Err(failed) => Err(Box::pin(outcome::failed(client, failed, what, sent)).await),
    }
}

/// Runs `attempt` as operation `op` (a list's page) and gives the answer's body with
/// its `X-Request-Id`.
pub(crate) async fn page<T, F, Fut>(
    client: &Client,
    op: Operation,
    what: &(dyn Fn() -> String + Sync),
    attempt: F,
) -> Result<(T, Option<String>), Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    match client.transport().run(op, attempt).await {
        Ok(answer) => {
            let request_id = request_id(answer.headers());
            Ok((answer.into_inner(), request_id))
        }
        Err(failed) => Err(Box::pin(outcome::failed(client, failed, what, None)).await),
    }
}

/// Runs `attempt` as operation `op`, whose answer has no body the caller needs: any
/// 2xx is success. No error shows `sent`, as for [`answer`].
pub(crate) async fn done<T, F, Fut>(
    client: &Client,
    op: Operation,
    what: &(dyn Fn() -> String + Sync),
    sent: Option<Secrets>,
    attempt: F,
) -> Result<(), Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    match client.transport().run(op, attempt).await {
        Ok(_) => Ok(()),
        Err(Failed::Attempt {
            error: GenError::UnexpectedResponse(r),
            ..
        }) if r.status().is_success() => Ok(()),
        Err(failed) => Err(Box::pin(outcome::failed(client, failed, what, sent)).await),
    }
}

/// A delete: any 2xx is success, and so is a 404 that answers a retry after an
/// attempt whose answer was lost (that attempt deleted it).
pub(crate) async fn delete<T, F, Fut>(
    client: &Client,
    op: Operation,
    what: &(dyn Fn() -> String + Sync),
    attempt: F,
) -> Result<(), Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    match done(client, op, what, None, attempt).await {
        Err(e) if e.is_not_found() && e.outcome_unknown() => Ok(()),
        other => other,
    }
}

/// The update body that sends `held` back (MUST FORWARD): what the body's type takes,
/// and every member `Held` does not know, at every depth; what `Held` knows and the body
/// does not take (read-only members) is left out ([`forward`](crate::forward)).
pub(crate) fn update_body<Held, Body>(held: &Held) -> Result<Body, Error>
where
    Held: serde::Serialize + schemars::JsonSchema,
    Body: DeserializeOwned + schemars::JsonSchema,
{
    request_body(forwarded::<Held, Body>(held)?)
}

/// [`update_body`] as JSON, for a caller that adds to it before it is read.
pub(crate) fn forwarded<Held, Body>(held: &Held) -> Result<serde_json::Value, Error>
where
    Held: serde::Serialize + schemars::JsonSchema,
    Body: schemars::JsonSchema,
{
    let whole = serde_json::to_value(held)
        .map_err(|e| Error::validation(format!("the held resource cannot be written: {e}")))?;
    Ok(crate::forward::forward::<Held, Body>(whole))
}

/// A request body read from its JSON.
pub(crate) fn request_body<T: DeserializeOwned>(json: serde_json::Value) -> Result<T, Error> {
    serde_json::from_value(json)
        .map_err(|e| Error::validation(format!("the request does not fit the spec: {e}")))
}

/// A name that addresses one resource: not empty (the collection), not `.` or `..`
/// (URL dot segments, which resolve to the parent).
pub(crate) fn require_name(kind: &str, name: &str) -> Result<(), Error> {
    if name.is_empty() || name == "." || name == ".." {
        return Err(Error::validation(format!("`{name}` is not a {kind} name")));
    }
    Ok(())
}

/// A name cut to a readable length for messages.
pub(crate) fn shorten(name: &str) -> String {
    let mut s: String = name.chars().take(64).collect();
    if name.chars().count() > 64 {
        s.push('…');
    }
    s.chars().flat_map(char::escape_default).collect()
}
