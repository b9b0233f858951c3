//! Proves the generated client matches the spec it was generated from.
//!
//! Everything expected is read from the spec at test time (the one `*.yaml` in
//! `openapi/`, as `build.rs` finds it), never from the generated code:
//!
//! - every example in the spec deserialises into the generated type for its place and
//!   serialises back to the same JSON (date-times compared as instants, the one
//!   documented normalisation); an example with no known type fails the test;
//! - responses with values and fields the spec does not know yet still deserialise;
//! - each operation, driven through the generated [`Client`] against a recording HTTP
//!   server on 127.0.0.1, sends the spec's method, path, query and body.
#![warn(clippy::all, unused)]

use super::types::*;
use super::{Client, Error, OPERATIONS};
use crate::connections::{ConnectionPhase, ConnectionType};

use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------
// The spec
// ---------------------------------------------------------------------------------

/// The one OpenAPI document in `openapi/` (the rule `build.rs` follows).
fn spec_path() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    assert_eq!(
        specs.len(),
        1,
        "expected one spec in {}: {specs:?}",
        dir.display()
    );
    specs.remove(0)
}

/// The spec as it is on disk, before the build's normalisation.
fn spec() -> Value {
    let path = spec_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// One operation of the spec.
struct Operation {
    method: String,
    path: String,
    op: Value,
}

/// Every operation of the spec, by operationId.
fn operations(doc: &Value) -> BTreeMap<String, Operation> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            let operation = Operation {
                method: method.to_uppercase(),
                path: path.clone(),
                op: op.clone(),
            };
            assert!(
                out.insert(id.to_string(), operation).is_none(),
                "operationId {id} twice"
            );
        }
    }
    out
}

fn operation(doc: &Value, id: &str) -> Operation {
    operations(doc)
        .remove(id)
        .unwrap_or_else(|| panic!("the spec has no operation {id}"))
}

/// Resolves a local `$ref` (any depth), or returns the value itself.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("non-local reference {r}"));
            resolve(
                doc,
                doc.pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling reference {r}")),
            )
        }
        None => v,
    }
}

/// Escapes one JSON-pointer token.
fn token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

// ---------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------

/// Checks one example against one generated type.
type Check = fn(&Value) -> Result<(), String>;

// The generated type of every component schema and operation body, with its check:
// `SCHEMA_TYPES` and `OPERATION_BODIES`, written by the build (`build/type_table.rs`).
use super::{ALLOF_PARTS, OPERATION_BODIES, SCHEMA_TYPES};

/// What an example is checked against.
enum Target {
    /// A generated type: deserialise, serialise, compare.
    Type(&'static str, Check),
    /// A scalar schema (a property, header or parameter): checked by type and format.
    Scalar(Value),
    /// Nothing known: the test fails.
    Unknown(String),
}

/// One example found in the spec.
struct Example {
    /// Where it is, as a JSON pointer into the spec.
    place: String,
    value: Value,
    target: Target,
}

/// Deserialises `example` into `T`, serialises it, reads that back and serialises
/// again: both serialisations must agree, and equal the example (modulo date-time
/// formatting).
pub(super) fn round_trip<T: DeserializeOwned + Serialize>(example: &Value) -> Result<(), String> {
    let value: T = serde_path_to_error::deserialize(example.clone())
        .map_err(|e| format!("does not deserialise (at `{}`): {}", e.path(), e.inner()))?;
    let written = serde_json::to_value(&value).map_err(|e| format!("does not serialise: {e}"))?;
    let again: T = serde_json::from_value(written.clone())
        .map_err(|e| format!("its serialisation does not read back: {e}: {written}"))?;
    let rewritten =
        serde_json::to_value(&again).map_err(|e| format!("does not serialise again: {e}"))?;
    if rewritten != written {
        return Err(format!("not stable: {written} became {rewritten}"));
    }
    same_json(example, &written, "")
}

/// `expected == actual`, except that two strings that are date-times of the same
/// instant are equal (the generated `DateTime<Utc>` writes `2006-01-02T22:04:05Z` for
/// the spec's `2006-01-02T15:04:05-07:00`). Names the first difference.
fn same_json(expected: &Value, actual: &Value, at: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            // An empty array of a property the type does not require is held as an
            // empty `Vec` and not written (typify's `skip_serializing_if`): the same
            // value as absent.
            let ek: BTreeSet<&String> = e
                .iter()
                .filter(|(k, v)| a.contains_key(*k) || v.as_array().is_none_or(|v| !v.is_empty()))
                .map(|(k, _)| k)
                .collect();
            let ak: BTreeSet<&String> = a.keys().collect();
            if ek != ak {
                return Err(format!(
                    "at `{at}`: the example has fields {ek:?}, the serialisation {ak:?}"
                ));
            }
            ek.iter()
                .try_for_each(|k| same_json(&e[*k], &a[*k], &format!("{at}/{}", token(k))))
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .try_for_each(|(i, (e, a))| same_json(e, a, &format!("{at}/{i}"))),
        (Value::String(e), Value::String(a)) if e != a => match (date_time(e), date_time(a)) {
            (Some(x), Some(y)) if x == y => Ok(()),
            _ => Err(format!("at `{at}`: {e:?} became {a:?}")),
        },
        _ if expected == actual => Ok(()),
        _ => Err(format!("at `{at}`: {expected} became {actual}")),
    }
}

fn date_time(s: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    s.parse().ok()
}

/// Every `example` and `examples` in the spec, with what it must be checked against.
fn examples(doc: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    collect_examples(doc, doc, &mut Vec::new(), &mut out);
    out
}

fn collect_examples(doc: &Value, v: &Value, path: &mut Vec<String>, out: &mut Vec<Example>) {
    let Some(obj) = v.as_object() else {
        if let Some(items) = v.as_array() {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                collect_examples(doc, item, path, out);
                path.pop();
            }
        }
        return;
    };
    for (key, child) in obj {
        match key.as_str() {
            "example" => out.push(example_at(doc, path, v, child.clone(), key)),
            "examples" => {
                // OpenAPI 3.0: a map of Example objects (or references to them).
                let Some(named) = child
                    .as_object()
                    .filter(|_| is_media_type(path) || is_header_or_parameter(v))
                else {
                    out.push(Example {
                        place: pointer(path, key),
                        value: child.clone(),
                        target: Target::Unknown(
                            "`examples` is only defined on media types, headers and parameters"
                                .into(),
                        ),
                    });
                    continue;
                };
                for (name, ex) in named {
                    let ex = resolve(doc, ex);
                    let place = format!("{}/{}", pointer(path, key), token(name));
                    match ex.get("value") {
                        Some(value) => out.push(Example {
                            place,
                            ..example_at(doc, path, v, value.clone(), key)
                        }),
                        None => out.push(Example {
                            place,
                            value: ex.clone(),
                            target: Target::Unknown("an Example object without `value`".into()),
                        }),
                    }
                }
            }
            _ => {
                path.push(key.clone());
                collect_examples(doc, child, path, out);
                path.pop();
            }
        }
    }
}

