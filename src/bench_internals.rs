//! Not part of the API: the crate's own paths, for `benches/` (feature
//! `bench-internals`). May change or go away in any release.

use crate::connections::Connection;
use crate::types::ConnectionList;
use crate::{Client, Error};

/// Decodes a list page's body as `.items()` does: serde_json into the type the
/// generated client decodes a page into (the generated `ConnectionList`, whose items are
/// `Connection`s). Returns how many connections the page held.
pub fn decode_connection_page(body: &[u8]) -> Result<usize, Error> {
    let list: ConnectionList = serde_json::from_slice(body)
        .map_err(|e| Error::decode(format!("the page could not be decoded: {e}")))?;
    let n = list.data.len();
    std::hint::black_box(list.data);
    Ok(n)
}

/// Reads one connection by the generated operation alone, as `Connections::get` calls
/// it, then fills in its name: what `get` costs without the crate's retry loop,
/// tracing span and error mapping around it (no retry, any failure is `None`).
pub async fn generated_get(client: &Client, name: &str) -> Option<Connection> {
    let (api, org, env) = client.parts();
    let answer = api.get_sqlv1_connection(org, env, name).await.ok()?;
    Some(answer.into_inner().answered(name))
}
