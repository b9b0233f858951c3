//! The members of a JSON object that the spec does not declare, as every generated type
//! keeps them.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// The properties the service sent that this version of the spec does not declare,
/// kept as sent (in their order) and written back when the value is serialised:
/// Confluent's compatibility policy, MUST IGNORE and MUST FORWARD.
///
/// Every generated type has one, as its `unknown_fields`. It is one pointer wide and
/// allocates nothing while it is empty, which is almost always: a list of a thousand
/// resources costs nothing for the maps that no object fills.
///
/// It reads like a `serde_json::Map`: look members up with [`get`](Self::get) or by
/// index (a member it does not hold reads as `null`, as indexing a
/// [`serde_json::Value`] does), walk them with [`iter`](Self::iter), add with
/// [`insert`](Self::insert).
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

impl UnknownFields {
    /// No members; allocates nothing.
    pub const fn new() -> Self {
        UnknownFields(None)
    }

    /// True when it holds no member.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many members it holds.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |m| m.len())
    }

    /// The member `key`, if it holds one.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.as_ref()?.get(key)
    }

    /// The member `key`, to change it in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.as_mut()?.get_mut(key)
    }

    /// True when it holds the member `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Adds or replaces the member `key`; the value it replaced, if any.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        self.map_mut().insert(key, value)
    }

    /// Takes the member `key` out.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.0.as_mut()?.remove(key)
    }

    /// The members, in their order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.0.as_ref().map(|m| m.iter()))
    }

    /// The members as a map, `None` when there are none.
    pub fn as_map(&self) -> Option<&Map<String, Value>> {
        self.0.as_deref().filter(|m| !m.is_empty())
    }

    /// The members as a map, to change them (allocates it when there are none yet).
    pub fn map_mut(&mut self) -> &mut Map<String, Value> {
        self.0.get_or_insert_with(Box::default)
    }

    /// The members as a map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|m| *m).unwrap_or_default()
    }
}

/// The members of an [`UnknownFields`], in their order ([`UnknownFields::iter`]).
#[derive(Debug, Clone)]
pub struct Iter<'a>(Option<serde_json::map::Iter<'a>>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.as_mut()?.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.as_ref().map_or((0, Some(0)), |i| i.size_hint())
    }
}

impl<'a> IntoIterator for &'a UnknownFields {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
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

impl Extend<(String, Value)> for UnknownFields {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        let mut iter = iter.into_iter().peekable();
        if iter.peek().is_some() {
            self.map_mut().extend(iter);
        }
    }
}

impl From<Map<String, Value>> for UnknownFields {
    fn from(map: Map<String, Value>) -> Self {
        if map.is_empty() {
            UnknownFields(None)
        } else {
            UnknownFields(Some(Box::new(map)))
        }
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
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

/// Equal when they hold the same members (empty, whether or not a map was ever made).
impl PartialEq for UnknownFields {
    fn eq(&self, other: &Self) -> bool {
        match (self.as_map(), other.as_map()) {
            (Some(a), Some(b)) => a == b,
            (a, b) => a.is_none() && b.is_none(),
        }
    }
}

impl Eq for UnknownFields {}

impl Hash for UnknownFields {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self.as_map() {
            Some(map) => map.hash(state),
            None => Map::new().hash(state),
        }
    }
}

impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Written as a JSON object of its members.
impl Serialize for UnknownFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            map.serialize_entry(key, value)?;
        }
        map.end()
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
        assert!(u.is_empty() && u.as_map().is_none() && u.iter().next().is_none());
        assert_eq!(u.remove("x"), None);
        u.extend(std::iter::empty());
        assert!(u.0.is_none(), "extending with nothing made a map");
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
