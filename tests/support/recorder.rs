//! A recording HTTP/1.1 proxy on 127.0.0.1 for client-driven tests: the client under test
//! talks to the recorder, the recorder forwards each request to an upstream (Prism) and keeps
//! the exchange, `sl-violations` included, for the test to check.
//!
//! Needs the test crate to include `support/prism.rs` as `mod prism` and
//! `support/spec_schema.rs` as `mod spec_schema` at its root.
//!
//! ```ignore
//! let Some(prism) = prism::Prism::start(prism::Mode::Static) else { return };
//! let recorder = recorder::Recorder::start(prism.url()).await;
//! // ... point the client under test at recorder.url() and use it ...
//! let problems = recorder::check(&spec, &recorder.exchanges());
//! assert!(problems.is_empty(), "{problems:#?}");
//! ```
//!
//! The upstream can be any HTTP/1.1 server (the crate's fake too): [`check_responses`]
//! judges the answers by the spec. Tests can also steer the traffic without touching the
//! client: [`Recorder::set_request_headers`] adds headers to every forwarded request (Prism's
//! `Prefer: code=404`), [`Recorder::set_json_rewrite`] edits JSON response bodies before the
//! client sees them (unknown properties, say).

#![allow(dead_code)]

use std::fmt;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::prism::{parse_sl_violations, SlViolation};
use crate::spec_schema::{PrismFinding, Spec};

/// The largest header section or body the recorder accepts.
const LIMIT: usize = 16 * 1024 * 1024;

/// Headers that belong to one connection, not to the message.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
    "content-length",
];

/// One request and the upstream's answer.
#[derive(Clone)]
pub struct Exchange {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    /// Request headers (names lower-case), in order.
    pub request_headers: Vec<(String, String)>,
    /// The request body (decoded from chunked if it was).
    pub request_body: Vec<u8>,
    /// The upstream's status.
    pub status: u16,
    /// Response headers (names lower-case), in order.
    pub response_headers: Vec<(String, String)>,
    /// The response body.
    pub response_body: Vec<u8>,
    /// The upstream's `sl-violations` (Prism), parsed; empty when absent.
    pub violations: Vec<SlViolation>,
    /// Headers the recorder added to the forwarded request ([`Recorder::set_request_headers`]);
    /// `request_headers` are the client's own.
    pub added_request_headers: Vec<(String, String)>,
    /// The upstream's body, when [`Recorder::set_json_rewrite`] changed it; `response_body`
    /// is what the client received.
    pub upstream_response_body: Option<Vec<u8>>,
}

impl Exchange {
    /// The first request header with this (case-insensitive) name.
    pub fn request_header(&self, name: &str) -> Option<&str> {
        find(&self.request_headers, name)
    }

    /// The first response header with this (case-insensitive) name.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        find(&self.response_headers, name)
    }

    /// The request body as JSON; `None` when empty or not JSON.
    pub fn request_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.request_body).ok()
    }

    /// The response body (as the client received it) as JSON; `None` when empty or not JSON.
    pub fn response_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.response_body).ok()
    }
}

/// Edits a JSON response body in place (see [`Recorder::set_json_rewrite`]).
pub type JsonRewrite = Arc<dyn Fn(&mut serde_json::Value) + Send + Sync>;

/// What the recorder changes in the traffic; shared with the connection tasks.
#[derive(Default)]
struct Steering {
    request_headers: Vec<(String, String)>,
    json_rewrite: Option<JsonRewrite>,
}

fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Shows no header values and no bodies: they may carry credentials and secrets.
impl fmt::Debug for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |h: &[(String, String)]| h.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        f.debug_struct("Exchange")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("request_headers", &names(&self.request_headers))
            .field("request_body_len", &self.request_body.len())
            .field("status", &self.status)
            .field("response_headers", &names(&self.response_headers))
            .field("response_body_len", &self.response_body.len())
            .field("violations", &self.violations)
            .field("added_request_headers", &names(&self.added_request_headers))
            .field("rewritten", &self.upstream_response_body.is_some())
            .finish()
    }
}

/// The running proxy; stops accepting when dropped.
pub struct Recorder {
    url: String,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    steering: Arc<Mutex<Steering>>,
    task: tokio::task::JoinHandle<()>,
}

