//! The few behaviours of single resources that the spec does not say (`resources.rs` does
//! the rest from the spec). Each rule applies only where the document has what it needs,
//! so that older versions of the spec, without some resources, are served too.
//!
//! - Phases: an item whose `status.phase` the spec lists with `PENDING` and `RUNNING`
//!   starts `PENDING` and moves on at its next read: to `COMPLETED` for a statement that
//!   ends by itself (DDL and metadata statements such as `CREATE TABLE`, `SHOW TABLES`),
//!   else to `RUNNING`. `spec.stopped: true` stops it (`STOPPED`), `false` resumes it
//!   (`PENDING`, then `RUNNING`).
//! - History: each write of a materialized table adds an entry to its `versions`
//!   (`spec.version` 1, 2, ..., `spec.statement` its query); `status.version` and
//!   `status.latest_version` follow.
//! - Statements run (`sql.rs`): a pending statement settles at its next read as its
//!   execution says (`COMPLETED`, `RUNNING`, or `FAILED` with `status.detail`); its
//!   `results` answer the execution's pages (`page_token` `p1`, `p2`, ...); its
//!   `exceptions` list what a failing one stored.
//! - `label_selector` (`key=value,key2=value2`) keeps items whose `metadata.labels` have
//!   every pair (a bare `key`: that the label exists).

use serde_json::{json, Map, Value};

const PENDING: &str = "PENDING";
const RUNNING: &str = "RUNNING";
const COMPLETED: &str = "COMPLETED";
const STOPPED: &str = "STOPPED";

/// Collections whose items keep a history, and the collection it is kept in.
const HISTORIES: &[(&str, &str)] = &[("materialized-tables", "versions")];

/// The first words of statements that end by themselves.
const BOUNDED: &[&str] = &[
    "CREATE", "ALTER", "DROP", "SHOW", "DESCRIBE", "DESC", "USE", "SET", "RESET", "EXPLAIN",
];

fn phase(document: &Value) -> Option<&str> {
    document.pointer("/status/phase").and_then(Value::as_str)
}

fn set_phase(document: &mut Value, phases: &[&str], to: &str) {
    if !phases.contains(&to) {
        return;
    }
    if let Some(Value::Object(status)) = document.get_mut("status") {
        status.insert("phase".into(), Value::from(to));
    }
}

pub(crate) fn moves(phases: &[&str]) -> bool {
    phases.contains(&PENDING) && phases.contains(&RUNNING)
}

/// After a create, update or patch: `spec.stopped` stops or resumes the item.
pub(crate) fn after_write(document: &mut Value, phases: &[&str]) {
    if !moves(phases) {
        return;
    }
    match document.pointer("/spec/stopped").and_then(Value::as_bool) {
        Some(true) => set_phase(document, phases, STOPPED),
        Some(false) if phase(document) == Some(STOPPED) => set_phase(document, phases, PENDING),
        _ => {}
    }
}

/// At a read (`reads` counts them, this one included): a pending item moves on.
pub(crate) fn on_read(document: &mut Value, phases: &[&str], reads: u64) {
    if !moves(phases) || reads == 0 || phase(document) != Some(PENDING) {
        return;
    }
    let bounded = document
        .pointer("/spec/statement")
        .and_then(Value::as_str)
        .and_then(|text| text.split_whitespace().next())
        .is_some_and(|word| BOUNDED.contains(&word.to_ascii_uppercase().as_str()));
    let to = if bounded && phases.contains(&COMPLETED) {
        COMPLETED
    } else {
        RUNNING
    };
    set_phase(document, phases, to);
}

/// At a read of a statement the fake runs: a pending one settles as its execution
/// says (`COMPLETED`, `RUNNING` or `FAILED` with its detail).
pub(crate) fn settle(document: &mut Value, phases: &[&str], execution: &super::sql::Execution) {
    if !moves(phases) || phase(document) != Some(PENDING) {
        return;
    }
    set_phase(document, phases, execution.settles_as());
    if let (Some(detail), Some(Value::Object(status))) =
        (execution.detail(), document.get_mut("status"))
    {
        status.insert("detail".into(), Value::from(detail));
    }
}

/// The collection the history of `collection`'s items is kept in.
pub(crate) fn history(collection: &str) -> Option<&'static str> {
    HISTORIES
        .iter()
        .find(|(of, _)| *of == collection)
        .map(|(_, kept_in)| *kept_in)
}

