//! The fixes the spec needs before progenitor can turn it into a good client.
//!
//! Each fix is one small named function over the document as JSON
//! (`serde_json::Value`), returns how many places it changed, and is listed with its
//! reason in `openapi/README.md`. [`normalize`] runs them in order. The functions know
//! OpenAPI, not Connections: the only domain knowledge is [`CLASHING_SCHEMA_NAMES`].
//!
//! This file is compiled twice: by `build.rs`, and by `tests/build_code.rs`, which runs
//! the unit tests at the bottom.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// Schema names that clash with names progenitor's generated code already uses
/// (`Error` is re-exported from `progenitor_client`), and what they become.
pub const CLASHING_SCHEMA_NAMES: &[(&str, &str)] = &[("Error", "ErrorDetail")];

/// Set on a component schema this normalisation renames: the name the spec gives it
/// (the tests find the generated type of each published schema by it).
pub const PUBLISHED_NAME: &str = "x-published-name";

/// Marks a request-body property that the request itself requires, so that
/// [`strip_read_only_from_request_bodies`] keeps it even when the shared schema says
/// `readOnly` (the PUT requires `metadata.resource_version`).
pub const REQUIRED_BY_REQUEST: &str = "x-required-by-request";

/// Set on an operation whose request body the spec gives in a JSON media type other
/// than `application/json` (`application/json-patch+json`): the media type the body
/// is sent with ([`send_json_suffix_bodies_as_json`]).
pub const SENT_MEDIA_TYPE: &str = "x-sent-media-type";

/// One fix applied to the document: its name and how many places it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The function's name.
    pub name: &'static str,
    /// Places in the document it changed.
    pub changes: usize,
}

type Fix = fn(&mut Value) -> Result<usize, String>;

/// Every fix, in the order [`normalize`] applies them.
pub const FIXES: &[(&str, Fix)] = &[
    (
        "stringify_discriminator_mappings",
        stringify_discriminator_mappings,
    ),
    ("lift_titled_schemas", lift_titled_schemas),
    (
        "drop_version_from_schema_names",
        drop_version_from_schema_names,
    ),
    ("inline_allof_parts", inline_allof_parts),
    (
        "declare_overlay_only_properties",
        declare_overlay_only_properties,
    ),
    (
        "drop_example_only_allof_members",
        drop_example_only_allof_members,
    ),
    (
        "name_shared_metadata_by_owner",
        name_shared_metadata_by_owner,
    ),
    ("inline_request_bodies", inline_request_bodies),
    (
        "strip_read_only_from_request_bodies",
        strip_read_only_from_request_bodies,
    ),
    (
        "answers_require_what_they_promise",
        answers_require_what_they_promise,
    ),
    (
        "collapse_required_only_overlays",
        collapse_required_only_overlays,
    ),
    ("enums_from_extensible_enums", enums_from_extensible_enums),
    ("enum_values_from_examples", enum_values_from_examples),
    ("name_enums_by_place", name_enums_by_place),
    ("inline_response_refs", inline_response_refs),
    (
        "drop_bodiless_error_responses",
        drop_bodiless_error_responses,
    ),
    ("rename_clashing_schemas", rename_clashing_schemas),
    ("keep_arrays_ordered", keep_arrays_ordered),
    ("keep_unknown_properties", keep_unknown_properties),
    ("trust_response_string_values", trust_response_string_values),
    ("anchor_patterns", anchor_patterns),
    (
        "send_json_suffix_bodies_as_json",
        send_json_suffix_bodies_as_json,
    ),
];

/// Applies every fix in [`FIXES`] and reports what each one changed.
pub fn normalize(doc: &mut Value) -> Result<Vec<Applied>, String> {
    FIXES
        .iter()
        .map(|(name, fix)| {
            fix(doc)
                .map(|changes| Applied { name, changes })
                .map_err(|e| format!("{name}: {e}"))
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// Walking the document
// ---------------------------------------------------------------------------------

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// Calls `f` on every value of the tree, parents before children.
fn walk_mut(v: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    f(v);
    match v {
        Value::Object(m) => m.values_mut().for_each(|c| walk_mut(c, f)),
        Value::Array(a) => a.iter_mut().for_each(|c| walk_mut(c, f)),
        _ => {}
    }
}

/// Calls `f` on every value of the tree, parents before children.
fn walk(v: &Value, f: &mut dyn FnMut(&Value)) {
    f(v);
    match v {
        Value::Object(m) => m.values().for_each(|c| walk(c, f)),
        Value::Array(a) => a.iter().for_each(|c| walk(c, f)),
        _ => {}
    }
}

/// The component schemas `roots` refer to, transitively (every string that is a
/// `#/components/schemas/...` reference counts, so discriminator mappings do too).
fn reachable_components(doc: &Value, roots: Vec<&Value>) -> BTreeSet<String> {
    const SCHEMAS: &str = "#/components/schemas/";
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::String(s) => out.extend(s.strip_prefix(SCHEMAS)),
            Value::Object(m) => m.values().for_each(|c| refs(c, out)),
            Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut pending = Vec::new();
    roots.into_iter().for_each(|r| refs(r, &mut pending));
    while let Some(name) = pending.pop() {
        if seen.insert(name.to_string()) {
            let pointer = format!(
                "/components/schemas/{}",
                name.replace('~', "~0").replace('/', "~1")
            );
            if let Some(schema) = doc.pointer(&pointer) {
                refs(schema, &mut pending);
            }
        }
    }
    seen
}

/// Every operation object of the document.
fn operations_mut(doc: &mut Value) -> impl Iterator<Item = &mut Map<String, Value>> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| {
            item.iter_mut()
                .filter(|(k, _)| METHODS.contains(&k.as_str()))
                .filter_map(|(_, op)| op.as_object_mut())
        })
}

/// The JSON schemas of every request body of the document.
fn request_body_schemas(doc: &mut Value) -> Vec<&mut Value> {
    operations_mut(doc)
        .filter_map(|op| op.get_mut("requestBody"))
        .filter_map(|b| b.get_mut("content").and_then(Value::as_object_mut))
        .flat_map(|c| c.values_mut())
        .filter_map(|media| media.get_mut("schema"))
        .collect()
}

/// The document's `components/schemas`, made (empty) when it has none.
fn component_schemas_mut(doc: &mut Value) -> Result<&mut Map<String, Value>, String> {
    doc.as_object_mut()
        .ok_or("the document is not an object")?
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or("components is not an object")?
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| "components/schemas is not an object".to_string())
}

/// Resolves a local `#/components/schemas/Name` reference.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Result<&'a Value, String> {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .ok_or_else(|| format!("only local schema references are supported, not {reference}"))?;
    doc.pointer(&format!(
        "/components/schemas/{}",
        name.replace('~', "~0").replace('/', "~1")
    ))
    .ok_or_else(|| format!("{reference} does not exist"))
}

/// True when `v` carries nothing but documentation (`example`, `description`, `title`).
fn is_documentation_only(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.keys()
            .all(|k| matches!(k.as_str(), "example" | "examples" | "description" | "title"))
    })
}

// ---------------------------------------------------------------------------------
// The fixes
// ---------------------------------------------------------------------------------

/// Schema names carry the API's version (`sql.v1.Connection`), which progenitor turns
/// into `SqlV1Connection`: a name that says nothing a user needs, in a crate that only
/// speaks sql/v1. A component named `<segment>.<segment>.<Name>` (dots before the last
/// part) becomes `<Name>`, with every reference, when that name is free; so does one
/// named with the same prefix written with underscores (`sql_v1_<Name>`, as generators
/// name the schemas they make up).
pub fn drop_version_from_schema_names(doc: &mut Value) -> Result<usize, String> {
    let renames: Vec<(String, String)> = {
        let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return Ok(0);
        };
        let mut taken: BTreeSet<String> = schemas.keys().cloned().collect();
        let mut renames = Vec::new();
        // The prefixes of the dotted names (`sql.v1.`), also in the form generators
        // write them in the names they make up (`sql_v1_StatementStatus_affected_resource`).
        let prefixes: BTreeSet<String> = schemas
            .keys()
            .filter_map(|n| n.rsplit_once('.'))
            .map(|(prefix, _)| format!("{}_", prefix.replace('.', "_")))
            .collect();
        for name in schemas.keys() {
            let short = match name.rsplit_once('.') {
                Some((_, short)) => Some(short),
                None => prefixes.iter().find_map(|p| name.strip_prefix(p.as_str())),
            };
            let Some(short) = short else {
                continue;
            };
            if short.is_empty() || taken.contains(short) {
                continue;
            }
            taken.insert(short.to_string());
            renames.push((name.clone(), short.to_string()));
        }
        renames
    };
    if renames.is_empty() {
        return Ok(0);
    }
    let schemas = component_schemas_mut(doc)?;
    let old: Map<String, Value> = std::mem::take(schemas);
    for (name, mut schema) in old {
        let renamed = renames.iter().find(|(from, _)| *from == name);
        if let (Some(_), Some(obj)) = (renamed, schema.as_object_mut()) {
            obj.insert(PUBLISHED_NAME.into(), Value::String(name.clone()));
        }
        let name = renamed.map_or(name, |(_, to)| to.clone());
        schemas.insert(name, schema);
    }
    let mut changes = renames.len();
    walk_mut(doc, &mut |v| {
        let Some(obj) = v.as_object_mut() else { return };
        let Some(target) = obj.get("$ref").and_then(Value::as_str) else {
            return;
        };
        let Some(name) = target.strip_prefix("#/components/schemas/") else {
            return;
        };
        if let Some((_, to)) = renames.iter().find(|(from, _)| from == name) {
            obj.insert(
                "$ref".into(),
                Value::String(format!("#/components/schemas/{to}")),
            );
            changes += 1;
        }
    });
    // A discriminator mapping names its targets by reference too.
    walk_mut(doc, &mut |v| {
        let Some(mapping) = v.get_mut("mapping").and_then(Value::as_object_mut) else {
            return;
        };
        for target in mapping.values_mut() {
            let Some(name) = target
                .as_str()
                .and_then(|t| t.strip_prefix("#/components/schemas/"))
            else {
                continue;
            };
            if let Some((_, to)) = renames.iter().find(|(from, _)| from == name) {
                *target = Value::String(format!("#/components/schemas/{to}"));
                changes += 1;
            }
        }
    });
    Ok(changes)
}

/// A component schema that is referenced once, as a member of another component's `allOf`
/// (`sql_v1_PhysicalColumn_allOf`, the part a generator split out of
/// `sql.v1.PhysicalColumn`), is put in that place and removed from the components.
/// typify merges an `allOf` of inline parts into the one type; a component part is a
/// type of its own, public, named after no resource, and never used alone.
pub fn inline_allof_parts(doc: &mut Value) -> Result<usize, String> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(0);
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    // Every reference, and those that are `allOf` members, by target.
    let mut all: Vec<String> = Vec::new();
    let mut in_allof: Vec<String> = Vec::new();
    // Only the `allOf` of a component itself: one in an operation's answer is an
    // overlay on the resource (`collapse_required_only_overlays` reads it).
    for schema in schemas.values() {
        let members = schema.get("allOf").and_then(Value::as_array);
        for m in members.into_iter().flatten() {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                in_allof.push(r.to_string());
            }
        }
    }
    let mut count = |v: &Value| {
        if let Some(r) = v.get("$ref").and_then(Value::as_str) {
            all.push(r.to_string());
        }
        // A discriminator mapping refers to its targets too.
        for t in v
            .get("mapping")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.values())
        {
            if let Some(r) = t.as_str() {
                all.push(r.to_string());
            }
        }
    };
    walk(doc, &mut count);
    let parts: Vec<String> = names
        .into_iter()
        .filter(|n| {
            let r = format!("#/components/schemas/{}", pointer_token(n));
            all.iter().filter(|x| **x == r).count() == 1
                && in_allof.iter().filter(|x| **x == r).count() == 1
        })
        .collect();
    if parts.is_empty() {
        return Ok(0);
    }
    let schemas = component_schemas_mut(doc)?;
    // Each part keeps the name the spec gives it, inline (the tests find its
    // examples' type by it).
    let bodies: Vec<(String, Value)> = parts
        .iter()
        .filter_map(|n| {
            let mut body = schemas.remove(n)?;
            if let Some(obj) = body.as_object_mut() {
                obj.entry(PUBLISHED_NAME)
                    .or_insert_with(|| Value::String(n.clone()));
            }
            Some((format!("#/components/schemas/{}", pointer_token(n)), body))
        })
        .collect();
    let mut changes = 0;
    walk_mut(doc, &mut |v| {
        let Some(members) = v.get_mut("allOf").and_then(Value::as_array_mut) else {
            return;
        };
        for m in members.iter_mut() {
            let target = m.get("$ref").and_then(Value::as_str).map(str::to_string);
            if let Some((_, body)) = target.and_then(|t| bodies.iter().find(|(r, _)| *r == t)) {
                *m = body.clone();
                changes += 1;
            }
        }
    });
    Ok(changes)
}

/// A `discriminator.mapping` value must be a schema name or reference (a string). The
/// docs pages inline the target schema there as an object, which openapiv3 cannot read.
/// The object moves to `components/schemas` (named by its `title`, else its key) and the
/// mapping points at it.
pub fn stringify_discriminator_mappings(doc: &mut Value) -> Result<usize, String> {
    let mut moved: Vec<(String, Value)> = Vec::new();
    walk_mut(doc, &mut |v| {
        let Some(mapping) = v
            .get_mut("discriminator")
            .and_then(|d| d.get_mut("mapping"))
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        for (key, target) in mapping.iter_mut() {
            if target.is_object() {
                let name = target
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or(key)
                    .to_string();
                let schema = std::mem::replace(
                    target,
                    Value::String(format!("#/components/schemas/{name}")),
                );
                moved.push((name, schema));
            }
        }
    });
    let changes = moved.len();
    if changes > 0 {
        let schemas = component_schemas_mut(doc)?;
        for (name, schema) in moved {
            schemas.entry(name).or_insert(schema);
        }
    }
    Ok(changes)
}

