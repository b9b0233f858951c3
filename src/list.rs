//! Lists of any resource the spec lists, page by page or item by item, as lazy
//! streams: [`ListRequest`] over a [`Listing`] (one per list operation of the spec,
//! generated: `build/resources.rs`), with the builder methods of that operation's
//! filters.
//!
//! Nothing is requested until the stream is polled, and one page is held at a time.
//! The next page's token is read from `metadata.next`, whose host is never followed.
//! A list whose tokens come round again ends with an error instead of looping.
//!
//! ```no_run
//! # async fn demo(client: confluent_flink_sql::Client) -> Result<(), confluent_flink_sql::Error> {
//! use futures::TryStreamExt;
//!
//! // Every statement of the environment, 50 per request.
//! let statements: Vec<_> = client.statements().list().page_size(50).items().try_collect().await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, Stream, StreamExt};
use reqwest::Url;

use crate::Error;

/// One page as a list operation answers it, before the list reads it.
#[doc(hidden)]
#[derive(Debug)]
pub struct RawPage<T> {
    /// The items, in the service's order.
    pub items: Vec<T>,
    /// `metadata.next`, as sent.
    pub next: Option<String>,
    /// `metadata.total_size`, when it fits.
    pub total_size: Option<u32>,
    /// The answer's `X-Request-Id`.
    pub request_id: Option<String>,
}

/// A list operation of the spec: what [`ListRequest`] pages through. Implemented by the
/// generated listings of [`resources`](crate::resources); sealed.
pub trait Listing: Clone + fmt::Debug + Send + Sync + 'static + private::Sealed {
    /// What the list holds.
    type Item: Send + 'static;
    /// The operation's filters (its query parameters but the page's).
    type Filters: Clone + Default + fmt::Debug + Send + Sync + 'static;
    /// The spec's `minimum` and `maximum` of the operation's `page_size`.
    #[doc(hidden)]
    const PAGE_SIZE: (Option<i64>, Option<i64>);
    /// What the list is, for messages (`list statements`).
    #[doc(hidden)]
    fn what(&self) -> String;
    /// The client's base URL (a relative `next` link is read against it).
    #[doc(hidden)]
    fn base_url(&self) -> &str;
    /// One page.
    #[doc(hidden)]
    fn fetch<'a>(
        &'a self,
        page_size: Option<u32>,
        page_token: Option<&'a str>,
        filters: &'a Self::Filters,
    ) -> BoxFuture<'a, Result<RawPage<Self::Item>, Error>>;
}

/// The items of a list page (its `data`, `build/model.rs`), read into a buffer sized
/// for `MOST` items, the spec's maximum `page_size` of the list operation: JSON does not
/// say how many items follow, and a buffer grown as they come copies every item read
/// so far at each doubling (a page of 100 statements: 124 copies of 1 KB). `null`
/// reads as no items.
pub(crate) fn page_items<'de, const MOST: usize, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct Items<T, const MOST: usize>(std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>, const MOST: usize> serde::de::Visitor<'de>
        for Items<T, MOST>
    {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of items")
        }
        fn visit_unit<E>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(MOST).min(MOST));
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }
    d.deserialize_any(Items::<T, MOST>(std::marker::PhantomData))
}

pub(crate) mod private {
    /// Only the generated listings are [`Listing`](super::Listing)s.
    pub trait Sealed {}
}

/// A list to read; built by a resource handle's `list()`.
#[derive(Debug, Clone)]
#[must_use = "a list request does nothing until .pages(), .items() or .first_page() is used"]
pub struct ListRequest<L: Listing> {
    listing: L,
    filters: L::Filters,
    page_size: Option<u32>,
    max_items: Option<usize>,
    page_token: Option<String>,
}

impl<L: Listing> ListRequest<L> {
    pub(crate) fn new(listing: L) -> Self {
        ListRequest {
            listing,
            filters: L::Filters::default(),
            page_size: None,
            max_items: None,
            page_token: None,
        }
    }

    /// The filters, for the generated filter methods.
    #[doc(hidden)]
    pub fn filters_mut(&mut self) -> &mut L::Filters {
        &mut self.filters
    }

    /// Items per request, within the spec's limits of the operation's `page_size` (and
    /// at least 1). Checked when the first page is requested, before anything is sent.
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n);
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
    pub async fn first_page(self) -> Result<Page<L::Item>, Error> {
        match self.pages().next().await {
            Some(page) => page,
            None => Ok(Page::from_parts(Vec::new(), None, None, None)),
        }
    }

    /// The pages, lazily, one request each.
    pub fn pages(self) -> BoxStream<'static, Result<Page<L::Item>, Error>> {
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

    /// The items of every page, lazily.
    pub fn items(self) -> BoxStream<'static, Result<L::Item, Error>> {
        Items {
            pages: self.pages(),
            current: Vec::new().into_iter(),
        }
        .boxed()
    }
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