impl Recorder {
    /// Listens on 127.0.0.1 (a port the OS chooses) and forwards to `upstream`
    /// (`http://host:port`, no trailing slash). Must run inside a tokio runtime.
    pub async fn start(upstream: &str) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let exchanges = Arc::new(Mutex::new(Vec::new()));
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client");
        let upstream = upstream.trim_end_matches('/').to_owned();
        let log = Arc::clone(&exchanges);
        let steering = Arc::new(Mutex::new(Steering::default()));
        let steer = Arc::clone(&steering);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (client, upstream, log, steer) = (
                    client.clone(),
                    upstream.clone(),
                    Arc::clone(&log),
                    Arc::clone(&steer),
                );
                tokio::spawn(async move {
                    if let Err(e) = serve(stream, &client, &upstream, &log, &steer).await {
                        eprintln!("recorder: connection ended with an error: {e}");
                    }
                });
            }
        });
        Recorder {
            url,
            exchanges,
            steering,
            task,
        }
    }

    /// Adds these headers (replacing the client's of the same name) to every request
    /// forwarded from now on; an empty list stops adding. Names are compared
    /// case-insensitively.
    pub fn set_request_headers(&self, headers: &[(&str, &str)]) {
        if let Ok(mut steering) = self.steering.lock() {
            steering.request_headers = headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), (*v).to_owned()))
                .collect();
        }
    }

    /// Applies `rewrite` to every JSON response body from now on (`None` stops). Bodies that
    /// are not JSON pass unchanged; the exchange keeps the upstream's original.
    pub fn set_json_rewrite(&self, rewrite: Option<JsonRewrite>) {
        if let Ok(mut steering) = self.steering.lock() {
            steering.json_rewrite = rewrite;
        }
    }

    /// `http://127.0.0.1:<port>`: the base URL to give the client under test.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The exchanges so far, oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// The exchanges so far, leaving the record empty.
    pub fn take(&self) -> Vec<Exchange> {
        self.exchanges
            .lock()
            .map(|mut e| std::mem::take(&mut *e))
            .unwrap_or_default()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// For each of Prism's `violations` (the `sl-violations` of one answer to a request to
/// `operation`): the deviation and matcher that explain it (see [`Spec::explain_prism`]),
/// or `None`.
pub fn explain_prism<'s>(
    spec: &'s Spec,
    operation: &str,
    violations: &[SlViolation],
) -> Vec<Option<(&'s str, usize)>> {
    let findings: Vec<PrismFinding<'_>> = violations
        .iter()
        .map(|v| PrismFinding {
            location: &v.location,
            code: &v.code,
            message: &v.message,
        })
        .collect();
    spec.explain_prism(operation, &findings)
}

/// Adds an unknown property to every object of a JSON body, at every depth (a
/// [`JsonRewrite`]: the spec allows properties it does not declare).
pub fn add_unknown_properties(value: &mut serde_json::Value) {
    add_unknown(
        value,
        &serde_json::json!({"added_by": "a test", "list": [1, "two", null]}),
    );
}

/// [`add_unknown_properties`] with a string as the added value: for answers that hold
/// typed maps of strings (`metadata.labels`, an agent's `spec.properties`), where a
/// member of another type cannot be, and which the JSON alone does not tell from objects.
#[allow(dead_code)]
pub fn add_unknown_string_properties(value: &mut serde_json::Value) {
    add_unknown(value, &serde_json::json!("added by a test"));
}

fn add_unknown(value: &mut serde_json::Value, added: &serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.values_mut().for_each(|v| add_unknown(v, added));
            map.insert("x_unknown_property".into(), added.clone());
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| add_unknown(v, added)),
        _ => {}
    }
}

