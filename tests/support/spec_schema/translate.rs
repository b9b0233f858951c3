//! Translates OpenAPI 3.0 schema objects into self-contained JSON Schema (draft 2020-12).
//!
//! Every keyword is handled explicitly; a keyword this file does not know is an error, so
//! nothing in the spec is dropped silently. The list of translations is in the docs of
//! `spec_schema.rs`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

/// Which side of the wire a schema is used for: `readOnly` and `writeOnly` depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// A request body: `readOnly` properties must be absent.
    Request,
    /// A response body: `writeOnly` properties must be absent.
    Response,
    /// Neither (parameters, headers, schema-level examples): both flags are annotations.
    Neutral,
}

/// The JSON Schema formats the `jsonschema` crate checks and OpenAPI uses as they are.
const JSON_SCHEMA_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "uuid",
    "regex",
    "json-pointer",
];

/// OpenAPI formats that only annotate (no constraint a JSON value can break).
const ANNOTATION_FORMATS: &[&str] = &["float", "double", "password", "binary"];

/// Keywords copied unchanged: JSON Schema means by them what OpenAPI 3.0 means.
const COPIED: &[&str] = &[
    "type",
    "enum",
    "maxLength",
    "minLength",
    "pattern",
    "maximum",
    "minimum",
    "multipleOf",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "default",
    "description",
    "title",
];

/// Keywords removed: documentation only.
const DROPPED: &[&str] = &["example", "deprecated", "externalDocs", "xml"];

/// The name under which the base64 check for OpenAPI's `format: byte` is registered.
pub const BYTE_FORMAT: &str = "byte";

/// Translates the schema at `at` (a JSON pointer into `doc`, used in error messages) for `view`.
///
/// A `$ref` is inlined, except where it refers back to a schema it is inside (a recursive
/// schema, such as `DataType`'s `element_type`): there it becomes a `$ref` to that schema's
/// translation in the result's `$defs` (`#/$defs/<name>`, see [`def_name`]), which the
/// validator resolves only as deep as the value it checks goes. Each such schema is
/// translated once, after the root, the same way (its own recursive references again
/// pointing into `$defs`).
pub fn translate(doc: &Value, schema: &Value, at: &str, view: View) -> Result<Value, String> {
    let mut translator = Translator {
        doc,
        view,
        refs: Vec::new(),
        recursive: BTreeSet::new(),
    };
    let mut root = translator.schema(schema, at)?;
    let mut defs = Map::new();
    while let Some(pointer) = translator
        .recursive
        .iter()
        .find(|p| !defs.contains_key(&def_name(p)))
        .cloned()
    {
        let resolved = doc
            .pointer(&pointer)
            .ok_or_else(|| format!("{at}: $ref #{pointer} does not resolve"))?;
        translator.refs = vec![pointer.clone()];
        let translated = translator.schema(resolved, &pointer)?;
        defs.insert(def_name(&pointer), translated);
    }
    if !defs.is_empty() {
        match &mut root {
            Value::Object(out) => {
                out.insert("$defs".into(), Value::Object(defs));
            }
            _ => return Err(format!("{at}: a recursive schema must be an object")),
        }
    }
    Ok(root)
}

/// The `$defs` key of the translation of the schema at `pointer`: the pointer with every
/// character but ASCII letters, digits, `.`, `-` and `_` written as `+XX` (its UTF-8 bytes in
/// hex), so that distinct pointers get distinct keys and a key needs no escaping in a
/// `$ref` (`/components/schemas/DataType` -> `+2Fcomponents+2Fschemas+2FDataType`).
pub fn def_name(pointer: &str) -> String {
    let mut out = String::new();
    for c in pointer.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
            out.push(c);
        } else {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("+{b:02X}"));
            }
        }
    }
    out
}

/// Whether the schema (through `$ref` and `allOf`) is marked `readOnly` (or `writeOnly`).
pub fn effective_flag(doc: &Value, schema: &Value, flag: &str) -> Result<bool, String> {
    flag_inner(doc, schema, flag, 0)
}