/// The docs pages inline every schema and name it only by `title` (`ObjectMeta`,
/// `sql.v1.PlaintextProvider`, `Error`). progenitor's `with_replacement` only applies
/// to `components/schemas`, so an inline `sql.v1.PlaintextProvider` would become a plain
/// generated struct instead of the crate's secret-holding type, and each inline copy of
/// a schema becomes its own type. An inline schema with a `title` moves to
/// `components/schemas/<title>` and is replaced by a reference, when that name is free
/// or already holds the same schema; otherwise it stays inline. Nested schemas move
/// first, so equal copies compare equal.
pub fn lift_titled_schemas(doc: &mut Value) -> Result<usize, String> {
    let root = doc.as_object_mut().ok_or("the document is not an object")?;
    let mut schemas = match root
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
    {
        Some(Value::Object(m)) => std::mem::take(m),
        Some(_) => return Err("components/schemas is not an object".into()),
        None => Map::new(),
    };
    let mut changes = 0;
    // The components' nested schemas first, each component itself staying where it is.
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        if let Some(mut schema) = schemas.get(&name).cloned() {
            lift_within(&mut schema, &mut schemas, &mut changes, true);
            schemas.insert(name, schema);
        }
    }
    for (key, v) in root.iter_mut() {
        if key != "info" {
            lift_within(v, &mut schemas, &mut changes, false);
        }
    }
    if !schemas.is_empty() {
        *component_schemas_mut(doc)? = schemas;
    }
    Ok(changes)
}

/// Lifts the titled schemas inside `v` (children first), and `v` itself unless it is a
/// component's root. Values that are data, not schemas (examples, defaults, enums,
/// extensions), are not entered.
fn lift_within(
    v: &mut Value,
    schemas: &mut Map<String, Value>,
    changes: &mut usize,
    is_root: bool,
) {
    match v {
        Value::Object(m) => {
            for (key, child) in m.iter_mut() {
                if key == "properties" {
                    // Property names are free text: "example" may be one.
                    for p in child
                        .as_object_mut()
                        .into_iter()
                        .flat_map(|p| p.values_mut())
                    {
                        lift_within(p, schemas, changes, false);
                    }
                } else if !matches!(key.as_str(), "example" | "examples" | "default" | "enum")
                    && !key.starts_with("x-")
                {
                    lift_within(child, schemas, changes, false);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                lift_within(item, schemas, changes, false);
            }
            return;
        }
        _ => return,
    }
    if is_root {
        return;
    }
    let Some(title) = v.get("title").and_then(Value::as_str).map(str::to_string) else {
        return;
    };
    let is_schema = ["type", "properties", "allOf", "oneOf", "anyOf", "items"]
        .iter()
        .any(|k| v.get(k).is_some());
    if !is_schema {
        return;
    }
    match schemas.get(&title) {
        Some(existing) if existing == v => {}
        Some(_) => return,
        None => {
            schemas.insert(title.clone(), v.clone());
        }
    }
    *v = serde_json::json!({ "$ref": format!("#/components/schemas/{title}") });
    *changes += 1;
}

/// An example-only `allOf` overlay (see [`drop_example_only_allof_members`]) can name a
/// property the base schema does not declare: the docs form's ObjectMeta has no `uid`
/// or `resource_version` (only the overlay's examples do), its ListMeta no `self`.
/// Dropping the overlay would drop those fields, which the service sends and the PUT
/// needs. Each such property is declared on the base schema (the first other member; a
/// referenced component is extended), typed by its example's JSON type, with its
/// description and example. Properties whose example is not a scalar are left alone.
pub fn declare_overlay_only_properties(doc: &mut Value) -> Result<usize, String> {
    fn json_type(example: &Value) -> Option<&'static str> {
        match example {
            Value::String(_) => Some("string"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            Value::Bool(_) => Some("boolean"),
            _ => None,
        }
    }
    fn plan_for(doc: &Value, at: &str, v: &Value, plan: &mut Vec<(String, String, Value)>) {
        if let Some(members) = v.get("allOf").and_then(Value::as_array) {
            let base = members.iter().position(|m| !is_example_only_overlay(m));
            if let Some(base) = base {
                let target = match members[base].get("$ref").and_then(Value::as_str) {
                    Some(r) => match (resolve(doc, r), r.strip_prefix('#')) {
                        (Ok(_), Some(pointer)) => Some(pointer.to_string()),
                        _ => None,
                    },
                    None => Some(format!("{at}/allOf/{base}")),
                };
                let declared: Vec<&String> = members
                    .iter()
                    .filter(|m| !is_example_only_overlay(m))
                    .filter_map(|m| match m.get("$ref").and_then(Value::as_str) {
                        Some(r) => resolve(doc, r).ok(),
                        None => Some(m),
                    })
                    .filter_map(|m| m.get("properties").and_then(Value::as_object))
                    .flat_map(|p| p.keys())
                    .collect();
                let overlays = members.iter().filter(|m| is_example_only_overlay(m));
                let properties = overlays
                    .filter_map(|m| m.get("properties").and_then(Value::as_object))
                    .flat_map(|p| p.iter());
                for (name, p) in properties {
                    let ty = p.get("example").and_then(json_type);
                    if let (Some(target), Some(ty), false) = (&target, ty, declared.contains(&name))
                    {
                        let mut declaration = p.as_object().cloned().unwrap_or_default();
                        declaration.insert("type".into(), Value::String(ty.into()));
                        plan.push((target.clone(), name.clone(), Value::Object(declaration)));
                    }
                }
            }
        }
        match v {
            Value::Object(m) => {
                for (k, c) in m
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "example" | "examples"))
                {
                    plan_for(
                        doc,
                        &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        c,
                        plan,
                    );
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    plan_for(doc, &format!("{at}/{i}"), c, plan);
                }
            }
            _ => {}
        }
    }
    let mut plan = Vec::new();
    plan_for(doc, "", doc, &mut plan);
    let mut changes = 0;
    for (target, name, declaration) in plan {
        let schema = doc
            .pointer_mut(&target)
            .and_then(Value::as_object_mut)
            .ok_or_else(|| format!("{target} is not a schema object"))?;
        let properties = schema
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or_else(|| format!("{target}/properties is not an object"))?;
        if !properties.contains_key(&name) {
            properties.insert(name, declaration);
            changes += 1;
        }
    }
    Ok(changes)
}

/// Confluent's specs refine a shared schema with `allOf: [base, {properties: {x:
/// {example: ..}}}]`: the second member only documents examples. progenitor reads such
/// a member as a property of unknown type and turns the field into `serde_json::Value`.
/// The member is dropped; an `allOf` left with one member becomes that member.
pub fn drop_example_only_allof_members(doc: &mut Value) -> Result<usize, String> {
    let mut changes = 0;
    walk_mut(doc, &mut |v| {
        let Some(members) = v.get_mut("allOf").and_then(Value::as_array_mut) else {
            return;
        };
        let before = members.len();
        members.retain(|m| !is_example_only_overlay(m));
        if members.len() != before {
            changes += before - members.len();
            collapse_single_member_allof(v);
        }
    });
    Ok(changes)
}

/// Several resources' `metadata` is one shared component (`ObjectMeta`: a connection's
/// and a tool's), which typify would name alike in both (`Tool.metadata` of type
/// `ObjectMeta`, or whatever one rename picks). A resource component (one with a `spec`)
/// whose `metadata` is a reference to another component (bare, or the one member of an
/// `allOf`) gets a copy
/// of it as a component named after its place, `<Resource>Metadata`
/// (`ConnectionMetadata`, `ToolMetadata`), as the resources whose metadata overlays the
/// shared one already are (`AgentMetadata`); the shared component stays as published.
pub fn name_shared_metadata_by_owner(doc: &mut Value) -> Result<usize, String> {
    const SCHEMAS: &str = "#/components/schemas/";
    let snapshot = component_schemas_mut(doc)?.clone();
    let mut copies: Vec<(String, String, Value)> = Vec::new();
    for (owner, schema) in &snapshot {
        // A resource (it has a `spec`), not a list or a page, whose metadata (`ListMeta`)
        // is the same kind of thing for all.
        let Some(metadata) = schema
            .pointer("/properties/metadata")
            .filter(|_| schema.pointer("/properties/spec").is_some())
        else {
            continue;
        };
        let target = metadata.get("$ref").or_else(|| {
            let members = metadata.get("allOf")?.as_array()?;
            match members.as_slice() {
                [only] => only.get("$ref"),
                _ => None,
            }
        });
        let Some(shared) = target
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(SCHEMAS))
        else {
            continue;
        };
        let name = format!("{}Metadata", pascal(owner));
        if name == shared || snapshot.contains_key(&name) {
            continue;
        }
        let Some(copy) = snapshot.get(shared) else {
            continue;
        };
        let mut copy = copy.clone();
        if let Some(obj) = copy.as_object_mut() {
            obj.remove(PUBLISHED_NAME);
        }
        copies.push((owner.clone(), name, copy));
    }
    let schemas = component_schemas_mut(doc)?;
    let changes = copies.len();
    for (owner, name, copy) in copies {
        let reference = Value::String(format!("{SCHEMAS}{}", escape(&name)));
        if let Some(metadata) = schemas
            .get_mut(&owner)
            .and_then(|s| s.pointer_mut("/properties/metadata"))
        {
            match metadata.get_mut("allOf").and_then(Value::as_array_mut) {
                Some(members) => members[0]["$ref"] = reference,
                None => metadata["$ref"] = reference,
            }
        }
        schemas.insert(name, copy);
    }
    Ok(changes)
}

/// An `allOf` member whose properties carry nothing but documentation (see
/// [`drop_example_only_allof_members`]).
fn is_example_only_overlay(m: &Value) -> bool {
    let Some(m) = m.as_object() else { return false };
    let props_only_examples = m
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| p.values().all(is_documentation_only));
    let nothing_else = m
        .keys()
        .all(|k| matches!(k.as_str(), "properties" | "description" | "title"));
    props_only_examples && nothing_else
}

/// `{allOf: [x], ..siblings}` becomes `x` with the siblings kept (a `$ref` with
/// siblings is wrapped again so that no sibling is lost).
fn collapse_single_member_allof(v: &mut Value) {
    let Some(obj) = v.as_object_mut() else { return };
    if obj.get("allOf").and_then(Value::as_array).map(Vec::len) != Some(1) {
        return;
    }
    let mut member = obj
        .remove("allOf")
        .and_then(|mut a| a.as_array_mut().and_then(|a| a.pop()))
        .unwrap_or_default();
    let siblings = std::mem::take(obj);
    if member.get("$ref").is_some() {
        if siblings
            .keys()
            .all(|k| matches!(k.as_str(), "description" | "title" | "example"))
        {
            // Documentation next to a $ref is ignored by OpenAPI 3.0 anyway.
            *v = member;
        } else {
            let mut wrapped = siblings;
            wrapped.insert("allOf".into(), Value::Array(vec![member]));
            *v = Value::Object(wrapped);
        }
        return;
    }
    if let Some(m) = member.as_object_mut() {
        for (k, s) in siblings {
            m.entry(k).or_insert(s);
        }
    }
    *v = member;
}

/// A request body written as `allOf: [$ref Connection, {required: [...]}]` makes
/// progenitor generate a body type unrelated to the rest, and keeps readOnly fields in
/// it. Each request body becomes one inline object: the referenced schemas are copied
/// in, the overlays' `required` lists are merged into them, and every property a request
/// overlay requires is marked [`REQUIRED_BY_REQUEST`]. Each copy of a component is
/// marked [`COPY_OF`] it, for [`name_enums_by_place`].
pub fn inline_request_bodies(doc: &mut Value) -> Result<usize, String> {
    let snapshot = doc.clone();
    let mut changes = 0;
    for schema in request_body_schemas(doc) {
        if schema.get("allOf").is_none() && schema.get("$ref").is_none() {
            continue;
        }
        // The resource's own `required` says what every copy the service holds has
        // (its answers); what the request requires is its overlay's: the resource's
        // list is left out, at the top (an agent's `metadata`, `kind`, ...).
        let mut body = schema.clone();
        if let Some(first) = body
            .get_mut("allOf")
            .and_then(Value::as_array_mut)
            .and_then(|m| m.first_mut())
        {
            if let Some(r) = first.get("$ref").and_then(Value::as_str).map(String::from) {
                let reference =
                    Value::Object(Map::from_iter([("$ref".to_string(), Value::String(r))]));
                let mut resource = merge_schema(&snapshot, &reference, false)?;
                if let Some(obj) = resource.as_object_mut() {
                    obj.remove("required");
                }
                *first = resource;
            }
        }
        let merged = merge_schema(&snapshot, &body, false)?;
        *schema = merged;
        changes += 1;
    }
    Ok(changes)
}

