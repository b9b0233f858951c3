//! The hand-written structs of `data.rs` once more, keeping unknown properties in the
//! crate's `UnknownFields` as its generated structs do, but without serde's
//! `#[serde(flatten)]`: each struct's `Deserialize` is written out (by
//! [`keep_unknown!`]) as `build/serde_impls.rs` writes it: serde's derive for a struct
//! without `flatten`, with one more arm that puts a key it does not know, and its value,
//! into the map, every error path through a cold function, the loop and its key read
//! inlined into the deserializer, a borrowed key matched there and any other out of
//! line.
//!
//! Not the crate's code: a measurement of what `build/model.rs` could generate instead
//! of `flatten` (BENCHMARKS.md, "Unknown properties"). `flatten` makes serde read every
//! struct through `deserialize_map`, buffer unknown entries as `Content` and build the
//! map through a `FlatMapDeserializer` afterwards, even when there is nothing to keep.

use chrono::{DateTime, Utc};
use confluent_flink_sql::UnknownFields;
use serde_json::Value;

/// An unknown key, copied out of line: the known keys' path stays small.
#[cold]
#[inline(never)]
fn owned(key: &str) -> String {
    key.to_owned()
}

/// What the generated visitors call off the path of a well-formed answer (the crate's
/// `visit.rs`), each cold and out of line: the compiler lays the error paths after the
/// members' reads.
#[cold]
#[inline(never)]
fn failed<E>(e: E) -> E {
    e
}

#[cold]
#[inline(never)]
fn missing<E: serde::de::Error>(wire: &'static str) -> E {
    E::missing_field(wire)
}

#[cold]
#[inline(never)]
fn duplicate<E: serde::de::Error>(wire: &'static str) -> E {
    E::duplicate_field(wire)
}

#[cold]
#[inline(never)]
fn unknown<'de, A: serde::de::MapAccess<'de>>(
    map: &mut A,
    unknown: &mut UnknownFields,
    key: Option<String>,
) -> Result<(), A::Error> {
    let value: Value = map.next_value()?;
    unknown.insert(key.unwrap_or_default(), value);
    Ok(())
}

/// `$result`'s value, its error returned through the cold [`failed`].
macro_rules! cold_err {
    ($result:expr) => {
        match $result {
            Ok(v) => v,
            Err(e) => return Err(failed(e)),
        }
    };
}

/// The value of an absent field: `required` is serde's missing-field error.
macro_rules! absent {
    ($error:ty, $wire:literal, required) => {
        return Err(missing::<$error>($wire))
    };
    ($error:ty, $wire:literal, $value:expr) => {
        $value
    };
}

/// A struct with the listed fields and `unknown_fields`, and its `Deserialize`. Each
/// field: `name: Type = "wire name" => [value when absent]`, or `=> [required]`.
macro_rules! keep_unknown {
    (
        $(#[$meta:meta])*
        pub struct $name:ident { $( $field:ident : $ty:ty = $wire:literal => [$($missing:tt)*], )* }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( pub $field: $ty, )*
            pub unknown_fields: UnknownFields,
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // One byte; an unknown member's name is written aside.
                #[allow(non_camel_case_types)]
                enum Field { $( $field, )* Other }
                struct FieldVisitor<'a>(&'a mut Option<String>);
                impl<'de> serde::de::Visitor<'de> for FieldVisitor<'_> {
                    type Value = Field;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a field name")
                    }
                    #[inline(always)]
                    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Field, E> {
                        Ok(match v {
                            $( $wire => Field::$field, )*
                            other => {
                                *self.0 = Some(owned(other));
                                Field::Other
                            }
                        })
                    }
                    #[cold]
                    #[inline(never)]
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Field, E> {
                        Ok(match v {
                            $( $wire => Field::$field, )*
                            other => {
                                *self.0 = Some(owned(other));
                                Field::Other
                            }
                        })
                    }
                }
                struct FieldSeed<'a>(&'a mut Option<String>);
                impl<'de> serde::de::DeserializeSeed<'de> for FieldSeed<'_> {
                    type Value = Field;
                    #[inline(always)]
                    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
                        d.deserialize_identifier(FieldVisitor(self.0))
                    }
                }
                struct StructVisitor;
                impl<'de> serde::de::Visitor<'de> for StructVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    #[inline(always)]
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        $( let mut $field: Option<$ty> = None; )*
                        let mut unknown_fields = UnknownFields::new();
                        let mut name: Option<String> = None;
                        while let Some(key) = cold_err!(map.next_key_seed(FieldSeed(&mut name))) {
                            match key {
                                $( Field::$field => {
                                    if $field.is_some() {
                                        return Err(duplicate($wire));
                                    }
                                    $field = Some(cold_err!(map.next_value()));
                                } )*
                                Field::Other => unknown(&mut map, &mut unknown_fields, name.take())?,
                            }
                        }
                        Ok($name {
                            $( $field: match $field {
                                Some(v) => v,
                                None => absent!(A::Error, $wire, $($missing)*),
                            }, )*
                            unknown_fields,
                        })
                    }
                }
                const FIELDS: &[&str] = &[$( $wire, )*];
                d.deserialize_struct(stringify!($name), FIELDS, StructVisitor)
            }
        }
    };
}

keep_unknown! {
    #[derive(Debug)]
    pub struct KeepList {
        api_version: Option<String> = "api_version" => [None],
        kind: Option<String> = "kind" => [None],
        metadata: KeepListMeta = "metadata" => [required],
        data: Vec<KeepConnection> = "data" => [required],
    }
}

keep_unknown! {
    #[derive(Debug)]
    pub struct KeepListMeta {
        self_url: Option<String> = "self" => [None],
        next: Option<String> = "next" => [None],
        total_size: Option<u32> = "total_size" => [None],
    }
}

keep_unknown! {
    #[derive(Debug)]
    pub struct KeepConnection {
        api_version: Option<String> = "api_version" => [None],
        kind: Option<String> = "kind" => [None],
        metadata: KeepObjectMeta = "metadata" => [KeepObjectMeta::default()],
        name: String = "name" => [required],
        spec: KeepSpec = "spec" => [required],
        status: Option<KeepStatus> = "status" => [None],
    }
}

keep_unknown! {
    #[derive(Debug, Default)]
    pub struct KeepObjectMeta {
        self_url: Option<String> = "self" => [None],
        uid: Option<String> = "uid" => [None],
        resource_name: Option<String> = "resource_name" => [None],
        resource_version: Option<String> = "resource_version" => [None],
        created_at: Option<DateTime<Utc>> = "created_at" => [None],
        updated_at: Option<DateTime<Utc>> = "updated_at" => [None],
        deleted_at: Option<DateTime<Utc>> = "deleted_at" => [None],
    }
}

keep_unknown! {
    #[derive(Debug)]
    pub struct KeepSpec {
        connection_type: String = "connection_type" => [required],
        endpoint: String = "endpoint" => [required],
    }
}

keep_unknown! {
    #[derive(Debug)]
    pub struct KeepStatus {
        phase: String = "phase" => [required],
        detail: Option<String> = "detail" => [None],
    }
}
