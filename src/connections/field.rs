//! Reading a generated field whether the spec requires its property or not.
//!
//! A property the spec requires is a plain field (`String`), one it does not is an
//! `Option` (`Option<String>`), and a later version of the spec may require what an
//! earlier one did not (`metadata.self`, say). The hand-written layer reads the
//! generated model's optional properties through [`Maybe`], so it builds either way.

/// A field that holds a `T`, or may not: `T` itself, or `Option<T>`.
pub(crate) trait Maybe<T> {
    /// The value, if there is one.
    fn value(&self) -> Option<&T>;
    /// The value, set to `f()` first if there is none.
    fn fill(&mut self, f: impl FnOnce() -> T) -> &mut T;
}

impl<T> Maybe<T> for T {
    fn value(&self) -> Option<&T> {
        Some(self)
    }
    fn fill(&mut self, _: impl FnOnce() -> T) -> &mut T {
        self
    }
}

impl<T> Maybe<T> for Option<T> {
    fn value(&self) -> Option<&T> {
        self.as_ref()
    }
    fn fill(&mut self, f: impl FnOnce() -> T) -> &mut T {
        self.get_or_insert_with(f)
    }
}

/// The value of a field: `get::<ConnectionStatus, _>(&c.status)`.
pub(crate) fn get<T, F: Maybe<T>>(field: &F) -> Option<&T> {
    field.value()
}

/// The text of a string field.
pub(crate) fn text<F: Maybe<String>>(field: &F) -> Option<&str> {
    field.value().map(String::as_str)
}

/// A copy of the value of a field: `copied::<DateTime<Utc>, _>(&m.created_at)`.
pub(crate) fn copied<T: Copy, F: Maybe<T>>(field: &F) -> Option<T> {
    field.value().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_and_optional_fields_read_alike() {
        let required = String::from("a");
        let present = Some(String::from("a"));
        let absent: Option<String> = None;
        assert_eq!(text(&required), Some("a"));
        assert_eq!(text(&present), Some("a"));
        assert_eq!(text(&absent), None);
        assert_eq!(copied::<u8, _>(&7u8), Some(7));
        assert_eq!(copied::<u8, _>(&Some(7u8)), Some(7));
        assert_eq!(get::<u8, _>(&None::<u8>), None);

        let mut name: Option<String> = None;
        Maybe::<String>::fill(&mut name, || "asked".into());
        assert_eq!(name.as_deref(), Some("asked"));
        Maybe::<String>::fill(&mut name, || "other".into());
        assert_eq!(name.as_deref(), Some("asked"), "a value is kept");
        let mut given = String::from("given");
        Maybe::<String>::fill(&mut given, || "asked".into());
        assert_eq!(given, "given");
    }
}