/// The stream of [`ListRequest::items`]: the items of the page at hand, then the next
/// page. The emptied
/// page's buffer is freed when the next page has arrived, not before it is requested:
/// freed earlier, it joined the body the generated client had just freed at the top of
/// the heap, and glibc gave the memory back to the system and asked for it again on
/// every page (2,043 `brk` calls for 2,000 pages against 58, and page faults each time).
struct Items<T> {
    pages: BoxStream<'static, Result<Page<T>, Error>>,
    current: std::vec::IntoIter<T>,
}

// Nothing of it is pinned: its page stream is boxed, its items are moved out.
impl<T> Unpin for Items<T> {}

impl<T> Stream for Items<T> {
    type Item = Result<T, Error>;

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

struct State<L: Listing> {
    request: ListRequest<L>,
    token: Option<String>,
    loops: LoopCheck,
    remaining: Option<usize>,
    done: bool,
    deferred: Option<Error>,
}

impl<L: Listing> State<L> {
    async fn next_page(&mut self) -> Result<Page<L::Item>, Error> {
        let r = &self.request;
        if let Some(n) = r.page_size {
            check_page_size(n, L::PAGE_SIZE)?;
        }
        let raw = r
            .listing
            .fetch(r.page_size, self.token.as_deref(), &r.filters)
            .await?;
        let RawPage {
            mut items,
            next,
            total_size,
            request_id,
        } = raw;
        if let Some(rem) = &mut self.remaining {
            items.truncate(*rem);
            *rem -= items.len();
        }
        let next = match next_token(next.as_deref(), r.listing.base_url()) {
            Ok(next) => next,
            Err(e) => {
                // This page's items are good and must not be lost: the list ends with
                // the error on the next poll.
                self.done = true;
                self.deferred = Some(e.with_request_id(request_id.clone()));
                return Ok(Page::from_parts(items, None, total_size, request_id));
            }
        };
        match &next {
            None => self.done = true,
            Some(t) if !self.loops.next(t) => {
                self.done = true;
                self.deferred = Some(
                    Error::decode(format!(
                        "the service sent page token `{}` a second time; stopping instead of looping",
                        t.chars().take(64).collect::<String>()
                    ))
                    .with_request_id(request_id.clone()),
                );
                return Ok(Page::from_parts(items, None, total_size, request_id));
            }
            Some(_) => {}
        }
        self.token = next.clone();
        Ok(Page::from_parts(items, next, total_size, request_id))
    }
}

/// `n` within `(minimum, maximum)` of the spec (and at least 1).
fn check_page_size(n: u32, (minimum, maximum): (Option<i64>, Option<i64>)) -> Result<(), Error> {
    let min = minimum.unwrap_or(1).max(1);
    let n64 = i64::from(n);
    if n64 < min || maximum.is_some_and(|max| n64 > max) {
        let range = match maximum {
            Some(max) => format!("between {min} and {max}"),
            None => format!("at least {min}"),
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

/// `metadata.total_size` of a page, when the spec has it and it fits a `u32` (read as
/// JSON: whatever integer type, and optionality, the spec gives it).
#[doc(hidden)]
pub fn total_size_of<M: serde::Serialize>(metadata: &M) -> Option<u32> {
    serde_json::to_value(metadata)
        .ok()?
        .get("total_size")?
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
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

    #[test]
    fn page_sizes_are_checked_against_the_bounds_given() {
        assert!(check_page_size(1, (None, None)).is_ok());
        assert!(check_page_size(100, (Some(1), Some(100))).is_ok());
        let e = check_page_size(101, (Some(1), Some(100))).unwrap_err();
        assert!(e.to_string().contains("between 1 and 100, not 101"), "{e}");
        // 0 is refused whatever the spec says.
        let e = check_page_size(0, (Some(0), None)).unwrap_err();
        assert!(e.to_string().contains("at least 1, not 0"), "{e}");
    }

    #[test]
    fn total_sizes_are_read_whatever_their_integer_type() {
        use serde_json::json;
        assert_eq!(total_size_of(&json!({"total_size": 5})), Some(5));
        assert_eq!(total_size_of(&json!({"total_size": -1})), None);
        assert_eq!(total_size_of(&json!({"total_size": null})), None);
        assert_eq!(total_size_of(&json!({})), None);
    }
}