fn flag_inner(doc: &Value, schema: &Value, flag: &str, depth: usize) -> Result<bool, String> {
    if depth > 64 {
        return Err(format!("{flag}: $ref chain deeper than 64 (a cycle?)"));
    }
    let Some(obj) = schema.as_object() else {
        return Ok(false);
    };
    if obj.get(flag).and_then(Value::as_bool) == Some(true) {
        return Ok(true);
    }
    if let Some(target) = obj.get("$ref") {
        let pointer = local_ref(target, "")?;
        let resolved = doc
            .pointer(&pointer)
            .ok_or_else(|| format!("$ref {target} does not resolve"))?;
        return flag_inner(doc, resolved, flag, depth + 1);
    }
    if let Some(members) = obj.get("allOf").and_then(Value::as_array) {
        for member in members {
            if flag_inner(doc, member, flag, depth + 1)? {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// `#/components/schemas/X` -> `/components/schemas/X`; anything not local is an error.
pub fn local_ref(target: &Value, at: &str) -> Result<String, String> {
    let text = target
        .as_str()
        .ok_or_else(|| format!("{at}: $ref must be a string"))?;
    text.strip_prefix('#')
        .map(str::to_owned)
        .ok_or_else(|| format!("{at}: only local $refs (#/...) are supported, found {text}"))
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

struct Translator<'a> {
    doc: &'a Value,
    view: View,
    /// The `$ref`s being expanded: one met again inside itself is recursive.
    refs: Vec<String>,
    /// The recursive `$ref`s met (JSON pointers), each translated once into `$defs`.
    recursive: BTreeSet<String>,
}

impl Translator<'_> {
    fn schema(&mut self, schema: &Value, at: &str) -> Result<Value, String> {
        let obj = match schema {
            Value::Object(obj) => obj,
            Value::Bool(b) => return Ok(Value::Bool(*b)),
            _ => return Err(format!("{at}: a schema must be an object")),
        };
        if let Some(target) = obj.get("$ref") {
            return self.reference(obj, target, at);
        }
        let mut out = Map::new();
        let mut extra_all_of = Vec::new();
        let discriminated = match obj.get("discriminator") {
            Some(discriminator) => {
                extra_all_of.extend(self.discriminator(obj, discriminator, at)?);
                true
            }
            None => false,
        };
        for (key, value) in obj {
            let here = format!("{at}/{}", escape(key));
            match key.as_str() {
                "properties" => {
                    let (properties, forbidden) = self.properties(value, &here)?;
                    out.insert(key.clone(), properties);
                    if let Some(required) = obj.get("required") {
                        let kept = required_without(required, &forbidden, at)?;
                        out.insert("required".into(), kept);
                    }
                }
                "required" => {
                    if !obj.contains_key("properties") {
                        out.insert(key.clone(), value.clone());
                    }
                }
                "items" | "not" => {
                    out.insert(key.clone(), self.schema(value, &here)?);
                }
                "additionalProperties" => {
                    let translated = match value {
                        Value::Bool(_) => value.clone(),
                        _ => self.schema(value, &here)?,
                    };
                    out.insert(key.clone(), translated);
                }
                "allOf" | "anyOf" | "oneOf" => {
                    if key != "allOf" && discriminated {
                        // Replaced by the discriminator's choice (see `discriminator`).
                        continue;
                    }
                    out.insert(key.clone(), self.list(value, &here)?);
                }
                "format" => self.format(value, obj, &mut out, at)?,
                "nullable" | "readOnly" | "writeOnly" => {
                    if !value.is_boolean() {
                        return Err(format!("{here}: must be a boolean"));
                    }
                }
                "exclusiveMaximum" | "exclusiveMinimum" => {
                    if !value.is_boolean() {
                        return Err(format!("{here}: OpenAPI 3.0 uses a boolean here"));
                    }
                }
                "discriminator" => {}
                key if COPIED.contains(&key) => {
                    out.insert(key.to_owned(), value.clone());
                }
                key if DROPPED.contains(&key) || key.starts_with("x-") => {}
                other => return Err(format!("{at}: unsupported schema keyword `{other}`")),
            }
        }
        exclusive_bounds(obj, &mut out, at)?;
        if obj.get("nullable").and_then(Value::as_bool) == Some(true) {
            nullable(&mut out, at)?;
        }
        if !extra_all_of.is_empty() {
            let all_of = out
                .entry("allOf")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = all_of {
                items.extend(extra_all_of);
            }
        }
        Ok(Value::Object(out))
    }

    fn reference(
        &mut self,
        obj: &Map<String, Value>,
        target: &Value,
        at: &str,
    ) -> Result<Value, String> {
        if obj.len() != 1 {
            let others: Vec<&str> = obj
                .keys()
                .map(String::as_str)
                .filter(|k| *k != "$ref")
                .collect();
            return Err(format!(
                "{at}: $ref has sibling keywords {others:?}, which OpenAPI 3.0 ignores; not supported"
            ));
        }
        let pointer = local_ref(target, at)?;
        let resolved = self
            .doc
            .pointer(&pointer)
            .ok_or_else(|| format!("{at}: $ref #{pointer} does not resolve"))?;
        if self.refs.contains(&pointer) {
            // Inside itself: a reference to its one translation, resolved as deep as the
            // checked value goes.
            let name = def_name(&pointer);
            self.recursive.insert(pointer);
            return Ok(json!({ "$ref": format!("#/$defs/{name}") }));
        }
        self.refs.push(pointer.clone());
        let translated = self.schema(resolved, &pointer);
        self.refs.pop();
        translated
    }

    fn list(&mut self, value: &Value, at: &str) -> Result<Value, String> {
        let members = value
            .as_array()
            .ok_or_else(|| format!("{at}: must be an array of schemas"))?;
        let mut out = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            out.push(self.schema(member, &format!("{at}/{i}"))?);
        }
        Ok(Value::Array(out))
    }

    /// Translates `properties`; returns them and the names that must be absent in this view.
    fn properties(&mut self, value: &Value, at: &str) -> Result<(Value, Vec<String>), String> {
        let props = value
            .as_object()
            .ok_or_else(|| format!("{at}: must be an object"))?;
        let mut out = Map::new();
        let mut forbidden = Vec::new();
        for (name, schema) in props {
            let here = format!("{at}/{}", escape(name));
            let translated = self.schema(schema, &here)?;
            let absent = match self.view {
                View::Request => effective_flag(self.doc, schema, "readOnly")?,
                View::Response => effective_flag(self.doc, schema, "writeOnly")?,
                View::Neutral => false,
            };
            if absent {
                // `false` rejects any value; the schema beside it still checks the content,
                // so a waived presence (a listed deviation) does not switch the content off.
                out.insert(name.clone(), json!({ "allOf": [false, translated] }));
                forbidden.push(name.clone());
            } else {
                out.insert(name.clone(), translated);
            }
        }
        Ok((Value::Object(out), forbidden))
    }

    /// `discriminator` + `oneOf`: the property names the member the value must match.
    fn discriminator(
        &mut self,
        obj: &Map<String, Value>,
        discriminator: &Value,
        at: &str,
    ) -> Result<Vec<Value>, String> {
        let here = format!("{at}/discriminator");
        let property = discriminator
            .get("propertyName")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{here}: propertyName (a string) is required"))?;
        let members = obj
            .get("oneOf")
            .or_else(|| obj.get("anyOf"))
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{here}: only supported beside oneOf/anyOf"))?;
        let mut member_refs = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let target = member
                .get("$ref")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{at}/oneOf/{i}: a discriminated member must be a $ref"))?;
            member_refs.push(target.to_owned());
        }
        let mut choices: BTreeMap<String, String> = BTreeMap::new();
        if let Some(mapping) = discriminator.get("mapping") {
            let mapping = mapping
                .as_object()
                .ok_or_else(|| format!("{here}/mapping: must be an object"))?;
            for (value, target) in mapping {
                let target = target.as_str().ok_or_else(|| {
                    format!("{here}/mapping/{value}: must be a $ref string, not an inline schema")
                })?;
                if !member_refs.iter().any(|m| m == target) {
                    return Err(format!(
                        "{here}/mapping/{value}: {target} is not a oneOf member"
                    ));
                }
                choices.insert(value.clone(), target.to_owned());
            }
        }
        // Members the mapping does not name are chosen by their component name.
        for target in &member_refs {
            if !choices.values().any(|t| t == target) {
                let name = target.rsplit('/').next().unwrap_or(target);
                choices.insert(name.to_owned(), target.clone());
            }
        }
        let values: Vec<&String> = choices.keys().collect();
        let mut out = vec![json!({
            "required": [property],
            "properties": { property: { "enum": values } }
        })];
        for (value, target) in &choices {
            let then = self.schema(
                &json!({ "$ref": target }),
                &format!("{here}/mapping/{value}"),
            )?;
            out.push(json!({
                "if": { "properties": { property: { "const": value } }, "required": [property] },
                "then": then
            }));
        }
        Ok(out)
    }

    fn format(
        &mut self,
        value: &Value,
        obj: &Map<String, Value>,
        out: &mut Map<String, Value>,
        at: &str,
    ) -> Result<(), String> {
        let format = value
            .as_str()
            .ok_or_else(|| format!("{at}/format: must be a string"))?;
        match format {
            "byte" => {
                out.insert("format".into(), json!(BYTE_FORMAT));
            }
            "int32" => integer_bounds(obj, out, i64::from(i32::MIN), i64::from(i32::MAX)),
            "int64" => integer_bounds(obj, out, i64::MIN, i64::MAX),
            f if JSON_SCHEMA_FORMATS.contains(&f) => {
                out.insert("format".into(), value.clone());
            }
            f if ANNOTATION_FORMATS.contains(&f) => {}
            other => return Err(format!("{at}/format: unknown format `{other}`")),
        }
        Ok(())
    }
}

/// `required` without the names that must be absent in this view (OpenAPI: a required
/// `readOnly` property is required in responses only).
fn required_without(required: &Value, forbidden: &[String], at: &str) -> Result<Value, String> {
    let names = required
        .as_array()
        .ok_or_else(|| format!("{at}/required: must be an array"))?;
    Ok(Value::Array(
        names
            .iter()
            .filter(|n| !n.as_str().is_some_and(|n| forbidden.iter().any(|f| f == n)))
            .cloned()
            .collect(),
    ))
}

/// `int32`/`int64`: the integer's range, tightened by any `minimum`/`maximum` already there.
fn integer_bounds(obj: &Map<String, Value>, out: &mut Map<String, Value>, low: i64, high: i64) {
    let lower = obj.get("minimum").and_then(Value::as_f64);
    if lower.is_none_or(|m| m < low as f64) {
        out.insert("minimum".into(), json!(low));
    }
    let upper = obj.get("maximum").and_then(Value::as_f64);
    if upper.is_none_or(|m| m > high as f64) {
        out.insert("maximum".into(), json!(high));
    }
}

/// OpenAPI 3.0's boolean `exclusiveMaximum`/`exclusiveMinimum` -> JSON Schema's numeric ones.
fn exclusive_bounds(
    obj: &Map<String, Value>,
    out: &mut Map<String, Value>,
    at: &str,
) -> Result<(), String> {
    for (flag, bound) in [
        ("exclusiveMaximum", "maximum"),
        ("exclusiveMinimum", "minimum"),
    ] {
        if obj.get(flag).and_then(Value::as_bool) == Some(true) {
            let limit = out
                .remove(bound)
                .ok_or_else(|| format!("{at}/{flag}: true without `{bound}`"))?;
            out.insert(flag.into(), limit);
        }
    }
    Ok(())
}

/// `nullable: true` -> `null` joins `type` (and `enum`). Without `type` it changes nothing
/// (OpenAPI 3.0.3: nullable only extends an explicit `type`).
fn nullable(out: &mut Map<String, Value>, at: &str) -> Result<(), String> {
    let Some(kind) = out.get("type").cloned() else {
        return Ok(());
    };
    let kind = kind
        .as_str()
        .ok_or_else(|| format!("{at}/type: OpenAPI 3.0 allows one type name here"))?;
    out.insert("type".into(), json!([kind, "null"]));
    if let Some(Value::Array(values)) = out.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
    Ok(())
}

/// The check behind OpenAPI's `format: byte`: standard base64 (RFC 4648 section 4), padded.
pub fn is_base64(text: &str) -> bool {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return false;
    }
    let padding = bytes.iter().rev().take_while(|b| **b == b'=').count();
    if padding > 2 {
        return false;
    }
    bytes[..bytes.len() - padding]
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}
