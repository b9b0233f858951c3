//! The limits the spec sets on what a client sends, as constants of the generated code.
//!
//! [`module`] reads the normalised document and writes `pub mod limits`: for every
//! place a request carries a value (each parameter of each operation, and every
//! property of each request body, at every depth), one constant per limit keyword that
//! applies to the place's type:
//!
//! | type | constants |
//! |---|---|
//! | string | `<PLACE>_MAX_LENGTH`, `<PLACE>_MIN_LENGTH`: `Option<usize>`; `<PLACE>_PATTERN`: `Option<&str>` |
//! | integer | `<PLACE>_MAXIMUM`, `<PLACE>_MINIMUM`: `Option<i64>` (inclusive) |
//! | number | `<PLACE>_MAXIMUM`, `<PLACE>_MINIMUM`: `Option<f64>` (inclusive) |
//! | array | `<PLACE>_MAX_ITEMS`, `<PLACE>_MIN_ITEMS`: `Option<usize>` |
//!
//! `None` where the spec sets no such limit: a constant exists as long as its place
//! does, so a spec without a limit still builds, and the check that reads the
//! constant does nothing. `<PLACE>` is the place in SCREAMING_SNAKE_CASE, built the way
//! progenitor names the types of those places: the operationId and the parameter
//! (`listSqlv1Connections` `page_size`: `LIST_SQLV1_CONNECTIONS_PAGE_SIZE`), the
//! operationId, `body` and the property path (`CREATE_SQLV1_CONNECTION_BODY_NAME`),
//! or, behind a `$ref`, the component's name and the property path. An array's
//! items add `ITEMS`. Nothing here names a parameter or a property of the API.
//!
//! This file is compiled by `build.rs` and by `tests/build_code.rs`, which runs the
//! unit tests at the bottom.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde_json::Value;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// How deep `$ref`s and nested properties are followed (a guard against cycles the
/// `seen` set does not catch, such as an inline schema that contains itself).
const MAX_DEPTH: usize = 32;

/// One place a request carries a value, and its schema.
struct Place {
    /// The words of the place (`["listSqlv1Connections", "page_size"]`).
    words: Vec<String>,
    /// Where it is, for the documentation (`` `page_size`, the query parameter of `listSqlv1Connections` ``).
    what: String,
    schema: Value,
}

/// `pub mod limits { .. }`: the constants of every place of `doc` (normalised).
pub fn module(doc: &Value) -> String {
    let mut out = String::from(
        "\n/// The limits the spec sets on what a client sends: for every parameter of every\n\
         /// operation and every property of every request body, its `maxLength`,\n\
         /// `minLength` and `pattern` (strings), `maximum` and `minimum` (numbers,\n\
         /// inclusive) or `maxItems` and `minItems` (arrays); `None` where the spec sets\n\
         /// none. Generated from the spec at build time (`build/limits.rs`).\n\
         pub mod limits {\n",
    );
    let mut used = BTreeSet::new();
    for place in places(doc) {
        let base = unique(&mut used, &screaming(&place.words));
        write_constants(&mut out, &base, &place);
    }
    out.push_str("}\n");
    out
}

/// The schema of every string place of `doc` (normalised), by the name [`type_key`]
/// gives the type progenitor generates for it: a constrained string's newtype
/// (`CreateSqlv1ConnectionBodyName`) shows its place's limits in its JSON Schema.
pub fn string_places(doc: &Value) -> BTreeMap<String, Value> {
    let mut used = BTreeSet::new();
    let mut strings = BTreeMap::new();
    for place in places(doc) {
        // Named as `module` names the place's constants, `_2`... included.
        let name = unique(&mut used, &screaming(&place.words));
        if kind(&place.schema) == Some("string") {
            strings.insert(name, place.schema);
        }
    }
    strings
}

/// A generated type's name as [`string_places`] keys it (`CREATE_SQLV1_CONNECTION_BODY_NAME`).
pub fn type_key(type_name: &str) -> String {
    screaming(&[type_name.to_string()])
}