fn pointer(path: &[String], key: &str) -> String {
    path.iter()
        .chain(std::iter::once(&key.to_string()))
        .map(|t| format!("/{}", token(t)))
        .collect()
}

/// `.../content/<media type>`
fn is_media_type(path: &[String]) -> bool {
    path.len() >= 2 && path[path.len() - 2] == "content"
}

fn is_header_or_parameter(v: &Value) -> bool {
    v.get("schema").is_some() && v.get("type").is_none()
}

/// Decides what the example `value`, found under key `key` of `parent` at `path`, is
/// checked against.
fn example_at(doc: &Value, path: &[String], parent: &Value, value: Value, key: &str) -> Example {
    let place = pointer(path, key);
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    let mut value = value;
    let target = match p.as_slice() {
        ["paths", _, _, "requestBody", "content", _]
        | ["paths", _, _, "responses", _, "content", _] => {
            with_defaults(doc, &parent["schema"], &mut value);
            media_target(doc, &p, parent)
        }
        ["components", "schemas", name] => {
            with_defaults(doc, parent, &mut value);
            component_target(name)
        }
        _ if is_media_type(path) => {
            with_defaults(doc, &parent["schema"], &mut value);
            media_target(doc, &p, parent)
        }
        _ if is_header_or_parameter(parent) => {
            Target::Scalar(resolve(doc, &parent["schema"]).clone())
        }
        _ => match effective_schema(doc, path) {
            Some(schema) if is_scalar(&schema) => Target::Scalar(schema),
            found => match within_component(doc, &p) {
                // Read and written as the property it is, inside the generated type of
                // the component that holds it, beside the examples of the properties
                // that type requires.
                Some((ty, check, holder, properties)) => {
                    let mut value = properties
                        .iter()
                        .rev()
                        .fold(value, |inner, name| json!({ name.as_str(): inner }));
                    if let Some(obj) = value.as_object_mut() {
                        let mut required = Map::new();
                        required_examples(doc, holder, &mut required);
                        for (name, example) in required {
                            obj.entry(name).or_insert(example);
                        }
                    }
                    with_defaults(doc, holder, &mut value);
                    return Example {
                        place,
                        value,
                        target: Target::Type(ty, check),
                    };
                }
                None if found.is_some() => Target::Unknown(
                    "an object or array property example: no generated type is known for it".into(),
                ),
                None => Target::Unknown(
                    "a schema without a type, and no allOf sibling declares it".into(),
                ),
            },
        },
    };
    Example {
        place,
        value,
        target,
    }
}

/// For an example inside a component schema (`path` leads to the schema that holds
/// it), the innermost component of [`SCHEMA_TYPES`] the path passes through, and the
/// properties from there to the example: `ObjectMeta`'s `labels` map (in some versions
/// of the spec) is `ConnectionMetadata` with `["labels"]`; an `allOf` overlay's
/// `uid` under `sql.v1.Connection`'s `metadata` is `ConnectionMetadata` with `["uid"]`
/// (the build declares a property only an overlay names). `None` when the path goes
/// anywhere but through `properties` and `allOf` members.
fn within_component<'d>(
    doc: &'d Value,
    path: &[&str],
) -> Option<(&'static str, Check, &'d Value, Vec<String>)> {
    let ["components", "schemas", name, rest @ ..] = path else {
        return None;
    };
    let mut rest: &[&str] = rest;
    let mut at = &doc["components"]["schemas"][*name];
    // An `allOf` part the build inlined is read as the component it is part of.
    let owner = ALLOF_PARTS
        .iter()
        .find(|(part, _)| part == name)
        .map_or(*name, |(_, host)| *host);
    let mut holder = SCHEMA_TYPES.iter().find(|(n, _, _)| *n == owner)?;
    let mut holder_schema = &doc["components"]["schemas"][owner];
    let mut properties = Vec::new();
    while !rest.is_empty() {
        match rest {
            ["properties", property, more @ ..] => {
                at = &at["properties"][property];
                properties.push(property.to_string());
                // A property that is a component (a `$ref`, or an `allOf` with one):
                // the innermost type holding the example.
                let reference = std::iter::once(at)
                    .chain(at["allOf"].as_array().into_iter().flatten())
                    .find_map(|s| s.get("$ref").and_then(Value::as_str));
                let component = reference.and_then(|r| r.strip_prefix("#/components/schemas/"));
                if let Some((c, found)) = component.and_then(|c| {
                    SCHEMA_TYPES
                        .iter()
                        .find(|(n, _, _)| *n == c)
                        .map(|found| (c, found))
                }) {
                    holder = found;
                    holder_schema = &doc["components"]["schemas"][c];
                    properties.clear();
                }
                rest = more;
            }
            ["allOf", member, more @ ..] => {
                at = &at["allOf"][member.parse::<usize>().ok()?];
                rest = more;
            }
            _ => return None,
        }
    }
    // An example of a property that is a component is an example of that component.
    let (_, ty, check) = holder;
    Some((ty, *check, holder_schema, properties))
}

