//! Not part of the API: the crate's own paths, for `benches/` (feature
//! `bench-internals`). May change or go away in any release.

use crate::connections::page_items;
use crate::generated::types;
use crate::Error;

/// Decodes a list page's body as `.items()` does: serde_json into the generated list
/// type (as the generated client does with the body it read), then into the crate's
/// `Connection`s. Returns how many connections the page held.
pub fn decode_connection_page(body: &[u8]) -> Result<usize, Error> {
    let list: types::SqlV1ConnectionList = serde_json::from_slice(body)
        .map_err(|e| Error::decode(format!("the page could not be decoded: {e}")))?;
    let items = page_items(list.data)?;
    let n = items.len();
    std::hint::black_box(items);
    Ok(n)
}
