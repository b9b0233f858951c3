//! Validates JSON against the schemas of `openapi/sql-v1.yaml` as published,
//! allowing exactly the deviations listed in `openapi/deviations.json`.
//!
//! Include it from a test file with
//! `#[path = "support/spec_schema.rs"] mod spec_schema;`.
//!
//! ```ignore
//! let spec = spec_schema::Spec::load()?;
//! spec.validate_request("createSqlv1Connection", &body)?;          // Err(Vec<Violation>)
//! spec.validate_response("getSqlv1Connection", 200, &body)?;
//! spec.validate_request_target("GET", "/sql/v1/organizations/…/connections?page_size=100")?;
//! ```
//!
//! # From OpenAPI 3.0 to JSON Schema
//!
//! The `jsonschema` crate validates JSON Schema (draft 2020-12 here). Each operation's body
//! schema is expanded into one self-contained schema (every `$ref` inlined, except a recursive
//! one, see below) and translated keyword by keyword. Nothing is dropped silently:
//! a keyword not listed below makes [`Spec::load`] fail.
//!
//! | OpenAPI 3.0 | becomes |
//! |---|---|
//! | `$ref` (local, alone) | the referenced schema, inlined; a `$ref` with siblings is refused |
//! | `$ref` inside the schema it refers to (recursive: `DataType`'s `element_type`) | `{"$ref": "#/$defs/<name>"}`, the schema translated once into the root's `$defs`; the validator follows it only as deep as the value goes |
//! | `nullable: true` | `null` added to `type` (and to `enum`); without `type` it has no effect (OpenAPI 3.0.3) |
//! | `discriminator` + `oneOf`/`anyOf` | the property is required, must be one of the mapping's values (or an unmapped member's component name), and the value must match the member it names (`if`/`then`); the `oneOf` itself is replaced by that choice, so errors point inside the chosen member |
//! | `readOnly` (a property's schema, through `$ref`/`allOf`) | in request bodies: the property must be absent (`allOf: [false, schema]`, reported as keyword `readOnly`; the content is still checked) and is dropped from `required` of the same schema object; in responses and elsewhere: no effect |
//! | `writeOnly` | the same, for response bodies |
//! | `format: byte` | a base64 check (standard alphabet, padded) |
//! | `format: int32` / `int64` | `minimum`/`maximum` of the integer's range |
//! | `format: float`, `double`, `password`, `binary` | removed: annotations without a JSON constraint |
//! | `format: date-time`, `uri`, `uuid`, ... | checked by `jsonschema` (format assertion switched on); an unknown format is refused |
//! | `exclusiveMaximum`/`exclusiveMinimum: true` | the numeric JSON Schema form |
//! | `example`, `deprecated`, `externalDocs`, `xml`, `x-*` | removed (`x-extensible-enum` included: such enums stay open, as the service means them) |
//! | `type`, `enum`, `properties`, `required`, `items`, `allOf`, `anyOf`, `oneOf`, `not`, `additionalProperties`, length/size/number limits, `pattern`, `uniqueItems`, `default`, `description`, `title` | unchanged |
//!
//! Request and response bodies are read from their JSON media type: `application/json`, or
//! one with RFC 6839's `+json` suffix (`application/json-patch+json`), one per body.
//!
//! Refused rather than skipped: other media types (or two JSON ones), `examples` (the
//! map form), non-local `$ref`s, a `discriminator` without `oneOf`/`anyOf` or with an inline
//! (docs-form) mapping.
//!
//! Query and path parameters are checked against their schemas after the text is read as the
//! schema's type (`integer`, `number`, `boolean`, `string`); a query parameter the operation
//! does not declare is a violation (keyword `undeclared`).
//!
//! # Deviations
//!
//! Every violation is matched against `openapi/deviations.json` (see `openapi/DEVIATIONS.md`).
//! `check_*` return all violations, each with `allowed_by` set when a deviation waives it;
//! `validate_*` return only the ones no deviation waives. [`Spec::audit_deviations`] reports a
//! deviation that no longer matches the spec or that no sample or example exercises.
//!
//! A response status the operation does not declare is a violation (keyword `status`). When
//! the deviation that waives it names a declared status in `answered_as`, the body and
//! headers are checked against that status's response instead (an undeclared 503 as the
//! declared 500), so waiving the status never leaves the body unchecked.

#![allow(dead_code)]

#[path = "spec_schema/deviations.rs"]
pub mod deviations;
#[path = "spec_schema/translate.rs"]
mod translate;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

pub use deviations::{Deviation, PrismFinding};
use translate::View;

/// The spec file, relative to the crate root.
pub const SPEC_PATH: &str = "openapi/sql-v1.yaml";
/// The machine-readable deviation list, relative to the crate root.
pub const DEVIATIONS_PATH: &str = "openapi/deviations.json";

