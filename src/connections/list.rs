//! Listing connections, page by page or item by item, as lazy streams.

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt};
use reqwest::Url;

use super::field::{get, text};
use super::model::{Connection, ConnectionType};
use super::Connections;
use crate::generated::{limits, types};
use crate::Error;

/// The spec's `maximum` of the list's `page_size`, if it sets one.
const PAGE_SIZE_MAXIMUM: Option<u32> =
    to_u32(limits::LIST_SQLV1_CONNECTIONS_PAGE_SIZE_MAXIMUM, u32::MAX);
/// The smallest page size asked for: the spec's `minimum` of `page_size`, and never 0
/// (a page of no items cannot move a list on).
const PAGE_SIZE_MINIMUM: u32 = match to_u32(limits::LIST_SQLV1_CONNECTIONS_PAGE_SIZE_MINIMUM, 0) {
    Some(n) if n > 1 => n,
    _ => 1,
};

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

/// The items of a page (`ConnectionList.data`, `build/model.rs`), into a buffer sized
/// for the largest page the service sends (the spec's maximum page size, when it sets
/// one): JSON does not tell how many items follow, and a buffer grown as they come
/// copied every item read so far at each doubling. `null` reads as no items.
pub(crate) fn page_items<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct Items<T>(std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Items<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an array of items")
        }
        fn visit_unit<E>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = match PAGE_SIZE_MAXIMUM {
                Some(max) => {
                    let max = max as usize;
                    Vec::with_capacity(seq.size_hint().unwrap_or(max).min(max))
                }
                None => Vec::new(),
            };
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }
    d.deserialize_any(Items(std::marker::PhantomData))
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    items: Vec<T>,
    next_page_token: Option<String>,
    total_size: Option<u32>,
    request_id: Option<String>,
}

impl<T> Page<T> {
    pub(crate) fn from_parts(
        items: Vec<T>,
        next_page_token: Option<String>,
        total_size: Option<u32>,
        request_id: Option<String>,
    ) -> Self {
        Page {
            items,
            next_page_token,
            total_size,
            request_id,
        }
    }

    /// The items of this page, in the service's order.
    pub fn items(&self) -> &[T] {
        &self.items
    }
    /// The items, owned.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
    /// The token of the next page; `None` on the last page. Pass it to
    /// [`ListRequest::page_token`] to resume.
    pub fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
    /// The number of items in the whole list, when the service says.
    pub fn total_size(&self) -> Option<u32> {
        self.total_size
    }
    /// The `X-Request-Id` of the answer that carried this page.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// Items on this page.
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// True when this page has no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A list of connections to read; built by [`Connections::list`].
///
/// Nothing is requested until the stream is polled, and one page is held at a time:
/// memory stays the same however long the list. The next page's token is read from
/// `metadata.next` (an absolute URL); the client never follows that URL, so
/// credentials only go to the configured endpoint. A missing, null or empty `next`
/// ends the list. A list whose tokens come round again ends with an error instead of
/// looping forever; to keep memory constant the client remembers one token, not all
/// of them, so a loop longer than one page may be read partly twice before it is
/// found (within about twice its length).
///
/// ```no_run
/// # async fn demo(client: confluent_flink_sql::Client) -> Result<(), confluent_flink_sql::Error> {
/// use futures::TryStreamExt;
/// use confluent_flink_sql::connections::ConnectionType;
///
/// // Every OpenAI connection, 100 per request.
/// let all: Vec<_> = client.connections().list()
/// .connection_type(ConnectionType::OpenAi)
/// .page_size(100)
/// .items()
/// .try_collect()
/// .await?;
///
/// // One page, then resume later from its token.
/// let first = client.connections().list().page_size(20).first_page().await?;
/// if let Some(token) = first.next_page_token() {
/// let rest: Vec<_> = client.connections().list().page_size(20).page_token(token)
/// .items().try_collect().await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a list request does nothing until .pages(), .items() or .first_page() is used"]
pub struct ListRequest {
    connections: Connections,
    page_size: Option<u32>,
    connection_type: Option<ConnectionType>,
    max_items: Option<usize>,
    page_token: Option<String>,
}

impl ListRequest {
    pub(crate) fn new(connections: Connections) -> Self {
        ListRequest {
            connections,
            page_size: None,
            connection_type: None,
            max_items: None,
            page_token: None,
        }
    }

