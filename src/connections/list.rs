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

/// The largest page the service serves: the spec's `maximum` of the list's
/// `page_size` ([`limits`](crate::limits)); `u32::MAX` when the spec sets none (or one
/// no `u32` holds).
pub const MAX_PAGE_SIZE: u32 = match limits::LIST_SQLV1_CONNECTIONS_PAGE_SIZE_MAXIMUM {
    Some(n) if n >= 0 && n <= u32::MAX as i64 => n as u32,
    _ => u32::MAX,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_size_maximum_is_the_specs() {
        let max = limits::LIST_SQLV1_CONNECTIONS_PAGE_SIZE_MAXIMUM.expect("the spec sets one");
        assert_eq!(i64::from(MAX_PAGE_SIZE), max);
    }
}