/// What is wrong with recorded traffic to Prism, judged by the spec and its deviation list:
/// a request that matches no operation or breaks its parameters or body schema (our
/// validator), or an `sl-violations` entry of Prism that no listed deviation explains.
/// Empty when all is well.
pub fn check(spec: &Spec, exchanges: &[Exchange]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, ex) in exchanges.iter().enumerate() {
        let at = format!("exchange {i} ({} {})", ex.method, ex.target);
        let op = match spec.validate_request_target(&ex.method, &ex.target) {
            Ok(op) => op,
            Err(violations) => {
                problems.extend(violations.iter().map(|v| format!("{at}: {v}")));
                continue;
            }
        };
        let has_body = spec.operation(&op).is_some_and(|o| o.has_request_body());
        match (has_body, ex.request_body.is_empty()) {
            (true, true) => problems.push(format!("{at}: {op} needs a JSON body; none was sent")),
            (false, false) => problems.push(format!("{at}: {op} takes no body; one was sent")),
            (true, false) => match serde_json::from_slice(&ex.request_body) {
                Ok(body) => {
                    if let Err(violations) = spec.validate_request(&op, &body) {
                        problems.extend(violations.iter().map(|v| format!("{at}: {v}")));
                    }
                }
                Err(e) => problems.push(format!("{at}: the body is not JSON: {e}")),
            },
            (false, true) => {}
        }
        for (v, why) in ex
            .violations
            .iter()
            .zip(explain_prism(spec, &op, &ex.violations))
        {
            if why.is_none() {
                problems.push(format!(
                    "{at}: Prism: {} {} ({})",
                    v.location.join("."),
                    v.code,
                    v.message
                ));
            }
        }
    }
    problems
}

/// What is wrong with the recorded *answers*, judged by the spec and its deviation list: a
/// status the operation does not declare, a body that breaks the status's schema (or a body
/// where none is declared, or none where one is), or a declared header that breaks its
/// schema. Requests that match no operation are left to [`check`]. Empty when all is well.
pub fn check_responses(spec: &Spec, exchanges: &[Exchange]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, ex) in exchanges.iter().enumerate() {
        let at = format!(
            "exchange {i} ({} {} -> {})",
            ex.method, ex.target, ex.status
        );
        let Ok(op) = spec.validate_request_target(&ex.method, &ex.target) else {
            continue;
        };
        if let Err(violations) = spec.validate_response_bytes(&op, ex.status, &ex.response_body) {
            problems.extend(violations.iter().map(|v| format!("{at}: {v}")));
            if violations.iter().any(|v| v.keyword == "status") {
                // An undeclared status has no headers to check either.
                continue;
            }
        }
        let headers: Vec<(&str, &str)> = ex
            .response_headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        if let Err(violations) = spec.validate_response_headers(&op, ex.status, &headers) {
            problems.extend(violations.iter().map(|v| format!("{at}: {v}")));
        }
    }
    problems
}