/// Copies `schema` with every `allOf` merged and references resolved along the way;
/// properties required by a member after the first (an overlay) are marked.
fn merge_schema(doc: &Value, schema: &Value, overlay: bool) -> Result<Value, String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let mut copy = merge_schema(doc, resolve(doc, r)?, overlay)?;
        // Where the copy comes from, for `name_enums_by_place`.
        if let (Some(obj), Some(name)) = (
            copy.as_object_mut(),
            r.strip_prefix("#/components/schemas/"),
        ) {
            obj.insert(COPY_OF.into(), Value::String(name.to_string()));
        }
        return Ok(copy);
    }
    let Some(obj) = schema.as_object() else {
        return Ok(schema.clone());
    };
    let mut out = Map::new();
    let mut members: Vec<(Value, bool)> = Vec::new();
    for (k, v) in obj {
        if k == "allOf" {
            for (i, m) in v.as_array().into_iter().flatten().enumerate() {
                members.push((merge_schema(doc, m, overlay || i > 0)?, overlay || i > 0));
            }
        } else {
            out.insert(k.clone(), v.clone());
        }
    }
    let mut result = Value::Object(out);
    if overlay {
        mark_required(&mut result);
    }
    for (m, is_overlay) in members {
        merge_into(doc, &mut result, m, is_overlay)?;
    }
    Ok(result)
}

/// Marks the properties `schema` itself requires.
fn mark_required(schema: &mut Value) {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(String::from))
        .collect();
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for name in required {
        if let Some(p) = props.get_mut(&name).and_then(Value::as_object_mut) {
            p.insert(REQUIRED_BY_REQUEST.into(), Value::Bool(true));
        }
    }
}

/// Merges schema `from` into `into`: required lists are united, properties merged
/// recursively, other keywords of `into` win.
fn merge_into(doc: &Value, into: &mut Value, from: Value, overlay: bool) -> Result<(), String> {
    let Value::Object(from) = from else {
        return Ok(());
    };
    if into.get("$ref").is_some() {
        *into = merge_schema(doc, into, false)?;
    }
    let into = into
        .as_object_mut()
        .ok_or("allOf member is not an object")?;
    let mut newly_required: Vec<String> = Vec::new();
    for (k, v) in from {
        match k.as_str() {
            "required" => {
                if overlay {
                    newly_required.extend(
                        v.as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|r| r.as_str().map(String::from)),
                    );
                }
                let list = into
                    .entry("required")
                    .or_insert_with(|| Value::Array(vec![]));
                if let (Some(list), Some(new)) = (list.as_array_mut(), v.as_array()) {
                    for r in new {
                        if !list.contains(r) {
                            list.push(r.clone());
                        }
                    }
                }
            }
            "properties" => {
                let props = into
                    .entry("properties")
                    .or_insert_with(|| Value::Object(Map::new()));
                let props = props.as_object_mut().ok_or("properties is not an object")?;
                for (name, p) in v.as_object().into_iter().flatten() {
                    match props.get_mut(name) {
                        Some(existing) => merge_into(doc, existing, p.clone(), overlay)?,
                        None => {
                            props.insert(name.clone(), p.clone());
                        }
                    }
                }
            }
            REQUIRED_BY_REQUEST => {
                into.insert(k, v);
            }
            _ => {
                into.entry(k).or_insert(v);
            }
        }
    }
    if let Some(props) = into.get_mut("properties").and_then(Value::as_object_mut) {
        for name in newly_required {
            if let Some(p) = props.get_mut(&name).and_then(Value::as_object_mut) {
                p.insert(REQUIRED_BY_REQUEST.into(), Value::Bool(true));
            }
        }
    }
    Ok(())
}

/// progenitor ignores `readOnly`, so server-set fields (status, kind, metadata.self)
/// end up in request bodies, some of them required. In every request body, a property
/// that is readOnly (itself, or inside a readOnly object) is removed unless the request
/// requires it ([`REQUIRED_BY_REQUEST`]); `required` lists keep only what is left.
pub fn strip_read_only_from_request_bodies(doc: &mut Value) -> Result<usize, String> {
    let snapshot = doc.clone();
    let mut changes = 0;
    for schema in request_body_schemas(doc) {
        changes += strip_read_only(&snapshot, schema, false);
    }
    Ok(changes)
}

/// True when the schema, or the schema it references, is `readOnly`.
fn is_read_only(doc: &Value, schema: &Value) -> bool {
    let target = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(doc, r).unwrap_or(schema),
        None => schema,
    };
    schema.get("readOnly") == Some(&Value::Bool(true))
        || target.get("readOnly") == Some(&Value::Bool(true))
}

fn strip_read_only(doc: &Value, schema: &mut Value, inherited: bool) -> usize {
    let Some(obj) = schema.as_object_mut() else {
        return 0;
    };
    let read_only = inherited || obj.get("readOnly") == Some(&Value::Bool(true));
    obj.remove("readOnly");
    obj.remove(REQUIRED_BY_REQUEST);
    let mut changes = 0;
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        let before = props.len();
        props.retain(|_, p| {
            let own = is_read_only(doc, p);
            let asked = p.get(REQUIRED_BY_REQUEST) == Some(&Value::Bool(true));
            !(read_only || own) || asked
        });
        changes += before - props.len();
        // An object property every member of which is read-only is read-only itself
        // (an answer's `metadata`): it goes too, unless the request asks for it.
        let mut emptied = Vec::new();
        for (name, p) in props.iter_mut() {
            let asked = p.get(REQUIRED_BY_REQUEST) == Some(&Value::Bool(true));
            let members = |p: &Value| p.get("properties").and_then(Value::as_object).map(Map::len);
            let had = members(p);
            changes += strip_read_only(doc, p, read_only);
            if had.is_some_and(|n| n > 0) && members(p) == Some(0) && !asked {
                emptied.push(name.clone());
            }
        }
        for name in &emptied {
            props.remove(name);
            changes += 1;
        }
        let kept: Vec<String> = props.keys().cloned().collect();
        if let Some(req) = obj.get_mut("required").and_then(Value::as_array_mut) {
            req.retain(|r| r.as_str().is_some_and(|r| kept.iter().any(|k| k == r)));
            if req.is_empty() {
                obj.remove("required");
            }
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(sub) = obj.get_mut(key) {
            changes += strip_read_only(doc, sub, read_only);
        }
    }
    changes
}

/// Responses refine the shared schema with `allOf: [Connection, {required: [...]}]`,
/// and progenitor generates a new struct for each (five unrelated "Connection" types).
/// Outside request bodies, an `allOf` whose other members only add `required` (and
/// `type: object`) becomes its first member: one type per resource. What *every* such
/// overlay of a component requires (the list's items, get's and create's answers all
/// require `spec`, `spec.connection_type` and `spec.endpoint`) becomes required on the
/// component itself, so that the generated field is not an `Option`; what only some
/// answers require stays optional (a get answer need not carry `name`).
pub fn collapse_required_only_overlays(doc: &mut Value) -> Result<usize, String> {
    /// An overlay (or a property inside one) that only tightens `required`.
    fn only_required(v: &Value) -> bool {
        v.as_object().is_some_and(|m| {
            (m.contains_key("required") || m.contains_key("properties"))
                && m.iter().all(|(k, v)| match k.as_str() {
                    "required" | "description" | "title" => true,
                    "type" => v == "object",
                    "properties" => v.as_object().is_some_and(|p| p.values().all(only_required)),
                    _ => false,
                })
        })
    }
    let mut changes = 0;
    // Per referenced component: what each of its overlays requires.
    let mut uses: Vec<(String, Requires)> = Vec::new();
    walk_mut(doc, &mut |v| {
        let Some(members) = v.get_mut("allOf").and_then(Value::as_array_mut) else {
            return;
        };
        if members.len() < 2 || !members[1..].iter().all(only_required) {
            return;
        }
        if let Some(base) = members[0].get("$ref").and_then(Value::as_str) {
            let mut requires = Requires::default();
            for overlay in &members[1..] {
                requires.add(overlay);
            }
            uses.push((base.to_string(), requires));
        }
        changes += members.len() - 1;
        members.truncate(1);
        collapse_single_member_allof(v);
    });
    let mut common: Vec<(String, Requires)> = Vec::new();
    for (base, requires) in uses {
        match common.iter_mut().find(|(b, _)| *b == base) {
            Some((_, all)) => *all = all.intersect(&requires),
            None => common.push((base, requires)),
        }
    }
    let common: Vec<(String, Requires)> = common
        .into_iter()
        .filter_map(|(base, r)| {
            let name = base.strip_prefix("#/components/schemas/")?;
            Some((format!("/components/schemas/{}", escape(name)), r))
        })
        .collect();
    // What answers promise of a component is not required of requests that send it:
    // request bodies that reach a component the promises tighten get their own copy
    // of it (and of every component on the way), before the component is tightened.
    let mut tightened = BTreeSet::new();
    for (pointer, requires) in &common {
        requires.tightens(doc, pointer, &mut tightened);
    }
    changes += copy_into_request_bodies(doc, &tightened)?;
    for (pointer, requires) in common {
        changes += requires.apply(doc, &pointer)?;
    }
    Ok(changes)
}

/// Replaces, in every request body, each reference to a component that reaches one
/// of `tightened` (or is one) by a copy of it marked [`COPY_OF`], with its read-only
/// members left out as [`strip_read_only_from_request_bodies`] leaves them out; a
/// reference back to a component being copied (a recursive schema) stays.
fn copy_into_request_bodies(
    doc: &mut Value,
    tightened: &BTreeSet<String>,
) -> Result<usize, String> {
    if tightened.is_empty() {
        return Ok(0);
    }
    let snapshot = doc.clone();
    let names: Vec<String> = snapshot
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let copied: BTreeSet<String> = names
        .into_iter()
        .filter(|name| {
            let schema = snapshot.pointer(&format!("/components/schemas/{}", escape(name)));
            tightened.contains(name)
                || reachable_components(&snapshot, schema.into_iter().collect())
                    .iter()
                    .any(|r| tightened.contains(r))
        })
        .collect();
    fn copy(
        doc: &Value,
        v: &mut Value,
        copied: &BTreeSet<String>,
        stack: &mut Vec<String>,
    ) -> Result<usize, String> {
        let mut changes = 0;
        let target = v
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(String::from);
        if let Some(name) = target {
            if !copied.contains(&name) || stack.contains(&name) {
                return Ok(0);
            }
            let mut copy = merge_schema(doc, v, false)?;
            strip_read_only(doc, &mut copy, false);
            stack.push(name);
            changes += 1 + copy_children(doc, &mut copy, copied, stack)?;
            stack.pop();
            *v = copy;
            return Ok(changes);
        }
        copy_children(doc, v, copied, stack)
    }
    fn copy_children(
        doc: &Value,
        v: &mut Value,
        copied: &BTreeSet<String>,
        stack: &mut Vec<String>,
    ) -> Result<usize, String> {
        let mut changes = 0;
        match v {
            Value::Object(m) => {
                for (k, c) in m.iter_mut() {
                    if !matches!(k.as_str(), "example" | "examples" | "default" | "enum") {
                        changes += copy(doc, c, copied, stack)?;
                    }
                }
            }
            Value::Array(a) => {
                for c in a.iter_mut() {
                    changes += copy(doc, c, copied, stack)?;
                }
            }
            _ => {}
        }
        Ok(changes)
    }
    let mut changes = 0;
    for body in request_body_schemas(doc) {
        changes += copy(&snapshot, body, &copied, &mut Vec::new())?;
    }
    Ok(changes)
}

/// What an overlay requires: property names, and what it requires inside properties.
#[derive(Debug, Clone, Default, PartialEq)]
struct Requires {
    names: BTreeSet<String>,
    inside: Vec<(String, Requires)>,
}

impl Requires {
    fn add(&mut self, overlay: &Value) {
        for name in overlay
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            self.names.insert(name.to_string());
        }
        for (name, inner) in overlay
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            match self.inside.iter_mut().find(|(n, _)| n == name) {
                Some((_, r)) => r.add(inner),
                None => {
                    let mut r = Requires::default();
                    r.add(inner);
                    self.inside.push((name.clone(), r));
                }
            }
        }
    }

    fn intersect(&self, other: &Requires) -> Requires {
        Requires {
            names: self.names.intersection(&other.names).cloned().collect(),
            inside: self
                .inside
                .iter()
                .filter_map(|(n, r)| {
                    let (_, o) = other.inside.iter().find(|(m, _)| m == n)?;
                    Some((n.clone(), r.intersect(o)))
                })
                .collect(),
        }
    }

    /// Adds the requirements to the schema at `pointer` (following a reference to a
    /// component), and inside it to its properties' schemas; returns the names added.
    /// A reference that resolves to nothing is left to the generator to report.
    fn apply(&self, doc: &mut Value, pointer: &str) -> Result<usize, String> {
        let Some(schema) = doc.pointer(pointer) else {
            return Ok(0);
        };
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            let Some(name) = target.strip_prefix("#/components/schemas/") else {
                return Ok(0);
            };
            let component = format!("/components/schemas/{}", escape(name));
            return self.apply(doc, &component);
        }
        let declared = self.declared(schema);
        let nested: Vec<(String, &Requires)> = self
            .inside
            .iter()
            .map(|(n, r)| (format!("{pointer}/properties/{}", escape(n)), r))
            .collect();
        let Some(schema) = doc.pointer_mut(pointer).and_then(Value::as_object_mut) else {
            return Ok(0);
        };
        let mut changes = 0;
        if !declared.is_empty() {
            let required = schema
                .entry("required")
                .or_insert_with(|| Value::Array(vec![]))
                .as_array_mut()
                .ok_or_else(|| format!("{pointer}: `required` is not a list"))?;
            for n in declared {
                if !required.iter().any(|r| r == n.as_str()) {
                    required.push(Value::String(n));
                    changes += 1;
                }
            }
        }
        for (inner, r) in nested {
            changes += r.apply(doc, &inner)?;
        }
        Ok(changes)
    }

    /// The names of `self` that `schema` declares as properties.
    fn declared(&self, schema: &Value) -> Vec<String> {
        self.names
            .iter()
            .filter(|n| {
                schema
                    .pointer(&format!("/properties/{}", escape(n)))
                    .is_some()
            })
            .cloned()
            .collect()
    }

    /// Adds to `out` the components [`Requires::apply`] at `pointer` would make
    /// require something.
    fn tightens(&self, doc: &Value, pointer: &str, out: &mut BTreeSet<String>) {
        self.tightens_in(doc, pointer, None, out);
    }

    fn tightens_in(
        &self,
        doc: &Value,
        pointer: &str,
        component: Option<&str>,
        out: &mut BTreeSet<String>,
    ) {
        let Some(schema) = doc.pointer(pointer) else {
            return;
        };
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|t| t.strip_prefix("#/components/schemas/"))
        {
            let inner = format!("/components/schemas/{}", escape(name));
            return self.tightens_in(doc, &inner, Some(name), out);
        }
        let component = component.map(String::from).or_else(|| {
            pointer
                .strip_prefix("/components/schemas/")
                .filter(|rest| !rest.contains('/'))
                .map(|n| n.replace("~1", "/").replace("~0", "~"))
        });
        if let Some(c) = &component {
            if !self.declared(schema).is_empty() {
                out.insert(c.clone());
            }
        }
        for (n, r) in &self.inside {
            let inner = format!("{pointer}/properties/{}", escape(n));
            // A property written inline belongs to the component it stands in.
            let inline_in = doc
                .pointer(&inner)
                .filter(|p| p.get("$ref").is_none())
                .and(component.as_deref());
            r.tightens_in(doc, &inner, inline_in, out);
        }
    }
}