/// The crate root (where `Cargo.toml` is).
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One problem found in a body, a parameter or a header.
#[derive(Clone, PartialEq, Eq)]
pub struct Violation {
    /// `request <op>`, `response <op> <status>`, `parameters <op>`, `headers <op> <status>`
    /// or `example <#/pointer>`.
    pub context: String,
    /// JSON pointer into the checked value (`""` = the whole value; for parameters
    /// `/path/<name>` or `/query/<name>`).
    pub pointer: String,
    /// The violated keyword: `type`, `required`, `format`, `readOnly`, `enum`, ...
    pub keyword: String,
    /// The keyword's argument: the missing property for `required`, the format for `format`.
    pub argument: Option<String>,
    /// What is wrong. Never contains the checked value (it may be a secret).
    pub message: String,
    /// Where in the translated schema the check failed.
    pub schema_path: String,
    /// The id of the deviation that waives this violation, if one does.
    pub allowed_by: Option<String>,
}

impl Violation {
    /// Whether a listed deviation waives this violation.
    pub fn is_allowed(&self) -> bool {
        self.allowed_by.is_some()
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(
            f,
            "{}: {pointer}: {} [{}]",
            self.context, self.message, self.keyword
        )?;
        if let Some(id) = &self.allowed_by {
            write!(f, " (allowed by deviation `{id}`)")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} (schema path {})", self.schema_path)
    }
}

/// A parameter of an operation.
#[derive(Debug)]
pub struct Parameter {
    /// The parameter's name.
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    /// Whether the request must carry it.
    pub required: bool,
    /// The schema's `type` (`string` when absent).
    pub kind: String,
    validator: jsonschema::Validator,
}

/// One operation of the spec.
#[derive(Debug)]
pub struct Operation {
    /// The `operationId`.
    pub id: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template, e.g. `/sql/v1/organizations/{organization_id}/...`.
    pub path: String,
    /// Path, query and header parameters.
    pub parameters: Vec<Parameter>,
    request: Option<jsonschema::Validator>,
    responses: BTreeMap<String, Response>,
}

#[derive(Debug)]
struct Response {
    body: Option<jsonschema::Validator>,
    /// Header name -> (schema type, compiled schema).
    headers: BTreeMap<String, (String, jsonschema::Validator)>,
}

impl Operation {
    /// The declared statuses (`"200"`, `"404"`, ...), in order.
    pub fn statuses(&self) -> Vec<&str> {
        self.responses.keys().map(String::as_str).collect()
    }

    /// Whether the response for `status` declares a JSON body.
    pub fn response_has_body(&self, status: u16) -> bool {
        self.response(status).is_some_and(|(_, r)| r.body.is_some())
    }

    /// Whether the operation takes a JSON request body.
    pub fn has_request_body(&self) -> bool {
        self.request.is_some()
    }