/// The examples `schema` gives its properties (through its `allOf` members), and the
/// least values of those it requires without one: what an example of one property of
/// it is read beside.
fn required_examples(doc: &Value, schema: &Value, out: &mut Map<String, Value>) {
    let schema = resolve(doc, schema);
    for member in schema["allOf"].as_array().into_iter().flatten() {
        required_examples(doc, member, out);
    }
    let mut required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    // A required property an `allOf` sibling declares.
    if let Some(members) = schema["allOf"].as_array() {
        for m in members {
            let m = resolve(doc, m);
            required.extend(
                m["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str),
            );
        }
    }
    let places = || {
        std::iter::once(schema).chain(
            schema["allOf"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| resolve(doc, m)),
        )
    };
    // Every property with an example (what the build requires of a resource can be
    // more than the component's own `required`: every answer's promise), and the
    // required ones without.
    let declared: Vec<&str> = places()
        .filter_map(|s| s["properties"].as_object())
        .flat_map(|p| p.keys().map(String::as_str))
        .collect();
    for name in declared.into_iter().chain(required.iter().copied()) {
        // Its example where one of its declarations has one, else (a required one) the
        // least value its schema takes.
        let example = places()
            .filter_map(|s| s["properties"].get(name))
            .find_map(|p| p.get("example").or_else(|| resolve(doc, p).get("example")))
            .cloned()
            .or_else(|| {
                places()
                    .filter(|_| required.contains(&name))
                    .filter_map(|s| s["properties"].get(name))
                    .find(|p| resolve(doc, p).get("type").is_some() || p.get("allOf").is_some())
                    .map(|p| least_value(doc, p))
            });
        if let Some(example) = example {
            out.entry(name.to_string()).or_insert(example);
        }
    }
}

/// The least value `schema` takes: its first enum value, its minimum, an empty string,
/// array or map, an object of its required properties' least values.
fn least_value(doc: &Value, schema: &Value) -> Value {
    let schema = resolve(doc, schema);
    if let Some(first) = schema["allOf"].as_array().and_then(|m| m.first()) {
        return least_value(doc, first);
    }
    if let Some(first) = schema["enum"].as_array().and_then(|v| v.first()) {
        return first.clone();
    }
    match schema["type"].as_str() {
        Some("string") => json!(""),
        Some("integer") | Some("number") => schema.get("minimum").cloned().unwrap_or(json!(0)),
        Some("boolean") => json!(false),
        Some("array") => json!([]),
        _ => {
            let mut obj = Map::new();
            required_examples(doc, schema, &mut obj);
            Value::Object(obj)
        }
    }
}

/// `value` with what reading it gives for the members it leaves out: each absent
/// property that has a `default` in `schema` gets it, at every depth (a generated type
/// holds a defaulted property as a value, and writes it).
fn with_defaults(doc: &Value, schema: &Value, value: &mut Value) {
    let schema = resolve(doc, schema);
    for member in schema["allOf"].as_array().into_iter().flatten() {
        with_defaults(doc, member, value);
    }
    if let (Some(items), Some(values)) = (schema.get("items"), value.as_array_mut()) {
        for v in values {
            with_defaults(doc, items, v);
        }
        return;
    }
    let (Some(properties), Some(obj)) = (schema["properties"].as_object(), value.as_object_mut())
    else {
        return;
    };
    for (name, property) in properties {
        match obj.get_mut(name) {
            Some(v) => with_defaults(doc, property, v),
            None => {
                let default = property
                    .get("default")
                    .or_else(|| resolve(doc, property).get("default"));
                if let Some(d) = default {
                    obj.insert(name.clone(), d.clone());
                }
            }
        }
    }
}

fn is_scalar(schema: &Value) -> bool {
    matches!(
        schema.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number" | "boolean")
    )
}

fn component_target(name: &str) -> Target {
    match SCHEMA_TYPES.iter().find(|(n, _, _)| *n == name) {
        Some((_, ty, check)) => Target::Type(ty, *check),
        None => Target::Unknown(format!("schema {name} is not in SCHEMA_TYPES")),
    }
}

/// A request or response body: the operation's own type when the schema is inline, the
/// component's type when it is a reference.
fn media_target(doc: &Value, path: &[&str], media: &Value) -> Target {
    if let ["paths", p, m, rest @ ..] = path {
        let id = doc["paths"][*p][*m]["operationId"].as_str().unwrap_or("?");
        let place = match rest {
            ["requestBody", ..] => "request",
            ["responses", code, ..] => code,
            _ => "?",
        };
        if let Some((_, _, ty, check)) = OPERATION_BODIES
            .iter()
            .find(|(o, pl, _, _)| *o == id && *pl == place)
        {
            return Target::Type(ty, *check);
        }
    }
    match media["schema"].get("$ref").and_then(Value::as_str) {
        Some(r) => component_target(r.rsplit('/').next().unwrap_or(r)),
        None => Target::Unknown("an inline body schema that is not in OPERATION_BODIES".into()),
    }
}

/// The schema an example at `path` documents, resolved: the schema itself when it has a
/// type or a reference, else (an example-only `allOf` overlay) the declaration of the
/// same property in another member of the `allOf`.
fn effective_schema(doc: &Value, path: &[String]) -> Option<Value> {
    let here = doc.pointer(&pointer(&path[..path.len() - 1], path.last()?))?;
    if here.get("type").is_some() || here.get("$ref").is_some() {
        return Some(resolve(doc, here).clone());
    }
    let n = path.len();
    if n >= 4 && path[n - 2] == "properties" && path[n - 4] == "allOf" {
        let all_of = doc.pointer(&pointer(&path[..n - 4], "allOf"))?.as_array()?;
        let this: usize = path[n - 3].parse().ok()?;
        return all_of
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != this)
            .find_map(|(_, m)| resolve(doc, m).get("properties")?.get(&path[n - 1]))
            .map(|s| resolve(doc, s).clone());
    }
    None
}

/// Checks a scalar example against its schema: type, format (date-time is read with the
/// generated code's `DateTime<Utc>`, int32 must fit), closed enum, maxLength, pattern,
/// minimum and maximum.
fn check_scalar(schema: &Value, example: &Value) -> Result<(), String> {
    let ty = schema.get("type").and_then(Value::as_str);
    let format = schema.get("format").and_then(Value::as_str);
    match ty {
        Some("string") => {
            let s = example
                .as_str()
                .ok_or_else(|| format!("{example} is not a string"))?;
            if format == Some("date-time") {
                serde_json::from_value::<chrono::DateTime<chrono::Utc>>(example.clone())
                    .map_err(|e| format!("{s:?} is not a date-time the client reads: {e}"))?;
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                if s.chars().count() as u64 > max {
                    return Err(format!("{s:?} is longer than maxLength {max}"));
                }
            }
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                let re = regress::Regex::new(pattern)
                    .map_err(|e| format!("pattern {pattern:?}: {e}"))?;
                if re.find(s).is_none() {
                    return Err(format!("{s:?} does not match {pattern:?}"));
                }
            }
        }
        Some("integer") => {
            let i = example
                .as_i64()
                .ok_or_else(|| format!("{example} is not an integer"))?;
            if format == Some("int32") && i32::try_from(i).is_err() {
                return Err(format!("{i} does not fit int32"));
            }
        }
        Some("number") if example.is_number() => {}
        Some("boolean") if example.is_boolean() => {}
        other => {
            return Err(format!(
                "{example} cannot be checked against a schema of type {other:?}"
            ))
        }
    }
    if let Some(n) = example.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n < m)
        {
            return Err(format!("{n} is below the minimum"));
        }
        if schema
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n > m)
        {
            return Err(format!("{n} is above the maximum"));
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if !values.contains(example) {
            return Err(format!(
                "{example} is not one of the enum values {values:?}"
            ));
        }
    }
    Ok(())
}