/// Whether `collection` holds histories.
pub(crate) fn is_history(collection: &str) -> bool {
    HISTORIES.iter().any(|(_, kept_in)| *kept_in == collection)
}

/// The number of the next history entry of `item` (1 for the first), recorded in its
/// `status.version` and `status.latest_version`.
pub(crate) fn next_history_number(item: &mut Value) -> u64 {
    let number = item
        .pointer("/status/latest_version")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        + 1;
    if let Some(Value::Object(status)) = item.get_mut("status") {
        status.insert("version".into(), Value::from(number));
        status.insert("latest_version".into(), Value::from(number));
    }
    number
}

/// The `spec` of history entry `number` of `item`.
pub(crate) fn history_spec(item: &Value, number: u64) -> Value {
    let statement = item
        .pointer("/spec/query")
        .and_then(Value::as_str)
        .unwrap_or_default();
    json!({"version": number, "statement": statement, "changes": []})
}

/// An answer made for a sub-collection that nothing stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// A page of a statement's results.
    Results,
}

/// The view a `GET` of `collection` answers, if it is one.
pub(crate) fn view(collection: &str) -> Option<View> {
    (collection == "results").then_some(View::Results)
}

impl View {
    /// Adds the view's own members to an answer that has `api_version`, `kind` and
    /// `metadata.self`.
    pub(crate) fn fill(self, answer: &mut Map<String, Value>, data: Vec<Value>) {
        match self {
            View::Results => {
                answer.insert("results".into(), json!({ "data": data }));
            }
        }
    }
}

/// The filter of query parameter `name`, if a rule gives it one.
pub(crate) fn label_selector(name: &str) -> Option<fn(&Value, &str) -> bool> {
    (name == "label_selector").then_some(matches_labels as fn(&Value, &str) -> bool)
}

fn matches_labels(document: &Value, selector: &str) -> bool {
    let labels = document.pointer("/metadata/labels");
    selector
        .split(',')
        .map(str::trim)
        .filter(|term| !term.is_empty())
        .all(|term| match term.split_once('=') {
            Some((key, value)) => {
                labels
                    .and_then(|l| l.get(key.trim()))
                    .and_then(Value::as_str)
                    == Some(value.trim())
            }
            None => labels.and_then(|l| l.get(term)).is_some(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHASES: &[&str] = &["PENDING", "RUNNING", "COMPLETED", "STOPPED"];

    fn statement(text: &str) -> Value {
        json!({"spec": {"statement": text}, "status": {"phase": "PENDING"}})
    }

    #[test]
    fn statements_move_on_at_their_next_read() {
        let mut select = statement("SELECT * FROM orders");
        on_read(&mut select, PHASES, 1);
        assert_eq!(phase(&select), Some("RUNNING"));
        let mut ddl = statement("create table t (a int)");
        on_read(&mut ddl, PHASES, 1);
        assert_eq!(phase(&ddl), Some("COMPLETED"));
        // Phases the spec does not list are never set.
        let mut other = statement("SELECT 1");
        on_read(&mut other, &["READY"], 1);
        assert_eq!(phase(&other), Some("PENDING"));
    }

    #[test]
    fn stopping_and_resuming() {
        let mut doc = statement("SELECT 1");
        doc["spec"]["stopped"] = json!(true);
        after_write(&mut doc, PHASES);
        assert_eq!(phase(&doc), Some("STOPPED"));
        doc["spec"]["stopped"] = json!(false);
        after_write(&mut doc, PHASES);
        assert_eq!(phase(&doc), Some("PENDING"));
    }

    #[test]
    fn histories_count_up() {
        let mut table = json!({"spec": {"query": "SELECT 1"}, "status": {"phase": "PENDING"}});
        assert_eq!(next_history_number(&mut table), 1);
        assert_eq!(next_history_number(&mut table), 2);
        assert_eq!(table["status"]["latest_version"], 2);
        assert_eq!(history_spec(&table, 2)["statement"], "SELECT 1");
        assert_eq!(history("materialized-tables"), Some("versions"));
        assert!(is_history("versions"));
    }

    #[test]
    fn label_selectors_need_every_pair() {
        let doc = json!({"metadata": {"labels": {"team": "a", "tier": "gold"}}});
        assert!(matches_labels(&doc, "team=a"));
        assert!(matches_labels(&doc, "team=a, tier=gold"));
        assert!(matches_labels(&doc, "tier"));
        assert!(!matches_labels(&doc, "team=b"));
        assert!(!matches_labels(&json!({}), "team=a"));
    }
}
