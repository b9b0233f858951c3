//! The published document the crate was built from (`openapi/*.yaml`, as JSON in
//! `OUT_DIR`), read by the fake to validate request bodies and parameters and to shape its
//! answers: which status a success answers with, whether it has a body, which members an
//! answer has, the `kind` of each resource. Nothing here names a resource.
//!
//! The JSON Schema subset the document uses is checked here: `$ref`, `allOf`, `anyOf`,
//! `oneOf`, `type` (with `nullable`), `enum`, `properties`, `required`,
//! `additionalProperties`, `items`, `minItems`/`maxItems`, `minLength`/`maxLength`,
//! `pattern` (anchored, as the service matches names; the document's are not), `minimum`/
//! `maximum`, `minProperties`/`maxProperties` and `format: uuid`. Values are checked as
//! request bodies: a `readOnly` member is not required (OpenAPI 3.0: `required` applies to
//! it in answers only), and is checked like the others when sent (the fake ignores it).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use serde_json::{Map, Value};

use super::validate::Problem;

static SPEC: LazyLock<Spec> = LazyLock::new(|| {
    let text = include_str!(concat!(env!("OUT_DIR"), "/published-spec.json"));
    Spec {
        doc: serde_json::from_str(text).unwrap_or(Value::Null),
        patterns: Mutex::new(HashMap::new()),
    }
});

/// How deep the validator follows a value (the document's schemas are recursive).
const MAX_DEPTH: usize = 64;

/// The published document.
pub(crate) struct Spec {
    doc: Value,
    patterns: Mutex<HashMap<String, Option<regress::Regex>>>,
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Spec")
    }
}

/// What a successful answer of an operation is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Success<'a> {
    pub(crate) status: u16,
    /// The JSON body schema, if the answer has a body.
    pub(crate) schema: Option<&'a Value>,
}