#[test]
fn every_example_in_the_spec_round_trips_through_its_generated_type() {
    let doc = spec();
    let found = examples(&doc);
    let mut failures = Vec::new();
    let mut typed = BTreeSet::new();
    for ex in &found {
        let result = match &ex.target {
            Target::Type(ty, check) => {
                typed.insert(ex.place.clone());
                check(&ex.value).map_err(|e| format!("as {ty}: {e}"))
            }
            Target::Scalar(schema) => check_scalar(schema, &ex.value),
            Target::Unknown(why) => Err(format!("no known target type ({why})")),
        };
        if let Err(e) = result {
            failures.push(format!("{}: {e}", ex.place));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples fail:\n{}",
        failures.len(),
        found.len(),
        failures.join("\n")
    );

    // The walk reached the examples this crate relies on (so it cannot pass by finding
    // nothing): the create and update bodies, the get response, an error body, and the
    // schema-level examples.
    let connections = "/paths/~1sql~1v1~1organizations~1{organization_id}~1environments~1{environment_id}~1connections";
    for place in [
        format!("{connections}/post/requestBody/content/application~1json/example"),
        format!("{connections}~1{{connection_name}}/put/requestBody/content/application~1json/example"),
        format!("{connections}~1{{connection_name}}/get/responses/200/content/application~1json/example"),
        // In the combined form, the 404 is a reference to `components/responses`.
        match doc
            .pointer(&format!("{connections}~1{{connection_name}}/get/responses/404/$ref"))
            .and_then(Value::as_str)
        {
            Some(shared) => format!(
                "{}/content/application~1json/example",
                shared.strip_prefix('#').unwrap_or(shared)
            ),
            None => format!("{connections}~1{{connection_name}}/get/responses/404/content/application~1json/example"),
        },
        "/components/schemas/sql.v1.ConnectionList/example".to_string(),
    ]
    .into_iter()
    // ...and every schema-level example this version of the spec has (`ListMeta`'s, in
    // some).
    .chain(
        doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, schema)| schema.get("example").is_some())
            .map(|(name, _)| format!("/components/schemas/{}/example", token(name))),
    ) {
        assert!(typed.contains(&place), "{place} was not checked against a generated type; checked: {typed:#?}");
    }
}

#[test]
fn an_example_without_a_known_type_is_reported() {
    // A new operation's inline body, a new component, a schema-level `examples`, and an
    // object-valued property example: none may pass unchecked.
    let doc = json!({
        "paths": {"/x": {"post": {"operationId": "newOp",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}, "example": {"a": 1}}}}}}},
        "components": {"schemas": {
            "NewThing": {"type": "object", "example": {"a": 1}},
            "Other": {"type": "object", "properties": {"o": {"type": "object", "example": {"b": 2}}}, "examples": [1]}
        }}
    });
    let found = examples(&doc);
    let unknown: BTreeSet<&str> = found
        .iter()
        .filter(|e| matches!(e.target, Target::Unknown(_)))
        .map(|e| e.place.as_str())
        .collect();
    let expected: BTreeSet<&str> = [
        "/paths/~1x/post/requestBody/content/application~1json/example",
        "/components/schemas/NewThing/example",
        "/components/schemas/Other/properties/o/example",
        "/components/schemas/Other/examples",
    ]
    .into();
    assert_eq!(unknown, expected);
    assert_eq!(found.len(), expected.len());
    // ...and an object example under a scalar check fails rather than passing.
    let wrong = examples(&json!({"components": {"schemas": {"S": {"properties": {
        "p": {"type": "string", "example": {"b": 2}}}}}}}));
    let Target::Scalar(schema) = &wrong[0].target else {
        panic!("a typed property is a scalar check")
    };
    assert!(check_scalar(schema, &wrong[0].value).is_err());
}

#[test]
fn a_changed_field_fails_the_round_trip() {
    // The comparison is not vacuous: a field the type drops (a null it reads as
    // absent), or a value it rewrites (other than a date-time's formatting), is a
    // failure. (An unknown field is kept, and round-trips.)
    let example =
        json!({"self": "https://x", "created_at": "2006-01-02T15:04:05-07:00", "uid": null});
    let err = round_trip::<crate::connections::ConnectionMetadata>(&example).unwrap_err();
    assert!(err.contains("uid"), "{err}");
    let unknown = json!({"self": "https://x", "surprise": {"a": [1, null]}});
    round_trip::<crate::connections::ConnectionMetadata>(&unknown)
        .expect("an unknown field is kept as it was");
    let known = json!({"self": "https://x", "created_at": "2006-01-02T15:04:05-07:00"});
    round_trip::<crate::connections::ConnectionMetadata>(&known)
        .expect("only the date-time's formatting changes");
    assert!(same_json(
        &json!({"a": "2006-01-02T15:04:05-07:00"}),
        &json!({"a": "2006-01-02T15:04:06Z"}),
        ""
    )
    .is_err());
    assert!(same_json(&json!({"a": "x"}), &json!({"a": "y"}), "").is_err());
}

// ---------------------------------------------------------------------------------
// Values and fields the spec does not know yet
// ---------------------------------------------------------------------------------

/// A connection from a newer service: new connection type, phase, kind, api_version,
/// and an unknown field at every level.
fn future_connection() -> Value {
    json!({
        "api_version": "sql/v2",
        "kind": "ConnectionV2",
        "added_top": {"x": 1},
        "metadata": {
            "self": "https://flink.us-east-1.aws.confluent.cloud/sql/v1/organizations/o/environments/e/connections/c",
            "created_at": "2024-05-06T07:08:09Z",
            "added_meta": [1, 2],
            "uid": "u-1"
        },
        "name": "c",
        "spec": {
            "connection_type": "QUANTUM_LLM",
            "endpoint": "https://example.test/v1",
            "added_spec": true,
            "auth_data": {"kind": "PlaintextProvider", "data": "{\"API_KEY\":\"x\"}", "added_auth": "y"}
        },
        "status": {"phase": "WARMING_UP", "detail": "new", "added_status": null}
    })
}

#[test]
fn a_connection_with_unknown_values_and_fields_deserialises() {
    // The type the client returns for get (200) and create (201).
    let c: Connection =
        serde_json::from_value(future_connection()).expect("a future connection must deserialise");
    assert_eq!(
        c.api_version,
        Some(ConnectionApiVersion::Other("sql/v2".into()))
    );
    assert_eq!(c.kind, Some(ConnectionKind::Other("ConnectionV2".into())));
    assert_eq!(
        c.spec.connection_type,
        ConnectionType::Other("QUANTUM_LLM".into())
    );
    assert_eq!(
        c.status.expect("status").phase,
        Some(ConnectionPhase::Other("WARMING_UP".into()))
    );
    assert_eq!(c.metadata.expect("metadata").uid(), Some("u-1"));
}

