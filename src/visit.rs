//! What the generated `Deserialize` impls call (`build/serde_impls.rs`).

use serde::de::Error;

/// The error of a member read twice, out of line: each generated visitor checks every
/// member it reads, and the error is never on the path of a well-formed answer.
#[cold]
#[inline(never)]
pub(crate) fn duplicate<E: Error>(wire: &'static str) -> E {
    E::duplicate_field(wire)
}
