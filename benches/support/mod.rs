//! What the benchmarks share: the local server, the data it serves, the hand-written
//! baseline client and the figure printing. Each bench uses a part of it.
#![allow(dead_code)]

pub mod baseline;
pub mod counting;
pub mod data;
pub mod keep;
pub mod server;
pub mod sides;
pub mod stats;

/// The single-threaded runtime a bench runs on (its server runs on it too: see
/// `server.rs`).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}