#[test]
fn a_list_with_unknown_values_and_fields_deserialises() {
    let list = json!({
        "api_version": "sql/v2",
        "kind": "ConnectionListV2",
        "added_top": 1,
        "metadata": {"next": null, "total_size": 1, "added_list_meta": {"a": 1}},
        "data": [future_connection()]
    });
    let l: ConnectionList = serde_json::from_value(list).expect("a future list must deserialise");
    assert_eq!(l.metadata.expect("metadata").next, None);
    assert_eq!(l.data.len(), 1);
    let c = &l.data[0];
    assert_eq!(
        c.connection_type(),
        &ConnectionType::Other("QUANTUM_LLM".into())
    );
    assert_eq!(
        c.phase(),
        Some(&ConnectionPhase::Other("WARMING_UP".into()))
    );
    assert_eq!(c.api_version(), Some("sql/v2"));
    // The secret an answer carries is kept (never written back).
    assert!(c.auth_data().is_some());
}

/// A member's name reaches a generated visitor borrowed from the JSON (the common case,
/// read inline), copied out of escapes (read out of line), or owned (from a `Value`):
/// each way reads the same members and keeps the same unknown ones, by their unescaped
/// names.
#[test]
fn member_names_read_the_same_plain_escaped_and_owned() {
    let plain = r#"{"name": "c", "spec": {"connection_type": "OPENAI", "endpoint": "https://e.test"},
        "status": {"phase": "FAILED", "detail": "d"}, "added": {"x": 1}}"#;
    // Every name with an escape: `\u0061` is `a`, `\u00e9` is `é`.
    let escaped = r#"{"n\u0061me": "c", "sp\u0065c": {"connection_typ\u0065": "OPENAI", "\u0065ndpoint": "https://e.test"},
        "st\u0061tus": {"ph\u0061se": "FAILED", "det\u0061il": "d"}, "\u0061dded": {"x": 1}, "caf\u00e9": 2}"#;
    let from_plain: Connection = serde_json::from_str(plain).expect("plain names");
    let from_escaped: Connection = serde_json::from_str(escaped).expect("escaped names");
    let json = |c: &Connection| serde_json::to_value(c).expect("serialises");
    for c in [&from_plain, &from_escaped] {
        // As written back: which members are optional and which enum values are
        // named is the spec's business.
        let written = json(c);
        assert_eq!(written["name"], "c");
        assert_eq!(written["spec"]["endpoint"], "https://e.test");
        assert_eq!(written["spec"]["connection_type"], "OPENAI");
        assert_eq!(written["status"], json!({"phase": "FAILED", "detail": "d"}));
        assert_eq!(c.unknown_fields["added"], json!({"x": 1}));
    }
    assert_eq!(from_plain.unknown_fields.len(), 1);
    assert_eq!(from_escaped.unknown_fields.len(), 2);
    assert_eq!(from_escaped.unknown_fields["café"], 2);
    // Owned names (a `Value`) and names borrowed from one.
    let value: Value = serde_json::from_str(escaped).expect("json");
    let from_ref =
        <Connection as serde::Deserialize>::deserialize(&value).expect("borrowed from a Value");
    let from_value: Connection = serde_json::from_value(value).expect("owned by a Value");
    assert_eq!(json(&from_ref), json(&from_escaped));
    assert_eq!(json(&from_value), json(&from_escaped));
    assert_eq!(json(&from_escaped)["café"], 2);
    // A member twice is an error whichever way its name was written.
    let twice = r#"{"name": "c", "n\u0061me": "d", "spec": {"connection_type": "OPENAI", "endpoint": "e"}}"#;
    let err = serde_json::from_str::<Connection>(twice).expect_err("a duplicate member");
    assert!(err.to_string().contains("duplicate field `name`"), "{err}");
}

#[test]
fn an_error_body_with_unknown_fields_deserialises() {
    let failure = json!({"errors": [{"status": "409", "error_code": 7, "source": {"pointer": "/spec", "added": 1}}], "added": 2});
    let f: Failure = serde_json::from_value(failure).expect("a future error body must deserialise");
    assert_eq!(f.errors[0].status.as_deref(), Some("409"));
}

// ---------------------------------------------------------------------------------
// The operations, over HTTP
// ---------------------------------------------------------------------------------

/// One request as the recording server received it.
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The decoded query parameters (`None`: no query string at all).
    fn query(&self) -> Option<BTreeMap<String, String>> {
        let q = self.target.split_once('?')?.1;
        Some(
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (form_decode(k), form_decode(v))
                })
                .collect(),
        )
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "a JSON body is labelled so"
        );
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

/// The reply the recording server sends.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Option<Value>,
}

impl Reply {
    /// A reply with an `X-Request-Id`.
    fn new(status: u16, body: Option<Value>) -> Self {
        Reply {
            status,
            headers: vec![("X-Request-Id", "req-1".into())],
            body,
        }
    }
    fn json(status: u16, body: Value) -> Self {
        Reply::new(status, Some(body))
    }
    fn empty(status: u16) -> Self {
        Reply::new(status, None)
    }
}

/// What the server of [`serve_one`] received.
struct Received(tokio::task::JoinHandle<Result<Request, String>>);

impl Received {
    /// The one request, once the client's call is done.
    async fn request(self) -> Request {
        self.0.await.expect("server task").expect("request")
    }
}

/// Starts a server on 127.0.0.1 (an OS-chosen port) that answers one request with
/// `reply`; returns the generated client (retries off) pointed at it, and what it receives.
async fn serve_one(reply: Reply) -> (Client, Received) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    let handle = tokio::spawn(async move {
        let wait = std::time::Duration::from_secs(20);
        let (mut stream, _) = tokio::time::timeout(wait, listener.accept())
            .await
            .map_err(|_| "no request arrived".to_string())?
            .map_err(|e| e.to_string())?;
        let request = tokio::time::timeout(wait, read_request(&mut stream))
            .await
            .map_err(|_| "request timed out".to_string())??;
        write_reply(&mut stream, &reply)
            .await
            .map_err(|e| e.to_string())?;
        Ok(request)
    });
    (Client::new(&base, no_retries()), Received(handle))
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Result<Request, String> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the connection closed before the request head ended".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|e| e.to_string())?
        .to_string();
    let mut lines = head.split("\r\n");
    let mut start = lines.next().unwrap_or("").split(' ');
    let (method, target) = (
        start.next().unwrap_or("").to_string(),
        start.next().unwrap_or("").to_string(),
    );
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut request = Request {
        method,
        target,
        headers,
        body: buf[head_end + 4..].to_vec(),
    };
    if request.header("transfer-encoding").is_some() {
        return Err("chunked request bodies are not supported by this test server".into());
    }
    let length: usize = request
        .header("content-length")
        .map(|v| v.parse().map_err(|_| format!("content-length {v}")))
        .transpose()?
        .unwrap_or(0);
    while request.body.len() < length {
        let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the connection closed inside the body".into());
        }
        request.body.extend_from_slice(&chunk[..n]);
    }
    Ok(request)
}