/// Every place of `doc`, in document order.
fn places(doc: &Value) -> Vec<Place> {
    let mut places = Vec::new();
    let mut components_seen = BTreeSet::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return places;
    };
    for item in paths.values().filter_map(Value::as_object) {
        let shared = item.get("parameters").and_then(Value::as_array);
        for (method, op) in item.iter().filter(|(k, _)| METHODS.contains(&k.as_str())) {
            let Some(op) = op.as_object() else { continue };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| method.clone());
            // An operation's own parameter replaces the path item's of the same name
            // and location.
            let own: Vec<Value> = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| resolve(doc, p).cloned())
                .collect();
            let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
            let inherited: Vec<Value> = shared
                .into_iter()
                .flatten()
                .filter_map(|p| resolve(doc, p).cloned())
                .filter(|p| !own.iter().any(|o| key(o) == key(p)))
                .collect();
            for param in inherited.iter().chain(&own) {
                let (Some(name), Some(schema)) = (
                    param.get("name").and_then(Value::as_str),
                    param.get("schema"),
                ) else {
                    continue;
                };
                let location = param.get("in").and_then(Value::as_str).unwrap_or("");
                walk(
                    doc,
                    vec![id.clone(), name.to_string()],
                    format!("`{name}`, the {location} parameter of `{id}`"),
                    schema,
                    &mut components_seen,
                    &mut places,
                    0,
                );
            }
            let bodies = op
                .get("requestBody")
                .and_then(|b| resolve(doc, b))
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|c| c.values())
                .filter_map(|media| media.get("schema"));
            // Every media type of one body is the same place.
            if let Some(schema) = bodies.into_iter().next() {
                walk(
                    doc,
                    vec![id.clone(), "body".into()],
                    format!("the request body of `{id}`"),
                    schema,
                    &mut components_seen,
                    &mut places,
                    0,
                );
            }
        }
    }
    places
}

/// Adds the place `words` (and, for objects and arrays, the places inside it).
fn walk(
    doc: &Value,
    words: Vec<String>,
    what: String,
    schema: &Value,
    seen: &mut BTreeSet<String>,
    places: &mut Vec<Place>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        // A component is its own place, named after it, listed once.
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            return;
        };
        if !seen.insert(name.to_string()) {
            return;
        }
        if let Some(target) = resolve(doc, schema) {
            walk(
                doc,
                vec![name.to_string()],
                format!("the schema `{name}`"),
                target,
                seen,
                places,
                depth + 1,
            );
        }
        return;
    }
    // An `allOf` is one place made of its members, and so is a `oneOf`/`anyOf` of
    // one schema (besides `null`); more alternatives have no single limit.
    for keyword in ["allOf", "oneOf", "anyOf"] {
        let members: Vec<&Value> = schema
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|m| m.get("type").and_then(Value::as_str) != Some("null"))
            .collect();
        if keyword == "allOf" || members.len() == 1 {
            for member in members {
                walk(
                    doc,
                    words.clone(),
                    what.clone(),
                    member,
                    seen,
                    places,
                    depth + 1,
                );
            }
        }
    }
    match kind(schema) {
        Some("object") | None => {
            for (name, property) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let mut inner = words.clone();
                inner.push(name.clone());
                walk(
                    doc,
                    inner,
                    format!("`{name}` in {what}"),
                    property,
                    seen,
                    places,
                    depth + 1,
                );
            }
        }
        Some("array") => {
            places.push(Place {
                words: words.clone(),
                what: what.clone(),
                schema: schema.clone(),
            });
            if let Some(items) = schema.get("items") {
                let mut inner = words;
                inner.push("items".into());
                walk(
                    doc,
                    inner,
                    format!("an item of {what}"),
                    items,
                    seen,
                    places,
                    depth + 1,
                );
            }
        }
        Some(_) => places.push(Place {
            words,
            what,
            schema: schema.clone(),
        }),
    }
}

/// The schema's type: its `type`, or the one its limit keywords imply.
fn kind(schema: &Value) -> Option<&str> {
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        return Some(t);
    }
    let has = |k: &str| schema.get(k).is_some_and(|v| !v.is_object());
    if has("maxLength") || has("minLength") || has("pattern") {
        Some("string")
    } else if has("maximum") || has("minimum") {
        Some("number")
    } else if has("maxItems") || has("minItems") {
        Some("array")
    } else {
        None
    }
}

/// A parameter, request body or schema: itself, or what its local `$ref` names.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> Option<&'a Value> {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.strip_prefix('#')?),
        None => Some(v),
    }
}

