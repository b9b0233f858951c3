//! The members of a JSON object that the spec does not declare, as every generated type
//! keeps them.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};
use std::sync::LazyLock;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::{Map, Value};

/// The properties the service sent that this version of the spec does not declare,
/// kept as sent (in their order) and written back when the value is serialised:
/// Confluent's compatibility policy, MUST IGNORE and MUST FORWARD.
///
/// Every generated type has one, as its `unknown_fields`. It is one pointer wide and
/// allocates nothing while it is empty, which is almost always: a list of a thousand
/// resources costs nothing for the maps that no object fills.
///
/// It is a `serde_json::Map` to read and change (it dereferences to one: `get`, `len`,
/// `iter`, `insert`, `remove`, ...; a change allocates the map if there is none yet),
/// except that indexing it with a member it does not hold reads `null`, as indexing a
/// [`serde_json::Value`] does.
///
/// ```
/// use confluent_flink_sql::types::Connection;
///
/// // A connection with a property a later version of the spec added.
/// let c: Connection = serde_json::from_value(serde_json::json!({
///     "name": "my-model", "owner": {"team": "ml"},
///     "spec": {"connection_type": "OPENAI", "endpoint": "https://api.openai.com/v1"}
/// }))?;
/// assert_eq!(c.unknown_fields["owner"]["team"], "ml");
/// assert!(c.spec.unknown_fields.is_empty());
/// // Written back as it came.
/// assert_eq!(serde_json::to_value(&c)?["owner"]["team"], "ml");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct UnknownFields(Option<Box<Map<String, Value>>>);

/// What an `UnknownFields` without a map reads as.
static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

impl UnknownFields {
    /// No members; allocates nothing.
    pub const fn new() -> Self {
        UnknownFields(None)
    }

    /// The members as a map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|m| *m).unwrap_or_default()
    }
}

impl Deref for UnknownFields {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Map<String, Value> {
        self.0.as_deref().unwrap_or(&EMPTY)
    }
}

/// Allocates the map if there is none yet.
impl DerefMut for UnknownFields {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        self.0.get_or_insert_with(Box::default)
    }
}

impl<'a> IntoIterator for &'a UnknownFields {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl IntoIterator for UnknownFields {
    type Item = (String, Value);
    type IntoIter = serde_json::map::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl FromIterator<(String, Value)> for UnknownFields {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Self::from(Map::from_iter(iter))
    }
}

impl From<Map<String, Value>> for UnknownFields {
    fn from(map: Map<String, Value>) -> Self {
        UnknownFields((!map.is_empty()).then(|| Box::new(map)))
    }
}

impl From<UnknownFields> for Map<String, Value> {
    fn from(fields: UnknownFields) -> Self {
        fields.into_map()
    }
}

/// A member it does not hold reads as `null` (as indexing a `serde_json::Value`).
impl std::ops::Index<&str> for UnknownFields {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&Value::Null)
    }
}

/// Equal when they hold the same members (empty, whether or not a map was ever made).
impl PartialEq for UnknownFields {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for UnknownFields {}

impl Hash for UnknownFields {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (**self).hash(state)
    }
}

impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

/// Written as a JSON object of its members.
impl Serialize for UnknownFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

/// Read from a JSON object.
impl<'de> Deserialize<'de> for UnknownFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Self::from)
    }
}

/// The schema of an object of any members (what a generated type's schema shows as
/// `additionalProperties`).
impl schemars::JsonSchema for UnknownFields {
    fn is_referenceable() -> bool {
        false
    }

    fn schema_name() -> String {
        <Map<String, Value>>::schema_name()
    }

    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        <Map<String, Value>>::json_schema(gen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_is_one_pointer_and_allocates_nothing() {
        assert_eq!(
            std::mem::size_of::<UnknownFields>(),
            std::mem::size_of::<usize>()
        );
        let mut u = UnknownFields::new();
        assert!(u.is_empty() && u.iter().next().is_none() && u.get("x").is_none());
        assert_eq!(u["x"], Value::Null);
        assert!(u.0.is_none(), "reading made a map");
        assert_eq!(u.remove("x"), None);
        assert_eq!(u, UnknownFields::new(), "a map made empty is still empty");
    }

    #[test]
    fn reads_and_writes_like_a_map_in_order() {
        let mut u = UnknownFields::new();
        assert_eq!(u.insert("b".into(), json!(1)), None);
        assert_eq!(u.insert("a".into(), json!({"x": [1]})), None);
        assert_eq!(u.insert("b".into(), json!(2)), Some(json!(1)));
        assert_eq!(u.len(), 2);
        assert_eq!(u["a"]["x"][0], 1);
        assert_eq!(u["missing"], Value::Null);
        let back: Map<String, Value> =
            serde_json::from_str(&serde_json::to_string(&u).unwrap()).unwrap();
        assert_eq!(UnknownFields::from(back.clone()), u);
        let again: UnknownFields = serde_json::from_value(Value::Object(back)).unwrap();
        assert_eq!(again, u);
        assert_eq!(format!("{u:?}"), format!("{:?}", u.clone().into_map()));
    }

    #[test]
    fn emptied_equals_never_filled_and_hashes_alike() {
        use std::collections::hash_map::DefaultHasher;
        let hash = |u: &UnknownFields| {
            let mut h = DefaultHasher::new();
            u.hash(&mut h);
            h.finish()
        };
        let mut emptied = UnknownFields::new();
        emptied.insert("k".into(), json!(true));
        emptied.remove("k");
        assert_eq!(emptied, UnknownFields::new());
        assert_eq!(hash(&emptied), hash(&UnknownFields::new()));
        assert_ne!(
            emptied,
            UnknownFields::from_iter([("k".to_string(), json!(1))])
        );
    }
}
