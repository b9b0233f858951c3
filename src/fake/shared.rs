//! What every connection of one fake server shares: its settings, store, faults and counters.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::faults::{FaultQueue, Operation};
use super::store::{Scope, Store};
use super::token::Tokens;
use super::{LastPageNext, Stats};

/// The settings a fake server runs with.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) organization_id: String,
    pub(crate) environment_id: String,
    pub(crate) api_key: String,
    pub(crate) api_secret: String,
    pub(crate) open: bool,
    pub(crate) default_page_size: usize,
    /// The base URL used in `self`, `next` and `Location`, without a trailing slash.
    pub(crate) advertised_base_url: String,
    pub(crate) last_page_next: LastPageNext,
    pub(crate) check_secret_keys: bool,
}

impl Config {
    /// The organization and environment the fake was started with.
    pub(crate) fn home(&self) -> Scope {
        Scope {
            organization_id: self.organization_id.clone(),
            environment_id: self.environment_id.clone(),
        }
    }
}

/// Counters for tests.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Requests routed to each operation, by `operationId`.
    requests: Mutex<HashMap<&'static str, u64>>,
    pub(crate) unrouted_requests: AtomicU64,
    pub(crate) creates_committed: AtomicU64,
    pub(crate) updates_committed: AtomicU64,
    pub(crate) deletes_committed: AtomicU64,
    pub(crate) tcp_connections: AtomicU64,
    pub(crate) faults_injected: AtomicU64,
}

impl Counters {
    /// Counts a request routed to the operation `operation_id`.
    pub(crate) fn request(&self, operation_id: &'static str) {
        *lock(&self.requests).entry(operation_id).or_default() += 1;
    }

    /// Requests routed to the operation `operation_id` so far.
    pub(crate) fn requests(&self, operation_id: &str) -> u64 {
        lock(&self.requests).get(operation_id).copied().unwrap_or(0)
    }

    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let requests = |operation: Operation| self.requests(operation.operation_id());
        Stats {
            list_requests: requests(Operation::List),
            create_requests: requests(Operation::Create),
            get_requests: requests(Operation::Get),
            update_requests: requests(Operation::Update),
            delete_requests: requests(Operation::Delete),
            unrouted_requests: read(&self.unrouted_requests),
            creates_committed: read(&self.creates_committed),
            updates_committed: read(&self.updates_committed),
            deletes_committed: read(&self.deletes_committed),
            tcp_connections: read(&self.tcp_connections),
            faults_injected: read(&self.faults_injected),
        }
    }
}

/// The state of one fake server.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: Config,
    store: Mutex<Store>,
    faults: Mutex<FaultQueue>,
    pub(crate) counters: Counters,
    pub(crate) tokens: Tokens,
    /// The number in the name of the next seeded connection.
    pub(crate) next_seed: AtomicUsize,
}

/// Locks a mutex; a panic elsewhere while holding it does not make the state unusable here
/// (every write to it is a single, complete step).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub(crate) fn new(config: Config) -> Self {
        Shared {
            config,
            store: Mutex::new(Store::default()),
            faults: Mutex::new(FaultQueue::default()),
            counters: Counters::default(),
            tokens: Tokens::new(),
            next_seed: AtomicUsize::new(0),
        }
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultQueue> {
        lock(&self.faults)
    }
}
