//! What the generated operations call to build a request and read its answer, in place
//! of progenitor's helpers that copy (`build/requests.rs` rewrites the calls).

use std::fmt::{self, Display, Write as _};

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use progenitor_client::{ClientInfo, Error, ResponseValue};
use reqwest::Url;
use serde::de::DeserializeOwned;

/// The media type of every answer the crate reads: the client's default `Accept`
/// header (`crate::client`), which `build/requests.rs` therefore drops from the
/// generated requests.
pub(crate) const JSON: &str = "application/json";

/// The URL of an operation's request: the client's base URL, parsed at its first
/// request and kept, with `path` (the operation's path, its parameters encoded) after
/// the base's own path. reqwest would otherwise parse the whole URL again for every
/// request, host and IDNA processing included.
pub(crate) fn url(
    client: &crate::generated::Client,
    path: fmt::Arguments<'_>,
) -> Result<Url, String> {
    let known = &ClientInfo::inner(client).base;
    let base = match known.get() {
        Some(base) => base,
        None => {
            let parsed = Url::parse(ClientInfo::baseurl(client))
                .map_err(|e| format!("the base URL is not a URL: {e}"))?;
            known.get_or_init(|| parsed)
        }
    };
    let mut full = String::with_capacity(base.path().len() + 128);
    full.push_str(base.path().trim_end_matches('/'));
    // Writing into a String cannot fail.
    let _ = full.write_fmt(path);
    let mut url = base.clone();
    url.set_path(&full);
    Ok(url)
}

/// What a path segment must not hold as it is, besides controls and non-ASCII: the
/// WHATWG URL standard's path percent-encode set (space, `"`, `#`, `<`, `>`, `?`,
/// `` ` ``, `{`, `}`) plus `/`, which would start another segment, and `%`, which
/// would start an escape. The same set progenitor's `encode_path` uses.
const SPECIAL: &[u8] = b" \"#<>?`{}/%";

/// [`SPECIAL`] and the controls, for `percent_encoding`.
const SEGMENT: &AsciiSet = &{
    let mut set = CONTROLS.add(SPECIAL[0]);
    let mut i = 1;
    while i < SPECIAL.len() {
        set = set.add(SPECIAL[i]);
        i += 1;
    }
    set
};

/// The bytes `SEGMENT` leaves as they are, one entry per byte: checking a byte is one
/// load, not a search.
static PLAIN: [bool; 256] = {
    let mut plain = [false; 256];
    let mut b = 0x20;
    while b < 0x7F {
        plain[b] = true;
        b += 1;
    }
    let mut i = 0;
    while i < SPECIAL.len() {
        plain[SPECIAL[i] as usize] = false;
        i += 1;
    }
    plain
};

/// True when `SEGMENT` leaves the byte as it is.
fn plain(b: u8) -> bool {
    PLAIN[usize::from(b)]
}

/// A path parameter, percent-encoded as it is written into the URL (no `String` of
/// its own, nor of its encoding).
pub(crate) struct Segment<'a, T: Display + ?Sized>(pub(crate) &'a T);

impl<T: Display + ?Sized> Display for Segment<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Encodes each piece `Display` writes; a piece is a whole `str`, so a
        /// character is never split between two.
        struct Encoding<'a, 'b>(&'a mut fmt::Formatter<'b>);
        impl fmt::Write for Encoding<'_, '_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                // Most names and ids need no escape: written as they are.
                if s.bytes().all(plain) {
                    return self.0.write_str(s);
                }
                for piece in utf8_percent_encode(s, SEGMENT) {
                    self.0.write_str(piece)?;
                }
                Ok(())
            }
        }
        write!(Encoding(f), "{}", self.0)
    }
}

/// An answer's body decoded as `T`, with its status and headers: what
/// `ResponseValue::from_response` gives, the headers moved rather than copied. A body
/// cut off is `ResponseBodyError`; one that is not a `T`, `InvalidResponsePayload`
/// with the body.
pub(crate) async fn answer<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_is_encoded_as_progenitor_encodes_it() {
        for text in [
            "plain-name_1.2~x",
            "a/b?c#d%e f",
            "<\"{`}>",
            "tab\tnew\nline",
            "ünïcödé ✓",
            "",
            "%2F already",
            "\u{7f}del",
            "!$&'()*+,;=:@[]\\^|~",
        ] {
            assert_eq!(
                Segment(text).to_string(),
                progenitor_client::encode_path(text),
                "{text:?}"
            );
        }
        for b in 0..=u8::MAX {
            let text = [b];
            if let Ok(text) = std::str::from_utf8(&text) {
                assert_eq!(
                    Segment(text).to_string(),
                    progenitor_client::encode_path(text),
                    "{b}"
                );
            }
        }
        let id: uuid::Uuid = "11111111-2222-3333-4444-555555555555".parse().unwrap();
        assert_eq!(Segment(&id).to_string(), id.to_string());
    }

    /// The parsed base with the path set reads as the whole text parsed, as reqwest
    /// parsed it before: for a base with or without a path of its own, with a trailing
    /// slash or not, and any segment text.
    #[test]
    fn a_url_is_the_base_and_the_path_as_one_text_would_parse() {
        let transport = || crate::transport::Transport {
            policy: crate::retry::RetryPolicy::none(),
            total_timeout: None,
            request_timeout: std::time::Duration::from_secs(30),
            base: Default::default(),
        };
        let segments = [
            "plain",
            "a/b?c#d%e f",
            "ünïcödé ✓",
            "..x",
            "%2E%2E",
            "tab\tnew",
            "!$&'()*+,;=:@[]\\^|~",
        ];
        for base in [
            "http://127.0.0.1:8080",
            "https://flink.us-east-1.aws.confluent.cloud",
            "https://flink.example.com/prefix/v",
            "http://[::1]:9/p/",
            "https://Flink.Bücher.example",
        ] {
            let client = crate::generated::Client::new_with_client(
                base,
                reqwest::Client::new(),
                transport(),
            );
            for segment in segments {
                let path = format_args!("/sql/v1/things/{}/x", Segment(segment));
                let text = format!(
                    "{}/sql/v1/things/{}/x",
                    base.trim_end_matches('/'),
                    Segment(segment)
                );
                let made: Url = url(&client, path).unwrap();
                assert_eq!(made, Url::parse(&text).unwrap(), "{base} {segment:?}");
            }
        }
        let bad = crate::generated::Client::new_with_client(
            "not a url",
            reqwest::Client::new(),
            transport(),
        );
        let e = url(&bad, format_args!("/x")).unwrap_err();
        assert!(e.to_string().contains("base URL"), "{e}");
    }
}