fn write_constants(out: &mut String, base: &str, place: &Place) {
    let s = &place.schema;
    let count = |k: &str| {
        s.get(k)
            .and_then(Value::as_u64)
            .map(|n| format!("Some({n})"))
    };
    let exclusive = |k: &str| s.get(k).and_then(Value::as_bool) == Some(true);
    let mut consts: Vec<(&str, &str, String, String)> = Vec::new();
    match kind(s) {
        Some("string") => {
            consts.push((
                "MAX_LENGTH",
                "usize",
                "maxLength".into(),
                count("maxLength").unwrap_or_else(none),
            ));
            consts.push((
                "MIN_LENGTH",
                "usize",
                "minLength".into(),
                count("minLength").unwrap_or_else(none),
            ));
            let pattern = s
                .get("pattern")
                .and_then(Value::as_str)
                .map(|p| format!("Some({p:?})"))
                .unwrap_or_else(none);
            consts.push(("PATTERN", "&str", "pattern".into(), pattern));
        }
        Some("integer") => {
            // An exclusive bound of an integer is the inclusive bound next to it.
            let bound = |k: &str, exclusive_key: &str, step: i64| {
                s.get(k)
                    .and_then(Value::as_i64)
                    .map(|n| {
                        if exclusive(exclusive_key) {
                            n.saturating_add(step)
                        } else {
                            n
                        }
                    })
                    .map(|n| format!("Some({n})"))
                    .unwrap_or_else(none)
            };
            consts.push((
                "MAXIMUM",
                "i64",
                "maximum".into(),
                bound("maximum", "exclusiveMaximum", -1),
            ));
            consts.push((
                "MINIMUM",
                "i64",
                "minimum".into(),
                bound("minimum", "exclusiveMinimum", 1),
            ));
        }
        Some("number") => {
            // An exclusive bound of a number has no inclusive one: it is left out.
            let bound = |k: &str, exclusive_key: &str| {
                s.get(k)
                    .and_then(Value::as_f64)
                    .filter(|n| n.is_finite() && !exclusive(exclusive_key))
                    .map(|n| format!("Some({n:?}_f64)"))
                    .unwrap_or_else(none)
            };
            consts.push((
                "MAXIMUM",
                "f64",
                "maximum".into(),
                bound("maximum", "exclusiveMaximum"),
            ));
            consts.push((
                "MINIMUM",
                "f64",
                "minimum".into(),
                bound("minimum", "exclusiveMinimum"),
            ));
        }
        Some("array") => {
            consts.push((
                "MAX_ITEMS",
                "usize",
                "maxItems".into(),
                count("maxItems").unwrap_or_else(none),
            ));
            consts.push((
                "MIN_ITEMS",
                "usize",
                "minItems".into(),
                count("minItems").unwrap_or_else(none),
            ));
        }
        _ => {}
    }
    for (suffix, ty, keyword, value) in consts {
        let _ = writeln!(
            out,
            "    /// `{keyword}` of {} (`None`: the spec sets none).\n    pub const {base}_{suffix}: ::std::option::Option<{ty}> = {value};",
            place.what.replace('\n', " ")
        );
    }
}

fn none() -> String {
    "None".into()
}

/// `words` as one SCREAMING_SNAKE_CASE identifier: each word split at its
/// lower-to-upper case changes and at every character that is not a letter or digit.
pub fn screaming(words: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for word in words {
        let mut current = String::new();
        let mut previous_lower = false;
        for c in word.chars() {
            if !c.is_ascii_alphanumeric() {
                if !current.is_empty() {
                    parts.push(std::mem::take(&mut current));
                }
                previous_lower = false;
                continue;
            }
            if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            current.push(c.to_ascii_uppercase());
        }
        if !current.is_empty() {
            parts.push(current);
        }
    }
    let name = parts.join("_");
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        _ => format!("_{name}"),
    }
}