async fn write_reply(stream: &mut tokio::net::TcpStream, reply: &Reply) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let body = reply
        .body
        .as_ref()
        .map(Value::to_string)
        .unwrap_or_default();
    let mut head = format!(
        "HTTP/1.1 {} Reply\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        body.len()
    );
    if reply.body.is_some() {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// `%XX` decoding; `+` is a space when `form` is set.
fn percent_decode(s: &str, form: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' if form => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).expect("decoded text is UTF-8")
}

fn form_decode(s: &str) -> String {
    percent_decode(s, true)
}

/// Checks the received path against the spec's template: literal segments equal, each
/// `{parameter}` one segment that decodes to its value, with every character that
/// would change the URL's structure (`/ ? # %` and space) escaped.
fn assert_path(received: &str, template: &str, params: &[(&str, &str)]) {
    let got: Vec<&str> = received.split('/').collect();
    let want: Vec<&str> = template.split('/').collect();
    assert_eq!(
        got.len(),
        want.len(),
        "path {received} does not have the segments of {template}"
    );
    let mut seen = BTreeSet::new();
    for (g, w) in got.iter().zip(&want) {
        match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(name) => {
                let (_, value) = params
                    .iter()
                    .find(|(n, _)| *n == name)
                    .unwrap_or_else(|| panic!("no value for {{{name}}}"));
                assert_eq!(percent_decode(g, false), *value, "{{{name}}} in {received}");
                assert!(
                    !g.contains([' ', '?', '#']),
                    "{{{name}}} is not escaped: {g}"
                );
                assert!(
                    g.match_indices('%').all(|(i, _)| g.len() >= i + 3),
                    "a bare % in {g}"
                );
                seen.insert(name);
            }
            None => assert_eq!(g, w, "path {received} against {template}"),
        }
    }
    assert_eq!(
        seen.len(),
        params.len(),
        "every parameter appears in {template}"
    );
}

/// Names of the parameters an operation declares `in` a place.
fn parameter_names(op: &Operation, place: &str) -> BTreeSet<String> {
    op.op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == place)
        .map(|p| p["name"].as_str().expect("parameter name").to_string())
        .collect()
}

/// The members of a resolved schema's `allOf`, each resolved; the schema itself when it
/// has none.
fn all_of_members<'a>(doc: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    match schema["allOf"].as_array() {
        Some(members) => members.iter().map(|m| resolve(doc, m)).collect(),
        None => vec![schema],
    }
}

/// JSON pointers of every property a request must not send: readOnly properties, and
/// every property below a readOnly object (`status`, ObjectMeta), of `schema`.
fn read_only_pointers(
    doc: &Value,
    schema: &Value,
    at: &str,
    inherited: bool,
    out: &mut BTreeSet<String>,
) {
    let schema = resolve(doc, schema);
    let read_only = inherited || schema["readOnly"] == json!(true);
    if read_only && !at.is_empty() {
        out.insert(at.to_string());
    }
    for member in all_of_members(doc, schema) {
        for (name, p) in member["properties"].as_object().into_iter().flatten() {
            let here = format!("{at}/{}", token(name));
            read_only_pointers(
                doc,
                p,
                &here,
                read_only || member["readOnly"] == json!(true),
                out,
            );
        }
    }
}

/// JSON pointers of every property a request body's schema requires (through `allOf`
/// overlays).
fn required_pointers(doc: &Value, schema: &Value, at: &str, out: &mut BTreeSet<String>) {
    for member in all_of_members(doc, resolve(doc, schema)) {
        for name in member["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            out.insert(format!("{at}/{}", token(name)));
        }
        for (name, p) in member["properties"].as_object().into_iter().flatten() {
            required_pointers(doc, p, &format!("{at}/{}", token(name)), out);
        }
    }
}

/// Checks a request body against the spec: everything the request schema's own
/// overlay requires is there, and no readOnly property is sent unless that overlay
/// requires it.
fn assert_body_follows_spec(doc: &Value, op: &Operation, body: &Value) {
    let schema = &op.op["requestBody"]["content"]["application/json"]["schema"];
    let overlays: Vec<Value> = schema["allOf"]
        .as_array()
        .expect("an allOf body")
        .iter()
        .skip(1)
        .cloned()
        .collect();
    let mut required = BTreeSet::new();
    for overlay in &overlays {
        required_pointers(doc, overlay, "", &mut required);
    }
    assert!(
        !required.is_empty(),
        "the spec's body overlay requires something"
    );
    for p in &required {
        assert!(
            body.pointer(p).is_some(),
            "{} {}: the body lacks required {p}: {body}",
            op.method,
            op.path
        );
    }
    let mut read_only = BTreeSet::new();
    read_only_pointers(doc, &schema["allOf"][0], "", false, &mut read_only);
    assert!(
        read_only.contains("/status") && read_only.contains("/metadata/self"),
        "{read_only:?}"
    );
    for p in read_only.iter().filter(|p| !required.contains(*p)) {
        // A readOnly object the request requires (metadata in PUT) may carry only what
        // is required inside it.
        if required.iter().any(|r| r.starts_with(&format!("{p}/"))) {
            continue;
        }
        assert!(
            body.pointer(p).is_none(),
            "{} {}: the body sends readOnly {p}: {body}",
            op.method,
            op.path
        );
    }
}

const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
/// Names with every character that could escape a path segment.
const ENV: &str = "env 1/?#%";
const NAME: &str = "my conn/ä?x#y%z";

fn org() -> uuid::Uuid {
    ORG.parse().expect("a UUID")
}

/// The path parameters of the environment the tests address.
const THE_ENVIRONMENT: [(&str, &str); 2] = [("organization_id", ORG), ("environment_id", ENV)];
/// The path parameters of the one connection the tests address.
const THE_CONNECTION: [(&str, &str); 3] = [
    ("organization_id", ORG),
    ("environment_id", ENV),
    ("connection_name", NAME),
];

/// The JSON of the secret the tests send.
fn secret_json() -> Value {
    json!({"kind": "PlaintextProvider", "data": "{\"API_KEY\":\"sk-test\"}"})
}

/// The wire form of a secret, built through serde only (the type is the hand-written
/// layer's).
fn secret() -> crate::connections::wire::PlaintextProvider {
    serde_json::from_value(secret_json()).expect("auth_data")
}

fn media_example(doc: &Value, op: &Operation, code: &str) -> Value {
    // The combined form of the spec declares error responses once, under
    // `components/responses`, and refers to them.
    resolve(doc, &op.op["responses"][code])["content"]["application/json"]["example"].clone()
}

