//! Request bodies the spec accepts as published (`auth_data.data` in base64, as its
//! `format: byte` asks), for the tests of the spec validator and of Prism.
//!
//! Include it with `#[path = "support/spec_bodies.rs"] mod spec_bodies;`.

#![allow(dead_code)]

use serde_json::{json, Value};

/// `{"API_KEY":"sk-test"}` in base64: what the spec (format: byte) asks for.
pub const B64: &str = "eyJBUElfS0VZIjoic2stdGVzdCJ9";

/// A create body for an OpenAI connection.
pub fn create_body() -> Value {
    json!({
        "name": "my-openai-connection",
        "spec": {
            "connection_type": "OPENAI",
            "endpoint": "https://api.openai.com/v1/chat/completions",
            "auth_data": { "kind": "PlaintextProvider", "data": B64 }
        }
    })
}

/// The update body of the same connection: the create body with the resource version held.
pub fn update_body() -> Value {
    let mut body = create_body();
    body["metadata"] = json!({ "resource_version": "a23av" });
    body
}

/// A valid request to one operation of the spec, built from the spec alone.
#[derive(Clone, Debug)]
pub struct SpecRequest {
    /// The operationId.
    pub op: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path with every path parameter filled in (percent-encoded), and no query.
    pub path: String,
    /// The path parameters, by name, as filled in (not encoded).
    pub path_params: Vec<(String, String)>,
    /// The request body: the spec's own example of it, or the smallest body its schema
    /// accepts ([`minimal`]); `None` for operations without one.
    pub body: Option<Value>,
    /// Whether `body` is the spec's example (`false`: built from the schema).
    pub body_from_example: bool,
    /// The smallest body the schema accepts ([`minimal`]), also where the spec has an
    /// example.
    pub minimal_body: Option<Value>,
}

/// For every operation of `document` (an OpenAPI 3.0 document as JSON): a request that
/// its parameters and body schemas accept. `organization_id` and `environment_id` are
/// the given ones; every other path parameter is its example, or the smallest value its
/// schema accepts (a string `x1`, an integer its `minimum` or 1).
pub fn spec_requests(
    document: &Value,
    organization_id: &str,
    environment_id: &str,
) -> Vec<SpecRequest> {
    let mut out = Vec::new();
    for (template, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let mut path = template.clone();
            let mut path_params = Vec::new();
            for p in op["parameters"].as_array().into_iter().flatten() {
                let p = resolve(document, p);
                if p["in"] != "path" {
                    continue;
                }
                let name = p["name"].as_str().unwrap_or_default();
                let value = match name {
                    "organization_id" => organization_id.to_owned(),
                    "environment_id" => environment_id.to_owned(),
                    _ => match p.get("example").or_else(|| p["schema"].get("example")) {
                        Some(Value::String(s)) => s.clone(),
                        Some(other) => other.to_string(),
                        None => match minimal(document, &p["schema"], 0) {
                            Value::String(s) => s,
                            other => other.to_string(),
                        },
                    },
                };
                path = path.replace(&format!("{{{name}}}"), &encode(&value));
                path_params.push((name.to_owned(), value));
            }
            let media = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next());
            let minimal_body = media.map(|m| minimal(document, &m["schema"], 0));
            let (body, body_from_example) = match media.and_then(|m| m.get("example")) {
                Some(example) => (Some(example.clone()), true),
                None => (minimal_body.clone(), false),
            };
            out.push(SpecRequest {
                op: id.to_owned(),
                method: method.to_ascii_uppercase(),
                path,
                path_params,
                body,
                body_from_example,
                minimal_body,
            });
        }
    }
    out
}

/// Percent-encodes a path segment (everything but unreserved characters).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `node`, or what its local `$ref` points at (a chain followed).
fn resolve<'a>(document: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(target) => {
                node = document
                    .pointer(target.trim_start_matches('#'))
                    .unwrap_or(&Value::Null)
            }
            None => break,
        }
    }
    node
}

/// The schema objects that apply together: `schema` (its `$ref` followed) and its `allOf`
/// members, recursively.
fn parts<'a>(document: &'a Value, schema: &'a Value, out: &mut Vec<&'a Value>) {
    let schema = resolve(document, schema);
    if !schema.is_object() {
        return;
    }
    out.push(schema);
    for member in schema["allOf"].as_array().into_iter().flatten() {
        parts(document, member, out);
    }
}