/// `name` as one JSON pointer segment.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A component schema describes the resource; what an answer promises is in the
/// answer's own schema (Confluent's specs overlay the component with the properties
/// that answer requires). The service omits properties a component marks required
/// (`metadata.self`, a list's `kind`), test servers answer `data: null`, and
/// Confluent's policy is that a client must not assume a property is present unless
/// it is declared mandatory where it is sent. So component schemas (which, after
/// [`inline_request_bodies`], only answers use) require nothing of their own:
/// `required` lists are removed from them (at every depth), and
/// [`collapse_required_only_overlays`] then requires what every answer promises.
pub fn answers_require_what_they_promise(doc: &mut Value) -> Result<usize, String> {
    let mut changes = 0;
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(0);
    };
    /// Removes `required` lists below `v`, except in the overlays of an `allOf` (the
    /// members after the first), which are what an answer promises.
    fn clear(v: &mut Value) -> usize {
        let mut changes = 0;
        match v {
            Value::Object(obj) => {
                let is_schema =
                    obj.contains_key("properties") || obj.get("type") == Some(&"object".into());
                if is_schema {
                    if let Some(Value::Array(r)) = obj.remove("required") {
                        changes += r.len();
                    }
                }
                for (key, child) in obj.iter_mut() {
                    match (key.as_str(), child) {
                        ("allOf", Value::Array(members)) => {
                            changes += members.first_mut().map_or(0, clear);
                        }
                        ("example" | "examples" | "default" | "enum", _) => {}
                        (_, child) => changes += clear(child),
                    }
                }
            }
            Value::Array(items) => changes += items.iter_mut().map(clear).sum::<usize>(),
            _ => {}
        }
        changes
    }
    for schema in schemas.values_mut() {
        changes += clear(schema);
    }
    Ok(changes)
}

/// Every enum of the document generates an open Rust enum (`build/model.rs`: a value
/// the crate does not know yet is kept, not refused), so Confluent's
/// `x-extensible-enum` (values that may grow) becomes a plain `enum`, which progenitor
/// generates (it ignores the extension, which would give a bare `String`).
pub fn enums_from_extensible_enums(doc: &mut Value) -> Result<usize, String> {
    let mut changes = 0;
    walk_mut(doc, &mut |v| {
        let Some(obj) = v.as_object_mut() else { return };
        if obj.contains_key("enum") {
            return;
        }
        let Some(values) = obj.remove("x-extensible-enum") else {
            return;
        };
        obj.insert("enum".into(), values);
        obj.entry("type").or_insert(Value::String("string".into()));
        changes += 1;
    });
    Ok(changes)
}

/// The spec documents `status.phase` with the example `READY` (and describes READY),
/// while its list of values has ACTIVE instead; the service has sent both. A string
/// `example` of an enum that is not among its values joins them, so that the value the
/// spec itself shows has a name.
pub fn enum_values_from_examples(doc: &mut Value) -> Result<usize, String> {
    let mut changes = 0;
    walk_mut(doc, &mut |v| {
        let Some(obj) = v.as_object_mut() else { return };
        let Some(example) = obj.get("example").and_then(Value::as_str).map(String::from) else {
            return;
        };
        let Some(values) = obj.get_mut("enum").and_then(Value::as_array_mut) else {
            return;
        };
        if values.iter().all(Value::is_string) && !values.iter().any(|v| v == example.as_str()) {
            values.push(Value::String(example));
            changes += 1;
        }
    });
    Ok(changes)
}

/// Marks an object that [`inline_request_bodies`] copied from a component schema; its
/// value is the component's name. [`name_enums_by_place`] reads it (an enum of the copy
/// has the type of the component's) and removes it.
pub const COPY_OF: &str = "x-copy-of";

/// Endings of a component's name that say which part of a resource it describes
/// (`ConnectionSpec` is the spec of a `Connection`).
pub const RESOURCE_PART_SUFFIXES: &[&str] = &["Spec", "Status", "Metadata"];

/// The name [`name_enums_by_place`] gives the enum on property `property` of component
/// `component`: `<Owner><Property>`, where `Owner` is the resource the component
/// describes (its name without a trailing [`RESOURCE_PART_SUFFIXES`] entry) and
/// `Property` the property in PascalCase, or `Property` alone when it already starts
/// with the owner's name as a whole word (`ConnectionSpec.connection_type` is
/// `ConnectionType`, `ConnectionStatus.phase` is `ConnectionPhase`,
/// `ConnectionList.kind` is `ConnectionListKind`).
pub fn enum_name_of_place(component: &str, property: &str) -> String {
    let component = pascal(renamed_component(component));
    let owner = RESOURCE_PART_SUFFIXES
        .iter()
        .find_map(|suffix| {
            component
                .strip_suffix(suffix)
                .filter(|owner| !owner.is_empty())
        })
        .unwrap_or(&component);
    let property = pascal(property);
    let starts_with_owner = property
        .strip_prefix(owner)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase()));
    if starts_with_owner {
        property
    } else {
        format!("{owner}{property}")
    }
}

/// The name the component will have in the generated code ([`CLASHING_SCHEMA_NAMES`]
/// are renamed after this fix).
fn renamed_component(name: &str) -> &str {
    CLASHING_SCHEMA_NAMES
        .iter()
        .find(|(from, _)| *from == name)
        .map_or(name, |(_, to)| to)
}

/// `connection_type` -> `ConnectionType`; a name in PascalCase stays as it is (as typify
/// names a schema's type: `sql_v1_X_allOf` -> `SqlV1XAllOf`).
pub fn pascal(name: &str) -> String {
    name.split(['_', '-', '.', ' '])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// `name` escaped as one JSON pointer token.
fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// An enum declared inline on a property is generated by typify as a type named after
/// its place (`ConnectionSpecConnectionType`, `ConnectionStatusPhase`), one type per
/// place: the create body's `connection_type` would not be the answer's. Every enum on
/// a property of a component schema is named after where it stands
/// ([`enum_name_of_place`]: `ConnectionType`, `ConnectionPhase`), never after which
/// other enums happen to list the same values, which changes from one version of the
/// spec to the next. The same property seen elsewhere has the same type:
/// - its copies in request bodies ([`COPY_OF`], left by [`inline_request_bodies`]);
/// - a parameter named by the property's path from the items an operation answers (the
///   list's `spec.connection_type`, a path in the `data` items, which are
///   `Connection`s): it filters by that property.
///
/// The type lists every value any of its places lists (the component's first). It
/// becomes a component, and each place a reference to it (a described place keeps its
/// description, in a one-member `allOf`), when it has several places or when its name
/// is not the one typify gives the place (the component's name followed by the
/// property's); otherwise the enum stays where it is and typify gives it that name
/// (`ConnectionKind`). A name another component already has leaves the places as they
/// are. Enums anywhere else (deeper inside an inline object, a parameter that names no
/// property) keep typify's place names.
pub fn name_enums_by_place(doc: &mut Value) -> Result<usize, String> {
    /// The values of an inline enum of strings.
    fn values_of(schema: &Value) -> Option<Vec<String>> {
        if schema.get("$ref").is_some() {
            return None;
        }
        schema
            .get("enum")?
            .as_array()?
            .iter()
            .map(|v| v.as_str().map(String::from))
            .collect()
    }
    /// `schema` with references followed (and a one-member `allOf`, or an `allOf`'s
    /// first member, taken), with the name of the last component reached.
    fn follow<'a>(
        doc: &'a Value,
        mut schema: &'a Value,
        mut component: Option<String>,
    ) -> (Option<String>, &'a Value) {
        for _ in 0..16 {
            if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
                match resolve(doc, r) {
                    Ok(target) => {
                        component = r.strip_prefix("#/components/schemas/").map(String::from);
                        schema = target;
                    }
                    Err(_) => break,
                }
            } else if let Some(first) = schema
                .get("allOf")
                .and_then(Value::as_array)
                .and_then(|members| members.first())
            {
                schema = first;
            } else {
                break;
            }
        }
        (component, schema)
    }
    /// The place (component, property) a parameter named `path` of `operation` filters
    /// by: the path's last property, reached from the items its first 2xx answer holds
    /// (`data` items of a list, or the answer itself).
    fn filtered_place(doc: &Value, operation: &Value, path: &str) -> Option<(String, String)> {
        let responses = operation.get("responses")?.as_object()?;
        let answer = responses
            .iter()
            .find(|(code, _)| code.starts_with('2'))
            .map(|(_, r)| r)?;
        let schema = answer
            .get("content")?
            .as_object()?
            .values()
            .find_map(|media| media.get("schema"))?;
        let (mut component, mut at) = follow(doc, schema, None);
        if let Some(items) = at.pointer("/properties/data/items") {
            (component, at) = follow(doc, items, component);
        }
        let segments: Vec<&str> = path.split('.').collect();
        let (last, parents) = segments.split_last()?;
        for segment in parents {
            let next = at.get("properties")?.get(*segment)?;
            let (c, s) = follow(doc, next, None);
            // Only a component names the place.
            component = c;
            at = s;
        }
        at.get("properties")?.get(*last)?;
        Some((component?, (*last).to_string()))
    }
    /// Every object tagged [`COPY_OF`] under `v`: (its JSON pointer, the component).
    fn copies(v: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                if let Some(of) = m.get(COPY_OF).and_then(Value::as_str) {
                    out.push((pointer.to_string(), of.to_string()));
                }
                for (k, c) in m {
                    copies(c, &format!("{pointer}/{}", pointer_token(k)), out);
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    copies(c, &format!("{pointer}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    // The places: each inline enum on a property of a component, then its copies and
    // the parameters that filter by it, as (JSON pointer, (component, property)).
    let mut places: Vec<(String, (String, String))> = Vec::new();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (component, schema) in schemas.into_iter().flatten() {
        let props = schema.get("properties").and_then(Value::as_object);
        for (property, p) in props.into_iter().flatten() {
            if values_of(p).is_some() {
                let pointer = format!(
                    "/components/schemas/{}/properties/{}",
                    pointer_token(component),
                    pointer_token(property)
                );
                places.push((pointer, (component.clone(), property.clone())));
            }
        }
    }
    let known = |key: &(String, String), places: &[(String, (String, String))]| {
        places.iter().any(|(_, k)| k == key)
    };
    let mut tagged = Vec::new();
    copies(doc, "", &mut tagged);
    let mut more = Vec::new();
    for (pointer, component) in &tagged {
        let props = doc
            .pointer(pointer)
            .and_then(|o| o.get("properties"))
            .and_then(Value::as_object);
        for (property, p) in props.into_iter().flatten() {
            let key = (component.clone(), property.clone());
            if values_of(p).is_some() && known(&key, &places) {
                more.push((
                    format!("{pointer}/properties/{}", pointer_token(property)),
                    key,
                ));
            }
        }
    }
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let parameters = operation.get("parameters").and_then(Value::as_array);
            for (i, parameter) in parameters.into_iter().flatten().enumerate() {
                let (Some(name), Some(schema)) = (
                    parameter.get("name").and_then(Value::as_str),
                    parameter.get("schema"),
                ) else {
                    continue;
                };
                if values_of(schema).is_none() {
                    continue;
                }
                let Some(key) = filtered_place(doc, operation, name) else {
                    continue;
                };
                if known(&key, &places) {
                    let pointer = format!(
                        "/paths/{}/{method}/parameters/{i}/schema",
                        pointer_token(path)
                    );
                    more.push((pointer, key));
                }
            }
        }
    }
    places.extend(more);

    // One type per name: its places, its values, the schema it starts from.
    struct Named {
        places: Vec<String>,
        values: Vec<String>,
        base: Value,
        typify_names_it: bool,
    }
    let mut named: Vec<(String, Named)> = Vec::new();
    for (pointer, (component, property)) in &places {
        let Some(schema) = doc.pointer(pointer) else {
            continue;
        };
        let values = values_of(schema).unwrap_or_default();
        let name = enum_name_of_place(component, property);
        let typify_name = format!(
            "{}{}",
            pascal(renamed_component(component)),
            pascal(property)
        );
        let entry = match named.iter_mut().find(|(n, _)| *n == name) {
            Some((_, entry)) => entry,
            None => {
                named.push((
                    name.clone(),
                    Named {
                        places: Vec::new(),
                        values: Vec::new(),
                        base: schema.clone(),
                        typify_names_it: true,
                    },
                ));
                &mut named.last_mut().expect("just pushed").1
            }
        };
        entry.places.push(pointer.clone());
        entry.typify_names_it &= typify_name == name;
        for v in values {
            if !entry.values.contains(&v) {
                entry.values.push(v);
            }
        }
    }
    let taken: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();

    let mut changes = 0;
    let mut components = Vec::new();
    for (name, entry) in named {
        if (entry.places.len() == 1 && entry.typify_names_it) || taken.contains(&name) {
            continue;
        }
        let reference = serde_json::json!({"$ref": format!("#/components/schemas/{name}")});
        for pointer in &entry.places {
            let Some(schema) = doc.pointer_mut(pointer) else {
                continue;
            };
            // The place's description documents the field: a `$ref` cannot carry it
            // (its siblings are ignored), a one-member `allOf` can.
            *schema = match schema.get("description").cloned() {
                Some(description) => {
                    serde_json::json!({"allOf": [reference.clone()], "description": description})
                }
                None => reference.clone(),
            };
            changes += 1;
        }
        let mut schema = entry.base;
        if let Some(obj) = schema.as_object_mut() {
            // Place-specific keywords stay out of the shared type.
            for key in [
                "readOnly",
                "writeOnly",
                "x-immutable",
                "example",
                "default",
                REQUIRED_BY_REQUEST,
            ] {
                obj.remove(key);
            }
            obj.insert(
                "enum".into(),
                Value::Array(entry.values.into_iter().map(Value::String).collect()),
            );
        }
        components.push((name, schema));
    }
    let schemas = component_schemas_mut(doc)?;
    for (name, schema) in components {
        schemas.insert(name, schema);
    }
    walk_mut(doc, &mut |v| {
        if let Some(obj) = v.as_object_mut() {
            obj.remove(COPY_OF);
        }
    });
    Ok(changes)
}

/// The combined "Confluent Cloud APIs" document defines each error response once, under
/// `components/responses`, and every operation refers to it (`'429': {$ref:
/// '#/components/responses/RateLimitError'}`). [`drop_bodiless_error_responses`] reads
/// the responses as they are written: behind a `$ref` it sees neither the bodiless 429
/// nor the typed errors, so the 429 stays and progenitor panics. Every response of an
/// operation that is a `$ref` to `#/components/responses/<Name>` is replaced by a copy
/// of the response it names (a chain of such references followed to its end); the
/// components themselves stay. A reference to anything else, to a missing response, or
/// in a cycle is an error naming the operation's response.
pub fn inline_response_refs(doc: &mut Value) -> Result<usize, String> {
    let components = doc.pointer("/components/responses").cloned();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(0);
    };
    let mut changes = 0;
    for (path, item) in paths.iter_mut() {
        let operations = item
            .as_object_mut()
            .into_iter()
            .flat_map(|item| item.iter_mut())
            .filter(|(method, _)| METHODS.contains(&method.as_str()));
        for (method, op) in operations {
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            for (code, response) in responses.iter_mut() {
                if response.get("$ref").is_some() {
                    let place = format!("paths.{path}.{method}.responses.{code}");
                    *response = referenced_response(components.as_ref(), response, &place)?;
                    changes += 1;
                }
            }
        }
    }
    Ok(changes)
}

