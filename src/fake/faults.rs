//! Fault injection: which failure the next requests meet, and the queue that hands them out.

use std::collections::VecDeque;
use std::time::Duration;

/// One of the five operations of the Connections API, as the fake routes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// `GET .../connections` (`listSqlv1Connections`).
    List,
    /// `POST .../connections` (`createSqlv1Connection`).
    Create,
    /// `GET .../connections/{connection_name}` (`getSqlv1Connection`).
    Get,
    /// `PUT .../connections/{connection_name}` (`updateSqlv1Connection`).
    Update,
    /// `DELETE .../connections/{connection_name}` (`deleteSqlv1Connection`).
    Delete,
}

impl Operation {
    /// All five operations, in the order of the table in the spec.
    pub const ALL: [Operation; 5] = [
        Operation::List,
        Operation::Create,
        Operation::Get,
        Operation::Update,
        Operation::Delete,
    ];

    /// The Connections operation of the spec's `operationId`, if it is one.
    pub fn from_operation_id(operation_id: &str) -> Option<Operation> {
        Operation::ALL
            .into_iter()
            .find(|operation| operation.operation_id() == operation_id)
    }

    /// The spec's `operationId` of this operation.
    pub fn operation_id(self) -> &'static str {
        match self {
            Operation::List => "listSqlv1Connections",
            Operation::Create => "createSqlv1Connection",
            Operation::Get => "getSqlv1Connection",
            Operation::Update => "updateSqlv1Connection",
            Operation::Delete => "deleteSqlv1Connection",
        }
    }
}

/// A failure the fake answers with instead of (or on top of) the normal answer.
///
/// Faults are handed out in the order they were injected; each request routed to an operation
/// (of any resource) takes the first pending fault whose operation filter matches. A fault applies before
/// authentication and before the operation acts (a create answered with a fault creates
/// nothing), except [`Fault::TruncateBody`] and [`Fault::DropAfterCommit`], which let the
/// operation act first so that the client cannot know the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// `429 Too Many Requests` with no body, `X-RateLimit-Limit`, `X-RateLimit-Remaining: 0`,
    /// `X-RateLimit-Reset` (relative seconds) and, when `retry_after` is set, `Retry-After`
    /// (seconds). `X-RateLimit-Reset` carries `retry_after`, or 1 when it is not set.
    RateLimited {
        /// The `Retry-After` value in seconds; `None` leaves the header out.
        retry_after: Option<u64>,
    },
    /// The given status with a `Failure` body (`errors[0].status` is the status as a string).
    /// Meant for 500, 502, 503 and 504 (and 501, which clients should not retry); a value
    /// outside `400..=599` is answered as 500.
    Status(u16),
    /// Waits this long, then handles the request normally. The request is handled even if the
    /// client gave up meanwhile (as a real server would).
    Delay(Duration),
    /// Lets the operation act, then sends the status line and headers with a `Content-Length`
    /// larger than what follows, half of the body, and closes the connection.
    TruncateBody,
    /// Closes the TCP connection without answering and without acting.
    DropConnection,
    /// Lets the operation act (a create commits), then closes the TCP connection without
    /// answering.
    DropAfterCommit,
}

impl Fault {
    /// `429` with `Retry-After: seconds`.
    pub fn rate_limited(seconds: u64) -> Fault {
        Fault::RateLimited {
            retry_after: Some(seconds),
        }
    }

    /// The status code this fault answers with, if it answers instead of the operation.
    pub(crate) fn replacement_status(&self) -> Option<u16> {
        match self {
            Fault::RateLimited { .. } => Some(429),
            Fault::Status(code) if (400..=599).contains(code) => Some(*code),
            Fault::Status(_) => Some(500),
            _ => None,
        }
    }
}

#[derive(Debug)]
struct Rule {
    fault: Fault,
    /// The `operationId` it is for, if only one.
    only: Option<String>,
    remaining: usize,
}

/// The pending faults, in injection order.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    rules: VecDeque<Rule>,
}

impl FaultQueue {
    /// Queues `fault` for the next `times` requests (of the operation with the `operationId`
    /// `only`, if given).
    pub(crate) fn push(&mut self, fault: Fault, only: Option<String>, times: usize) {
        if times > 0 {
            self.rules.push_back(Rule {
                fault,
                only,
                remaining: times,
            });
        }
    }

    /// Takes one use of the first fault that applies to the operation `operation_id`.
    pub(crate) fn take(&mut self, operation_id: &str) -> Option<Fault> {
        let index = self
            .rules
            .iter()
            .position(|rule| rule.only.as_deref().is_none_or(|only| only == operation_id))?;
        let rule = &mut self.rules[index];
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        if rule.remaining == 0 {
            self.rules.remove(index);
        }
        Some(fault)
    }

    /// How many faulted requests are still to come.
    pub(crate) fn pending(&self) -> usize {
        self.rules.iter().map(|rule| rule.remaining).sum()
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_taken_in_order_and_respect_the_operation_filter() {
        let mut queue = FaultQueue::default();
        let create = Operation::Create.operation_id();
        let list = Operation::List.operation_id();
        queue.push(Fault::Status(503), Some(create.to_owned()), 2);
        queue.push(Fault::rate_limited(1), None, 1);
        assert_eq!(queue.pending(), 3);
        // A list request skips the create-only rule.
        assert_eq!(queue.take(list), Some(Fault::rate_limited(1)));
        assert_eq!(queue.take(list), None);
        assert_eq!(queue.take(create), Some(Fault::Status(503)));
        assert_eq!(queue.take(create), Some(Fault::Status(503)));
        assert_eq!(queue.take(create), None);
        assert_eq!(queue.pending(), 0);
    }

    #[test]
    fn operations_are_found_by_their_id() {
        for operation in Operation::ALL {
            assert_eq!(
                Operation::from_operation_id(operation.operation_id()),
                Some(operation)
            );
        }
        assert_eq!(Operation::from_operation_id("listSqlv1Statements"), None);
    }

    #[test]
    fn zero_times_queues_nothing_and_statuses_are_clamped() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::DropConnection, None, 0);
        assert_eq!(queue.pending(), 0);
        assert_eq!(Fault::Status(302).replacement_status(), Some(500));
        assert_eq!(Fault::Status(502).replacement_status(), Some(502));
        assert_eq!(Fault::Delay(Duration::ZERO).replacement_status(), None);
    }
}
