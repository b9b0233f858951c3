//! The hand-written client a user would write instead of using the crate: reqwest and
//! serde_json, with the same client settings as the crate's (HTTP Basic header built
//! once, user agent, timeouts, no redirects, one connection pool), a status check, the
//! whole body read, and a decode into the hand-written structs of `data.rs`.

use std::time::Duration;

use base64::Engine;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};

use super::data::{collection_url, ListPage, KEY, SECRET};

/// The reqwest client a user would build: the crate's settings (HTTP Basic header built
/// once and marked sensitive, a user agent, 30 s request and 10 s connect timeouts, no
/// redirects, one pool).
pub fn http_client() -> reqwest::Client {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:{SECRET}"));
    let mut auth = HeaderValue::from_str(&format!("Basic {token}")).expect("header");
    auth.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, auth);
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent("hand-written/0.1")
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

pub struct Raw {
    client: reqwest::Client,
    collection: String,
}

impl Raw {
    pub fn new(base: &str) -> Raw {
        Raw {
            client: http_client(),
            collection: collection_url(base),
        }
    }

    /// One connection, decoded into `T`: [`super::data::RawConnection`] (chrono date-times) or
    /// [`super::data::StrConnection`] (the raw loop).
    pub async fn get<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, String> {
        let response = self
            .client
            .get(format!("{}/{name}", self.collection))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }

    /// Every connection, page after page, each given to `each`; returns how many. The
    /// page is decoded into `P`: [`super::data::RawList`] (chrono date-times) or
    /// [`super::data::StrList`] (the raw loop: everything as the JSON's strings).
    pub async fn list_all<P: ListPage>(
        &self,
        page_size: u32,
        mut each: impl FnMut(P::Item),
    ) -> Result<usize, String> {
        let mut token: Option<String> = None;
        let mut count = 0;
        loop {
            let mut request = self
                .client
                .get(&self.collection)
                .query(&[("page_size", page_size)]);
            if let Some(t) = &token {
                request = request.query(&[("page_token", t)]);
            }
            let response = request.send().await.map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("status {}", response.status()));
            }
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            let page: P = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            let (data, next) = page.into_parts();
            count += data.len();
            data.into_iter().for_each(&mut each);
            token = match next.as_deref().filter(|n| !n.is_empty()) {
                None => None,
                Some(next) => url::Url::parse(next)
                    .map_err(|e| e.to_string())?
                    .query_pairs()
                    .find(|(k, _)| k == "page_token")
                    .map(|(_, v)| v.into_owned()),
            };
            if token.is_none() {
                return Ok(count);
            }
        }
    }
}