/// The spec's example page of connections.
fn list_example(doc: &Value) -> Value {
    doc["components"]["schemas"]["sql.v1.ConnectionList"]["example"].clone()
}

/// The request used the operation's method and its path, with these path parameters.
#[track_caller]
fn assert_sent_to(request: &Request, op: &Operation, params: &[(&str, &str)]) {
    assert_eq!(request.method, op.method);
    assert_path(request.path(), &op.path, params);
}

#[track_caller]
fn assert_no_query_and_no_body(request: &Request) {
    assert!(request.query().is_none());
    assert!(request.body.is_empty());
}

/// The request has no query, its JSON body is `expected`, and that body follows the spec
/// (see [`assert_body_follows_spec`]).
#[track_caller]
fn assert_no_query_and_json_body(doc: &Value, op: &Operation, request: &Request, expected: Value) {
    assert!(request.query().is_none());
    let sent = request.json();
    assert_eq!(sent, expected);
    assert_body_follows_spec(doc, op, &sent);
}

#[test]
fn the_build_table_has_every_operation_of_the_spec() {
    let doc = spec();
    let ops = operations(&doc);
    assert!(!ops.is_empty(), "the spec has operations");
    // The operations driven one by one below are in the spec.
    for driven in [
        "createSqlv1Connection",
        "deleteSqlv1Connection",
        "getSqlv1Connection",
        "listSqlv1Connections",
        "updateSqlv1Connection",
    ] {
        assert!(ops.contains_key(driven), "{driven}");
    }
    let mut table: Vec<(String, String, String)> = OPERATIONS
        .iter()
        .map(|(i, m, p)| (i.to_string(), m.to_string(), p.to_string()))
        .collect();
    table.sort();
    let spec_table: Vec<(String, String, String)> = ops
        .iter()
        .map(|(i, o)| (i.clone(), o.method.clone(), o.path.clone()))
        .collect();
    assert_eq!(table, spec_table);
}

#[tokio::test]
async fn list_sends_the_spec_method_path_and_query() {
    let doc = spec();
    let op = operation(&doc, "listSqlv1Connections");
    let (client, server) = serve_one(Reply::json(200, list_example(&doc))).await;
    let token: ListSqlv1ConnectionsPageToken = "tok/+&= x".try_into().expect("token");
    let list = client
        .list_sqlv1_connections(
            &org(),
            ENV,
            Some(100),
            Some(&token),
            Some(ConnectionType::OpenAi),
        )
        .await
        .expect("the list example is a valid reply");
    let request = server.request().await;

    assert_sent_to(&request, &op, &THE_ENVIRONMENT);
    let query = request.query().expect("a query string");
    assert_eq!(
        query.keys().cloned().collect::<BTreeSet<_>>(),
        parameter_names(&op, "query")
    );
    assert_eq!(query["page_size"], "100");
    assert_eq!(query["page_token"], "tok/+&= x");
    assert_eq!(query["spec.connection_type"], "OPENAI");
    assert!(request.body.is_empty());

    assert_eq!(list.status().as_u16(), 200);
    let list = list.into_inner();
    assert_eq!(list.data.len(), 1);
    assert_eq!(list.data[0].name(), "my-openai-connection");
    assert_eq!(list.metadata.expect("metadata").total_size, Some(2));
}

#[tokio::test]
async fn list_without_options_sends_no_query() {
    let doc = spec();
    let op = operation(&doc, "listSqlv1Connections");
    let (client, server) = serve_one(Reply::json(200, list_example(&doc))).await;
    client
        .list_sqlv1_connections(&org(), "env-123", None, None, None)
        .await
        .expect("list");
    let request = server.request().await;
    assert_sent_to(
        &request,
        &op,
        &[("organization_id", ORG), ("environment_id", "env-123")],
    );
    assert!(
        request.query().is_none_or(|q| q.is_empty()),
        "no query expected: {}",
        request.target
    );
}

#[tokio::test]
async fn create_sends_the_spec_method_path_and_body() {
    let doc = spec();
    let op = operation(&doc, "createSqlv1Connection");
    let get = operation(&doc, "getSqlv1Connection");
    let (client, server) = serve_one(Reply::json(201, media_example(&doc, &get, "200"))).await;
    let body = CreateSqlv1ConnectionBody {
        name: "my-openai-connection".try_into().expect("name"),
        spec: CreateSqlv1ConnectionBodySpec {
            auth_data: secret(),
            connection_type: "OPENAI".into(),
            endpoint: "https://api.openai.com/v1/chat/completions"
                .try_into()
                .expect("endpoint"),
            unknown_fields: Default::default(),
        },
        unknown_fields: Default::default(),
    };
    let created = client
        .create_sqlv1_connection(&org(), ENV, &body)
        .await
        .expect("create");
    let request = server.request().await;

    assert_sent_to(&request, &op, &THE_ENVIRONMENT);
    assert_no_query_and_json_body(
        &doc,
        &op,
        &request,
        json!({
            "name": "my-openai-connection",
            "spec": {
                "connection_type": "OPENAI",
                "endpoint": "https://api.openai.com/v1/chat/completions",
                "auth_data": secret_json()
            }
        }),
    );

    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.headers()["x-request-id"], "req-1");
    assert_eq!(
        created.into_inner().name.as_deref(),
        Some("my-openai-connection")
    );
}

#[tokio::test]
async fn get_sends_the_spec_method_and_escaped_path() {
    let doc = spec();
    let op = operation(&doc, "getSqlv1Connection");
    let (client, server) = serve_one(Reply::json(200, media_example(&doc, &op, "200"))).await;
    let got = client
        .get_sqlv1_connection(&org(), ENV, NAME)
        .await
        .expect("get");
    let request = server.request().await;

    assert_sent_to(&request, &op, &THE_CONNECTION);
    assert_no_query_and_no_body(&request);
    let got = got.into_inner();
    assert_eq!(
        got.status.expect("status").phase,
        Some(ConnectionPhase::Active)
    );
    assert_eq!(
        got.metadata.expect("metadata").resource_version(),
        Some("a23av")
    );
}

#[tokio::test]
async fn update_sends_the_spec_method_path_and_body() {
    let doc = spec();
    let op = operation(&doc, "updateSqlv1Connection");
    let (client, server) = serve_one(Reply::empty(200)).await;
    let body = UpdateSqlv1ConnectionBody {
        metadata: UpdateSqlv1ConnectionBodyMetadata {
            resource_version: "a23av".into(),
            unknown_fields: Default::default(),
        },
        name: "my-openai-connection".try_into().expect("name"),
        spec: UpdateSqlv1ConnectionBodySpec {
            auth_data: secret(),
            connection_type: None,
            endpoint: None,
            unknown_fields: Default::default(),
        },
        unknown_fields: Default::default(),
    };
    let updated = client
        .update_sqlv1_connection(&org(), ENV, NAME, &body)
        .await
        .expect("update");
    let request = server.request().await;

    assert_sent_to(&request, &op, &THE_CONNECTION);
    assert_no_query_and_json_body(
        &doc,
        &op,
        &request,
        json!({
            "name": "my-openai-connection",
            "metadata": {"resource_version": "a23av"},
            "spec": {"auth_data": secret_json()}
        }),
    );
    assert_eq!(updated.status().as_u16(), 200);
}