    /// The declared response headers for `status`.
    pub fn response_headers(&self, status: u16) -> Vec<&str> {
        self.response(status)
            .map(|(_, r)| r.headers.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The response for `status`: exact, then `4XX`-style, then `default`.
    fn response(&self, status: u16) -> Option<(&str, &Response)> {
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        let found = [exact.as_str(), range.as_str(), "default"]
            .into_iter()
            .find_map(|k| self.responses.get_key_value(k))
            .map(|(k, r)| (k.as_str(), r));
        found
    }
}

/// Where an example sits in the spec and what it is checked as.
#[derive(Debug, Clone)]
pub struct Example {
    /// `#/...` pointer to the `example` keyword.
    pub location: String,
    /// The context its violations are reported in (see [`Violation::context`]).
    pub context: String,
    /// The example value.
    pub value: Value,
    schema: Value,
    view: View,
}

/// The spec, its operations' compiled schemas and the deviation list.
pub struct Spec {
    document: Value,
    operations: BTreeMap<String, Operation>,
    deviations: Vec<Deviation>,
}

impl fmt::Debug for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spec")
            .field("operations", &self.operations.keys().collect::<Vec<_>>())
            .field(
                "deviations",
                &self.deviations.iter().map(|d| &d.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Spec {
    /// Loads `openapi/sql-v1.yaml` and `openapi/deviations.json`.
    pub fn load() -> Result<Spec, String> {
        let root = crate_root();
        Spec::from_texts(
            &read(&root.join(SPEC_PATH))?,
            &read(&root.join(DEVIATIONS_PATH))?,
        )
    }

    /// Builds a spec from the YAML text of an OpenAPI 3.0 document and a deviation list.
    pub fn from_texts(spec_yaml: &str, deviations_json: &str) -> Result<Spec, String> {
        let document: Value =
            serde_yaml::from_str(spec_yaml).map_err(|e| format!("{SPEC_PATH}: {e}"))?;
        let deviations = deviations::parse(deviations_json)?;
        let mut operations = BTreeMap::new();
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("the spec has no `paths`")?;
        for (path, item) in paths {
            let item = item
                .as_object()
                .ok_or_else(|| format!("paths/{path}: not an object"))?;
            for (method, op) in item {
                if ![
                    "get", "put", "post", "delete", "patch", "head", "options", "trace",
                ]
                .contains(&method.as_str())
                {
                    continue;
                }
                let at = format!("/paths/{}/{method}", translate::escape(path));
                let operation = compile_operation(&document, path, method, op, &at)?;
                if operations.contains_key(&operation.id) {
                    return Err(format!("{at}: duplicate operationId {}", operation.id));
                }
                operations.insert(operation.id.clone(), operation);
            }
        }
        Ok(Spec {
            document,
            operations,
            deviations,
        })
    }

    /// The published document, as JSON.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Every operationId, sorted.
    pub fn operation_ids(&self) -> Vec<&str> {
        self.operations.keys().map(String::as_str).collect()
    }

    /// The operation with this operationId.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.get(id)
    }

    /// The deviation list.
    pub fn deviations(&self) -> &[Deviation] {
        &self.deviations
    }

    /// Checks a request body; every violation, waived ones marked with `allowed_by`.
    pub fn check_request(&self, operation: &str, body: &Value) -> Vec<Violation> {
        let context = format!("request {operation}");
        let Some(op) = self.operations.get(operation) else {
            return vec![self.unknown_operation(&context, operation)];
        };
        match &op.request {
            Some(validator) => self.run(validator, body, &context, View::Request),
            None => vec![self.plain(
                &context,
                "",
                "requestBody",
                "the operation takes no request body",
            )],
        }
    }

    /// Checks a request body; the violations no listed deviation waives.
    pub fn validate_request(&self, operation: &str, body: &Value) -> Result<(), Vec<Violation>> {
        unwaived(self.check_request(operation, body))
    }

    /// Checks a JSON response body for `status`; every violation, waived ones marked.
    pub fn check_response(&self, operation: &str, status: u16, body: &Value) -> Vec<Violation> {
        let context = format!("response {operation} {status}");
        match self.response(operation, status) {
            Err(v) => v,
            Ok((response, waived)) => {
                let mut found: Vec<Violation> = waived.into_iter().collect();
                match &response.body {
                    Some(validator) => {
                        found.extend(self.run(validator, body, &context, View::Response))
                    }
                    None => found.push(self.plain(
                        &context,
                        "",
                        "content",
                        "the response declares no body",
                    )),
                }
                found
            }
        }
    }

    /// Checks a JSON response body for `status`; the violations no deviation waives.
    pub fn validate_response(
        &self,
        operation: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), Vec<Violation>> {
        unwaived(self.check_response(operation, status, body))
    }

    /// Checks raw response bytes: empty exactly when the response declares no body,
    /// otherwise JSON that matches the schema.
    pub fn validate_response_bytes(
        &self,
        operation: &str,
        status: u16,
        bytes: &[u8],
    ) -> Result<(), Vec<Violation>> {
        let context = format!("response {operation} {status}");
        // An undeclared status that a deviation maps to a declared one is checked as that
        // one; validate_response below reports (and waives) the status again.
        let (response, _) = self.response(operation, status)?;
        match (&response.body, bytes.iter().all(u8::is_ascii_whitespace)) {
            (None, true) => Ok(()),
            (None, false) => Err(vec![self.plain(
                &context,
                "",
                "content",
                "the response declares no body, but one was sent",
            )]),
            (Some(_), true) => Err(vec![self.plain(
                &context,
                "",
                "content",
                "the response declares a JSON body, but none was sent",
            )]),
            (Some(_), false) => match serde_json::from_slice::<Value>(bytes) {
                Ok(body) => self.validate_response(operation, status, &body),
                Err(e) => Err(vec![self.plain(
                    &context,
                    "",
                    "content",
                    &format!("the body is not JSON: {e}"),
                )]),
            },
        }
    }

    /// Checks response headers (name, value) against the ones declared for `status`.
    /// Undeclared headers are not checked; names compare case-insensitively.
    pub fn validate_response_headers(
        &self,
        operation: &str,
        status: u16,
        headers: &[(&str, &str)],
    ) -> Result<(), Vec<Violation>> {
        let context = format!("headers {operation} {status}");
        let (response, _waived) = self.response(operation, status)?;
        let mut found = Vec::new();
        for (name, (kind, validator)) in &response.headers {
            for (_, text) in headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)) {
                let pointer = format!("/{}", translate::escape(name));
                match typed(text, kind) {
                    Ok(value) => found.extend(self.run_at(
                        validator,
                        &value,
                        &context,
                        &pointer,
                        View::Neutral,
                    )),
                    Err(message) => found.push(self.plain(&context, &pointer, "type", &message)),
                }
            }
        }
        unwaived(found)
    }

    /// Checks path and query parameters given as text (after percent-decoding).
    pub fn check_parameters(
        &self,
        operation: &str,
        path: &[(&str, &str)],
        query: &[(&str, &str)],
    ) -> Vec<Violation> {
        let context = format!("parameters {operation}");
        let Some(op) = self.operations.get(operation) else {
            return vec![self.unknown_operation(&context, operation)];
        };
        let mut found = Vec::new();
        for (location, given) in [("path", path), ("query", query)] {
            for (name, _) in given {
                if !op
                    .parameters
                    .iter()
                    .any(|p| p.location == location && p.name == *name)
                {
                    let pointer = format!("/{location}/{}", translate::escape(name));
                    found.push(self.plain(
                        &context,
                        &pointer,
                        "undeclared",
                        &format!("`{name}` is not a declared {location} parameter"),
                    ));
                }
            }
            for parameter in op.parameters.iter().filter(|p| p.location == location) {
                let pointer = format!("/{location}/{}", translate::escape(&parameter.name));
                let values: Vec<&str> = given
                    .iter()
                    .filter(|(n, _)| *n == parameter.name)
                    .map(|(_, v)| *v)
                    .collect();
                if values.is_empty() && parameter.required {
                    let message = format!(
                        "the required {location} parameter `{}` is missing",
                        parameter.name
                    );
                    found.push(self.plain(&context, &pointer, "required", &message));
                }
                if values.len() > 1 {
                    found.push(self.plain(
                        &context,
                        &pointer,
                        "repeated",
                        &format!("`{}` is given {} times", parameter.name, values.len()),
                    ));
                }
                for text in values {
                    match typed(text, &parameter.kind) {
                        Ok(value) => found.extend(self.run_at(
                            &parameter.validator,
                            &value,
                            &context,
                            &pointer,
                            View::Neutral,
                        )),
                        Err(message) => {
                            found.push(self.plain(&context, &pointer, "type", &message))
                        }
                    }
                }
            }
        }
        found
    }

    /// Checks path and query parameters; the violations no deviation waives.
    pub fn validate_parameters(
        &self,
        operation: &str,
        path: &[(&str, &str)],
        query: &[(&str, &str)],
    ) -> Result<(), Vec<Violation>> {
        unwaived(self.check_parameters(operation, path, query))
    }

    /// Finds the operation for a method and a request target (`/path?query`, percent-encoded
    /// as sent) and checks its parameters. Returns the operationId.
    pub fn validate_request_target(
        &self,
        method: &str,
        target: &str,
    ) -> Result<String, Vec<Violation>> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let context = format!("request-target {method} {path}");
        let found = self.operations.values().find_map(|op| {
            (op.method.eq_ignore_ascii_case(method))
                .then(|| match_template(&op.path, path).map(|params| (op, params)))
                .flatten()
        });
        let Some((op, path_params)) = found else {
            return Err(vec![self.plain(
                &context,
                "",
                "operation",
                "no operation of the spec has this method and path",
            )]);
        };
        let mut query_params = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match (percent_decode(name, true), percent_decode(value, true)) {
                (Some(n), Some(v)) => query_params.push((n, v)),
                _ => {
                    return Err(vec![self.plain(
                        &context,
                        "/query",
                        "encoding",
                        "the query is not valid percent-encoded UTF-8",
                    )])
                }
            }
        }
        let path_refs: Vec<(&str, &str)> = path_params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let query_refs: Vec<(&str, &str)> = query_params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        self.validate_parameters(&op.id, &path_refs, &query_refs)?;
        Ok(op.id.clone())
    }

    /// For each entry of Prism's `sl-violations` header (all entries of one answer to a
    /// request to `operation`): the deviation and matcher (`id`, index in its `prism` list)
    /// that explain it, or `None`.
    pub fn explain_prism(
        &self,
        operation: &str,
        findings: &[PrismFinding<'_>],
    ) -> Vec<Option<(&str, usize)>> {
        findings
            .iter()
            .map(|finding| {
                self.deviations.iter().find_map(|d| {
                    d.prism
                        .iter()
                        .position(|m| m.matches(operation, finding, findings))
                        .map(|i| (d.id.as_str(), i))
                })
            })
            .collect()
    }

    /// Every `example` in the spec, with the schema it must match.
    pub fn examples(&self) -> Result<Vec<Example>, String> {
        let mut found = Vec::new();
        let doc = &self.document;
        for (id, op) in &self.operations {
            let at = operation_pointer(op);
            let raw = doc.pointer(&at).ok_or_else(|| format!("{at}: gone"))?;
            for (i, p) in items(raw, "parameters").enumerate() {
                let here = format!("{at}/parameters/{i}");
                self.holder_examples(p, &here, &mut found)?;
            }
            let request_media = raw
                .get("requestBody")
                .map(|body| json_media_of(body, &format!("{at}/requestBody")))
                .transpose()?
                .flatten();
            if let Some((media_type, media)) = request_media {
                let here = format!("{at}/requestBody/content/{}", translate::escape(media_type));
                if let (Some(example), Some(schema)) = (media.get("example"), media.get("schema")) {
                    found.push(self.example(
                        &here,
                        format!("request {id}"),
                        example,
                        schema,
                        View::Request,
                    ));
                }
                self.schema_examples(media.get("schema"), &format!("{here}/schema"), &mut found)?;
            }
            for (status, response) in entries(raw, "responses") {
                let here = format!("{at}/responses/{status}");
                for (name, header) in entries(response, "headers") {
                    self.holder_examples(
                        header,
                        &format!("{here}/headers/{}", translate::escape(name)),
                        &mut found,
                    )?;
                }
                for (media_type, media) in entries(response, "content") {
                    let there = format!("{here}/content/{}", translate::escape(media_type));
                    if let (Some(example), Some(schema)) =
                        (media.get("example"), media.get("schema"))
                    {
                        found.push(self.example(
                            &there,
                            format!("response {id} {status}"),
                            example,
                            schema,
                            View::Response,
                        ));
                    }
                    reject_examples_map(media, &there)?;
                    self.schema_examples(
                        media.get("schema"),
                        &format!("{there}/schema"),
                        &mut found,
                    )?;
                }
            }
        }
        for (name, schema) in entries(&doc["components"], "schemas") {
            self.schema_examples(
                Some(schema),
                &format!("/components/schemas/{}", translate::escape(name)),
                &mut found,
            )?;
        }
        Ok(found)
    }

    /// Checks one example; every violation, waived ones marked.
    pub fn check_example(&self, example: &Example) -> Result<Vec<Violation>, String> {
        let validator = self.example_validator(example)?;
        Ok(self.run(&validator, &example.value, &example.context, example.view))
    }

    /// Problems with the deviation list: a place in the spec that no longer says what the
    /// deviation says it does, a sample that does not show (only) its deviation, or a rule
    /// that no sample and no example of the spec exercises. Empty when the list is exact.
    pub fn audit_deviations(&self) -> Result<Vec<String>, String> {
        let mut problems = Vec::new();
        let mut used: BTreeSet<(usize, usize)> = BTreeSet::new();
        for (d, deviation) in self.deviations.iter().enumerate() {
            for location in &deviation.spec_locations {
                let pointer = location
                    .pointer
                    .strip_prefix('#')
                    .unwrap_or(&location.pointer);
                match (self.document.pointer(pointer), &location.value) {
                    (None, _) => problems.push(format!(
                        "`{}`: {} is not in the spec any more",
                        deviation.id, location.pointer
                    )),
                    (Some(found), Some(expected)) if found != expected => problems.push(format!(
                        "`{}`: {} now says {found}, the deviation expects {expected}",
                        deviation.id, location.pointer
                    )),
                    _ => {}
                }
            }
            for (s, sample) in deviation.samples.iter().enumerate() {
                let violations = self.check_context(&sample.context, &sample.body);
                if violations.is_empty() {
                    problems.push(format!(
                        "`{}`: sample {s} ({}) breaks nothing in the spec",
                        deviation.id, sample.context
                    ));
                }
                for v in &violations {
                    match self.waiver(v, sample.body.pointer(&v.pointer)) {
                        Some((hit, rule)) if hit == d => {
                            used.insert((hit, rule));
                        }
                        _ => problems.push(format!(
                            "`{}`: sample {s} shows something else: {v}",
                            deviation.id
                        )),
                    }
                }
            }
        }
        for example in self.examples()? {
            let validator = self.example_validator(&example)?;
            for error in validator.iter_errors(&example.value) {
                let v = self.violation(&error, &example.context, "", example.view);
                if let Some(hit) = self.waiver(&v, Some(error.instance())) {
                    used.insert(hit);
                }
            }
        }
        for (d, deviation) in self.deviations.iter().enumerate() {
            for (r, rule) in deviation.allows.iter().enumerate() {
                if !used.contains(&(d, r)) {
                    problems.push(format!(
                        "`{}`: rule {r} ({} {} {}) is exercised by no sample and no example",
                        deviation.id, rule.context, rule.instance, rule.keyword
                    ));
                }
            }
        }
        Ok(problems)
    }

    /// The compiled schema an example must match.
    fn example_validator(&self, example: &Example) -> Result<jsonschema::Validator, String> {
        translate_and_compile(
            &self.document,
            &example.schema,
            &example.location,
            example.view,
        )
        .map(|(_, validator)| validator)
    }

    /// Checks a body in a context string (`request <op>` or `response <op> <status>`).
    pub fn check_context(&self, context: &str, body: &Value) -> Vec<Violation> {
        let words: Vec<&str> = context.split(' ').collect();
        match words.as_slice() {
            ["request", op] => self.check_request(op, body),
            ["response", op, status] => match status.parse() {
                Ok(status) => self.check_response(op, status, body),
                Err(_) => vec![self.plain(context, "", "status", "not a status code")],
            },
            _ => vec![self.plain(
                context,
                "",
                "context",
                "expected `request <op>` or `response <op> <status>`",
            )],
        }
    }

    /// The declared response for `status`. A status the operation does not declare is a
    /// violation (context `response <op> <status>`, keyword `status`); when a deviation with
    /// `answered_as` waives it, the response of that declared status is returned instead,
    /// together with the waived violation.
    fn response(
        &self,
        operation: &str,
        status: u16,
    ) -> Result<(&Response, Option<Violation>), Vec<Violation>> {
        let context = format!("response {operation} {status}");
        let op = self
            .operations
            .get(operation)
            .ok_or_else(|| vec![self.unknown_operation(&context, operation)])?;
        if let Some((_, r)) = op.response(status) {
            return Ok((r, None));
        }
        let undeclared = self.plain(
            &context,
            "",
            "status",
            &format!("status {status} is not declared"),
        );
        let answered_as = undeclared
            .allowed_by
            .as_deref()
            .and_then(|id| self.deviations.iter().find(|d| d.id == id))
            .and_then(|d| d.answered_as);
        match answered_as.and_then(|declared| op.response(declared)) {
            Some((_, r)) => Ok((r, Some(undeclared))),
            None => Err(vec![undeclared]),
        }
    }

    fn run(
        &self,
        validator: &jsonschema::Validator,
        value: &Value,
        context: &str,
        view: View,
    ) -> Vec<Violation> {
        self.run_at(validator, value, context, "", view)
    }

    fn run_at(
        &self,
        validator: &jsonschema::Validator,
        value: &Value,
        context: &str,
        prefix: &str,
        view: View,
    ) -> Vec<Violation> {
        validator
            .iter_errors(value)
            .map(|error| {
                let mut v = self.violation(&error, context, prefix, view);
                v.allowed_by = self
                    .waiver(&v, Some(error.instance()))
                    .map(|(d, _)| self.deviations[d].id.clone());
                v
            })
            .collect()
    }

    fn violation(
        &self,
        error: &jsonschema::ValidationError<'_>,
        context: &str,
        prefix: &str,
        view: View,
    ) -> Violation {
        use jsonschema::error::ValidationErrorKind as Kind;
        let pointer = format!("{prefix}{}", error.instance_path().as_str());
        let (keyword, argument, message) = match error.kind() {
            Kind::FalseSchema => {
                let flag = if view == View::Response {
                    "writeOnly"
                } else {
                    "readOnly"
                };
                let side = if view == View::Response {
                    "response"
                } else {
                    "request"
                };
                let name = pointer.rsplit('/').next().unwrap_or("").to_owned();
                (
                    flag.to_owned(),
                    Some(name),
                    format!("the property is {flag}: it must not be sent in a {side}"),
                )
            }
            Kind::Required { property } => (
                "required".to_owned(),
                property.as_str().map(str::to_owned),
                error.masked().to_string(),
            ),
            Kind::Format { format } => (
                "format".to_owned(),
                Some(format.clone()),
                error.masked().to_string(),
            ),
            kind => (kind.keyword().to_owned(), None, error.masked().to_string()),
        };
        Violation {
            context: context.to_owned(),
            pointer,
            keyword,
            argument,
            message,
            schema_path: error.schema_path().as_str().to_owned(),
            allowed_by: None,
        }
    }

    /// The (deviation, rule) that waives `v`; `value` is the instance at `v.pointer`.
    fn waiver(&self, v: &Violation, value: Option<&Value>) -> Option<(usize, usize)> {
        self.deviations
            .iter()
            .enumerate()
            .find_map(|(d, deviation)| {
                deviation
                    .allows
                    .iter()
                    .position(|rule| {
                        rule.matches(
                            &v.context,
                            &v.pointer,
                            &v.keyword,
                            v.argument.as_deref(),
                            value,
                        )
                    })
                    .map(|r| (d, r))
            })
    }

    fn plain(&self, context: &str, pointer: &str, keyword: &str, message: &str) -> Violation {
        let mut v = Violation {
            context: context.to_owned(),
            pointer: pointer.to_owned(),
            keyword: keyword.to_owned(),
            argument: None,
            message: message.to_owned(),
            schema_path: String::new(),
            allowed_by: None,
        };
        v.allowed_by = self
            .waiver(&v, None)
            .map(|(d, _)| self.deviations[d].id.clone());
        v
    }

    fn unknown_operation(&self, context: &str, operation: &str) -> Violation {
        self.plain(
            context,
            "",
            "operation",
            &format!("`{operation}` is not an operationId of the spec"),
        )
    }

    fn example(
        &self,
        at: &str,
        context: String,
        value: &Value,
        schema: &Value,
        view: View,
    ) -> Example {
        Example {
            location: format!("#{at}/example"),
            context,
            value: value.clone(),
            schema: schema.clone(),
            view,
        }
    }

    /// Examples of a parameter or header object (its own `example` and its schema's).
    fn holder_examples(
        &self,
        holder: &Value,
        at: &str,
        found: &mut Vec<Example>,
    ) -> Result<(), String> {
        reject_examples_map(holder, at)?;
        if let (Some(example), Some(schema)) = (holder.get("example"), holder.get("schema")) {
            let location = format!("#{at}/example");
            found.push(self.example(
                at,
                format!("example {location}"),
                example,
                schema,
                View::Neutral,
            ));
        }
        self.schema_examples(holder.get("schema"), &format!("{at}/schema"), found)
    }

    /// `example`s inside a schema tree; a property of an `allOf` member is checked against
    /// itself together with the same property in the sibling members.
    fn schema_examples(
        &self,
        schema: Option<&Value>,
        at: &str,
        found: &mut Vec<Example>,
    ) -> Result<(), String> {
        let Some(obj) = schema.and_then(Value::as_object) else {
            return Ok(());
        };
        reject_examples_map(schema.unwrap_or(&Value::Null), at)?;
        if let Some(example) = obj.get("example") {
            let location = format!("#{at}/example");
            let effective = self.effective_schema(at);
            found.push(self.example(
                at,
                format!("example {location}"),
                example,
                &effective,
                View::Neutral,
            ));
        }
        for (key, child) in obj {
            let here = format!("{at}/{key}");
            match key.as_str() {
                "properties" => {
                    for (name, p) in child.as_object().into_iter().flatten() {
                        self.schema_examples(
                            Some(p),
                            &format!("{here}/{}", translate::escape(name)),
                            found,
                        )?;
                    }
                }
                "allOf" | "oneOf" | "anyOf" => {
                    for (i, member) in child.as_array().into_iter().flatten().enumerate() {
                        self.schema_examples(Some(member), &format!("{here}/{i}"), found)?;
                    }
                }
                "items" | "not" | "additionalProperties" => {
                    self.schema_examples(Some(child), &here, found)?
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The schema at `at`; for `.../allOf/<i>/properties/<name>`, together (`allOf`) with
    /// `<name>` in the other members of that `allOf`.
    fn effective_schema(&self, at: &str) -> Value {
        let own = self.document.pointer(at).cloned().unwrap_or(Value::Null);
        let parts: Vec<&str> = at.rsplitn(5, '/').collect();
        // parts (reversed): [name, "properties", i, "allOf", prefix]
        if parts.len() != 5 || parts[1] != "properties" || parts[3] != "allOf" {
            return own;
        }
        let (name, index, prefix) = (parts[0], parts[2], parts[4]);
        let Some(members) = self
            .document
            .pointer(&format!("{prefix}/allOf"))
            .and_then(Value::as_array)
        else {
            return own;
        };
        let mut all = vec![own.clone()];
        for (i, member) in members.iter().enumerate() {
            if i.to_string() == index {
                continue;
            }
            let member = match member.get("$ref").and_then(Value::as_str) {
                Some(target) => self
                    .document
                    .pointer(target.trim_start_matches('#'))
                    .unwrap_or(&Value::Null),
                None => member,
            };
            if let Some(sibling) = member.pointer(&format!("/properties/{name}")) {
                all.push(sibling.clone());
            }
        }
        if all.len() == 1 {
            own
        } else {
            json!({ "allOf": all })
        }
    }
}

fn compile_operation(
    doc: &Value,
    path: &str,
    method: &str,
    op: &Value,
    at: &str,
) -> Result<Operation, String> {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{at}: no operationId"))?
        .to_owned();
    let mut parameters = Vec::new();
    for (i, p) in items(op, "parameters").enumerate() {
        let here = format!("{at}/parameters/{i}");
        let field = |k: &str| {
            p.get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{here}: no `{k}`"))
        };
        let schema = p
            .get("schema")
            .ok_or_else(|| format!("{here}: no schema"))?;
        let (translated, validator) =
            translate_and_compile(doc, schema, &format!("{here}/schema"), View::Neutral)?;
        parameters.push(Parameter {
            name: field("name")?.to_owned(),
            location: field("in")?.to_owned(),
            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
            kind: schema_kind(&translated),
            validator,
        });
    }
    let request = match op.get("requestBody") {
        None => None,
        Some(body) => {
            let here = format!("{at}/requestBody");
            let schema =
                json_schema_of(body, &here)?.ok_or_else(|| format!("{here}: no JSON schema"))?;
            Some(translate_and_compile(doc, schema, &here, View::Request)?.1)
        }
    };
    let mut responses = BTreeMap::new();
    for (status, response) in entries(op, "responses") {
        let here = format!("{at}/responses/{status}");
        let body = match json_schema_of(response, &here)? {
            Some(schema) => Some(translate_and_compile(doc, schema, &here, View::Response)?.1),
            None => None,
        };
        let mut headers = BTreeMap::new();
        for (name, header) in entries(response, "headers") {
            let there = format!("{here}/headers/{}", translate::escape(name));
            let schema = header
                .get("schema")
                .ok_or_else(|| format!("{there}: no schema"))?;
            let (translated, validator) =
                translate_and_compile(doc, schema, &there, View::Neutral)?;
            headers.insert(name.clone(), (schema_kind(&translated), validator));
        }
        responses.insert(status.clone(), Response { body, headers });
    }
    Ok(Operation {
        id,
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        parameters,
        request,
        responses,
    })
}

/// Whether `media_type` is JSON: `application/json`, or a type with RFC 6839's `+json`
/// suffix (`application/json-patch+json`).
pub fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.split_once('/').is_some_and(|(kind, sub)| {
            !kind.is_empty() && sub.len() > 5 && sub.to_ascii_lowercase().ends_with("+json")
        })
}

/// The JSON media type of a request body or response and its media type object (`None`
/// without `content`); another media type, or more than one, is refused.
fn json_media_of<'a>(holder: &'a Value, at: &str) -> Result<Option<(&'a str, &'a Value)>, String> {
    let Some(content) = holder.get("content").and_then(Value::as_object) else {
        return Ok(None);
    };
    if let Some(other) = content.keys().find(|k| !is_json_media_type(k)) {
        return Err(format!("{at}: media type {other} is not supported"));
    }
    if content.len() > 1 {
        let types: Vec<&String> = content.keys().collect();
        return Err(format!(
            "{at}: several JSON media types {types:?} are not supported"
        ));
    }
    Ok(content.iter().next().map(|(k, v)| (k.as_str(), v)))
}

/// The JSON schema of a request body or response (see [`json_media_of`]).
fn json_schema_of<'a>(holder: &'a Value, at: &str) -> Result<Option<&'a Value>, String> {
    Ok(json_media_of(holder, at)?.and_then(|(_, m)| m.get("schema")))
}