impl Spec {
    /// The document the crate was built from.
    pub(crate) fn get() -> &'static Spec {
        &SPEC
    }

    /// The operation object of `operation_id`.
    pub(crate) fn operation(&self, operation_id: &str) -> Option<&Value> {
        self.operation_with_path(operation_id).map(|(_, op)| op)
    }

    fn operation_with_path(&self, operation_id: &str) -> Option<(&Value, &Value)> {
        let paths = self.doc.get("paths")?.as_object()?;
        paths.values().find_map(|item| {
            item.as_object()?.values().find_map(|op| {
                (op.get("operationId").and_then(Value::as_str) == Some(operation_id))
                    .then_some((item, op))
            })
        })
    }

    /// Follows `$ref`s (within the document) to the schema they name.
    pub(crate) fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..MAX_DEPTH {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                return schema;
            };
            let Some(target) = reference
                .strip_prefix('#')
                .and_then(|pointer| self.doc.pointer(pointer))
            else {
                return schema;
            };
            schema = target;
        }
        schema
    }

    /// The request body schema of `operation_id` (of its first media type).
    pub(crate) fn request_schema(&self, operation_id: &str) -> Option<&Value> {
        let body = self.resolve(self.operation(operation_id)?.get("requestBody")?);
        let content = body.get("content")?.as_object()?;
        content.values().next()?.get("schema")
    }

    /// The first 2xx answer `operation_id` declares.
    pub(crate) fn success(&self, operation_id: &str) -> Option<Success<'_>> {
        let responses = self
            .operation(operation_id)?
            .get("responses")?
            .as_object()?;
        let mut codes: Vec<(u16, &Value)> = responses
            .iter()
            .filter_map(|(code, answer)| Some((code.parse::<u16>().ok()?, answer)))
            .filter(|(code, _)| (200..300).contains(code))
            .collect();
        codes.sort_by_key(|(code, _)| *code);
        let (status, answer) = codes.first().copied()?;
        let schema = self
            .resolve(answer)
            .get("content")
            .and_then(Value::as_object)
            .and_then(|content| content.values().next())
            .and_then(|media| media.get("schema"));
        Some(Success { status, schema })
    }

    /// Whether `operation_id` declares the answer `status`.
    pub(crate) fn declares(&self, operation_id: &str, status: u16) -> bool {
        self.operation(operation_id)
            .and_then(|op| op.get("responses"))
            .is_some_and(|responses| responses.get(status.to_string()).is_some())
    }

    /// The parameters of `operation_id` (its own and its path's), resolved.
    pub(crate) fn parameters(&self, operation_id: &str) -> Vec<&Value> {
        let Some((item, op)) = self.operation_with_path(operation_id) else {
            return Vec::new();
        };
        let mut out: Vec<&Value> = Vec::new();
        for list in [op.get("parameters"), item.get("parameters")] {
            for parameter in list.and_then(Value::as_array).into_iter().flatten() {
                let parameter = self.resolve(parameter);
                let name = parameter.get("name");
                if !out.iter().any(|seen| seen.get("name") == name) {
                    out.push(parameter);
                }
            }
        }
        out
    }

    /// The schema of the member `name` of objects of `schema` (through `$ref` and `allOf`).
    pub(crate) fn property<'a>(&'a self, schema: &'a Value, name: &str) -> Option<&'a Value> {
        self.property_at(schema, name, 0)
    }

    fn property_at<'a>(&'a self, schema: &'a Value, name: &str, depth: usize) -> Option<&'a Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let schema = self.resolve(schema);
        let members = schema.get("allOf").and_then(Value::as_array);
        // The first member that declares it with a schema of its own (the overlays of an
        // allOf often repeat a member as `{}`).
        let mut found = None;
        if let Some(own) = schema.get("properties").and_then(|p| p.get(name)) {
            found = Some(own);
        }
        let is_empty = |schema: &Value| schema.as_object().is_some_and(Map::is_empty);
        for member in members.into_iter().flatten() {
            if let Some(inner) = self.property_at(member, name, depth + 1) {
                if found.is_none_or(|f| is_empty(f) && !is_empty(inner)) {
                    found = Some(inner);
                }
            }
        }
        found
    }

    /// The one value of the `enum` of member `name` (`kind`, `api_version`), if it has one.
    pub(crate) fn constant<'a>(&'a self, schema: &'a Value, name: &str) -> Option<&'a str> {
        let member = self.property(schema, name)?;
        let member = self.resolve(member);
        let values = member.get("enum").and_then(Value::as_array)?;
        values.first()?.as_str()
    }

    /// The values of an `enum` or `x-extensible-enum` of member `name`.
    pub(crate) fn values<'a>(&'a self, schema: &'a Value, name: &str) -> Vec<&'a str> {
        let Some(member) = self.property(schema, name).map(|m| self.resolve(m)) else {
            return Vec::new();
        };
        ["enum", "x-extensible-enum"]
            .iter()
            .find_map(|key| member.get(*key).and_then(Value::as_array))
            .map(|values| values.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// Whether `schema` (or the member it is reached through) is marked `readOnly`.
    pub(crate) fn is_read_only(&self, schema: &Value) -> bool {
        if schema.get("readOnly") == Some(&Value::Bool(true)) {
            return true;
        }
        let resolved = self.resolve(schema);
        resolved.get("readOnly") == Some(&Value::Bool(true))
            || resolved
                .get("allOf")
                .and_then(Value::as_array)
                .and_then(|members| members.first())
                .is_some_and(|first| {
                    self.resolve(first).get("readOnly") == Some(&Value::Bool(true))
                })
    }

    /// Whether member schema `schema` is marked `x-immutable`.
    pub(crate) fn is_immutable(&self, schema: &Value) -> bool {
        schema.get("x-immutable") == Some(&Value::Bool(true))
            || self.resolve(schema).get("x-immutable") == Some(&Value::Bool(true))
    }

    /// The members `schema` requires (through `$ref` and `allOf`).
    pub(crate) fn required<'a>(&'a self, schema: &'a Value) -> Vec<&'a str> {
        let mut out = Vec::new();
        self.collect_required(schema, &mut out, 0);
        out
    }

    fn collect_required<'a>(&'a self, schema: &'a Value, out: &mut Vec<&'a str>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = self.resolve(schema);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !out.contains(&name) {
                out.push(name);
            }
        }
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.collect_required(member, out, depth + 1);
        }
    }

    /// Checks `value` against `schema`; each problem is blamed on the JSON pointer of the
    /// member at fault (below `at`).
    pub(crate) fn validate(&self, schema: &Value, value: &Value, at: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        self.check(schema, value, at, &mut problems, 0);
        problems
    }

    fn check(
        &self,
        schema: &Value,
        value: &Value,
        at: &str,
        problems: &mut Vec<Problem>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = self.resolve(schema);
        let Some(keywords) = schema.as_object() else {
            return;
        };
        let mut push = |detail: String| {
            problems.push(Problem {
                pointer: at.to_owned(),
                detail,
            })
        };
        if value.is_null() && keywords.get("nullable") == Some(&Value::Bool(true)) {
            return;
        }
        if let Some(expected) = keywords.get("type").and_then(Value::as_str) {
            if !has_type(value, expected) {
                push(format!("must be of type {expected}"));
                return;
            }
        }
        if let Some(values) = keywords.get("enum").and_then(Value::as_array) {
            if !values.contains(value) {
                let shown: Vec<String> = values.iter().map(Value::to_string).collect();
                push(format!("must be one of {}", shown.join(", ")));
            }
        }
        match value {
            Value::String(text) => {
                let chars = text.chars().count() as u64;
                if let Some(max) = keywords.get("maxLength").and_then(Value::as_u64) {
                    if chars > max {
                        push(format!("must be at most {max} characters"));
                    }
                }
                if let Some(min) = keywords.get("minLength").and_then(Value::as_u64) {
                    if chars < min {
                        push(format!("must be at least {min} characters"));
                    }
                }
                if let Some(pattern) = keywords.get("pattern").and_then(Value::as_str) {
                    if !self.matches(pattern, text) {
                        push(format!("must match {pattern}"));
                    }
                }
                if keywords.get("format").and_then(Value::as_str) == Some("uuid")
                    && !super::handlers::is_uuid(text)
                {
                    push("must be a UUID".to_owned());
                }
            }
            Value::Number(number) => {
                let n = number.as_f64().unwrap_or_default();
                if let Some(min) = keywords.get("minimum").and_then(Value::as_f64) {
                    if n < min {
                        push(format!("must be at least {min}"));
                    }
                }
                if let Some(max) = keywords.get("maximum").and_then(Value::as_f64) {
                    if n > max {
                        push(format!("must be at most {max}"));
                    }
                }
            }
            Value::Array(items) => {
                let len = items.len() as u64;
                if keywords
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .is_some_and(|max| len > max)
                {
                    push("has too many items".to_owned());
                }
                if keywords
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .is_some_and(|min| len < min)
                {
                    push("has too few items".to_owned());
                }
                if let Some(item_schema) = keywords.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item_schema, item, &format!("{at}/{i}"), problems, depth + 1);
                    }
                }
            }
            Value::Object(members) => {
                let len = members.len() as u64;
                if keywords
                    .get("maxProperties")
                    .and_then(Value::as_u64)
                    .is_some_and(|max| len > max)
                {
                    push("has too many members".to_owned());
                }
                if keywords
                    .get("minProperties")
                    .and_then(Value::as_u64)
                    .is_some_and(|min| len < min)
                {
                    push("has too few members".to_owned());
                }
                let declared = keywords.get("properties").and_then(Value::as_object);
                for name in keywords
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    // OpenAPI 3.0: a read-only member (or a member of a read-only object)
                    // is required of answers only.
                    let read_only = keywords.get("readOnly") == Some(&Value::Bool(true))
                        || declared
                            .and_then(|d| d.get(name))
                            .is_some_and(|member| self.is_read_only(member));
                    if !members.contains_key(name) && !read_only {
                        problems.push(Problem {
                            pointer: format!("{at}/{}", escape(name)),
                            detail: "is required".to_owned(),
                        });
                    }
                }
                for (name, member) in members {
                    let pointer = format!("{at}/{}", escape(name));
                    match declared.and_then(|d| d.get(name)) {
                        Some(member_schema) => {
                            self.check(member_schema, member, &pointer, problems, depth + 1)
                        }
                        None => match keywords.get("additionalProperties") {
                            Some(Value::Bool(false)) => problems.push(Problem {
                                pointer,
                                detail: "is not a member of this object".to_owned(),
                            }),
                            Some(extra @ Value::Object(_)) => {
                                self.check(extra, member, &pointer, problems, depth + 1)
                            }
                            _ => {}
                        },
                    }
                }
            }
            _ => {}
        }
        if let Some(members) = keywords.get("allOf").and_then(Value::as_array) {
            for member in members {
                self.check(member, value, at, problems, depth + 1);
            }
        }
        if let Some(members) = keywords.get("anyOf").and_then(Value::as_array) {
            if !members.iter().any(|m| self.is_valid(m, value, depth)) {
                problems.push(Problem {
                    pointer: at.to_owned(),
                    detail: "matches none of the allowed forms".to_owned(),
                });
            }
        }
        if let Some(members) = keywords.get("oneOf").and_then(Value::as_array) {
            let matching: Vec<&Value> = members
                .iter()
                .filter(|m| self.is_valid(m, value, depth))
                .collect();
            match matching.len() {
                1 => {}
                0 => {
                    // The problems of the closest form, if there is one form of its type.
                    let mut best: Option<Vec<Problem>> = None;
                    for member in members {
                        let mut found = Vec::new();
                        self.check(member, value, at, &mut found, depth + 1);
                        if best.as_ref().is_none_or(|b| found.len() < b.len()) {
                            best = Some(found);
                        }
                    }
                    match best {
                        Some(found) if !found.is_empty() => problems.extend(found),
                        _ => problems.push(Problem {
                            pointer: at.to_owned(),
                            detail: "matches none of the allowed forms".to_owned(),
                        }),
                    }
                }
                _ => problems.push(Problem {
                    pointer: at.to_owned(),
                    detail: "matches more than one of the allowed forms".to_owned(),
                }),
            }
        }
    }

    fn is_valid(&self, schema: &Value, value: &Value, depth: usize) -> bool {
        let mut problems = Vec::new();
        self.check(schema, value, "", &mut problems, depth + 1);
        problems.is_empty()
    }

    /// Whether `text` matches `pattern` as a whole (patterns that do not compile match).
    fn matches(&self, pattern: &str, text: &str) -> bool {
        let mut cache = self
            .patterns
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let regex = cache.entry(pattern.to_owned()).or_insert_with(|| {
            let body = pattern.strip_prefix('^').unwrap_or(pattern);
            let body = body.strip_suffix('$').unwrap_or(body);
            regress::Regex::new(&format!("^(?:{body})$")).ok()
        });
        regex
            .as_ref()
            .is_none_or(|regex| regex.find(text).is_some())
    }
}

