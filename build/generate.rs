//! Reads the spec, normalises it, and asks progenitor for the client's source code.
//!
//! Every failure becomes one message that names the file and the place in it (a line
//! and column for YAML errors, a JSON path for shape errors, the operation for a
//! generator failure). The generator's panics are caught and reported the same way.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::normalize::{self, Applied};

/// What one generation produced.
pub struct Generated {
    /// The formatted Rust source.
    pub code: String,
    /// The fixes applied, in order.
    pub applied: Vec<Applied>,
    /// Time spent in normalisation and progenitor (not in reading the file).
    pub elapsed: Duration,
    /// The normalised document the code was generated from.
    pub doc: Value,
}

/// The one crate type that replaces a generated one (`with_replacement`): the spec's
/// `PlaintextProvider` (`auth_data` on the wire), held in a type that keeps the secret
/// out of `Debug`, logs and answers' serialisation (`build/model.rs`).
pub const REPLACEMENTS: &[(&str, &str)] = &[(
    "PlaintextProvider",
    "crate::connections::wire::PlaintextProvider",
)];

/// Derived on every generated type, beside typify's own (`Clone`, `Debug`, serde's):
/// comparisons, and the JSON Schema of the public model.
pub const DERIVES: &[&str] = &["PartialEq", "::schemars::JsonSchema"];

/// How the crate wants progenitor to generate: the hand-written layer plugs its secret
/// type in for the spec's plaintext provider and its hooks into the client.
pub struct Options {
    /// `(schema type name, Rust path)` pairs passed to `with_replacement`.
    pub replacements: Vec<(&'static str, &'static str)>,
    /// Rust path of the type held by the generated client (`with_inner_type`).
    pub inner_type: Option<&'static str>,
}

/// Reads `path`, normalises the document and generates the client.
pub fn generate(path: &Path, options: &Options) -> Result<Generated, String> {
    let file = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{file}: cannot read: {e}"))?;
    let started = Instant::now();
    let mut doc: Value = serde_yaml::from_str(&text).map_err(|e| match e.location() {
        Some(l) => format!("{file}:{}:{}: not valid YAML: {e}", l.line(), l.column()),
        None => format!("{file}: not valid YAML: {e}"),
    })?;
    let applied = normalize::normalize(&mut doc).map_err(|e| format!("{file}: {e}"))?;
    let code = generate_value(&doc, options).map_err(|e| format!("{file}: {e}"))?;
    Ok(Generated {
        code,
        applied,
        elapsed: started.elapsed(),
        doc,
    })
}

/// Generates the client from an already normalised document.
pub fn generate_value(doc: &Value, options: &Options) -> Result<String, String> {
    let spec = to_openapi(doc)?;
    match run_progenitor(&spec, options) {
        Ok(code) => Ok(code),
        Err(message) => Err(match locate_failing_operation(doc, options) {
            Some(place) => format!("{place}: the generator cannot take this operation: {message}"),
            None => format!("the generator cannot take this document: {message}"),
        }),
    }
}

fn to_openapi(doc: &Value) -> Result<openapiv3::OpenAPI, String> {
    serde_path_to_error::deserialize(doc.clone()).map_err(|e| {
        let mut place = e.path().to_string();
        if place == "paths" {
            // openapiv3 reads `paths` through untagged enums, which lose the path: read
            // each path item alone to find the place.
            place = locate_in_paths(doc).unwrap_or(place);
        }
        format!(
            "at `{place}`: not a valid OpenAPI 3.0 document: {}",
            e.inner()
        )
    })
}

/// `paths.<path>.<place in the path item>` of the first path item openapiv3 rejects.
fn locate_in_paths(doc: &Value) -> Option<String> {
    doc.get("paths")?
        .as_object()?
        .iter()
        .find_map(|(path, item)| {
            let err =
                serde_path_to_error::deserialize::<_, openapiv3::PathItem>(item.clone()).err()?;
            Some(match err.path().to_string().as_str() {
                "." => format!("paths.{path}"),
                inner => format!("paths.{path}.{inner}"),
            })
        })
}

fn settings(options: &Options) -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::default();
    settings.with_interface(progenitor::InterfaceStyle::Positional);
    for (name, path) in &options.replacements {
        settings.with_replacement(*name, *path, std::iter::empty());
    }
    for derive in DERIVES {
        settings.with_derive(derive);
    }
    if let Some(inner) = options.inner_type {
        let tokens: proc_macro2::TokenStream = inner.parse().expect("inner type is a Rust path");
        settings.with_inner_type(tokens);
        // The crate implements the hooks itself (retries, tracing): a missing impl
        // must be a compile error, not a silent default.
        settings.with_hooks(progenitor::HooksMode::Expected);
    }
    settings
}

/// Runs progenitor, turning both its errors and its panics into a message.
fn run_progenitor(spec: &openapiv3::OpenAPI, options: &Options) -> Result<String, String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut generator = progenitor::Generator::new(&settings(options));
        generator.generate_tokens(spec).map_err(|e| e.to_string())
    }));
    std::panic::set_hook(previous);
    let tokens = match result {
        Ok(r) => r?,
        Err(panic) => {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the generator panicked".into());
            return Err(format!("progenitor panicked: {text}"));
        }
    };
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| format!("generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// Generates each operation alone to find the one the generator rejects.
fn locate_failing_operation(doc: &Value, options: &Options) -> Option<String> {
    let paths = doc.get("paths")?.as_object()?;
    for (path, item) in paths {
        for (method, _) in item
            .as_object()?
            .iter()
            .filter(|(_, op)| op.get("responses").is_some())
        {
            let mut single = doc.clone();
            let item = single.get_mut("paths")?.as_object_mut()?;
            item.retain(|p, _| p == path);
            let ops = item.get_mut(path)?.as_object_mut()?;
            ops.retain(|m, op| m == method || op.get("responses").is_none());
            let Ok(spec) = to_openapi(&single) else {
                continue;
            };
            if run_progenitor(&spec, options).is_err() {
                let id = doc
                    .pointer(&format!(
                        "/paths/{}/{method}/operationId",
                        path.replace('~', "~0").replace('/', "~1")
                    ))
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                return Some(format!("at `paths.{path}.{method}` (operationId {id})"));
            }
        }
    }
    None
}

/// `(operationId, METHOD, path template)` of every operation, for tracing.
pub fn operation_table(doc_text: &str) -> Vec<(String, String, String)> {
    let Ok(doc) = serde_yaml::from_str::<Value>(doc_text) else {
        return vec![];
    };
    let mut out = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                out.push((id.to_string(), method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}