fn compile(schema: &Value, at: &str) -> Result<jsonschema::Validator, String> {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .should_ignore_unknown_formats(false)
        .with_format(translate::BYTE_FORMAT, translate::is_base64)
        .build(schema)
        .map_err(|e| format!("{at}: the translated schema does not compile: {e}"))
}

/// `schema` (at `at` in `doc`) translated to JSON Schema, and compiled.
fn translate_and_compile(
    doc: &Value,
    schema: &Value,
    at: &str,
    view: View,
) -> Result<(Value, jsonschema::Validator), String> {
    let translated = translate::translate(doc, schema, at, view)?;
    let validator = compile(&translated, at)?;
    Ok((translated, validator))
}

/// The object at `key` of `holder`, entry by entry (none when absent or not an object).
fn entries<'a>(holder: &'a Value, key: &str) -> impl Iterator<Item = (&'a String, &'a Value)> {
    holder
        .get(key)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// The array at `key` of `holder`, item by item (none when absent or not an array).
fn items<'a>(holder: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    holder
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// `examples` (the map form) is not read by this module: refuse it rather than skip it.
fn reject_examples_map(holder: &Value, at: &str) -> Result<(), String> {
    match holder.get("examples") {
        Some(_) => Err(format!("{at}: `examples` (plural) is not supported")),
        None => Ok(()),
    }
}

fn operation_pointer(op: &Operation) -> String {
    format!(
        "/paths/{}/{}",
        translate::escape(&op.path),
        op.method.to_ascii_lowercase()
    )
}

fn unwaived(violations: Vec<Violation>) -> Result<(), Vec<Violation>> {
    let left: Vec<Violation> = violations.into_iter().filter(|v| !v.is_allowed()).collect();
    if left.is_empty() {
        Ok(())
    } else {
        Err(left)
    }
}

/// The `type` of a parameter or header schema (`string` when absent).
fn schema_kind(schema: &Value) -> String {
    schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("string")
        .to_owned()
}

/// Reads parameter text as the schema's type.
fn typed(text: &str, kind: &str) -> Result<Value, String> {
    let bad = || format!("`{text}` is not a valid {kind}");
    match kind {
        "integer" => text.parse::<i64>().map(Value::from).map_err(|_| bad()),
        "number" => text
            .parse::<f64>()
            .ok()
            .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
            .ok_or_else(bad),
        "boolean" => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(bad()),
        },
        "string" => Ok(Value::String(text.to_owned())),
        other => Err(format!("parameters of type {other} are not supported")),
    }
}

/// Matches `/a/{x}/b` against `/a/1/b`; returns the (decoded) path parameters.
fn match_template(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut params = Vec::new();
    for (t, p) in t.iter().zip(&p) {
        match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(name) => params.push((name.to_owned(), percent_decode(p, false)?)),
            None if t == p => {}
            None => return None,
        }
    }
    Some(params)
}

/// Decodes `%XX` (and `+` as a space in a query); `None` for bad escapes or non-UTF-8.
fn percent_decode(text: &str, plus_is_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}
