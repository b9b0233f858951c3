//! A tiny static HTTP/1.1 keep-alive server on 127.0.0.1, so that the server is never
//! the bottleneck: every answer is computed before the server starts, and a request
//! costs one lookup of its page token or connection name.
//!
//! It runs as a task on the benchmark's own single-threaded runtime, on the same thread
//! as the client being measured. On a server thread of its own, each request would wait
//! for that thread to wake, and on a virtual machine that wake-up dominates and swings
//! with the host's load (medians of 55 to 200 µs for the same call, same code); on one
//! thread a request costs the client's work, the server's small fixed work and the
//! system calls, the same for both sides.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Everything the server can answer, as whole HTTP responses (head and body).
#[derive(Default)]
pub struct Answers {
    /// `page_token` value (empty for the first page) -> the page's response.
    pub pages: HashMap<Vec<u8>, Arc<[u8]>>,
    /// Connection (or statement) name -> the `get` response.
    pub connections: HashMap<Vec<u8>, Arc<[u8]>>,
    /// `page_token` value (empty for the first page) -> a page of a statement's results
    /// (`.../results`).
    pub results: HashMap<Vec<u8>, Arc<[u8]>>,
}

/// A whole `200 OK` JSON response with `body`.
pub fn ok_response(body: &[u8], request_id: &str) -> Arc<[u8]> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: {request_id}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r.into()
}

const NOT_FOUND: &[u8] =
    b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

/// Starts the server as a task of the current (single-threaded) tokio runtime, with
/// the answers `make` computes from its base URL (`http://127.0.0.1:port`, which the
/// answers' links carry); returns that URL. Must be called inside the runtime.
pub fn spawn(make: impl FnOnce(&str) -> Answers) -> String {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr: SocketAddr = std_listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let answers = Arc::new(make(&base));
    std_listener.set_nonblocking(true).expect("nonblocking");
    let listener = TcpListener::from_std(std_listener).expect("listener");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(serve(stream, answers.clone()));
        }
    });
    base
}

async fn serve(mut stream: TcpStream, answers: Arc<Answers>) {
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // One request head at a time (the clients send GETs without bodies).
        let end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let answer = answer(&answers, &buf[..end]);
        buf.drain(..end);
        let reply: &[u8] = match &answer {
            Some(a) => a,
            None => NOT_FOUND,
        };
        if stream.write_all(reply).await.is_err() {
            return;
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The answer to a request head: a page of the list or of a statement's results by its
/// `page_token`, or a connection (or statement) by the last segment of its path.
fn answer(answers: &Answers, head: &[u8]) -> Option<Arc<[u8]>> {
    let line_end = find(head, b"\r\n")?;
    let line = &head[..line_end];
    let mut parts = line.split(|b| *b == b' ');
    let _method = parts.next()?;
    let target = parts.next()?;
    let (path, query) = match target.iter().position(|b| *b == b'?') {
        Some(q) => (&target[..q], &target[q + 1..]),
        None => (target, &b""[..]),
    };
    let token = || {
        query
            .split(|b| *b == b'&')
            .find_map(|kv| kv.strip_prefix(b"page_token="))
            .unwrap_or(b"")
    };
    if path.ends_with(b"/connections") || path.ends_with(b"/statements") {
        return answers.pages.get(token()).cloned();
    }
    if path.ends_with(b"/results") {
        return answers.results.get(token()).cloned();
    }
    let name = &path[path.iter().rposition(|b| *b == b'/')? + 1..];
    answers.connections.get(name).cloned()
}
