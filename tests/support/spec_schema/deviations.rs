//! The known deviations between the spec and the service (`openapi/deviations.json`): loading,
//! and deciding whether one of them explains a violation (ours or Prism's).

use serde::Deserialize;
use serde_json::Value;

/// One entry of `openapi/deviations.json`; `openapi/DEVIATIONS.md` is its human side.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    /// Stable name, used in test output and in DEVIATIONS.md.
    pub id: String,
    /// `service` (the service differs from the spec), `spec-example` (an example in the spec
    /// contradicts its own schema) or `spec-form` (the document's shape misleads tools).
    pub kind: String,
    /// What the spec says, in words.
    pub spec_says: String,
    /// What the service (or the example) does instead, in words.
    pub service_does: String,
    /// Where the facts come from (NOTES.md sections, seeds, the spec's own examples, tools).
    pub evidence: Vec<String>,
    /// The places in the spec this is about, each checked to still say what it said.
    pub spec_locations: Vec<SpecLocation>,
    /// The violations of our validator this deviation waives.
    #[serde(default)]
    pub allows: Vec<Allow>,
    /// The `sl-violations` entries of Prism this deviation explains.
    #[serde(default)]
    pub prism: Vec<PrismMatch>,
    /// Bodies showing the deviation: each must break the spec, and only this way.
    #[serde(default)]
    pub samples: Vec<Sample>,
    /// For `spec-form` entries: how the copy Prism serves is fixed (`type-untyped-overlays`).
    #[serde(default)]
    pub prism_patch: Option<String>,
    /// For a deviation that waives undeclared statuses: the declared status whose response
    /// (body schema and headers) they are checked as.
    #[serde(default)]
    pub answered_as: Option<u16>,
    /// Places (`#/...`, each one of `spec_locations`) removed from the *relaxed* copy Prism
    /// can serve (`tools/prism/prepare-spec.mjs --relaxed`), so that requests showing this
    /// deviation get Prism's success answers. The published copy keeps them.
    #[serde(default)]
    pub relaxed_copy_removes: Vec<String>,
}

/// A place in the spec (`#/...` JSON pointer) and, optionally, the value it must still hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecLocation {
    /// `#/components/...`: a JSON pointer into the published spec.
    pub pointer: String,
    /// The value at `pointer`; when present it must match exactly.
    #[serde(default)]
    pub value: Option<Value>,
}

/// One kind of violation a deviation waives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// Glob (`*` = any text) on the context: `request <op>`, `response <op> <status>`,
    /// `parameters <op>` or `example <#/pointer of the example>`.
    #[serde(rename = "where")]
    pub context: String,
    /// JSON pointer into the checked value; a `*` segment matches any one segment.
    pub instance: String,
    /// The violated keyword (`format`, `required`, `readOnly`, ...).
    pub keyword: String,
    /// The keyword's argument: the missing property for `required`, the format for `format`.
    #[serde(default)]
    pub argument: Option<String>,
    /// When present, only this exact value is waived.
    #[serde(default)]
    pub value: Option<Value>,
}

/// One kind of Prism `sl-violations` entry a deviation explains.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrismMatch {
    /// Glob on the operationId of the request.
    #[serde(rename = "where")]
    pub operation: String,
    /// Prism's `location` joined with `.`; a `*` segment matches any one segment.
    pub location: String,
    /// Prism's `code`s (`format`, `required`, ...).
    pub codes: Vec<String>,
    /// Text the message must contain (names the property for `required`).
    #[serde(default)]
    pub message_contains: Option<String>,
    /// A location (same form as `location`) that must be reported in the same header: for
    /// consequences such as `oneOf` failing because a member's property did.
    #[serde(default)]
    pub together_with: Option<String>,
    /// The Prism modes (`static`, `dynamic`) whose harness runs must see this entry fire;
    /// the harness fails when one does not, so the list cannot rot.
    pub observed_in: Vec<String>,
}

