//! What the generated `Deserialize` impls call (`build/serde_impls.rs`), out of line.
//!
//! A generated visitor reads each member with these rather than with serde's inlined
//! calls: one copy of the code that reads an `Option<String>` (or any other type)
//! serves every visitor that has such a member, and the visitors stay small. Reading a
//! page of a hundred resources runs every visitor a hundred times; code that does not
//! fit the processor's instruction cache costs more than a call per member.

use serde::de::{Deserialize, Error, MapAccess};

/// The value of the member whose name `map` just read.
#[inline(never)]
pub(crate) fn value<'de, A, T>(map: &mut A) -> Result<T, A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    map.next_value()
}

/// The error of a member read twice.
#[cold]
#[inline(never)]
pub(crate) fn duplicate<E: Error>(wire: &'static str) -> E {
    E::duplicate_field(wire)
}