    /// Items per request, 1 to [`MAX_PAGE_SIZE`] (the spec's `page_size` limits, and at
    /// least 1; the service's default is 10). Checked when the first page is
    /// requested, before anything is sent.
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n);
        self
    }

    /// Only connections of this type.
    pub fn connection_type(mut self, t: ConnectionType) -> Self {
        self.connection_type = Some(t);
        self
    }

    /// Stop after this many items (pages stop early and the last one is cut).
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = Some(n);
        self
    }

    /// Start from a page token saved from [`Page::next_page_token`].
    pub fn page_token(mut self, token: impl Into<String>) -> Self {
        self.page_token = Some(token.into());
        self
    }

    /// The first page only (one request).
    pub async fn first_page(self) -> Result<Page<Connection>, Error> {
        match self.pages().next().await {
            Some(page) => page,
            None => Ok(Page {
                items: Vec::new(),
                next_page_token: None,
                total_size: None,
                request_id: None,
            }),
        }
    }

    /// The pages, lazily, one request each.
    pub fn pages(self) -> BoxStream<'static, Result<Page<Connection>, Error>> {
        let state = State {
            token: self.page_token.clone(),
            loops: LoopCheck::new(self.page_token.clone()),
            remaining: self.max_items,
            done: false,
            deferred: None,
            request: self,
        };
        stream::unfold(state, |mut state| async move {
            if let Some(err) = state.deferred.take() {
                return Some((Err(err), state));
            }
            if state.done || state.remaining == Some(0) {
                return None;
            }
            let result = state.next_page().await;
            if result.is_err() {
                state.done = true;
            }
            Some((result, state))
        })
        .boxed()
    }

    /// The connections of every page, lazily.
    pub fn items(self) -> BoxStream<'static, Result<Connection, Error>> {
        Items {
            pages: self.pages(),
            current: Vec::new().into_iter(),
        }
        .boxed()
    }
}

/// The stream of [`ListRequest::items`]: the items of the page at hand, then the next
/// page. The emptied
/// page's buffer is freed when the next page has arrived, not before it is requested:
/// freed earlier, it joined the body the generated client had just freed at the top of
/// the heap, and glibc gave the memory back to the system and asked for it again on
/// every page (2,043 `brk` calls for 2,000 pages against 58, and page faults each time).
struct Items {
    pages: BoxStream<'static, Result<Page<Connection>, Error>>,
    current: std::vec::IntoIter<Connection>,
}

impl Stream for Items {
    type Item = Result<Connection, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(self.pages.poll_next_unpin(cx)) {
                Some(Ok(page)) => self.current = page.items.into_iter(),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.current.len(), None)
    }
}

struct State {
    request: ListRequest,
    token: Option<String>,
    loops: LoopCheck,
    remaining: Option<usize>,
    done: bool,
    deferred: Option<Error>,
}

/// Finds a page token sequence that comes round again, holding one token whatever the
/// length of the list (Brent's cycle detection): each new token is compared with the
/// held one, which moves to the newest token after 1, 2, 4, 8, ... pages. A loop is
/// found at the latest once the held token is inside it and the step has grown past
/// the loop's length, within about twice that length.
#[derive(Debug)]
pub(crate) struct LoopCheck {
    held: Option<String>,
    since: u64,
    step: u64,
}

impl LoopCheck {
    pub(crate) fn new(start: Option<String>) -> Self {
        LoopCheck {
            held: start,
            since: 0,
            step: 1,
        }
    }

