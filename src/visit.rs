//! What the generated `Deserialize` impls call (`build/serde_impls.rs`): everything off
//! the path of a well-formed answer, out of line and cold, so that the compiler lays a
//! visitor's error paths out of the way of its members' reads.

use serde::de::{Error, IgnoredAny, MapAccess};

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

/// A member the type does not declare, kept with its value.
#[cold]
#[inline(never)]
pub(crate) fn unknown<'de, A: MapAccess<'de>>(
    map: &mut A,
    unknown: &mut crate::UnknownFields,
    key: String,
) -> Result<(), A::Error> {
    let value = map.next_value::<serde_json::Value>()?;
    unknown.insert(key, value);
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
