//! Serving: the accept loop, HTTP/1.1 through hyper, and a socket wrapper that can cut a
//! response off or close the connection instead of answering.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use super::handlers::{self, Delivery};
use super::reply::Reply;
use super::shared::{Counters, Shared};
use super::wire::ErrorBody;

/// Accepts connections until the task running it is aborted (which also ends every
/// connection it serves).
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    Counters::bump(&shared.counters.tcp_connections);
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let control = Arc::new(Control::default());
    let io = TokioIo::new(FaultIo {
        inner: stream,
        control: Arc::clone(&control),
        state: WriteState::Normal,
    });
    let service = service_fn(move |request: Request<Incoming>| {
        let shared = Arc::clone(&shared);
        let control = Arc::clone(&control);
        async move {
            // Handled in a task of its own, so that a client that hangs up does not stop an
            // operation half-way (a delayed create still commits, as on a real server).
            let handled = tokio::spawn(handlers::handle(shared, request)).await;
            let (reply, delivery) = handled.unwrap_or_else(|_| {
                let reply = Reply::error(
                    ErrorBody::new(500, "internal_error", "Internal Server Error")
                        .detail("the fake server failed while handling this request"),
                );
                (reply, Delivery::Normal)
            });
            match delivery {
                Delivery::Normal => {}
                Delivery::Drop => control.set(Directive::Drop),
                Delivery::Truncate => control.set(Directive::Raw(reply.truncated_bytes())),
            }
            Ok::<_, Infallible>(reply.into_response())
        }
    });
    // Errors here are the client's (or a deliberate drop): nothing to report.
    let _ = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service)
        .await;
}

/// What to do with the next response written on a connection instead of writing it.
#[derive(Debug)]
enum Directive {
    /// Write nothing and close.
    Drop,
    /// Write these bytes and close.
    Raw(Vec<u8>),
}

/// The handler's orders to the socket wrapper of its connection.
#[derive(Debug, Default)]
struct Control {
    directive: Mutex<Option<Directive>>,
}

impl Control {
    fn set(&self, directive: Directive) {
        *self
            .directive
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(directive);
    }

    fn take(&self) -> Option<Directive> {
        self.directive
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }
}

enum WriteState {
    Normal,
    Raw { bytes: Vec<u8>, written: usize },
    Closing,
    Closed,
}

/// A TCP stream whose next write can be replaced by a directive.
struct FaultIo {
    inner: TcpStream,
    control: Arc<Control>,
    state: WriteState,
}

fn closed() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "the fake server closed this connection on purpose",
    )
}

impl AsyncRead for FaultIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if matches!(self.state, WriteState::Closed) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        loop {
            match &mut this.state {
                WriteState::Normal => match this.control.take() {
                    None => return Pin::new(&mut this.inner).poll_write(cx, buf),
                    Some(Directive::Drop) => this.state = WriteState::Closing,
                    Some(Directive::Raw(bytes)) => {
                        this.state = WriteState::Raw { bytes, written: 0 }
                    }
                },
                WriteState::Raw { bytes, written } => {
                    while *written < bytes.len() {
                        match ready!(Pin::new(&mut this.inner).poll_write(cx, &bytes[*written..])) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => *written += n,
                        }
                    }
                    let _ = ready!(Pin::new(&mut this.inner).poll_flush(cx));
                    this.state = WriteState::Closing;
                }
                WriteState::Closing => {
                    let _ = ready!(Pin::new(&mut this.inner).poll_shutdown(cx));
                    this.state = WriteState::Closed;
                }
                WriteState::Closed => return Poll::Ready(Err(closed())),
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.state {
            WriteState::Normal => Pin::new(&mut self.inner).poll_flush(cx),
            _ => Poll::Ready(Err(closed())),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.state {
            WriteState::Closed => Poll::Ready(Ok(())),
            _ => Pin::new(&mut self.inner).poll_shutdown(cx),
        }
    }
}