/// `base`, or `base_2`, `base_3`, ... when another place already has that name.
fn unique(used: &mut BTreeSet<String>, base: &str) -> String {
    let mut name = base.to_string();
    let mut n = 1;
    while !used.insert(name.clone()) {
        n += 1;
        name = format!("{base}_{n}");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {"/things": {
                "parameters": [{"name": "org", "in": "path", "schema": {"type": "string", "format": "uuid"}}],
                "get": {"operationId": "listThings", "parameters": [
                    {"name": "page_size", "in": "query", "schema": {"type": "integer", "maximum": 100, "default": 10}},
                    {"name": "page_token", "in": "query", "schema": {"type": "string", "maxLength": 255}},
                    {"$ref": "#/components/parameters/Ratio"}
                ]},
                "post": {"operationId": "createThing", "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "maxLength": 100, "pattern": "^[a-z]+$"},
                        "spec": {"type": "object", "properties": {
                            "endpoint": {"type": "string", "maxLength": 16384},
                            "tags": {"type": "array", "maxItems": 5, "items": {"type": "string", "minLength": 1}},
                            "auth": {"oneOf": [{"$ref": "#/components/schemas/Provider"}]},
                            "either": {"oneOf": [{"type": "string", "maxLength": 1}, {"type": "integer"}]}
                        }}
                    }
                }}}}}
            }},
            "components": {
                "parameters": {"Ratio": {"name": "ratio", "in": "query", "schema": {
                    "type": "number", "minimum": 0.5, "maximum": 1, "exclusiveMaximum": true}}},
                "schemas": {"Provider": {"type": "object", "properties": {
                    "retries": {"type": "integer", "minimum": 0, "exclusiveMinimum": true}
                }}}
            }
        })
    }

    /// The `name: type = value` of every constant of `code`.
    fn constants(code: &str) -> Vec<String> {
        code.lines()
            .filter_map(|l| l.trim().strip_prefix("pub const "))
            .map(|l| {
                l.trim_end_matches(';')
                    .replace("::std::option::Option", "Option")
            })
            .collect()
    }

    #[test]
    fn every_place_a_request_carries_a_value_has_its_limits_or_none() {
        let code = module(&doc());
        let got = constants(&code);
        let want = [
            "LIST_THINGS_ORG_MAX_LENGTH: Option<usize> = None",
            "LIST_THINGS_ORG_MIN_LENGTH: Option<usize> = None",
            "LIST_THINGS_ORG_PATTERN: Option<&str> = None",
            "LIST_THINGS_PAGE_SIZE_MAXIMUM: Option<i64> = Some(100)",
            "LIST_THINGS_PAGE_SIZE_MINIMUM: Option<i64> = None",
            "LIST_THINGS_PAGE_TOKEN_MAX_LENGTH: Option<usize> = Some(255)",
            "LIST_THINGS_PAGE_TOKEN_MIN_LENGTH: Option<usize> = None",
            "LIST_THINGS_PAGE_TOKEN_PATTERN: Option<&str> = None",
            // An exclusive number bound has no inclusive form.
            "LIST_THINGS_RATIO_MAXIMUM: Option<f64> = None",
            "LIST_THINGS_RATIO_MINIMUM: Option<f64> = Some(0.5_f64)",
            "CREATE_THING_ORG_MAX_LENGTH: Option<usize> = None",
            "CREATE_THING_ORG_MIN_LENGTH: Option<usize> = None",
            "CREATE_THING_ORG_PATTERN: Option<&str> = None",
            "CREATE_THING_BODY_NAME_MAX_LENGTH: Option<usize> = Some(100)",
            "CREATE_THING_BODY_NAME_MIN_LENGTH: Option<usize> = None",
            "CREATE_THING_BODY_NAME_PATTERN: Option<&str> = Some(\"^[a-z]+$\")",
            // (Properties in the order the document holds them: `auth` first.) Behind a
            // one-member `oneOf` of a `$ref`: the component's place; an exclusive integer
            // bound is the next integer. `either` has two alternatives: no place.
            "PROVIDER_RETRIES_MAXIMUM: Option<i64> = None",
            "PROVIDER_RETRIES_MINIMUM: Option<i64> = Some(1)",
            "CREATE_THING_BODY_SPEC_ENDPOINT_MAX_LENGTH: Option<usize> = Some(16384)",
            "CREATE_THING_BODY_SPEC_ENDPOINT_MIN_LENGTH: Option<usize> = None",
            "CREATE_THING_BODY_SPEC_ENDPOINT_PATTERN: Option<&str> = None",
            "CREATE_THING_BODY_SPEC_TAGS_MAX_ITEMS: Option<usize> = Some(5)",
            "CREATE_THING_BODY_SPEC_TAGS_MIN_ITEMS: Option<usize> = None",
            "CREATE_THING_BODY_SPEC_TAGS_ITEMS_MAX_LENGTH: Option<usize> = None",
            "CREATE_THING_BODY_SPEC_TAGS_ITEMS_MIN_LENGTH: Option<usize> = Some(1)",
            "CREATE_THING_BODY_SPEC_TAGS_ITEMS_PATTERN: Option<&str> = None",
        ];
        assert_eq!(got, want, "{code}");
        assert!(
            code.contains("/// `maxLength` of `endpoint` in `spec` in the request body of `createThing` (`None`: the spec sets none)."),
            "{code}"
        );
        assert!(
            code.contains("/// `maximum` of `page_size`, the query parameter of `listThings`"),
            "{code}"
        );
        assert!(code.trim_start().starts_with("///") && code.contains("pub mod limits {"));
    }

    #[test]
    fn a_changed_or_removed_limit_changes_only_its_constant() {
        let mut doc = doc();
        doc["paths"]["/things"]["get"]["parameters"][0]["schema"]["maximum"] = json!(50);
        let props = &mut doc["paths"]["/things"]["post"]["requestBody"]["content"]
            ["application/json"]["schema"]["properties"];
        props["name"].as_object_mut().unwrap().remove("pattern");
        props["name"].as_object_mut().unwrap().remove("maxLength");
        let got = constants(&module(&doc));
        assert!(got.contains(&"LIST_THINGS_PAGE_SIZE_MAXIMUM: Option<i64> = Some(50)".to_string()));
        // Still there, as `None`: the code that reads them still builds.
        assert!(
            got.contains(&"CREATE_THING_BODY_NAME_MAX_LENGTH: Option<usize> = None".to_string())
        );
        assert!(got.contains(&"CREATE_THING_BODY_NAME_PATTERN: Option<&str> = None".to_string()));
        assert_eq!(got.len(), constants(&module(&super::tests::doc())).len());
    }

    #[test]
    fn names_follow_the_place_and_never_clash() {
        assert_eq!(
            screaming(&["listSqlv1Connections".into(), "spec.connection_type".into()]),
            "LIST_SQLV1_CONNECTIONS_SPEC_CONNECTION_TYPE"
        );
        assert_eq!(
            screaming(&["PlaintextProvider".into(), "self".into()]),
            "PLAINTEXT_PROVIDER_SELF"
        );
        assert_eq!(screaming(&["1st".into()]), "_1ST");
        let mut used = BTreeSet::new();
        assert_eq!(unique(&mut used, "A_B"), "A_B");
        assert_eq!(unique(&mut used, "A_B"), "A_B_2");
        // Two parameters whose names differ only in punctuation.
        let doc = json!({"paths": {"/x": {"get": {"operationId": "op", "parameters": [
            {"name": "a.b", "in": "query", "schema": {"type": "integer", "maximum": 1}},
            {"name": "a_b", "in": "query", "schema": {"type": "integer", "maximum": 2}}
        ]}}}});
        let got = constants(&module(&doc));
        assert!(
            got.contains(&"OP_A_B_MAXIMUM: Option<i64> = Some(1)".to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(&"OP_A_B_2_MAXIMUM: Option<i64> = Some(2)".to_string()),
            "{got:?}"
        );
    }

    #[test]
    fn a_document_without_paths_gives_an_empty_module_and_cycles_end() {
        assert!(constants(&module(&json!({}))).is_empty());
        let doc = json!({
            "paths": {"/x": {"post": {"operationId": "op", "requestBody": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Node"}}}}}}},
            "components": {"schemas": {"Node": {"type": "object", "properties": {
                "label": {"type": "string", "maxLength": 3},
                "child": {"$ref": "#/components/schemas/Node"}
            }}}}
        });
        assert_eq!(
            constants(&module(&doc)),
            [
                "NODE_LABEL_MAX_LENGTH: Option<usize> = Some(3)",
                "NODE_LABEL_MIN_LENGTH: Option<usize> = None",
                "NODE_LABEL_PATTERN: Option<&str> = None"
            ]
        );
    }
}