#[tokio::test]
async fn delete_sends_the_spec_method_and_path() {
    let doc = spec();
    let op = operation(&doc, "deleteSqlv1Connection");
    let (client, server) = serve_one(Reply::empty(200)).await;
    let deleted = client
        .delete_sqlv1_connection(&org(), ENV, NAME)
        .await
        .expect("delete");
    let request = server.request().await;

    assert_sent_to(&request, &op, &THE_CONNECTION);
    assert_no_query_and_no_body(&request);
    assert_eq!(deleted.status().as_u16(), 200);
}

#[tokio::test]
async fn a_documented_error_arrives_as_its_failure_body() {
    let doc = spec();
    let op = operation(&doc, "getSqlv1Connection");
    let err =
        get_the_connection_failing(Reply::json(404, media_example(&doc, &op, "404")), "a 404")
            .await;
    match err {
        Error::ErrorResponse(rv) => {
            assert_eq!(rv.status().as_u16(), 404);
            assert_eq!(rv.into_inner().errors[0].status.as_deref(), Some("404"));
        }
        other => panic!("expected the Failure body, got {other}"),
    }
}

#[tokio::test]
async fn a_bodiless_429_arrives_with_its_status_and_headers() {
    let doc = spec();
    let op = operation(&doc, "getSqlv1Connection");
    // The spec declares the 429 with headers and no body (in the combined form, once
    // under `components/responses`, where the extraction script adds the headers).
    let declared = resolve(&doc, &op.op["responses"]["429"]);
    assert!(declared.get("content").is_none() && declared["headers"].get("Retry-After").is_some());
    let mut reply = Reply::empty(429);
    reply.headers.push(("Retry-After", "7".into()));
    reply.headers.push(("X-RateLimit-Reset", "7".into()));
    let err = get_the_connection_failing(reply, "a 429").await;
    match err {
        Error::UnexpectedResponse(response) => {
            assert_eq!(response.status().as_u16(), 429);
            assert_eq!(response.headers()["retry-after"], "7");
            assert_eq!(response.headers()["x-request-id"], "req-1");
        }
        other => panic!("expected the raw 429, got {other}"),
    }
}

/// Gets [`THE_CONNECTION`] from a server that answers `reply`; the call must fail
/// (`expected` names the failure), after the request reached the server.
async fn get_the_connection_failing(reply: Reply, expected: &str) -> Error<Failure> {
    let (client, server) = serve_one(reply).await;
    let err = client
        .get_sqlv1_connection(&org(), ENV, NAME)
        .await
        .map(|_| ())
        .expect_err(expected);
    server.request().await;
    err
}

#[test]
fn the_test_helpers_decode_and_collect_as_they_claim() {
    assert_eq!(percent_decode("a%2Fb%20c%C3%A4%", false), "a/b cä%");
    assert_eq!(form_decode("a+b%2B"), "a b+");
    let doc = json!({"components": {"schemas": {"M": {"type": "object", "readOnly": true, "properties": {"self": {"type": "string"}}}}}});
    let mut ro = BTreeSet::new();
    read_only_pointers(
        &doc,
        &json!({"properties": {"metadata": {"$ref": "#/components/schemas/M"}, "k": {"readOnly": true}, "n": {}}}),
        "",
        false,
        &mut ro,
    );
    assert_eq!(
        ro,
        ["/k", "/metadata", "/metadata/self"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}

/// The transport the generated client holds, with retries off so that each test
/// sees exactly the requests it makes.
fn no_retries() -> crate::transport::Transport {
    crate::transport::Transport {
        policy: crate::retry::RetryPolicy::none(),
        total_timeout: None,
        request_timeout: std::time::Duration::from_secs(30),
        base: Default::default(),
    }
}

/// Every value the spec lists for an enum is a named variant of its generated type,
/// and `KNOWN` lists exactly those (the spec decides which values exist; the build's
/// table of readable names only names them).
#[test]
fn every_value_the_spec_lists_is_a_named_variant() {
    let doc = spec();
    let listed = |pointer: &str| -> BTreeSet<String> {
        let schema = doc.pointer(pointer).unwrap_or_else(|| panic!("{pointer}"));
        let values = schema
            .get("x-extensible-enum")
            .or_else(|| schema.get("enum"))
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("{pointer} has no values"));
        values
            .iter()
            .map(|v| v.as_str().expect("a string value").to_string())
            .collect()
    };
    let mut types = listed("/components/schemas/sql.v1.ConnectionSpec/properties/connection_type");
    assert!(!types.is_empty());
    // The list's filter by `spec.connection_type` has the property's type: the values
    // either lists are its variants (a version of the spec lists COUCHBASE in the
    // filter only).
    let list = doc
        .pointer("/paths")
        .and_then(Value::as_object)
        .and_then(|paths| {
            paths
                .iter()
                .find(|(path, _)| path.ends_with("/connections"))
        })
        .map(|(path, _)| format!("/paths/{}/get/parameters", path.replace('/', "~1")))
        .expect("the list operation");
    let filter = doc
        .pointer(&list)
        .and_then(Value::as_array)
        .and_then(|ps| ps.iter().position(|p| p["name"] == "spec.connection_type"))
        .expect("the list's spec.connection_type filter");
    types.extend(listed(&format!("{list}/{filter}/schema")));
    for value in &types {
        let t = ConnectionType::parse(value);
        assert!(
            !matches!(t, ConnectionType::Other(_)),
            "{value} has no variant"
        );
        assert_eq!(t.as_str(), value);
    }
    let known: BTreeSet<String> = ConnectionType::KNOWN
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
    assert_eq!(known, types);

    // Phase: the spec's values, and its example (build fix enum_values_from_examples).
    let phase = "/components/schemas/sql.v1.ConnectionStatus/properties/phase";
    let mut phases = listed(phase);
    phases.insert(
        doc.pointer(&format!("{phase}/example"))
            .unwrap()
            .as_str()
            .unwrap()
            .into(),
    );
    let known: BTreeSet<String> = ConnectionPhase::KNOWN
        .iter()
        .map(|p| p.as_str().to_string())
        .collect();
    assert_eq!(known, phases);
}