    /// Takes the next token; false when it closes a loop.
    pub(crate) fn next(&mut self, token: &str) -> bool {
        if self.held.as_deref() == Some(token) {
            return false;
        }
        self.since += 1;
        if self.since == self.step {
            match &mut self.held {
                Some(held) => {
                    held.clear();
                    held.push_str(token);
                }
                None => self.held = Some(token.to_string()),
            }
            self.since = 0;
            self.step = self.step.saturating_mul(2);
        }
        true
    }
}

impl State {
    async fn next_page(&mut self) -> Result<Page<Connection>, Error> {
        let r = &self.request;
        if let Some(n) = r.page_size {
            check_page_size(n)?;
        }
        let token = match &self.token {
            Some(t) => Some(
                types::ListSqlv1ConnectionsPageToken::try_from(t.as_str())
                    .map_err(|e| Error::validation(format!("invalid page token: {e}")))?,
            ),
            None => None,
        };
        let (list, request_id) = r
            .connections
            .fetch_page(r.page_size, token.as_ref(), r.connection_type.as_ref())
            .await?;
        // A next link the crate cannot read ends the list with an error, after this
        // page's items: they are good and must not be lost.
        // A page without metadata (or `data`) is read as the last (or an empty) one.
        let metadata = get::<types::ListMeta, _>(&list.metadata);
        let next = metadata.and_then(|m| text(&m.next));
        // Read as JSON: whatever integer type (and optionality) the spec gives it.
        let total_size = metadata
            .and_then(|m| serde_json::to_value(m.total_size).ok())
            .and_then(|n| n.as_u64())
            .and_then(|n| u32::try_from(n).ok());
        let (next, bad_link) = match next_token(next, r.connections.base_url()) {
            Ok(next) => (next, None),
            Err(e) => (None, Some(e.with_request_id(request_id.clone()))),
        };
        // A page the crate cannot read is one error (the generated client decodes the
        // whole page first), not some items and then an error.
        let mut items = list.data;
        if let Some(at) = items.iter().position(|c| text(&c.name).is_none()) {
            // A connection without a name cannot be read, updated or deleted.
            return Err(Error::decode(format!(
                "the service listed a connection without a name (item {at} of the page)"
            ))
            .with_request_id(request_id));
        }
        if let Some(rem) = &mut self.remaining {
            items.truncate(*rem);
            *rem -= items.len();
        }
        if let Some(err) = bad_link {
            self.done = true;
            self.deferred = Some(err);
            return Ok(Page {
                items,
                next_page_token: None,
                total_size,
                request_id,
            });
        }
        match &next {
            None => self.done = true,
            Some(t) if !self.loops.next(t) => {
                // This page is good; the list ends with the error on the next poll.
                self.done = true;
                self.deferred = Some(
                    Error::decode(format!(
                        "the service sent page token `{}` a second time; stopping instead of looping",
                        t.chars().take(64).collect::<String>()
                    ))
                    .with_request_id(request_id.clone()),
                );
                return Ok(Page {
                    items,
                    next_page_token: None,
                    total_size,
                    request_id,
                });
            }
            Some(_) => {}
        }
        self.token = next.clone();
        Ok(Page {
            items,
            next_page_token: next,
            total_size,
            request_id,
        })
    }
}

/// `n` within the spec's limits of `page_size` (and at least 1).
fn check_page_size(n: u32) -> Result<(), Error> {
    let too_big = PAGE_SIZE_MAXIMUM.is_some_and(|max| n > max);
    if n < PAGE_SIZE_MINIMUM || too_big {
        let range = match PAGE_SIZE_MAXIMUM {
            Some(max) => format!("between {PAGE_SIZE_MINIMUM} and {max}"),
            None => format!("at least {PAGE_SIZE_MINIMUM}"),
        };
        return Err(Error::validation(format!(
            "page_size must be {range}, not {n}"
        )));
    }
    Ok(())
}

