//! The fake's state: connections per (organization, environment), kept sorted by name, and
//! the documents of every other resource (`resources.rs`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Bound;

use chrono::{DateTime, Utc};

/// An organization and environment pair: the scope connection names are unique in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Scope {
    pub(crate) organization_id: String,
    pub(crate) environment_id: String,
}

/// The `auth_data.data` text of a connection. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SecretText(pub(crate) String);

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(<redacted>)")
    }
}

/// One stored connection.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) name: String,
    pub(crate) connection_type: String,
    pub(crate) endpoint: String,
    pub(crate) auth_kind: String,
    pub(crate) secret: SecretText,
    pub(crate) uid: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) resource_version: String,
    pub(crate) phase: String,
    pub(crate) detail: String,
}

/// What a create or insert supplies; the store adds the system fields.
#[derive(Debug, Clone)]
pub(crate) struct NewStored {
    pub(crate) name: String,
    pub(crate) connection_type: String,
    pub(crate) endpoint: String,
    pub(crate) auth_kind: String,
    pub(crate) secret: SecretText,
    pub(crate) phase: String,
    pub(crate) detail: String,
}

/// What an update asks for.
#[derive(Debug)]
pub(crate) struct Change {
    pub(crate) resource_version: String,
    pub(crate) connection_type: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) auth_kind: String,
    pub(crate) secret: SecretText,
}

/// A create of a name that is taken.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct AlreadyExists;

/// Why an update was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UpdateError {
    NotFound,
    /// The request's `metadata.resource_version` is not the current one.
    Stale,
    /// The request changes `spec.connection_type`.
    ConnectionTypeChanged,
    /// The request changes `spec.endpoint`.
    EndpointChanged,
}

/// One page of a listing.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) items: Vec<Stored>,
    pub(crate) total_size: usize,
    /// The name of the last item, when more items follow it.
    pub(crate) more_after: Option<String>,
}

#[derive(Debug, Default)]
struct Environment {
    by_name: BTreeMap<String, Stored>,
    per_type: HashMap<String, usize>,
}

impl Environment {
    fn insert(&mut self, stored: Stored) {
        *self
            .per_type
            .entry(stored.connection_type.clone())
            .or_default() += 1;
        self.by_name.insert(stored.name.clone(), stored);
    }

    fn remove(&mut self, name: &str) -> Option<Stored> {
        let stored = self.by_name.remove(name)?;
        if let Some(count) = self.per_type.get_mut(&stored.connection_type) {
            *count -= 1;
            if *count == 0 {
                self.per_type.remove(&stored.connection_type);
            }
        }
        Some(stored)
    }
}

/// Everything the fake holds: connections (typed, as their secrets need), and the documents
/// of every other resource.
#[derive(Debug, Default)]
pub(crate) struct Store {
    environments: HashMap<Scope, Environment>,
    versions: u64,
    /// The resources other than connections.
    pub(crate) documents: super::resources::Documents,
    /// What statements return, as tests scripted them: `(normalised SQL, script)`.
    pub(crate) scripts: Vec<(String, super::sql::StatementScript)>,
}

impl Store {
    /// A new `metadata.resource_version`, distinct from every earlier one.
    pub(crate) fn next_version(&mut self) -> String {
        self.versions += 1;
        // Opaque to clients; distinct for every write in this fake's life.
        format!("rv{}", to_base36(self.versions))
    }

    /// Adds a connection unless one with that name exists in `scope`.
    pub(crate) fn create(
        &mut self,
        scope: &Scope,
        new: NewStored,
    ) -> Result<Stored, AlreadyExists> {
        if self.get(scope, &new.name).is_some() {
            return Err(AlreadyExists);
        }
        let now = Utc::now();
        let stored = Stored {
            name: new.name,
            connection_type: new.connection_type,
            endpoint: new.endpoint,
            auth_kind: new.auth_kind,
            secret: new.secret,
            uid: uuid::Uuid::new_v4().to_string(),
            created_at: now,
            updated_at: now,
            resource_version: self.next_version(),
            phase: new.phase,
            detail: new.detail,
        };
        self.environments
            .entry(scope.clone())
            .or_default()
            .insert(stored.clone());
        Ok(stored)
    }

    pub(crate) fn get(&self, scope: &Scope, name: &str) -> Option<&Stored> {
        self.environments.get(scope)?.by_name.get(name)
    }

    pub(crate) fn get_mut(&mut self, scope: &Scope, name: &str) -> Option<&mut Stored> {
        self.environments.get_mut(scope)?.by_name.get_mut(name)
    }

    /// Replaces the secret of `name` if the change is allowed; returns the updated connection.
    pub(crate) fn update(
        &mut self,
        scope: &Scope,
        name: &str,
        change: Change,
    ) -> Result<Stored, UpdateError> {
        let current = self.get(scope, name).ok_or(UpdateError::NotFound)?;
        if change
            .connection_type
            .as_ref()
            .is_some_and(|t| *t != current.connection_type)
        {
            return Err(UpdateError::ConnectionTypeChanged);
        }
        if change
            .endpoint
            .as_ref()
            .is_some_and(|e| *e != current.endpoint)
        {
            return Err(UpdateError::EndpointChanged);
        }
        if change.resource_version != current.resource_version {
            return Err(UpdateError::Stale);
        }
        let version = self.next_version();
        let stored = self.get_mut(scope, name).ok_or(UpdateError::NotFound)?;
        stored.secret = change.secret;
        stored.auth_kind = change.auth_kind;
        stored.updated_at = Utc::now();
        stored.resource_version = version;
        Ok(stored.clone())
    }

