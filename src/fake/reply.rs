//! A response before it is sent: status, headers and body, as a hyper response or as the raw
//! bytes of a cut-off one.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{HeaderMap, Response, StatusCode};
use serde::Serialize;

use super::wire::{ErrorBody, FailureBody};

/// A response the fake has decided on.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Reply {
    /// A response with no body.
    pub(crate) fn empty(status: u16) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// A JSON response.
    pub(crate) fn json(status: u16, body: &impl Serialize) -> Reply {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                let mut reply = Reply::empty(status);
                reply.body = Bytes::from(bytes);
                reply
                    .headers
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                reply
            }
            Err(error) => Reply::failure(vec![ErrorBody::new(
                500,
                "internal_error",
                "Internal Server Error",
            )
            .detail(format!("the fake could not serialize its answer: {error}"))]),
        }
    }

    /// A `Failure` response; the status is the first error's.
    pub(crate) fn failure(errors: Vec<ErrorBody>) -> Reply {
        let status = errors.first().map_or(500, ErrorBody::status);
        Reply::json(status, &FailureBody::new(errors))
    }

    /// A `Failure` response with one error.
    pub(crate) fn error(error: ErrorBody) -> Reply {
        Reply::failure(vec![error])
    }

    /// Adds a header; values that are not valid header text are left out.
    pub(crate) fn header(mut self, name: &'static str, value: impl AsRef<str>) -> Reply {
        if let Ok(value) = HeaderValue::from_str(value.as_ref()) {
            self.headers.insert(HeaderName::from_static(name), value);
        }
        self
    }

    /// The hyper response.
    pub(crate) fn into_response(self) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }

    /// The raw HTTP/1.1 bytes of this response cut off: the headers declare the full body
    /// length (at least 2 bytes), and only the first half of the body follows.
    pub(crate) fn truncated_bytes(&self) -> Vec<u8> {
        let declared = self.body.len().max(2);
        let sent = &self.body[..self.body.len() / 2];
        let mut out = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or("")
        )
        .into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(name.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("content-length: {declared}\r\n\r\n").as_bytes());
        out.extend_from_slice(sent);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_bytes_declare_more_than_they_carry() {
        let reply = Reply::json(201, &serde_json::json!({"name": "abcdefgh"}))
            .header("x-request-id", "r-1");
        let raw = String::from_utf8(reply.truncated_bytes()).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 201 Created\r\n"));
        assert!(head.contains("x-request-id: r-1"));
        let declared: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length: "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(declared, reply.body.len());
        assert!(body.len() < declared);
    }

    #[test]
    fn failures_take_the_status_of_their_first_error() {
        let reply = Reply::error(ErrorBody::new(404, "not_found", "Not Found"));
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert_eq!(reply.headers[CONTENT_TYPE], "application/json");
    }
}
