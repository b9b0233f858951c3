//! Properties whose values are secrets, and the `Debug` of the generated types that
//! hold string maps (`build/model.rs`), which never shows them.

use std::collections::HashMap;
use std::fmt;

/// A statement property that holds a secret (`sql.secrets.*`, which Confluent's
/// Terraform provider never stores either): its value is never shown.
pub(crate) fn is_secret_property(key: &str) -> bool {
    key.starts_with("sql.secrets")
}

/// A string map as `Debug` shows it: every key, the values of secret properties
/// replaced by `<redacted>`.
pub(crate) struct Shown<'a>(pub(crate) &'a HashMap<String, String>);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in self.0 {
            if is_secret_property(key) {
                map.entry(key, &format_args!("<redacted>"));
            } else {
                map.entry(key, value);
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_hidden_and_keys_kept() {
        let map = HashMap::from([
            (
                "sql.secrets.openai".to_string(),
                "sk-very-secret".to_string(),
            ),
            ("sql.current-catalog".to_string(), "default".to_string()),
        ]);
        let shown = format!("{:?}", Shown(&map));
        assert!(!shown.contains("sk-very-secret"), "{shown}");
        assert!(
            shown.contains("\"sql.secrets.openai\": <redacted>"),
            "{shown}"
        );
        assert!(
            shown.contains("\"sql.current-catalog\": \"default\""),
            "{shown}"
        );
    }
}