/// The page token of a `metadata.next` link: `None` ends the list.
pub(crate) fn next_token(next: Option<&str>, base_url: &str) -> Result<Option<String>, Error> {
    let Some(next) = next.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let url = Url::parse(next)
        .or_else(|_| Url::parse(base_url).and_then(|b| b.join(next)))
        .map_err(|e| Error::decode(format!("the next-page link is not a URL: {e}")))?;
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "page_token")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| Error::decode("the next-page link has no page_token"))?;
    Ok((!token.is_empty()).then_some(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page on which `tokens` (the `next` of each page) is found to loop, if any.
    fn stops_at(start: Option<&str>, tokens: &[&str]) -> Option<usize> {
        let mut check = LoopCheck::new(start.map(String::from));
        tokens.iter().position(|t| !check.next(t))
    }

    #[test]
    fn loops_are_found_holding_one_token() {
        // The same token again at once, and the starting token coming back.
        assert_eq!(stops_at(None, &["a", "a"]), Some(1));
        assert_eq!(stops_at(Some("s"), &["s"]), Some(0));
        assert_eq!(stops_at(None, &["a", "b", "a"]), Some(2));
        // The held token has moved on to `a` when `s` comes back: the loop is found one
        // page later, when `a` does.
        assert_eq!(stops_at(Some("s"), &["a", "s", "a"]), Some(2));
        // A loop entered late and longer than one page: found within about twice its
        // length after it is entered.
        let long: Vec<String> = (0..1000)
            .map(|i| if i < 100 { i } else { 100 + (i - 100) % 7 })
            .map(|i| format!("t{i}"))
            .collect();
        let long: Vec<&str> = long.iter().map(String::as_str).collect();
        let at = stops_at(None, &long).expect("the loop is found");
        assert!((107..=100 + 3 * 7 + 128).contains(&at), "{at}");
        // Lists without a repeat are never stopped.
        let distinct: Vec<String> = (0..5000).map(|i| format!("t{i}")).collect();
        let distinct: Vec<&str> = distinct.iter().map(String::as_str).collect();
        assert_eq!(stops_at(Some("start"), &distinct), None);
    }

    #[test]
    fn page_sizes_are_checked_against_the_specs_limits() {
        // The spec's maximum reached the check; 0 is refused whatever the spec says.
        let max = limits::LIST_SQLV1_CONNECTIONS_PAGE_SIZE_MAXIMUM.expect("the spec sets one");
        assert_eq!(i64::from(MAX_PAGE_SIZE), max);
        for ok in [1, MAX_PAGE_SIZE / 2, MAX_PAGE_SIZE] {
            assert!(check_page_size(ok).is_ok(), "{ok}");
        }
        for bad in [0, MAX_PAGE_SIZE + 1, u32::MAX] {
            let e = check_page_size(bad).unwrap_err().to_string();
            assert!(
                e.contains(&format!("between 1 and {MAX_PAGE_SIZE}, not {bad}")),
                "{e}"
            );
        }
        // Bounds that do not fit a u32.
        assert_eq!(to_u32(Some(-5), 7), Some(0));
        assert_eq!(to_u32(Some(i64::MAX), 7), Some(7));
        assert_eq!(to_u32(None, 7), None);
    }

    #[test]
    fn next_links_give_their_decoded_token_and_never_their_host() {
        let t = next_token(
            Some("https://evil.example/sql/v1/x?page_size=5&page_token=a%2Bb%2F%3D%26c"),
            "https://x",
        )
        .unwrap();
        assert_eq!(t.as_deref(), Some("a+b/=&c"));
        assert_eq!(
            next_token(Some("/sql/v1/x?page_token=zz"), "http://127.0.0.1:9")
                .unwrap()
                .as_deref(),
            Some("zz")
        );
        assert_eq!(next_token(None, "https://x").unwrap(), None);
        assert_eq!(next_token(Some(""), "https://x").unwrap(), None);
        assert_eq!(
            next_token(Some("https://x/?page_token="), "https://x").unwrap(),
            None
        );
        assert!(next_token(Some("https://x/?other=1"), "https://x").is_err());
        assert!(next_token(Some("http://[::1"), "not a base").is_err());
    }
}