/// The response `response` names when it is a `$ref` to `#/components/responses/<Name>`
/// (looked up in `components`, the document's `components/responses`), following a
/// chain of such references; `place` is where `response` is written, for the error.
fn referenced_response(
    components: Option<&Value>,
    response: &Value,
    place: &str,
) -> Result<Value, String> {
    const PREFIX: &str = "#/components/responses/";
    let mut current = response;
    let mut followed: Vec<&str> = Vec::new();
    while let Some(reference) = current.get("$ref") {
        let reference = reference
            .as_str()
            .ok_or_else(|| format!("{place}: $ref is not a string: {reference}"))?;
        let name = reference.strip_prefix(PREFIX).ok_or_else(|| {
            format!("{place}: $ref '{reference}' does not name a response ({PREFIX}<Name>)")
        })?;
        if followed.contains(&reference) {
            return Err(format!(
                "{place}: $ref '{reference}' leads back to itself ({})",
                followed.join(" -> ")
            ));
        }
        followed.push(reference);
        let name = name.replace("~1", "/").replace("~0", "~");
        current = components
            .and_then(|c| c.get(&name))
            .ok_or_else(|| format!("{place}: $ref '{reference}' not found"))?;
    }
    Ok(current.clone())
}

/// progenitor 0.15.1 generates request bodies of `application/json` only, and refuses an
/// operation whose body is another JSON media type (RFC 6839's `+json` suffix, such as
/// `application/json-patch+json`). Such a body, when the operation offers no
/// `application/json` one, is given to progenitor as `application/json` (it is JSON
/// either way, and typed by its schema), and the media type is kept on the operation
/// as [`SENT_MEDIA_TYPE`], which the client sends as the body's `Content-Type`.
pub fn send_json_suffix_bodies_as_json(doc: &mut Value) -> Result<usize, String> {
    let mut changes = 0;
    for op in operations_mut(doc) {
        let Some(content) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        if content.contains_key("application/json") {
            continue;
        }
        let suffixed: Vec<String> = content
            .keys()
            .filter(|k| is_json_suffix(k))
            .cloned()
            .collect();
        let [media_type] = suffixed.as_slice() else {
            continue;
        };
        let body = content.remove(media_type).expect("a key just read");
        content.insert("application/json".into(), body);
        op.insert(SENT_MEDIA_TYPE.into(), Value::String(media_type.clone()));
        changes += 1;
    }
    Ok(changes)
}

/// `application/<subtype>+json` (RFC 6839), parameters aside.
fn is_json_suffix(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence
        .strip_prefix("application/")
        .is_some_and(|sub| sub.len() > "+json".len() && sub.ends_with("+json"))
}

/// progenitor requires all error responses of an operation to share one body type and
/// panics otherwise; the 429 has no body. Error responses (4xx, 5xx, `default`) without
/// content are removed from operations whose other error responses have one: such a
/// response then arrives as an unexpected response, status and headers intact, which
/// the hand-written layer turns into a retryable error.
pub fn drop_bodiless_error_responses(doc: &mut Value) -> Result<usize, String> {
    let mut changes = 0;
    for op in operations_mut(doc) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let is_error =
            |code: &str| code == "default" || code.starts_with('4') || code.starts_with('5');
        let has_body = |r: &Value| {
            r.get("content")
                .and_then(Value::as_object)
                .is_some_and(|c| !c.is_empty())
        };
        let any_typed = responses.iter().any(|(c, r)| is_error(c) && has_body(r));
        if !any_typed {
            continue;
        }
        let before = responses.len();
        responses.retain(|c, r| !is_error(c) || has_body(r));
        changes += before - responses.len();
    }
    Ok(changes)
}

/// Renames schemas whose generated names clash with names the generated code already
/// uses ([`CLASHING_SCHEMA_NAMES`]): the component key, every reference to it, and inline
/// schemas with that `title` (the docs form inlines `title: Error`).
pub fn rename_clashing_schemas(doc: &mut Value) -> Result<usize, String> {
    let mut changes = 0;
    for (old, new) in CLASHING_SCHEMA_NAMES {
        if let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            if schemas.contains_key(*new) && schemas.contains_key(*old) {
                return Err(format!("cannot rename schema {old} to {new}: {new} exists"));
            }
            if let Some(mut s) = schemas.remove(*old) {
                if let Some(obj) = s.as_object_mut() {
                    obj.entry(PUBLISHED_NAME)
                        .or_insert_with(|| Value::String((*old).into()));
                }
                schemas.insert((*new).into(), s);
                changes += 1;
            }
        }
        let old_ref = format!("#/components/schemas/{old}");
        walk_mut(doc, &mut |v| {
            let Some(obj) = v.as_object_mut() else { return };
            if obj.get("$ref").and_then(Value::as_str) == Some(old_ref.as_str()) {
                obj.insert(
                    "$ref".into(),
                    Value::String(format!("#/components/schemas/{new}")),
                );
                changes += 1;
            }
            if obj.get("title").and_then(Value::as_str) == Some(*old) {
                obj.insert("title".into(), Value::String((*new).into()));
                changes += 1;
            }
        });
    }
    Ok(changes)
}

/// `uniqueItems: true` on the `data` of a list makes the generated type a set, which
/// loses the order the service returns (and needs `Hash` on every item). The keyword
/// is dropped: lists stay `Vec`s, in the service's order.
pub fn keep_arrays_ordered(doc: &mut Value) -> Result<usize, String> {
    let mut changes = 0;
    walk_mut(doc, &mut |v| {
        if let Some(obj) = v.as_object_mut() {
            if obj.get("type").and_then(Value::as_str) == Some("array")
                && obj.remove("uniqueItems").is_some()
            {
                changes += 1;
            }
        }
    });
    Ok(changes)
}

/// Confluent's compatibility policy: a client MUST IGNORE properties it does not know,
/// and MUST FORWARD them (send them back in a later update). typify (progenitor's type
/// generator) ignores unknown properties when `additionalProperties` is absent or
/// `true`, refuses them when it is `false` (`deny_unknown_fields`), and keeps them in a
/// flattened map that serialises back when it is a schema. Every object schema with
/// declared properties gets `additionalProperties: {}` (any value), so every generated
/// struct keeps what it does not declare (`build/model.rs` names the map
/// `unknown_fields`). Typed maps (`additionalProperties` a non-empty schema) stay.
pub fn keep_unknown_properties(doc: &mut Value) -> Result<usize, String> {
    let mut changes = 0;
    walk_mut(doc, &mut |v| {
        let Some(obj) = v.as_object_mut() else { return };
        let is_object_schema = obj
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| p.values().all(Value::is_object))
            && obj.get("type").is_none_or(|t| t == "object");
        if !is_object_schema {
            return;
        }
        match obj.get("additionalProperties") {
            Some(Value::Object(schema)) if !schema.is_empty() => {}
            Some(Value::Object(_)) => {}
            _ => {
                obj.insert("additionalProperties".into(), Value::Object(Map::new()));
                changes += 1;
            }
        }
    });
    Ok(changes)
}

/// `pattern`, `maxLength` and `minLength` on a string make the generated type a
/// newtype that checks them on every decode (a regular expression per connection name,
/// a character count per endpoint, and a second copy of each string): a fifth of the
/// time of decoding a page. They are checks on what a client may *send*; a value the
/// service sends that breaks one (a longer name, a looser pattern) must not fail a whole
/// response. The keywords are dropped from the schemas only responses use (component
/// schemas no request body or parameter reaches, and inline response schemas); request
/// bodies and parameters keep them.
pub fn trust_response_string_values(doc: &mut Value) -> Result<usize, String> {
    fn strip(schema: &mut Value) -> usize {
        let mut changes = 0;
        walk_mut(schema, &mut |v| {
            let Some(obj) = v.as_object_mut() else { return };
            // Only keywords: a property *named* `pattern` has an object as its value.
            for (key, is_keyword) in [
                ("pattern", Value::is_string as fn(&Value) -> bool),
                ("maxLength", Value::is_number),
                ("minLength", Value::is_number),
            ] {
                if obj.get(key).is_some_and(is_keyword) {
                    obj.remove(key);
                    changes += 1;
                }
            }
        });
        changes
    }
    let operations: Vec<&Value> = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .collect();
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for item in operations.iter().filter_map(|i| i.as_object()) {
        for (key, value) in item {
            if key == "parameters" {
                request_roots.push(value);
            } else if let Some(op) = value.as_object() {
                request_roots.extend(op.get("parameters"));
                request_roots.extend(op.get("requestBody"));
                response_roots.extend(op.get("responses"));
            }
        }
    }
    let components = doc.get("components");
    for section in ["parameters", "requestBodies"] {
        request_roots.extend(components.and_then(|c| c.get(section)));
    }
    let requested = reachable_components(doc, request_roots);
    let response_only: Vec<String> = reachable_components(doc, response_roots)
        .difference(&requested)
        .cloned()
        .collect();
    let mut changes = 0;
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for name in &response_only {
            if let Some(schema) = schemas.get_mut(name) {
                changes += strip(schema);
            }
        }
    }
    for op in operations_mut(doc) {
        let media = op
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|r| r.values_mut())
            .filter_map(|r| r.get_mut("content").and_then(Value::as_object_mut))
            .flat_map(|c| c.values_mut())
            .filter_map(|m| m.get_mut("schema"));
        for schema in media {
            changes += strip(schema);
        }
    }
    Ok(changes)
}

