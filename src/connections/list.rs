//! Listing connections: the generic [`ListRequest`](crate::list::ListRequest) over the
//! generated listing of `listSqlv1Connections`, and the page size the spec allows.

use crate::generated::limits;
use crate::resources::ConnectionsList;

/// A list of connections to read; built by
/// [`Connections::list`](super::Connections::list). Set the page size, a
/// [`ConnectionType`](super::ConnectionType) filter (`connection_type`) or a limit, then
/// read it as pages, items, or the first page: see
/// [`ListRequest`](crate::list::ListRequest).
///
/// ```no_run
/// # async fn demo(client: confluent_flink_sql::Client) -> Result<(), confluent_flink_sql::Error> {
/// use futures::TryStreamExt;
/// use confluent_flink_sql::connections::ConnectionType;
///
/// // Every OpenAI connection, 100 per request.
/// let all: Vec<_> = client.connections().list()
///     .connection_type(ConnectionType::OpenAi)
///     .page_size(100)
///     .items()
///     .try_collect()
///     .await?;
///
/// // One page, then resume later from its token.
/// let first = client.connections().list().page_size(20).first_page().await?;
/// if let Some(token) = first.next_page_token() {
///     let rest: Vec<_> = client.connections().list().page_size(20).page_token(token)
///         .items().try_collect().await?;
/// }
/// # Ok(()) }
/// ```
pub type ListRequest = crate::list::ListRequest<ConnectionsList>;

/// The spec's `maximum` of the list's `page_size`, if it sets one.
const PAGE_SIZE_MAXIMUM: Option<u32> =
    to_u32(limits::LIST_SQLV1_CONNECTIONS_PAGE_SIZE_MAXIMUM, u32::MAX);
/// The largest page the service serves: the spec's `maximum` of the list's
/// `page_size` ([`limits`](crate::limits)); `u32::MAX` when the spec sets none.
pub const MAX_PAGE_SIZE: u32 = match PAGE_SIZE_MAXIMUM {
    Some(n) => n,
    None => u32::MAX,
};

/// A bound of the spec as a `u32`, `outside` when it does not fit one.
const fn to_u32(bound: Option<i64>, outside: u32) -> Option<u32> {
    match bound {
        Some(n) if n < 0 => Some(0),
        Some(n) if n > u32::MAX as i64 => Some(outside),
        Some(n) => Some(n as u32),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_size_maximum_is_the_specs() {
        let max = limits::LIST_SQLV1_CONNECTIONS_PAGE_SIZE_MAXIMUM.expect("the spec sets one");
        assert_eq!(i64::from(MAX_PAGE_SIZE), max);
        // Bounds that do not fit a u32.
        assert_eq!(to_u32(Some(-5), 7), Some(0));
        assert_eq!(to_u32(Some(i64::MAX), 7), Some(7));
        assert_eq!(to_u32(None, 7), None);
    }
}