async fn serve(
    stream: TcpStream,
    client: &reqwest::Client,
    upstream: &str,
    log: &Mutex<Vec<Exchange>>,
    steering: &Mutex<Steering>,
) -> Result<(), String> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    loop {
        let request = match read_request(&mut read).await {
            Ok(Some(request)) => request,
            Ok(None) => return Ok(()),
            Err(e) => {
                let _ = write
                    .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
                return Err(e);
            }
        };
        let close =
            find(&request.headers, "connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let (added, rewrite) = match steering.lock() {
            Ok(s) => (s.request_headers.clone(), s.json_rewrite.clone()),
            Err(_) => (Vec::new(), None),
        };
        let mut exchange = forward(client, upstream, request, &added).await;
        if let Some(rewrite) = rewrite {
            if let Ok(mut body) =
                serde_json::from_slice::<serde_json::Value>(&exchange.response_body)
            {
                rewrite(&mut body);
                let rewritten = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
                exchange.upstream_response_body =
                    Some(std::mem::replace(&mut exchange.response_body, rewritten));
            }
        }
        write_response(&mut write, &exchange, close).await?;
        if let Ok(mut log) = log.lock() {
            log.push(exchange);
        }
        if close {
            return Ok(());
        }
    }
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Reads one request; `None` when the client closed the connection between requests.
async fn read_request(
    read: &mut (impl AsyncBufReadExt + AsyncRead + Unpin),
) -> Result<Option<Request>, String> {
    let mut line = String::new();
    if read.read_line(&mut line).await.map_err(|e| e.to_string())? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("not an HTTP request line: {line:?}"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(format!("unsupported version {version}"));
    }
    let (method, target) = (method.to_owned(), target.to_owned());
    let mut headers = Vec::new();
    let mut size = 0;
    loop {
        line.clear();
        size += read.read_line(&mut line).await.map_err(|e| e.to_string())?;
        if size > LIMIT {
            return Err("header section too large".into());
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| format!("bad header line {text:?}"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let chunked = find(&headers, "transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(read).await?
    } else {
        let length: usize = match find(&headers, "content-length") {
            Some(v) => v.parse().map_err(|_| format!("bad content-length {v:?}"))?,
            None => 0,
        };
        if length > LIMIT {
            return Err("body too large".into());
        }
        let mut body = vec![0; length];
        read.read_exact(&mut body)
            .await
            .map_err(|e| e.to_string())?;
        body
    };
    Ok(Some(Request {
        method,
        target,
        headers,
        body,
    }))
}

async fn read_chunked(
    read: &mut (impl AsyncBufReadExt + AsyncRead + Unpin),
) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        read.read_line(&mut line).await.map_err(|e| e.to_string())?;
        let size_text = line
            .trim_end_matches(['\r', '\n'])
            .split(';')
            .next()
            .unwrap_or("");
        let size = usize::from_str_radix(size_text.trim(), 16)
            .map_err(|_| format!("bad chunk size {line:?}"))?;
        if body.len() + size > LIMIT {
            return Err("body too large".into());
        }
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                line.clear();
                read.read_line(&mut line).await.map_err(|e| e.to_string())?;
                if line.trim_end_matches(['\r', '\n']).is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        read.read_exact(&mut body[start..])
            .await
            .map_err(|e| e.to_string())?;
        let mut crlf = [0; 2];
        read.read_exact(&mut crlf)
            .await
            .map_err(|e| e.to_string())?;
    }
}

async fn forward(
    client: &reqwest::Client,
    upstream: &str,
    request: Request,
    added: &[(String, String)],
) -> Exchange {
    let method =
        reqwest::Method::from_bytes(request.method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut builder = client.request(method, format!("{upstream}{}", request.target));
    for (name, value) in request
        .headers
        .iter()
        .filter(|(n, _)| !HOP_BY_HOP.contains(&n.as_str()) && !added.iter().any(|(a, _)| a == n))
    {
        builder = builder.header(name.as_str(), value.as_str());
    }
    for (name, value) in added {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let mut exchange = Exchange {
        method: request.method,
        target: request.target,
        request_headers: request.headers,
        request_body: request.body.clone(),
        status: 502,
        response_headers: Vec::new(),
        response_body: Vec::new(),
        violations: Vec::new(),
        added_request_headers: added.to_vec(),
        upstream_response_body: None,
    };
    match builder.body(request.body).send().await {
        Ok(response) => {
            exchange.status = response.status().as_u16();
            exchange.response_headers = response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            exchange.response_body = response
                .bytes()
                .await
                .map(|b| b.to_vec())
                .unwrap_or_default();
            exchange.violations = exchange
                .response_headers
                .iter()
                .filter(|(n, _)| n == "sl-violations")
                .flat_map(|(_, v)| {
                    // An unreadable header is kept as a violation nothing explains.
                    parse_sl_violations(v).unwrap_or_else(|e| {
                        vec![SlViolation {
                            location: vec!["sl-violations".into()],
                            severity: "Error".into(),
                            code: "unparseable".into(),
                            message: e,
                        }]
                    })
                })
                .collect();
        }
        Err(e) => {
            exchange.response_body = format!("recorder: upstream failed: {e}").into_bytes();
        }
    }
    exchange
}

async fn write_response(
    write: &mut (impl AsyncWrite + Unpin),
    exchange: &Exchange,
    close: bool,
) -> Result<(), String> {
    let reason = reqwest::StatusCode::from_u16(exchange.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", exchange.status);
    for (name, value) in exchange
        .response_headers
        .iter()
        .filter(|(n, _)| !HOP_BY_HOP.contains(&n.as_str()))
    {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\n",
        exchange.response_body.len()
    ));
    if close {
        head.push_str("connection: close\r\n");
    }
    head.push_str("\r\n");
    write
        .write_all(head.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    write
        .write_all(&exchange.response_body)
        .await
        .map_err(|e| e.to_string())?;
    write.flush().await.map_err(|e| e.to_string())
}
