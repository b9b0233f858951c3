//! What the generated `Deserialize` impls call (`build/serde_impls.rs`): everything off
//! the path of a well-formed answer, out of line and cold, so that the compiler lays a
//! visitor's error paths out of the way of its members' reads.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use serde::de::{Error, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// The error of a member read twice.
#[cold]
#[inline(never)]
pub(crate) fn duplicate<E: Error>(wire: &'static str) -> E {
    E::duplicate_field(wire)
}

/// The error of a required member absent.
#[cold]
#[inline(never)]
pub(crate) fn missing<E: Error>(wire: &'static str) -> E {
    E::missing_field(wire)
}

/// An error of a member's read, passed on unchanged.
#[cold]
#[inline(never)]
pub(crate) fn failed<E>(e: E) -> E {
    e
}

/// A member the type does not declare, kept with its value under `key`, the name its
/// key visitor wrote aside (always there: an unknown key's visitor writes it).
#[cold]
#[inline(never)]
pub(crate) fn unknown<'de, A: MapAccess<'de>>(
    map: &mut A,
    unknown: &mut crate::UnknownFields,
    key: Option<String>,
) -> Result<(), A::Error> {
    let value = map.next_value::<serde_json::Value>()?;
    unknown.insert(key.unwrap_or_default(), value);
    Ok(())
}

/// A member the type does not declare, skipped (a type that keeps none).
#[cold]
#[inline(never)]
#[allow(dead_code)] // used when the spec has a type without an unknown-property map
pub(crate) fn ignore<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>()?;
    Ok(())
}

/// A string member read for its text (an open enum's value, a date-time), borrowed from
/// the JSON when it holds the string unescaped (serde's `Cow<str>` always copies).
/// Every open enum and date-time of the model reads through this one function (per
/// deserializer), not a copy of serde_json's string reader per type.
pub(crate) struct Text<'de>(Cow<'de, str>);

impl Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    #[inline(never)]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Read;
        impl<'de> Visitor<'de> for Read {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(Read)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde::Deserialize;
    use serde_json::Value;

    use super::Text;

    #[test]
    fn text_borrows_what_the_json_holds_unescaped_and_reads_everything_else() {
        let json = br#"["plain", "esc\u0061ped \"quoted\"", 5]"#;
        let items: (Text, Text, u8) = serde_json::from_slice(json).unwrap();
        assert!(matches!(items.0 .0, Cow::Borrowed("plain")));
        assert_eq!(&*items.1, "escaped \"quoted\"");
        // From a `Value`, owned or borrowed.
        let owned = Text::deserialize(Value::String("owned".into())).unwrap();
        assert_eq!(&*owned, "owned");
        let value = Value::String("borrowed".into());
        assert_eq!(&*Text::deserialize(&value).unwrap(), "borrowed");
        // Not a string: the error says what was expected.
        let err = serde_json::from_str::<Text>("5").err().unwrap().to_string();
        assert!(err.contains("a string"), "{err}");
    }
}