/// One entry of Prism's `sl-violations` header, as the matching needs it.
#[derive(Debug, Clone, Copy)]
pub struct PrismFinding<'a> {
    /// The `location` path (`["request", "body", "spec"]`).
    pub location: &'a [String],
    /// The `code` (a JSON string or number, as text).
    pub code: &'a str,
    /// The `message`.
    pub message: &'a str,
}

/// A body that shows a deviation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    /// `request <op>` or `response <op> <status>`.
    #[serde(rename = "where")]
    pub context: String,
    /// The body.
    pub body: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "$comment")]
    _comment: Option<String>,
    deviations: Vec<Deviation>,
}

/// Parses `deviations.json` and checks its shape (unique ids, known kinds, evidence given).
pub fn parse(text: &str) -> Result<Vec<Deviation>, String> {
    let file: File = serde_json::from_str(text).map_err(|e| format!("deviations: {e}"))?;
    let mut seen = std::collections::BTreeSet::new();
    for d in &file.deviations {
        if !seen.insert(d.id.as_str()) {
            return Err(format!("deviations: id `{}` is listed twice", d.id));
        }
        if !["service", "spec-example", "spec-form"].contains(&d.kind.as_str()) {
            return Err(format!(
                "deviations: `{}` has unknown kind `{}`",
                d.id, d.kind
            ));
        }
        if d.evidence.is_empty() || d.spec_locations.is_empty() {
            return Err(format!(
                "deviations: `{}` needs evidence and spec_locations",
                d.id
            ));
        }
        if d.allows.is_empty() && d.prism.is_empty() && d.prism_patch.is_none() {
            return Err(format!(
                "deviations: `{}` allows nothing and patches nothing",
                d.id
            ));
        }
        if d.answered_as.is_some() && !d.allows.iter().any(|a| a.keyword == "status") {
            return Err(format!(
                "deviations: `{}` has answered_as but waives no undeclared status",
                d.id
            ));
        }
        if let Some(p) = d
            .relaxed_copy_removes
            .iter()
            .find(|p| !d.spec_locations.iter().any(|l| &l.pointer == *p))
        {
            return Err(format!(
                "deviations: `{}` removes {p} from the relaxed copy, which is not one of its spec_locations",
                d.id
            ));
        }
    }
    Ok(file.deviations)
}

impl Allow {
    /// Whether this rule waives the violation described by the arguments.
    pub fn matches(
        &self,
        context: &str,
        pointer: &str,
        keyword: &str,
        argument: Option<&str>,
        value: Option<&Value>,
    ) -> bool {
        glob(&self.context, context)
            && segments_match(&self.instance, pointer, '/')
            && self.keyword == keyword
            && self.argument.as_deref().is_none_or(|a| Some(a) == argument)
            && self.value.as_ref().is_none_or(|v| Some(v) == value)
    }
}

impl PrismMatch {
    /// Whether this entry explains `finding`, one of `all` reported for a request to
    /// `operation`.
    pub fn matches(
        &self,
        operation: &str,
        finding: &PrismFinding<'_>,
        all: &[PrismFinding<'_>],
    ) -> bool {
        glob(&self.operation, operation)
            && segments_match(&self.location, &finding.location.join("."), '.')
            && self.codes.iter().any(|c| c == finding.code)
            && self
                .message_contains
                .as_deref()
                .is_none_or(|m| finding.message.contains(m))
            && self.together_with.as_deref().is_none_or(|with| {
                all.iter()
                    .any(|other| segments_match(with, &other.location.join("."), '.'))
            })
    }
}

/// `*` matches any run of characters (including none); everything else literally.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Segment-wise match where a `*` segment matches any one segment.
fn segments_match(pattern: &str, text: &str, separator: char) -> bool {
    let p: Vec<&str> = pattern.split(separator).collect();
    let t: Vec<&str> = text.split(separator).collect();
    p.len() == t.len() && p.iter().zip(&t).all(|(p, t)| *p == "*" || p == t)
}