fn has_type(value: &Value, expected: &str) -> bool {
    match expected {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|n| n.fract() == 0.0)
        }
        _ => true,
    }
}

/// A member name as a JSON pointer token.
pub(crate) fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(doc: Value) -> Spec {
        Spec {
            doc,
            patterns: Mutex::new(HashMap::new()),
        }
    }

    fn pointers(problems: &[Problem]) -> Vec<&str> {
        let mut out: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn the_subset_is_checked_with_pointers() {
        let spec = spec(json!({"components": {"schemas": {
            "Thing": {"type": "object", "required": ["name", "kind"], "properties": {
                "name": {"type": "string", "maxLength": 5, "pattern": "[a-z]+"},
                "kind": {"type": "string", "readOnly": true},
                "spec": {"$ref": "#/components/schemas/Spec"}
            }},
            "Spec": {"type": "object", "additionalProperties": false, "properties": {
                "size": {"type": "integer", "minimum": 1},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "next": {"$ref": "#/components/schemas/Spec"}
            }}
        }}}));
        let schema = json!({"allOf": [{"$ref": "#/components/schemas/Thing"},
                                      {"required": ["spec"]}]});
        assert!(spec
            .validate(&schema, &json!({"name": "ab", "spec": {"size": 2}}), "")
            .is_empty());
        let problems = spec.validate(
            &schema,
            &json!({"name": "ab1", "spec": {"size": 0, "labels": {"a": 1}, "x": 1,
                     "next": {"size": "big"}}}),
            "",
        );
        assert_eq!(
            pointers(&problems),
            [
                "/name",
                "/spec/labels/a",
                "/spec/next/size",
                "/spec/size",
                "/spec/x"
            ]
        );
        assert_eq!(
            pointers(&spec.validate(&schema, &json!({}), "")),
            ["/name", "/spec"]
        );
        // `kind` is read-only: required of answers, not of requests.
        assert_eq!(spec.required(&schema), ["name", "kind", "spec"]);
    }

    #[test]
    fn one_of_needs_exactly_one_form() {
        let spec = spec(json!({}));
        let schema = json!({"type": "array", "items": {"oneOf": [
            {"type": "object", "additionalProperties": false, "required": ["op", "value"],
             "properties": {"op": {"enum": ["ADD"]}, "value": {}}},
            {"type": "object", "additionalProperties": false, "required": ["op"],
             "properties": {"op": {"enum": ["REMOVE"]}}}
        ]}});
        assert!(spec
            .validate(
                &schema,
                &json!([{"op": "ADD", "value": 1}, {"op": "REMOVE"}]),
                ""
            )
            .is_empty());
        assert!(!spec
            .validate(&schema, &json!([{"op": "MOVE"}]), "")
            .is_empty());
    }

    #[test]
    fn the_built_document_is_loaded_and_answers_for_its_operations() {
        let spec = Spec::get();
        for (id, _, _) in crate::generated::OPERATIONS {
            assert!(spec.operation(id).is_some(), "{id}");
            assert!(spec.success(id).is_some(), "{id}");
        }
    }
}