/// JSON Schema's `pattern` matches anywhere in the value (ECMA-262 `search`), and
/// typify checks it so (`Regex::find`). The spec's name pattern, Kubernetes' DNS-1123
/// subdomain rule, is written for the whole value (Kubernetes anchors it): unanchored
/// it accepts any name with one lowercase letter or digit in it (`My_Name`, `../x`),
/// which checks nothing, and the service refuses such names. A `pattern` anchored at
/// neither end becomes `^(?:pattern)$`; one anchored at either end is left as its
/// author wrote it.
pub fn anchor_patterns(doc: &mut Value) -> Result<usize, String> {
    let mut changes = 0;
    walk_mut(doc, &mut |v| {
        let Some(obj) = v.as_object_mut() else { return };
        // Only the keyword: a property *named* `pattern` has an object as its value.
        let Some(Value::String(pattern)) = obj.get_mut("pattern") else {
            return;
        };
        let escaped_end = pattern.ends_with("\\$") && !pattern.ends_with("\\\\$");
        let anchored = pattern.starts_with('^') || (pattern.ends_with('$') && !escaped_end);
        if !anchored {
            *pattern = format!("^(?:{pattern})$");
            changes += 1;
        }
    });
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn allof_parts_used_once_are_inlined_and_version_prefixes_go_in_either_form() {
        let r = |n: &str| json!({"$ref": format!("#/components/schemas/{n}")});
        let mut doc = json!({"components": {"schemas": {
            "sql.v1.Column": {"allOf": [r("sql.v1.Common"), r("sql_v1_Column_allOf")]},
            "sql.v1.Other": {"allOf": [r("sql.v1.Common"), r("Shared")]},
            "sql.v1.Third": {"properties": {"s": r("Shared")}},
            "sql.v1.Common": {"properties": {"name": {"type": "string"}}},
            "sql_v1_Column_allOf": {"properties": {"kind": {"enum": ["Physical"]}}},
            "sql_v1_Status_affected_resource": {"type": "object"},
            "Shared": {"type": "object"},
            "sql.v1.Answered": {"type": "object"}
        }}, "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"allOf": [r("sql.v1.Answered"), {"required": ["x"]}]}}}}}}}}});
        // The part used once, in a component's `allOf`, is inlined; one also used
        // elsewhere stays, as does `sql.v1.Common` (used twice), and so does a resource
        // that only an answer's `allOf` overlay uses.
        assert_eq!(inline_allof_parts(&mut doc).unwrap(), 1);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert!(!schemas.contains_key("sql_v1_Column_allOf"));
        assert_eq!(
            schemas["sql.v1.Column"]["allOf"][1],
            json!({"properties": {"kind": {"enum": ["Physical"]}}, PUBLISHED_NAME: "sql_v1_Column_allOf"})
        );
        assert!(schemas.contains_key("Shared") && schemas.contains_key("sql.v1.Common"));
        assert!(schemas.contains_key("sql.v1.Answered"));
        drop_version_from_schema_names(&mut doc).unwrap();
        let names: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            names,
            [
                "Answered",
                "Column",
                "Common",
                "Other",
                "Shared",
                "Status_affected_resource",
                "Third"
            ]
        );
    }

    #[test]
    fn json_suffix_bodies_are_generated_as_json_and_sent_as_published() {
        let body = |types: &[&str]| {
            let content: Map<String, Value> = types
                .iter()
                .map(|t| (t.to_string(), json!({"schema": {"type": "array"}})))
                .collect();
            json!({"requestBody": {"content": content}, "responses": {}})
        };
        let mut doc = json!({"paths": {"/s": {
            "patch": body(&["application/json-patch+json"]),
            "put": body(&["application/json", "application/merge-patch+json"]),
            "post": body(&["application/xml"]),
            "delete": body(&["application/a+json", "application/b+json"]),
        }}});
        assert_eq!(send_json_suffix_bodies_as_json(&mut doc).unwrap(), 1);
        let patch = &doc["paths"]["/s"]["patch"];
        assert_eq!(patch[SENT_MEDIA_TYPE], "application/json-patch+json");
        let content = patch["requestBody"]["content"].as_object().unwrap();
        assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"]);
        assert_eq!(content["application/json"]["schema"]["type"], "array");
        // An operation that offers JSON keeps it; other media types, and a choice
        // between two suffixed ones, are left to the generator.
        for method in ["put", "post", "delete"] {
            assert!(doc["paths"]["/s"][method].get(SENT_MEDIA_TYPE).is_none());
        }
        assert!(is_json_suffix("application/json-patch+json; charset=utf-8"));
        assert!(!is_json_suffix("application/+json"));
        assert!(!is_json_suffix("text/x+json"));
    }

    #[test]
    fn enum_names_come_from_the_place() {
        for (component, property, name) in [
            ("ConnectionSpec", "connection_type", "ConnectionType"),
            ("ConnectionStatus", "phase", "ConnectionPhase"),
            ("StatementStatus", "phase", "StatementPhase"),
            ("Connection", "kind", "ConnectionKind"),
            ("ConnectionList", "kind", "ConnectionListKind"),
            ("ConnectionList", "api_version", "ConnectionListApiVersion"),
            ("ObjectMetadata", "state", "ObjectState"),
            // A whole word only; a name that is only a suffix stays.
            (
                "Connection",
                "connections_count",
                "ConnectionConnectionsCount",
            ),
            ("Spec", "mode", "SpecMode"),
            // The name the component has in the generated code.
            ("Error", "code", "ErrorDetailCode"),
            ("my_thing", "the-mode", "MyThingTheMode"),
        ] {
            assert_eq!(
                enum_name_of_place(component, property),
                name,
                "{component}.{property}"
            );
        }
    }

    /// Components as the fixes before `name_enums_by_place` leave them, with a list
    /// filter and a create body copied from `Connection`.
    fn doc_with_enums() -> Value {
        json!({
            "paths": {"/c": {
                "get": {
                    "parameters": [
                        {"in": "query", "name": "spec.connection_type",
                         "schema": {"type": "string", "enum": ["OPENAI", "REST", "COUCHBASE"]}},
                        {"in": "query", "name": "mode",
                         "schema": {"type": "string", "enum": ["FAST"]}}
                    ],
                    "responses": {"200": {"content": {"application/json": {"schema":
                        {"$ref": "#/components/schemas/ConnectionList"}}}}}
                },
                "post": {"requestBody": {"content": {"application/json": {"schema": {
                    COPY_OF: "Connection", "type": "object", "properties": {
                        "spec": {COPY_OF: "ConnectionSpec", "type": "object", "properties": {
                            "connection_type": {"type": "string", "enum": ["OPENAI", "REST"],
                                "description": "sent", REQUIRED_BY_REQUEST: true}
                        }}
                    }
                }}}}}
            }},
            "components": {"schemas": {
                "Connection": {"type": "object", "properties": {
                    "api_version": {"type": "string", "enum": ["sql/v1"]},
                    "kind": {"type": "string", "enum": ["Connection"]},
                    "spec": {"$ref": "#/components/schemas/ConnectionSpec"},
                    "status": {"$ref": "#/components/schemas/ConnectionStatus"}
                }},
                "ConnectionSpec": {"type": "object", "properties": {
                    "connection_type": {"type": "string", "enum": ["OPENAI", "REST"],
                        "readOnly": true, "example": "OPENAI", "description": "The type."},
                    "endpoint": {"type": "string"}
                }},
                "ConnectionStatus": {"type": "object", "properties": {
                    "phase": {"type": "string", "enum": ["ACTIVE", "READY"]}
                }},
                "ConnectionList": {"type": "object", "properties": {
                    "api_version": {"type": "string", "enum": ["sql/v1"]},
                    "kind": {"type": "string", "enum": ["ConnectionList"]},
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Connection"}}
                }}
            }}
        })
    }

    #[test]
    fn enums_are_named_after_their_place_and_shared_with_their_copies_and_filters() {
        let mut doc = doc_with_enums();
        // The component's place, the body's copy, the list's filter; the phase.
        assert_eq!(name_enums_by_place(&mut doc).unwrap(), 4);
        let reference = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["ConnectionSpec"]["properties"]["connection_type"],
            json!({"allOf": [reference("ConnectionType")], "description": "The type."})
        );
        assert_eq!(
            doc["paths"]["/c"]["post"]["requestBody"]["content"]["application/json"]["schema"]
                ["properties"]["spec"]["properties"]["connection_type"],
            json!({"allOf": [reference("ConnectionType")], "description": "sent"}),
            "the copy in the request body is the same type, and keeps its description"
        );
        assert_eq!(
            doc["paths"]["/c"]["get"]["parameters"][0]["schema"],
            reference("ConnectionType"),
            "the list's filter by spec.connection_type takes the property's type"
        );
        assert_eq!(
            schemas["ConnectionType"],
            json!({"type": "string", "enum": ["OPENAI", "REST", "COUCHBASE"], "description": "The type."}),
            "every value of every place (the filter's COUCHBASE too); place keywords stay out"
        );
        assert_eq!(
            schemas["ConnectionStatus"]["properties"]["phase"],
            reference("ConnectionPhase"),
            "one place, but typify would call it ConnectionStatusPhase"
        );
        assert_eq!(
            schemas["ConnectionPhase"],
            json!({"type": "string", "enum": ["ACTIVE", "READY"]})
        );
        // Equal values at two places are two types, each named by typify as the rule
        // names it: they stay where they are.
        for (component, property, values) in [
            ("Connection", "api_version", json!(["sql/v1"])),
            ("ConnectionList", "api_version", json!(["sql/v1"])),
            ("Connection", "kind", json!(["Connection"])),
            ("ConnectionList", "kind", json!(["ConnectionList"])),
        ] {
            assert_eq!(
                schemas[component]["properties"][property],
                json!({"type": "string", "enum": values}),
                "{component}.{property}"
            );
        }
        assert!(schemas.get("ApiVersion").is_none() && schemas.get("Kind").is_none());
        assert_eq!(
            doc["paths"]["/c"]["get"]["parameters"][1]["schema"],
            json!({"type": "string", "enum": ["FAST"]}),
            "a parameter that names no property keeps its place"
        );
        assert!(!doc.to_string().contains(COPY_OF), "the marks are removed");
        // A second run finds nothing to do.
        assert_eq!(name_enums_by_place(&mut doc).unwrap(), 0);
    }

    #[test]
    fn enum_names_do_not_depend_on_other_places() {
        // The same spec, where the filter lists other values and the body is gone: the
        // names do not change (the old rule shared a type only while all values agreed).
        let mut doc = doc_with_enums();
        doc["paths"]["/c"]["get"]["parameters"][0]["schema"]["enum"] = json!(["OPENAI"]);
        doc["paths"]["/c"].as_object_mut().unwrap().remove("post");
        name_enums_by_place(&mut doc).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["ConnectionSpec"]["properties"]["connection_type"]["allOf"][0]["$ref"],
            "#/components/schemas/ConnectionType"
        );
        assert_eq!(schemas["ConnectionType"]["enum"], json!(["OPENAI", "REST"]));
        assert_eq!(
            schemas["ConnectionStatus"]["properties"]["phase"]["$ref"],
            "#/components/schemas/ConnectionPhase"
        );
    }

    #[test]
    fn a_taken_name_leaves_the_enum_in_place() {
        let mut taken = json!({
            "components": {"schemas": {"ConnectionPhase": {"type": "integer"}, "ConnectionStatus": {"properties": {
                "phase": {"type": "string", "enum": ["A"]}
            }}}}
        });
        assert_eq!(name_enums_by_place(&mut taken).unwrap(), 0);
        assert_eq!(
            taken["components"]["schemas"]["ConnectionStatus"]["properties"]["phase"]["enum"],
            json!(["A"])
        );
        assert_eq!(
            taken["components"]["schemas"]["ConnectionPhase"],
            json!({"type": "integer"})
        );
    }

    #[test]
    fn extensible_enums_become_enums_and_examples_join_their_values() {
        let mut doc = json!({"properties": {
            "phase": {"type": "string", "example": "READY", "x-extensible-enum": ["ACTIVE"]},
            "kind": {"enum": ["A"], "x-extensible-enum": ["B"]},
            "n": {"type": "integer", "example": 5, "enum": [1, 2]}
        }});
        assert_eq!(enums_from_extensible_enums(&mut doc).unwrap(), 1);
        assert_eq!(doc["properties"]["phase"]["enum"], json!(["ACTIVE"]));
        assert!(doc["properties"]["phase"]
            .get("x-extensible-enum")
            .is_none());
        assert_eq!(
            doc["properties"]["kind"]["enum"],
            json!(["A"]),
            "an enum wins"
        );
        assert_eq!(enum_values_from_examples(&mut doc).unwrap(), 1);
        assert_eq!(
            doc["properties"]["phase"]["enum"],
            json!(["ACTIVE", "READY"])
        );
        assert_eq!(
            doc["properties"]["n"]["enum"],
            json!([1, 2]),
            "only strings"
        );
        assert_eq!(enum_values_from_examples(&mut doc).unwrap(), 0);
    }

    #[test]
    fn version_prefixes_leave_schema_names_with_their_references() {
        let mut doc = json!({
            "paths": {"/c": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/sql.v1.Connection"}}}}}}}},
            "components": {"schemas": {
                "sql.v1.Connection": {"properties": {"auth_data": {
                    "oneOf": [{"$ref": "#/components/schemas/sql.v1.Secret"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"S": "#/components/schemas/sql.v1.Secret"}}
                }}},
                "sql.v1.Secret": {"type": "object"},
                "v2.Secret": {"type": "object"},
                "ObjectMeta": {"type": "object"}
            }}
        });
        assert_eq!(drop_version_from_schema_names(&mut doc).unwrap(), 5);
        let names: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            names,
            ["Connection", "ObjectMeta", "Secret", "v2.Secret"],
            "a taken name stays"
        );
        assert_eq!(
            doc["paths"]["/c"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/Connection"
        );
        let auth = &doc["components"]["schemas"]["Connection"]["properties"]["auth_data"];
        assert_eq!(auth["oneOf"][0]["$ref"], "#/components/schemas/Secret");
        assert_eq!(
            auth["discriminator"]["mapping"]["S"],
            "#/components/schemas/Secret"
        );
        // A renamed schema keeps the name the spec gives it; the others get none.
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Secret"][PUBLISHED_NAME], "sql.v1.Secret");
        assert!(schemas["ObjectMeta"].get(PUBLISHED_NAME).is_none());
        assert!(schemas["v2.Secret"].get(PUBLISHED_NAME).is_none());
    }

    #[test]
    fn what_every_overlay_requires_becomes_required_on_the_component() {
        let overlay = |names: Value, spec: Value| {
            json!({"allOf": [{"$ref": "#/components/schemas/Conn"},
                {"type": "object", "required": names, "properties": {"spec": {"type": "object", "required": spec}}}]})
        };
        let mut doc = json!({
            "paths": {
                "/a": {"get": {"responses": {"200": {"content": {"application/json": {
                    "schema": overlay(json!(["name", "spec", "status"]), json!(["connection_type", "endpoint"]))}}}}}},
                "/b": {"get": {"responses": {"200": {"content": {"application/json": {
                    "schema": overlay(json!(["spec"]), json!(["auth_data", "endpoint"]))}}}}}}
            },
            "components": {"schemas": {
                "Conn": {"type": "object", "properties": {
                    "name": {"type": "string"}, "status": {"type": "object"},
                    "spec": {"$ref": "#/components/schemas/Spec"}}},
                "Spec": {"type": "object", "properties": {
                    "connection_type": {"type": "string"}, "endpoint": {"type": "string"},
                    "auth_data": {"type": "object"}}}
            }}
        });
        assert_eq!(collapse_required_only_overlays(&mut doc).unwrap(), 4);
        assert_eq!(
            doc["components"]["schemas"]["Conn"]["required"],
            json!(["spec"])
        );
        assert_eq!(
            doc["components"]["schemas"]["Spec"]["required"],
            json!(["endpoint"])
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/Conn"})
        );
    }

    #[test]
    fn components_require_nothing_of_their_own() {
        let mut doc = json!({"components": {"schemas": {
            "List": {"type": "object", "required": ["kind", "data"], "properties": {
                "kind": {"type": "string"},
                "data": {"type": "array", "items": {"type": "object", "required": ["a"],
                    "properties": {"a": {"type": "string"}}}},
                "more": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/Meta"},
                    {"required": ["self"]}]}}}},
            "Meta": {"required": ["self"], "properties": {"self": {"type": "string"}},
                "example": {"required": ["data, not a schema keyword"]}}
        }}});
        assert_eq!(answers_require_what_they_promise(&mut doc).unwrap(), 4);
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["List"].get("required").is_none());
        assert!(schemas["List"]["properties"]["data"]["items"]
            .get("required")
            .is_none());
        assert!(schemas["Meta"].get("required").is_none());
        assert_eq!(
            schemas["Meta"]["example"]["required"][0],
            "data, not a schema keyword"
        );
        assert_eq!(
            schemas["List"]["properties"]["more"]["items"]["allOf"][1]["required"],
            json!(["self"]),
            "an answer's overlay is what it promises"
        );
    }

    #[test]
    fn response_only_strings_lose_their_checks_and_requests_keep_theirs() {
        let mut doc = json!({
            "paths": {"/c": {
                "parameters": [{"name": "t", "in": "query", "schema": {"$ref": "#/components/schemas/Token"}}],
                "get": {"responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Conn"}}}},
                    "400": {"content": {"application/json": {"schema": {
                        "type": "object", "properties": {"id": {"type": "string", "maxLength": 255}}}}}}
                }},
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}},
                    "responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}}}
                }
            }},
            "components": {"schemas": {
                "Conn": {"type": "object", "properties": {
                    "name": {"type": "string", "maxLength": 100, "minLength": 1, "pattern": "[a-z]+"},
                    "pattern": {"type": "string", "pattern": "x"},
                    "spec": {"$ref": "#/components/schemas/Spec"}
                }},
                "Spec": {"type": "object", "properties": {"endpoint": {"type": "string", "maxLength": 16384}}},
                "Shared": {"type": "object", "properties": {"name": {"type": "string", "pattern": "[a-z]+"}}},
                "Token": {"type": "string", "maxLength": 255}
            }}
        });
        // name: 3, the property named `pattern`: 1, endpoint: 1, the inline 400 id: 1.
        assert_eq!(trust_response_string_values(&mut doc).unwrap(), 6);
        let conn = &doc["components"]["schemas"]["Conn"]["properties"];
        assert_eq!(conn["name"], json!({"type": "string"}));
        assert_eq!(
            conn["pattern"],
            json!({"type": "string"}),
            "a property named pattern stays"
        );
        assert_eq!(
            doc["components"]["schemas"]["Spec"]["properties"]["endpoint"],
            json!({"type": "string"})
        );
        // Schemas a request reaches keep their checks.
        assert_eq!(
            doc["components"]["schemas"]["Shared"]["properties"]["name"]["pattern"],
            json!("[a-z]+")
        );
        assert_eq!(
            doc["components"]["schemas"]["Token"]["maxLength"],
            json!(255)
        );
        assert_eq!(trust_response_string_values(&mut doc).unwrap(), 0);
    }

    #[test]
    fn discriminator_mapping_objects_become_references() {
        let mut doc = json!({
            "components": {"schemas": {"Spec": {"properties": {"auth": {
                "discriminator": {"propertyName": "kind", "mapping": {
                    "PlaintextProvider": {"title": "sql.v1.PlaintextProvider", "type": "object"}}},
                "oneOf": [{"type": "object"}]
            }}}}}
        });
        assert_eq!(stringify_discriminator_mappings(&mut doc).unwrap(), 1);
        assert_eq!(
            doc.pointer(
                "/components/schemas/Spec/properties/auth/discriminator/mapping/PlaintextProvider"
            ),
            Some(&json!("#/components/schemas/sql.v1.PlaintextProvider"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/sql.v1.PlaintextProvider/type"),
            Some(&json!("object"))
        );
        // String mappings are left alone.
        assert_eq!(stringify_discriminator_mappings(&mut doc).unwrap(), 0);
    }

    #[test]
    fn example_only_allof_members_are_dropped() {
        let mut doc = json!({"properties": {"metadata": {
            "allOf": [
                {"$ref": "#/components/schemas/ObjectMeta"},
                {"properties": {"self": {"example": "https://x"}, "uid": {"example": "1"}}}
            ]
        }}});
        assert_eq!(drop_example_only_allof_members(&mut doc).unwrap(), 1);
        assert_eq!(
            doc,
            json!({"properties": {"metadata": {"$ref": "#/components/schemas/ObjectMeta"}}})
        );
    }

    #[test]
    fn allof_members_that_add_types_are_kept() {
        let mut doc = json!({"allOf": [
            {"$ref": "#/components/schemas/A"},
            {"properties": {"extra": {"type": "string", "example": "x"}}}
        ]});
        let before = doc.clone();
        assert_eq!(drop_example_only_allof_members(&mut doc).unwrap(), 0);
        assert_eq!(doc, before);
    }

    #[test]
    fn inline_example_only_overlay_keeps_the_inline_base() {
        let mut doc = json!({"allOf": [
            {"type": "object", "title": "ListMeta", "properties": {"next": {"type": "string"}}},
            {"properties": {"next": {"example": "https://x?page_token=a"}}}
        ]});
        drop_example_only_allof_members(&mut doc).unwrap();
        assert_eq!(
            doc,
            json!({"type": "object", "title": "ListMeta", "properties": {"next": {"type": "string"}}})
        );
    }

    fn doc_with_put() -> Value {
        json!({
            "paths": {"/c/{name}": {"put": {"requestBody": {"content": {"application/json": {"schema": {
                "allOf": [
                    {"$ref": "#/components/schemas/Connection"},
                    {"type": "object", "required": ["metadata", "name", "spec"], "properties": {
                        "spec": {"type": "object", "required": ["auth_data"]},
                        "metadata": {"type": "object", "required": ["resource_version"]}
                    }}
                ]
            }}}}}}},
            "components": {"schemas": {
                "Connection": {"type": "object", "properties": {
                    "kind": {"type": "string", "readOnly": true},
                    "metadata": {"$ref": "#/components/schemas/ObjectMeta"},
                    "name": {"type": "string"},
                    "spec": {"type": "object", "properties": {
                        "endpoint": {"type": "string"},
                        "auth_data": {"type": "object"}
                    }},
                    "status": {"$ref": "#/components/schemas/Status"}
                }},
                "Status": {"type": "object", "readOnly": true, "properties": {"phase": {"type": "string"}}},
                "ObjectMeta": {"type": "object", "readOnly": true, "required": ["self"], "properties": {
                    "self": {"type": "string"},
                    "resource_version": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"}
                }}
            }}
        })
    }

    const PUT_SCHEMA: &str = "/paths/~1c~1{name}/put/requestBody/content/application~1json/schema";

    #[test]
    fn request_bodies_are_inlined_with_their_overlays_required_lists() {
        let mut doc = doc_with_put();
        assert_eq!(inline_request_bodies(&mut doc).unwrap(), 1);
        let body = doc.pointer(PUT_SCHEMA).unwrap();
        assert!(body.get("allOf").is_none(), "{body}");
        assert_eq!(body["required"], json!(["metadata", "name", "spec"]));
        assert_eq!(body["properties"]["spec"]["required"], json!(["auth_data"]));
        assert_eq!(
            body["properties"]["metadata"]["required"],
            json!(["self", "resource_version"])
        );
        assert_eq!(
            body["properties"]["metadata"]["properties"]["resource_version"][REQUIRED_BY_REQUEST],
            json!(true)
        );
        assert_eq!(
            body["properties"]["metadata"][REQUIRED_BY_REQUEST],
            json!(true)
        );
        assert!(body["properties"]["metadata"]["properties"]["self"]
            .get(REQUIRED_BY_REQUEST)
            .is_none());
        // Each copy says which component it copies, for name_enums_by_place.
        assert_eq!(body[COPY_OF], "Connection");
        assert_eq!(body["properties"]["metadata"][COPY_OF], "ObjectMeta");
        assert!(
            body["properties"]["spec"].get(COPY_OF).is_none(),
            "inline: no copy"
        );
    }

    #[test]
    fn the_put_body_does_not_require_metadata_self() {
        let mut doc = doc_with_put();
        inline_request_bodies(&mut doc).unwrap();
        let removed = strip_read_only_from_request_bodies(&mut doc).unwrap();
        let body = doc.pointer(PUT_SCHEMA).unwrap();
        // kind, status, metadata.self and metadata.created_at are gone.
        assert_eq!(removed, 4, "{body}");
        let props: Vec<&String> = body["properties"].as_object().unwrap().keys().collect();
        assert_eq!(props, ["metadata", "name", "spec"]);
        let meta = &body["properties"]["metadata"];
        assert_eq!(meta["required"], json!(["resource_version"]));
        assert_eq!(
            meta["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["resource_version"]
        );
        assert!(!body.to_string().contains(REQUIRED_BY_REQUEST));
        assert!(!body.to_string().contains("readOnly"));
    }

    #[test]
    fn an_object_whose_every_member_is_read_only_leaves_a_create_body() {
        // The component requires `metadata` (as every answer has it); all its members
        // are read-only, so a create cannot send any: the body neither has nor
        // requires it. The PUT above, which asks for `metadata.resource_version`, keeps it.
        let mut doc = json!({
            "components": {"schemas": {
                "Agent": {"type": "object", "required": ["metadata", "name"], "properties": {
                    "name": {"type": "string"},
                    "metadata": {"type": "object", "properties": {
                        "self": {"type": "string", "readOnly": true},
                        "uid": {"type": "string", "readOnly": true}
                    }}
                }}
            }},
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {"schema": {
                "allOf": [{"$ref": "#/components/schemas/Agent"}, {"required": ["name"]}]
            }}}}}}}
        });
        inline_request_bodies(&mut doc).unwrap();
        strip_read_only_from_request_bodies(&mut doc).unwrap();
        let body =
            &doc["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert!(body["properties"].get("metadata").is_none(), "{body}");
        assert_eq!(body["required"], json!(["name"]));
    }

    #[test]
    fn a_request_requires_what_its_overlay_requires_not_what_the_resource_has() {
        let mut doc = json!({
            "components": {"schemas": {
                "Agent": {"type": "object", "required": ["metadata", "name", "kind"], "properties": {
                    "name": {"type": "string"},
                    "kind": {"type": "string"},
                    "metadata": {"type": "object", "properties": {"labels": {"type": "object"}}},
                    "spec": {"type": "object", "required": ["model"], "properties": {"model": {"type": "string"}}}
                }}
            }},
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {"schema": {
                "allOf": [{"$ref": "#/components/schemas/Agent"}, {"required": ["name", "spec"]}]
            }}}}}}}
        });
        inline_request_bodies(&mut doc).unwrap();
        let body =
            &doc["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        let mut required: Vec<&str> = body["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        required.sort();
        assert_eq!(required, ["name", "spec"], "{body}");
        // What a nested object of the resource requires stays.
        assert_eq!(body["properties"]["spec"]["required"], json!(["model"]));
        // The component itself is untouched.
        assert_eq!(
            doc["components"]["schemas"]["Agent"]["required"],
            json!(["metadata", "name", "kind"])
        );
    }

    #[test]
    fn shared_components_are_untouched_by_request_fixes() {
        let mut doc = doc_with_put();
        let components = doc["components"].clone();
        inline_request_bodies(&mut doc).unwrap();
        strip_read_only_from_request_bodies(&mut doc).unwrap();
        assert_eq!(doc["components"], components);
    }

    #[test]
    fn shared_metadata_is_copied_and_named_after_each_owner() {
        let mut doc = json!({"components": {"schemas": {
            "ObjectMeta": {"type": "object", "properties": {"self": {"type": "string"}}},
            "Connection": {"type": "object", "properties": {"metadata": {"$ref": "#/components/schemas/ObjectMeta"}, "spec": {}}},
            "ConnectionList": {"type": "object", "properties": {"metadata": {"$ref": "#/components/schemas/ObjectMeta"}}},
            "Tool": {"type": "object", "properties": {"spec": {}, "metadata": {
                "allOf": [{"$ref": "#/components/schemas/ObjectMeta"}], "description": "Its metadata."}}},
            "Agent": {"type": "object", "properties": {"metadata": {
                "allOf": [{"$ref": "#/components/schemas/ObjectMeta"}, {"properties": {"x": {"type": "string"}}}]}}}
        }}});
        assert_eq!(name_shared_metadata_by_owner(&mut doc).unwrap(), 2);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Connection"]["properties"]["metadata"],
            json!({"$ref": "#/components/schemas/ConnectionMetadata"})
        );
        assert_eq!(
            schemas["Tool"]["properties"]["metadata"]["allOf"][0],
            json!({"$ref": "#/components/schemas/ToolMetadata"})
        );
        assert_eq!(schemas["ToolMetadata"], schemas["ObjectMeta"]);
        // An overlay that adds properties is typify's to name (`AgentMetadata`); the
        // shared component stays as published.
        assert!(schemas.get("AgentMetadata").is_none());
        // A list's metadata is not a resource's: it stays shared.
        assert!(schemas.get("ConnectionListMetadata").is_none());
        assert!(schemas.get("ObjectMeta").is_some());
        // Run again, nothing more to do.
        assert_eq!(name_shared_metadata_by_owner(&mut doc).unwrap(), 0);
    }

    #[test]
    fn required_only_overlays_collapse_to_the_shared_type() {
        let mut doc = json!({"items": {"allOf": [
            {"$ref": "#/components/schemas/Connection"},
            {"type": "object", "required": ["name", "spec"], "properties": {"spec": {"type": "object", "required": ["endpoint"]}}}
        ]}});
        assert_eq!(collapse_required_only_overlays(&mut doc).unwrap(), 1);
        assert_eq!(
            doc,
            json!({"items": {"$ref": "#/components/schemas/Connection"}})
        );
    }

    #[test]
    fn what_answers_promise_is_not_required_of_a_component_requests_send() {
        // The create answers an agent with `spec.model` required. The PUT body sends
        // `spec` as the component itself: it gets its own copy of AgentSpec (and of
        // the components on the way to it), which does not require `model`, and
        // AgentSpec, the answers' type, does.
        let overlay = json!({"allOf": [
            {"$ref": "#/components/schemas/Agent"},
            {"type": "object", "properties": {"spec": {"type": "object", "properties": {
                "model": {"type": "object", "required": ["name"]}}}}}
        ]});
        let answer =
            |schema: &Value| json!({"200": {"content": {"application/json": {"schema": schema}}}});
        let components = json!({"schemas": {
            "Agent": {"type": "object", "properties": {"spec": {"$ref": "#/components/schemas/AgentSpec"}}},
            "AgentSpec": {"type": "object", "properties": {
                "model": {"$ref": "#/components/schemas/Model"},
                "tools": {"type": "array", "items": {"$ref": "#/components/schemas/Tool"}},
                "created_by": {"type": "string", "readOnly": true}
            }},
            "Model": {"type": "object", "properties": {
                "name": {"type": "string"},
                "fallback": {"$ref": "#/components/schemas/Model"}
            }},
            "Tool": {"type": "object", "properties": {"name": {"type": "string"}}}
        }});
        let put = json!({"responses": answer(&overlay), "requestBody": {"content": {"application/json": {
            "schema": {"type": "object", "properties": {"spec": {"$ref": "#/components/schemas/AgentSpec"}}}}}}});
        let mut doc = json!({"paths": {"/a": {"put": put}}, "components": components});
        collapse_required_only_overlays(&mut doc).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Model"]["required"], json!(["name"]), "{doc}");
        assert!(schemas["AgentSpec"].get("required").is_none(), "{doc}");
        let body =
            &doc["paths"]["/a"]["put"]["requestBody"]["content"]["application/json"]["schema"];
        let spec = &body["properties"]["spec"];
        assert_eq!(spec[COPY_OF], "AgentSpec", "{doc}");
        assert!(
            spec["properties"].get("created_by").is_none(),
            "read-only: {doc}"
        );
        let model = &spec["properties"]["model"];
        assert_eq!(model[COPY_OF], "Model", "{doc}");
        assert!(model.get("required").is_none(), "{doc}");
        // A recursive reference stays a reference; what the promises do not reach too.
        assert_eq!(
            model["properties"]["fallback"],
            json!({"$ref": "#/components/schemas/Model"})
        );
        assert_eq!(
            spec["properties"]["tools"]["items"],
            json!({"$ref": "#/components/schemas/Tool"})
        );
        // Without the request, nothing is copied.
        let mut doc = json!({"paths": {"/a": {"post": {"responses": answer(&overlay)}}}, "components": components});
        collapse_required_only_overlays(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["Model"]["required"],
            json!(["name"])
        );
    }

    #[test]
    fn overlays_that_add_properties_do_not_collapse() {
        let mut doc = json!({"allOf": [
            {"$ref": "#/components/schemas/Connection"},
            {"properties": {"extra": {"type": "string"}}}
        ]});
        assert_eq!(collapse_required_only_overlays(&mut doc).unwrap(), 0);
    }

    #[test]
    fn bodiless_429_is_dropped_and_typed_errors_stay() {
        let mut doc = json!({"paths": {"/c": {"get": {"responses": {
            "200": {"description": "ok"},
            "404": {"description": "nf", "content": {"application/json": {"schema": {"type": "object"}}}},
            "429": {"description": "slow down", "headers": {"Retry-After": {"schema": {"type": "integer"}}}}
        }}}}});
        assert_eq!(drop_bodiless_error_responses(&mut doc).unwrap(), 1);
        let codes: Vec<&String> = doc["paths"]["/c"]["get"]["responses"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(codes, ["200", "404"]);
    }

    #[test]
    fn operations_without_typed_errors_keep_their_bodiless_responses() {
        let mut doc = json!({"paths": {"/c": {"get": {"responses": {
            "200": {"description": "ok"}, "429": {"description": "slow down"}
        }}}}});
        assert_eq!(drop_bodiless_error_responses(&mut doc).unwrap(), 0);
    }

    #[test]
    fn error_schema_is_renamed_with_its_references_and_titles() {
        let mut doc = json!({
            "components": {"schemas": {
                "Failure": {"properties": {"errors": {"items": {"$ref": "#/components/schemas/Error"}}}},
                "Error": {"type": "object"}
            }},
            "paths": {"/x": {"get": {"responses": {"400": {"content": {"application/json": {"schema": {
                "properties": {"errors": {"items": {"title": "Error", "type": "object"}}}
            }}}}}}}}
        });
        assert_eq!(rename_clashing_schemas(&mut doc).unwrap(), 3);
        assert!(doc["components"]["schemas"].get("Error").is_none());
        // The schema keeps the name the spec gives it.
        assert_eq!(
            doc["components"]["schemas"]["ErrorDetail"],
            json!({"type": "object", PUBLISHED_NAME: "Error"})
        );
        assert!(doc.to_string().contains("#/components/schemas/ErrorDetail"));
        // No reference nor title names the old schema (its published name aside).
        doc["components"]["schemas"]["ErrorDetail"]
            .as_object_mut()
            .unwrap()
            .remove(PUBLISHED_NAME);
        assert!(!doc.to_string().contains("\"Error\""));
    }

    #[test]
    fn unique_items_is_dropped_from_arrays() {
        let mut doc =
            json!({"properties": {"data": {"type": "array", "uniqueItems": true, "items": {}}}});
        assert_eq!(keep_arrays_ordered(&mut doc).unwrap(), 1);
        assert_eq!(
            doc,
            json!({"properties": {"data": {"type": "array", "items": {}}}})
        );
    }

    #[test]
    fn titled_inline_schemas_become_components() {
        let secret = json!({"title": "sql.v1.PlaintextProvider", "type": "object",
            "properties": {"data": {"type": "string"}}});
        let mut doc = json!({
            "info": {"title": "API", "version": "1"},
            "paths": {"/c": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"title": "Spec", "type": "object", "properties": {
                    "auth": {"oneOf": [secret.clone()]},
                    "example": {"type": "string", "title": "Example"}
                }},
                "example": {"title": "data, not a schema", "type": "object"}
            }}}}}}},
            "components": {"schemas": {"sql.v1.PlaintextProvider": secret.clone()}}
        });
        // auth's member (equal to the component), the property named "example", Spec.
        assert_eq!(lift_titled_schemas(&mut doc).unwrap(), 3);
        let media = &doc["paths"]["/c"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(
            media["schema"],
            json!({"$ref": "#/components/schemas/Spec"})
        );
        assert_eq!(media["example"]["title"], json!("data, not a schema"));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["sql.v1.PlaintextProvider"], secret);
        assert_eq!(
            schemas["Spec"]["properties"]["auth"]["oneOf"][0],
            json!({"$ref": "#/components/schemas/sql.v1.PlaintextProvider"})
        );
        assert_eq!(
            schemas["Example"],
            json!({"type": "string", "title": "Example"})
        );
        assert_eq!(doc["info"]["title"], json!("API"));
        // Component roots stay where they are; a second run changes nothing.
        assert_eq!(lift_titled_schemas(&mut doc).unwrap(), 0);
    }

    #[test]
    fn a_title_naming_a_different_schema_stays_inline() {
        let mut doc = json!({
            "paths": {"/c": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"title": "ObjectMeta", "type": "object"}
            }}}}}}},
            "components": {"schemas": {"ObjectMeta": {"type": "object", "properties": {"self": {"type": "string"}}}}}
        });
        let before = doc.clone();
        assert_eq!(lift_titled_schemas(&mut doc).unwrap(), 0);
        assert_eq!(doc, before);
    }

    #[test]
    fn overlay_only_properties_are_declared_on_the_base() {
        let mut doc = json!({
            "components": {"schemas": {"ObjectMeta": {"type": "object", "properties": {"self": {"type": "string"}}}}},
            "x": {"allOf": [
                {"$ref": "#/components/schemas/ObjectMeta"},
                {"properties": {
                    "self": {"example": "https://x"},
                    "uid": {"example": "u-1", "description": "id"},
                    "n": {"example": 3},
                    "o": {"example": {"a": 1}}
                }}
            ]},
            "y": {"allOf": [
                {"type": "object", "title": "ListMeta", "properties": {"next": {"type": "string"}}},
                {"properties": {"self": {"example": "https://s"}}}
            ]}
        });
        assert_eq!(declare_overlay_only_properties(&mut doc).unwrap(), 3);
        let meta = &doc["components"]["schemas"]["ObjectMeta"]["properties"];
        assert_eq!(
            meta["self"],
            json!({"type": "string"}),
            "declared properties are untouched"
        );
        assert_eq!(
            meta["uid"],
            json!({"type": "string", "example": "u-1", "description": "id"})
        );
        assert_eq!(meta["n"], json!({"type": "integer", "example": 3}));
        assert!(meta.get("o").is_none(), "an object example gives no type");
        assert_eq!(
            doc["y"]["allOf"][0]["properties"]["self"],
            json!({"type": "string", "example": "https://s"})
        );
        // The overlays can then go without losing a field.
        drop_example_only_allof_members(&mut doc).unwrap();
        assert_eq!(doc["x"], json!({"$ref": "#/components/schemas/ObjectMeta"}));
        assert!(doc["y"]["properties"]["self"].is_object());
    }

    #[test]
    fn every_object_schema_keeps_its_unknown_properties() {
        let mut doc = json!({"properties": {"errors": {"type": "array", "items": {
            "type": "object", "additionalProperties": false, "properties": {"id": {"type": "string"}}
        }}, "meta": {"properties": {"a": {"type": "string"}}, "additionalProperties": true}},
        "additionalProperties": {"type": "string"}});
        assert_eq!(keep_unknown_properties(&mut doc).unwrap(), 2);
        assert_eq!(
            doc["properties"]["errors"]["items"]["additionalProperties"],
            json!({})
        );
        assert_eq!(doc["properties"]["meta"]["additionalProperties"], json!({}));
        assert_eq!(
            doc["additionalProperties"],
            json!({"type": "string"}),
            "typed maps stay"
        );
        assert_eq!(keep_unknown_properties(&mut doc).unwrap(), 0);
    }

    #[test]
    fn unanchored_patterns_are_anchored_at_both_ends() {
        let mut doc = json!({"properties": {
            "name": {"type": "string", "pattern": "[a-z0-9]([-a-z0-9]*[a-z0-9])?"},
            "prefix": {"type": "string", "pattern": "^ab"},
            "suffix": {"type": "string", "pattern": "ab$"},
            "dollar": {"type": "string", "pattern": "a\\$"},
            "pattern": {"type": "string"}
        }});
        assert_eq!(anchor_patterns(&mut doc).unwrap(), 2);
        let p = &doc["properties"];
        assert_eq!(p["name"]["pattern"], "^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?)$");
        assert_eq!(p["prefix"]["pattern"], "^ab");
        assert_eq!(p["suffix"]["pattern"], "ab$");
        assert_eq!(
            p["dollar"]["pattern"], "^(?:a\\$)$",
            "an escaped `$` is no anchor"
        );
        assert_eq!(
            p["pattern"],
            json!({"type": "string"}),
            "a property named pattern"
        );
        assert_eq!(anchor_patterns(&mut doc).unwrap(), 0, "anchored once");
    }

    #[test]
    fn normalize_reports_every_fix_in_order() {
        let mut doc = doc_with_put();
        let applied = normalize(&mut doc).unwrap();
        let names: Vec<&str> = applied.iter().map(|a| a.name).collect();
        let expected: Vec<&str> = FIXES.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, expected);
    }

    #[test]
    fn a_dangling_reference_is_a_clear_error() {
        let mut doc = json!({"paths": {"/c": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Missing"}
        }}}}}}});
        let err = normalize(&mut doc).unwrap_err();
        assert!(
            err.contains("inline_request_bodies") && err.contains("#/components/schemas/Missing"),
            "{err}"
        );
    }
}
