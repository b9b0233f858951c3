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

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt};

pub use crate::connections::Page;
use crate::connections::{next_token_for_list as next_token, LoopCheck};
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
        self.pages()
            .flat_map(|page| match page {
                Ok(page) => stream::iter(page.into_items().into_iter().map(Ok)).left_stream(),
                Err(e) => stream::iter(std::iter::once(Err(e))).right_stream(),
            })
            .boxed()
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