/// The smallest value `schema` accepts, as a request carries it: an object with its
/// required properties only (each the smallest value of its own schema), an array with
/// one item when the array is the whole value or must have items (else none), the first
/// `enum` value, a string that fits its `format` and `minLength`, an integer or number
/// at its `minimum` (else 1), `false`. A discriminated `oneOf` takes its first mapped
/// member, with the discriminator property set to that member's value; an undiscriminated
/// one, its first member.
pub fn minimal(document: &Value, schema: &Value, depth: usize) -> Value {
    let mut all = Vec::new();
    parts(document, schema, &mut all);
    if depth > 16 {
        return Value::Null;
    }
    let first = |key: &str| all.iter().find_map(|p| p.get(key));
    if let Some(values) = first("enum").and_then(Value::as_array) {
        if let Some(v) = values.first() {
            return v.clone();
        }
    }
    if let Some(members) = first("oneOf")
        .or_else(|| first("anyOf"))
        .and_then(Value::as_array)
    {
        let discriminator = first("discriminator");
        let chosen = discriminator
            .and_then(|d| d["mapping"].as_object())
            .and_then(|m| m.iter().next())
            .map(|(value, target)| (Some(value.clone()), json!({ "$ref": target })));
        let (tag, member) = chosen.unwrap_or((None, members[0].clone()));
        let mut value = minimal(document, &member, depth + 1);
        if let (Some(tag), Some(property)) =
            (tag, discriminator.and_then(|d| d["propertyName"].as_str()))
        {
            value[property] = Value::String(tag);
        }
        return value;
    }
    let kind = first("type").and_then(Value::as_str).unwrap_or_else(|| {
        if first("properties").is_some() {
            "object"
        } else {
            "string"
        }
    });
    match kind {
        "object" => {
            let mut out = serde_json::Map::new();
            // A readOnly property its own schema object requires is required in answers
            // only (OpenAPI 3.0); one another member requires (an update's `metadata`) is
            // sent.
            let mut required: Vec<&str> = Vec::new();
            for p in &all {
                for name in p["required"].as_array().into_iter().flatten() {
                    let Some(name) = name.as_str() else { continue };
                    let own = p.pointer(&format!("/properties/{name}"));
                    if own.is_some_and(|s| read_only(document, s)) || required.contains(&name) {
                        continue;
                    }
                    required.push(name);
                }
            }
            for name in required {
                let mut property = Vec::new();
                for p in &all {
                    if let Some(s) = p.pointer(&format!("/properties/{name}")) {
                        property.push(s.clone());
                    }
                }
                let merged = json!({ "allOf": property });
                out.insert(name.to_owned(), minimal(document, &merged, depth + 1));
            }
            Value::Object(out)
        }
        "array" => {
            let wanted = all
                .iter()
                .find_map(|p| p["minItems"].as_u64())
                .unwrap_or(u64::from(depth == 0));
            let items = first("items").cloned().unwrap_or(json!({}));
            Value::Array(
                (0..wanted)
                    .map(|_| minimal(document, &items, depth + 1))
                    .collect(),
            )
        }
        "integer" | "number" => {
            let low = first("minimum").and_then(Value::as_i64).unwrap_or(1);
            json!(low.max(1))
        }
        "boolean" => Value::Bool(false),
        _ => {
            let text = match first("format").and_then(Value::as_str) {
                Some("date-time") => "2024-01-02T03:04:05Z".to_owned(),
                Some("date") => "2024-01-02".to_owned(),
                Some("uri") => "https://example.com/x1".to_owned(),
                Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6".to_owned(),
                Some("byte") => B64.to_owned(),
                _ => "x1".to_owned(),
            };
            let min = first("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
            Value::String(if text.len() < min {
                format!("{text}{}", "1".repeat(min - text.len()))
            } else {
                text
            })
        }
    }
}

/// Whether `schema` (through `$ref`s and `allOf`) is `readOnly`.
fn read_only(document: &Value, schema: &Value) -> bool {
    let mut all = Vec::new();
    parts(document, schema, &mut all);
    all.iter().any(|p| p["readOnly"] == Value::Bool(true))
}
