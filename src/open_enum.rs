//! The behaviour of every enum generated from the spec (`build/model.rs` turns each of
//! typify's string enums into an invocation of [`open_enum!`]): the values the spec
//! lists as variants, and `Other` for a value it does not list yet, which is kept and
//! sent back unchanged. A value the spec adds becomes a variant at the next build.

/// Defines an open enum: the listed variants with their wire text, plus
/// `Other(String)`; `as_str`, `parse`, `KNOWN`, `FromStr`, `From<&str>`, `Display`,
/// `Debug`, serde and `JsonSchema` (any string).
///
/// Equality, hashing and ordering follow the wire text, so a value cannot lie about
/// what it is: `Other("OPENAI")`, built by hand, equals the variant named for
/// `OPENAI` (and hashes the same), as it would after a round trip through the
/// service. Only a `match` tells them apart: match on `as_str()` or compare with `==`
/// where a value may have been built by hand.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Clone)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not know yet, as the service sent it.
            Other(::std::string::String),
        }

        impl $name {
            /// Every value this version of the crate knows.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),*];

            /// The value as the service spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )*
                    $name::Other(s) => s,
                }
            }

            /// Reads a value as the service spells it; unknown values become `Other`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $( $text => $name::$variant, )*
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::std::cmp::Eq for $name {}

        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl ::std::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                ::std::option::Option::Some(self.cmp(other))
            }
        }

        impl ::std::cmp::Ord for $name {
            /// By wire text.
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::parse(s))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // A known value built as `Other` shows as the variant it equals.
                match self {
                    $name::Other(s) if !Self::KNOWN.iter().any(|k| k.as_str() == s) => {
                        write!(f, "{}::Other({s:?})", stringify!($name))
                    }
                    known => write!(f, "{}::{}", stringify!($name), known.as_str()),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::timestamp::with_str(d, |s| Ok(Self::parse(s)))
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::string::String {
                stringify!($name).to_string()
            }
            fn json_schema(g: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {
                // Open: any string is accepted, the known values are documented.
                <::std::string::String as ::schemars::JsonSchema>::json_schema(g)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::types::{ConnectionType, Phase};

    #[test]
    fn every_known_type_round_trips_through_its_text() {
        for t in ConnectionType::KNOWN {
            assert_eq!(&ConnectionType::parse(t.as_str()), t);
            let json = serde_json::to_string(t).unwrap();
            assert_eq!(&serde_json::from_str::<ConnectionType>(&json).unwrap(), t);
        }
        for p in Phase::KNOWN {
            assert_eq!(&Phase::parse(p.as_str()), p);
        }
    }

    #[test]
    fn escaped_and_plain_strings_read_the_same_values() {
        let escaped: ConnectionType = serde_json::from_str(r#""OPEN\u0041I""#).unwrap();
        assert_eq!(escaped, ConnectionType::OpenAi);
        let phase: Phase = serde_json::from_slice(br#""ACTIVE""#).unwrap();
        assert_eq!(phase, Phase::Active);
        let err = serde_json::from_str::<Phase>("5").unwrap_err();
        assert!(err.to_string().contains("expected a string"), "{err}");
    }

    #[test]
    fn a_known_value_built_as_other_is_that_value() {
        use std::collections::HashSet;
        for t in ConnectionType::KNOWN {
            let built = ConnectionType::Other(t.as_str().to_string());
            assert_eq!(&built, t);
            assert_eq!(built.cmp(t), std::cmp::Ordering::Equal);
            let set: HashSet<ConnectionType> = [built.clone(), t.clone()].into_iter().collect();
            assert_eq!(set.len(), 1, "{t:?} hashes as its wire text");
            assert_eq!(format!("{built:?}"), format!("{t:?}"));
        }
        let unknown = ConnectionType::Other("NOT_A_LISTED_TYPE".into());
        assert!(ConnectionType::KNOWN.iter().all(|t| t != &unknown));
        assert!(format!("{unknown:?}").contains("Other(\"NOT_A_LISTED_TYPE\")"));
    }

    #[test]
    fn unknown_values_are_kept() {
        let t: ConnectionType = serde_json::from_str("\"NEWTHING\"").unwrap();
        assert_eq!(t, ConnectionType::Other("NEWTHING".into()));
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"NEWTHING\"");
        assert_eq!(format!("{t:?}"), "ConnectionType::Other(\"NEWTHING\")");
    }
}