    pub(crate) fn delete(&mut self, scope: &Scope, name: &str) -> bool {
        self.environments
            .get_mut(scope)
            .and_then(|environment| environment.remove(name))
            .is_some()
    }

    /// Up to `size` connections of `scope` after `after` (by name), of `connection_type` if given.
    pub(crate) fn page(
        &self,
        scope: &Scope,
        connection_type: Option<&str>,
        after: Option<&str>,
        size: usize,
    ) -> Page {
        let Some(environment) = self.environments.get(scope) else {
            return Page {
                items: Vec::new(),
                total_size: 0,
                more_after: None,
            };
        };
        let total_size = match connection_type {
            Some(t) => environment.per_type.get(t).copied().unwrap_or(0),
            None => environment.by_name.len(),
        };
        let start = match after {
            Some(name) => Bound::Excluded(name),
            None => Bound::Unbounded,
        };
        let mut matching = environment
            .by_name
            .range::<str, _>((start, Bound::Unbounded))
            .map(|(_, stored)| stored)
            .filter(|stored| connection_type.is_none_or(|t| stored.connection_type == t));
        let items: Vec<Stored> = matching.by_ref().take(size).cloned().collect();
        let more_after = match (items.last(), matching.next()) {
            (Some(last), Some(_)) => Some(last.name.clone()),
            _ => None,
        };
        Page {
            items,
            total_size,
            more_after,
        }
    }

    /// The names in `scope`, sorted.
    pub(crate) fn names(&self, scope: &Scope) -> Vec<String> {
        self.environments
            .get(scope)
            .map(|environment| environment.by_name.keys().cloned().collect())
            .unwrap_or_default()
    }

    pub(crate) fn len(&self, scope: &Scope) -> usize {
        self.environments
            .get(scope)
            .map_or(0, |environment| environment.by_name.len())
    }
}

fn to_base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope {
            organization_id: "org".into(),
            environment_id: "env".into(),
        }
    }

    fn new(name: &str, connection_type: &str) -> NewStored {
        NewStored {
            name: name.into(),
            connection_type: connection_type.into(),
            endpoint: "https://e".into(),
            auth_kind: "PlaintextProvider".into(),
            secret: SecretText("{}".into()),
            phase: "ACTIVE".into(),
            detail: String::new(),
        }
    }

    #[test]
    fn pages_follow_name_order_and_filters() {
        let mut store = Store::default();
        for (name, t) in [
            ("c", "OPENAI"),
            ("a", "OPENAI"),
            ("b", "REST"),
            ("d", "OPENAI"),
        ] {
            store.create(&scope(), new(name, t)).unwrap();
        }
        let page = store.page(&scope(), None, None, 2);
        let names: Vec<_> = page.items.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(page.total_size, 4);
        assert_eq!(page.more_after.as_deref(), Some("b"));
        let page = store.page(&scope(), None, Some("b"), 2);
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.more_after, None);
        let page = store.page(&scope(), Some("OPENAI"), Some("a"), 5);
        let names: Vec<_> = page.items.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["c", "d"]);
        assert_eq!(page.total_size, 3);
        store.delete(&scope(), "c");
        assert_eq!(store.page(&scope(), Some("OPENAI"), None, 5).total_size, 2);
    }

    #[test]
    fn updates_check_the_version_and_immutable_fields() {
        let mut store = Store::default();
        let created = store.create(&scope(), new("a", "OPENAI")).unwrap();
        assert!(store.create(&scope(), new("a", "REST")).is_err());
        let change = |version: &str| Change {
            resource_version: version.into(),
            connection_type: None,
            endpoint: None,
            auth_kind: "PlaintextProvider".into(),
            secret: SecretText("{\"API_KEY\":\"new\"}".into()),
        };
        let updated = store
            .update(&scope(), "a", change(&created.resource_version))
            .unwrap();
        assert_ne!(updated.resource_version, created.resource_version);
        assert_eq!(
            store
                .update(&scope(), "a", change(&created.resource_version))
                .unwrap_err(),
            UpdateError::Stale
        );
        let mut moved = change(&updated.resource_version);
        moved.endpoint = Some("https://elsewhere".into());
        assert_eq!(
            store.update(&scope(), "a", moved).unwrap_err(),
            UpdateError::EndpointChanged
        );
        assert_eq!(
            store.update(&scope(), "zz", change("x")).unwrap_err(),
            UpdateError::NotFound
        );
    }

    #[test]
    fn base36() {
        assert_eq!(to_base36(0), "0");
        assert_eq!(to_base36(35), "z");
        assert_eq!(to_base36(36), "10");
    }
}
