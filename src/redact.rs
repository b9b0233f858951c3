//! Removes the secrets a call sent from the text of its error, in case the service
//! echoes them (in an error detail, or a body the crate could not read).
//!
//! Bodies are already cut down to a snippet without any `auth_data` member; this is the
//! second line: the secret values themselves (the API secret, the `Authorization`
//! value, each `auth_data` value), in their plain, JSON-escaped and Rust-escaped forms.

use secrecy::{ExposeSecret, SecretString};

/// The shortest value searched for: shorter ones would mangle ordinary words and are
/// not secrets worth the name.
const MIN_SECRET_CHARS: usize = 4;
const _: () = assert!(LAST_MARKER.len() < MIN_SECRET_CHARS);

/// `auth_data` members whose values name a kind (`API_KEY`, `SSE`), not a secret.
const NOT_SECRET: [&str; 2] = ["AUTH_TYPE", "TRANSPORT_TYPE"];

/// The secret values of one call, in every form they may appear in. Zeroised on drop.
#[derive(Default)]
pub(crate) struct Secrets {
    forms: Vec<SecretString>,
}

impl Secrets {
    /// Adds `value` (and its escaped forms) if it is long enough to be searched for.
    pub(crate) fn add(&mut self, value: &str) {
        if value.chars().count() < MIN_SECRET_CHARS {
            return;
        }
        let json = serde_json::to_string(value).unwrap_or_default();
        let json_inner = json
            .get(1..json.len().saturating_sub(1))
            .unwrap_or_default()
            .to_string();
        // Snippets escape with `escape_debug`; older text may use `escape_default`.
        let mut forms = vec![value.to_string(), json_inner.clone()];
        for text in [value, json_inner.as_str()] {
            forms.push(text.chars().flat_map(char::escape_debug).collect());
            forms.push(text.chars().flat_map(char::escape_default).collect());
        }
        for form in forms {
            self.push(SecretString::from(form));
        }
    }

    fn push(&mut self, form: SecretString) {
        if !self
            .forms
            .iter()
            .any(|f| f.expose_secret() == form.expose_secret())
        {
            self.forms.push(form);
        }
    }

    /// Adds the text of an `auth_data.data` and every string inside it, except the
    /// values of the members that name a kind rather than hold a secret.
    pub(crate) fn add_json_text(&mut self, text: &str) {
        self.add(text);
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            self.add_json_strings(&value);
        }
    }

    fn add_json_strings(&mut self, value: &serde_json::Value) {
        match value {
            serde_json::Value::String(s) => self.add(s),
            serde_json::Value::Array(a) => a.iter().for_each(|v| self.add_json_strings(v)),
            serde_json::Value::Object(m) => m
                .iter()
                .filter(|(k, _)| !NOT_SECRET.contains(&k.as_str()))
                .for_each(|(_, v)| self.add_json_strings(v)),
            _ => {}
        }
    }

    /// Adds every form of `other`.
    pub(crate) fn extend(&mut self, other: &Secrets) {
        for form in &other.forms {
            self.push(form.clone());
        }
    }

    /// `text` with every secret form replaced by `[redacted]`, longest first (so that a
    /// form containing another is removed whole); `None` if there was none. Should the
    /// replacements themselves form a secret with the text around them, a few passes
    /// remove that too, and past those the whole text is withheld. A secret that is
    /// part of the marker itself gets another marker.
    pub(crate) fn scrub(&self, text: &str) -> Option<String> {
        let found = |t: &str| {
            let mut forms: Vec<&str> = self
                .forms
                .iter()
                .map(|f| f.expose_secret())
                .filter(|f| t.contains(*f))
                .collect();
            forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
            forms
        };
        let mut forms = found(text);
        if forms.is_empty() {
            return None;
        }
        let marker = MARKERS
            .iter()
            .copied()
            .find(|m| found(m).is_empty())
            .unwrap_or(LAST_MARKER);
        let mut out = text.to_string();
        for _ in 0..4 {
            for form in &forms {
                out = out.replace(form, marker);
            }
            forms = found(&out);
            if forms.is_empty() {
                return Some(out);
            }
        }
        Some(marker.to_string())
    }

    /// `text` without its end if that end is the start of a secret form (a text cut
    /// short in the middle of a secret); `None` if it is not.
    pub(crate) fn cut_partial(&self, text: &str) -> Option<String> {
        let longest = self
            .forms
            .iter()
            .filter_map(|f| {
                let f = f.expose_secret();
                f.char_indices()
                    .map(|(i, _)| i)
                    .skip(1)
                    .filter(|&i| text.ends_with(&f[..i]))
                    .max()
            })
            .max()?;
        Some(text[..text.len() - longest].to_string())
    }
}

/// What replaces a secret: the first that contains none of the secrets.
const MARKERS: [&str; 2] = ["[redacted]", "[hidden]"];
/// Shorter than the shortest secret searched for, so it can contain none.
const LAST_MARKER: &str = "***";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_secret_is_removed() {
        let mut s = Secrets::default();
        s.add("sk-\"quoted\"-canary");
        let json = serde_json::to_string("sk-\"quoted\"-canary").unwrap();
        for text in [
            "plain sk-\"quoted\"-canary end".to_string(),
            format!("json {json} end"),
            format!("escaped {} end", json.escape_default()),
        ] {
            let out = s.scrub(&text).expect("found");
            assert!(!out.contains("canary"), "{out}");
            assert!(out.contains("[redacted]"), "{out}");
        }
        assert_eq!(s.scrub("nothing here"), None);
    }

    #[test]
    fn json_text_values_and_short_values() {
        let mut s = Secrets::default();
        s.add_json_text(r#"{"API_KEY":"sk-inner-1","AUTH_TYPE":"API_KEY","X":"abc"}"#);
        assert_eq!(
            s.scrub("key sk-inner-1 seen").as_deref(),
            Some("key [redacted] seen")
        );
        // A replacement that would rebuild a secret with its neighbours is caught.
        let mut s2 = Secrets::default();
        s2.add("d]]a");
        let out = s2.scrub("d]]a]a").unwrap();
        assert!(!out.contains("d]]a"), "{out}");
        let mut s3 = Secrets::default();
        s3.add("[redacted]");
        assert_eq!(s3.scrub("x [redacted] y").as_deref(), Some("x [hidden] y"));
        // A secret inside the marker (found by fuzzing) gets another marker.
        let mut s4 = Secrets::default();
        s4.add("dact");
        assert_eq!(s4.scrub("dact").as_deref(), Some("[hidden]"));
        s4.add("hidden");
        assert_eq!(s4.scrub("a dact hidden").as_deref(), Some("a *** ***"));
        // Too short to be searched for without mangling messages, and kinds are kept.
        assert_eq!(s.scrub("abc"), None);
        assert_eq!(s.scrub("missing API_KEY"), None);
    }

    #[test]
    fn a_text_cut_in_a_secret_loses_the_cut_part() {
        let mut s = Secrets::default();
        s.add("sk-\"cut\"-canary");
        assert_eq!(s.cut_partial("body sk-\"cu").as_deref(), Some("body "));
        assert_eq!(s.cut_partial("body sk-\\\"cu").as_deref(), Some("body "));
        assert_eq!(s.cut_partial("body s").as_deref(), Some("body "));
        // A whole secret is for `scrub`; a text that does not end in one is kept.
        assert_eq!(s.cut_partial("body sk-\"cut\"-canary"), None);
        assert_eq!(s.cut_partial("body sk-\"cut\"-x"), None);
    }
}
