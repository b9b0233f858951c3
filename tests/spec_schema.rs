//! The spec validator (`tests/support/spec_schema.rs`): the spec's own examples, the OpenAPI
//! keywords it translates, and the deviation list being exact.

#[path = "support/spec_bodies.rs"]
mod spec_bodies;
#[path = "support/spec_schema.rs"]
mod spec_schema;

use serde_json::{json, Value};
use spec_bodies::{create_body, spec_requests, update_body, B64};
use spec_schema::{Spec, Violation, DEVIATIONS_PATH, SPEC_PATH};

const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

fn spec() -> Spec {
    Spec::load().unwrap_or_else(|e| panic!("loading the spec: {e}"))
}

fn texts() -> (String, String) {
    let root = spec_schema::crate_root();
    (
        std::fs::read_to_string(root.join(SPEC_PATH)).unwrap(),
        std::fs::read_to_string(root.join(DEVIATIONS_PATH)).unwrap(),
    )
}

/// The spec as published, with its deviation list as `edit` leaves it.
fn with_deviations(edit: impl FnOnce(&mut Value)) -> Result<Spec, String> {
    let (yaml, deviations) = texts();
    let mut list: Value = serde_json::from_str(&deviations).unwrap();
    edit(&mut list);
    Spec::from_texts(&yaml, &list.to_string())
}

/// The spec as published, without the deviation `id`.
fn without_deviation(id: &str) -> Spec {
    with_deviations(|list| {
        list["deviations"]
            .as_array_mut()
            .unwrap()
            .retain(|d| d["id"] != id)
    })
    .unwrap()
}

/// Replaces exactly one occurrence, so a test cannot pass because its edit missed.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "expected exactly one `{from}`"
    );
    text.replacen(from, to, 1)
}

fn connection() -> Value {
    json!({
        "api_version": "sql/v1",
        "kind": "Connection",
        "metadata": {
            "self": format!("https://flink.us-west1.aws.confluent.cloud/sql/v1/organizations/{ORG}/environments/env-123/connections/c1"),
            "created_at": "2006-01-02T15:04:05-07:00",
            "resource_version": "a23av"
        },
        "name": "c1",
        "spec": {
            "connection_type": "OPENAI",
            "endpoint": "https://api.openai.com/v1/chat/completions",
            "auth_data": { "kind": "PlaintextProvider", "data": B64 }
        },
        "status": { "phase": "ACTIVE" }
    })
}

fn list(items: Vec<Value>) -> Value {
    json!({
        "api_version": "sql/v1",
        "kind": "ConnectionList",
        "metadata": { "self": "https://flink.example/connections", "next": "https://flink.example/connections?page_token=x" },
        "data": items
    })
}

/// The one violation in `violations`, or a panic that lists them.
fn only(violations: Vec<Violation>) -> Violation {
    assert_eq!(
        violations.len(),
        1,
        "expected one violation, got {violations:#?}"
    );
    violations.into_iter().next().unwrap()
}

/// The one violation of a check that fails, or a panic that lists them.
#[track_caller]
fn refused<T: std::fmt::Debug>(result: Result<T, Vec<Violation>>) -> Violation {
    only(result.unwrap_err())
}

/// The violation is of `keyword` at `pointer`.
#[track_caller]
fn assert_at(v: &Violation, pointer: &str, keyword: &str) {
    assert_eq!((v.pointer.as_str(), v.keyword.as_str()), (pointer, keyword));
}

/// The violation is at `pointer`, with `argument` (the missing property, the format).
#[track_caller]
fn assert_argument_at(v: &Violation, pointer: &str, argument: &str) {
    assert_eq!(
        (v.pointer.as_str(), v.argument.as_deref()),
        (pointer, Some(argument))
    );
}

/// The violation is of `keyword` at `pointer`, with `argument`.
#[track_caller]
fn assert_at_with(v: &Violation, pointer: &str, keyword: &str, argument: &str) {
    assert_eq!(
        (
            v.pointer.as_str(),
            v.keyword.as_str(),
            v.argument.as_deref()
        ),
        (pointer, keyword, Some(argument))
    );
}

fn strict(violations: &[Violation]) -> Vec<&Violation> {
    violations.iter().filter(|v| !v.is_allowed()).collect()
}

/// Every operation of the document, read from the YAML itself (not through the validator):
/// `(operationId, METHOD, path, operation object)`.
fn raw_operations(document: &Value) -> Vec<(String, String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                found.push((
                    id.to_owned(),
                    method.to_ascii_uppercase(),
                    path.clone(),
                    op.clone(),
                ));
            }
        }
    }
    found
}

/// Every `example` keyword in `node` (a key of a `properties` map is a name, not one).
fn count_examples(node: &Value) -> usize {
    match node {
        Value::Object(map) => map
            .iter()
            .map(|(key, child)| {
                let own = usize::from(key == "example");
                let inner = if key == "properties" || key == "example" {
                    child
                        .as_object()
                        .filter(|_| key == "properties")
                        .map_or(0, |props| props.values().map(count_examples).sum())
                } else {
                    count_examples(child)
                };
                own + inner
            })
            .sum(),
        Value::Array(items) => items.iter().map(count_examples).sum(),
        _ => 0,
    }
}

#[test]
fn every_operation_of_the_document_is_loaded_with_its_statuses_bodies_and_headers() {
    let spec = spec();
    let raw = raw_operations(spec.document());
    let mut ids: Vec<&str> = raw.iter().map(|(id, ..)| id.as_str()).collect();
    ids.sort();
    assert_eq!(spec.operation_ids(), ids, "the validator's operations");
    assert!(ids.len() > 5, "the whole document, not only Connections");
    let (mut statuses, mut bodies) = (0, 0);
    for (id, method, path, op) in &raw {
        let loaded = spec.operation(id).unwrap();
        assert_eq!((&loaded.method, &loaded.path), (method, path), "{id}");
        assert_eq!(
            loaded.has_request_body(),
            op.get("requestBody").is_some(),
            "{id}: request body"
        );
        let responses = op["responses"].as_object().unwrap();
        let declared: Vec<&str> = responses.keys().map(String::as_str).collect();
        assert_eq!(loaded.statuses(), declared, "{id}: statuses");
        for (status, response) in responses {
            let code: u16 = status.parse().unwrap();
            statuses += 1;
            assert_eq!(
                loaded.response_has_body(code),
                response.get("content").is_some(),
                "{id} {status}: body"
            );
            bodies += usize::from(loaded.response_has_body(code));
            let mut headers: Vec<&str> = response
                .get("headers")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, _)| name.as_str())
                .collect();
            headers.sort();
            assert_eq!(
                loaded.response_headers(code),
                headers,
                "{id} {status}: headers"
            );
        }
        // Every operation answers errors with a body and its 429 without one.
        assert!(!loaded.response_has_body(429), "{id}: 429 has no body");
        assert!(loaded.response_has_body(500), "{id}: 500 has a body");
    }
    eprintln!(
        "spec_schema: {} operations, {statuses} declared responses ({bodies} with a JSON body) loaded",
        raw.len()
    );
}

#[test]
fn every_example_in_the_spec_matches_its_schema() {
    let spec = spec();
    let examples = spec.examples().unwrap();
    let mut waived = Vec::new();
    let mut failures = Vec::new();
    for example in &examples {
        let violations = spec.check_example(example).unwrap();
        failures.extend(
            strict(&violations)
                .into_iter()
                .map(|v| format!("{}: {v}", example.location)),
        );
        waived.extend(violations.iter().filter_map(|v| v.allowed_by.clone()));
    }
    assert!(
        failures.is_empty(),
        "examples that break their schema:\n{}",
        failures.join("\n")
    );
    // Every example of the document is found: the media-type examples of every operation
    // as requests and responses of that operation, and all others as examples.
    assert_eq!(
        examples.len(),
        count_examples(spec.document()),
        "examples found by Spec::examples vs `example` keywords in the document"
    );
    let contexts: Vec<&str> = examples.iter().map(|e| e.context.as_str()).collect();
    let mut media = 0;
    for (id, _, _, op) in raw_operations(spec.document()) {
        let request = op
            .pointer("/requestBody/content")
            .and_then(Value::as_object);
        if request
            .into_iter()
            .flatten()
            .any(|(_, m)| m.get("example").is_some())
        {
            media += 1;
            let context = format!("request {id}");
            assert!(
                contexts.contains(&context.as_str()),
                "no example checked as {context}"
            );
        }
        for (status, response) in op["responses"].as_object().unwrap() {
            let content = response.get("content").and_then(Value::as_object);
            if content
                .into_iter()
                .flatten()
                .any(|(_, m)| m.get("example").is_some())
            {
                media += 1;
                let context = format!("response {id} {status}");
                assert!(
                    contexts.contains(&context.as_str()),
                    "no example checked as {context}"
                );
            }
        }
    }
    assert!(media > 0, "the document has media-type examples");
    waived.sort();
    eprintln!(
        "spec_schema: {} examples checked ({media} of request and response bodies), {} violations waived by listed deviations: {waived:?}",
        examples.len(),
        waived.len()
    );
}

/// A statement whose result schema has one column of `column_type`.
fn statement_with_column(column_type: Value) -> Value {
    json!({
        "api_version": "sql/v1",
        "kind": "Statement",
        "metadata": { "self": "https://flink.example/sql/v1/statements/s1" },
        "name": "s1",
        "spec": { "statement": "SELECT 1", "statement_name": "s1" },
        "status": {
            "phase": "RUNNING",
            "traits": { "schema": { "columns": [{ "name": "c", "type": column_type }] } }
        }
    })
}

#[test]
fn recursive_schemas_are_checked_as_deep_as_the_value_goes() {
    let spec = spec();
    // DataType refers to itself (element_type, key_type, value_type) and, through
    // RowFieldType, from its fields: nested four levels, every level is checked.
    let mut nested = json!({ "type": "INTEGER", "nullable": false });
    for _ in 0..4 {
        nested = json!({ "type": "ARRAY", "nullable": true, "element_type": nested });
    }
    let row = json!({
        "type": "ROW", "nullable": false,
        "fields": [{ "name": "f", "field_type": { "type": "MAP", "nullable": true,
            "key_type": { "type": "VARCHAR", "nullable": false }, "value_type": nested.clone() } }]
    });
    for column in [nested.clone(), row.clone()] {
        spec.validate_response("getSqlv1Statement", 200, &statement_with_column(column))
            .unwrap();
    }
    let deepest =
        "/status/traits/schema/columns/0/type/element_type/element_type/element_type/element_type";
    let mut wrong = nested.clone();
    wrong
        .pointer_mut(&deepest["/status/traits/schema/columns/0/type".len()..])
        .unwrap()["nullable"] = json!("no");
    let v =
        refused(spec.validate_response("getSqlv1Statement", 200, &statement_with_column(wrong)));
    assert_at(&v, &format!("{deepest}/nullable"), "type");
    let mut missing = row;
    missing
        .pointer_mut("/fields/0/field_type/value_type/element_type")
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("type");
    let v =
        refused(spec.validate_response("getSqlv1Statement", 200, &statement_with_column(missing)));
    assert_at_with(
        &v,
        "/status/traits/schema/columns/0/type/fields/0/field_type/value_type/element_type",
        "required",
        "type",
    );
}

#[test]
fn a_wrong_type_is_reported_at_its_json_pointer() {
    let spec = spec();
    let mut body = create_body();
    body["spec"]["endpoint"] = json!(42);
    let v = refused(spec.validate_request("createSqlv1Connection", &body));
    assert_at(&v, "/spec/endpoint", "type");
    assert_eq!(v.context, "request createSqlv1Connection");

    let mut response = list(vec![connection()]);
    response["data"][0]["status"]["phase"] = json!(["ACTIVE"]);
    let v = refused(spec.validate_response("listSqlv1Connections", 200, &response));
    assert_at(&v, "/data/0/status/phase", "type");
}

#[test]
fn a_missing_required_field_is_reported_with_its_parent_pointer_and_name() {
    let spec = spec();
    let mut body = create_body();
    body["spec"]
        .as_object_mut()
        .unwrap()
        .remove("connection_type");
    let v = refused(spec.validate_request("createSqlv1Connection", &body));
    assert_at_with(&v, "/spec", "required", "connection_type");

    let v = refused(spec.validate_request("createSqlv1Connection", &json!({ "name": "x" })));
    assert_argument_at(&v, "", "spec");

    let mut item = connection();
    item.as_object_mut().unwrap().remove("status");
    let v = refused(spec.validate_response("listSqlv1Connections", 200, &list(vec![item])));
    assert_argument_at(&v, "/data/0", "status");
}

#[test]
fn nullable_allows_null_exactly_where_the_spec_says_nullable() {
    let spec = spec();
    let mut page = list(vec![]);
    for key in ["next", "first", "last", "prev"] {
        page["metadata"][key] = Value::Null;
    }
    spec.validate_response("listSqlv1Connections", 200, &page)
        .unwrap();

    // total_size and self are not nullable.
    for key in ["total_size", "self"] {
        let mut page = list(vec![]);
        page["metadata"][key] = Value::Null;
        let v = refused(spec.validate_response("listSqlv1Connections", 200, &page));
        assert_eq!(
            (v.pointer, v.keyword),
            (format!("/metadata/{key}"), "type".to_owned())
        );
    }
    // Nullable adds null; the type still holds.
    let mut page = list(vec![]);
    page["metadata"]["next"] = json!(7);
    let v = refused(spec.validate_response("listSqlv1Connections", 200, &page));
    assert_eq!(v.pointer, "/metadata/next");
}

#[test]
fn read_only_properties_must_be_absent_from_requests_only() {
    let spec = spec();
    for (key, value) in [
        ("status", json!({})),
        ("kind", json!("Connection")),
        ("api_version", json!("sql/v1")),
    ] {
        let mut body = create_body();
        body[key] = value;
        let v = refused(spec.validate_request("createSqlv1Connection", &body));
        assert_eq!(
            (v.pointer, v.keyword, v.argument),
            (
                format!("/{key}"),
                "readOnly".to_owned(),
                Some(key.to_owned())
            )
        );
    }
    // A readOnly object is forbidden whole; its readOnly members are reported too.
    let mut body = create_body();
    body["status"] = json!({ "phase": "ACTIVE", "detail": "" });
    let pointers: Vec<String> = spec
        .validate_request("createSqlv1Connection", &body)
        .unwrap_err()
        .into_iter()
        .map(|v| v.pointer)
        .collect();
    assert_eq!(pointers, ["/status", "/status/detail", "/status/phase"]);
    // In responses the same properties are required, and fine.
    spec.validate_response("getSqlv1Connection", 200, &connection())
        .unwrap();
    let mut response = connection();
    response.as_object_mut().unwrap().remove("kind");
    let v = refused(spec.validate_response("getSqlv1Connection", 200, &response));
    assert_eq!(
        (v.keyword.as_str(), v.argument.as_deref()),
        ("required", Some("kind"))
    );
}

#[test]
fn the_discriminator_chooses_the_member_the_value_must_match() {
    let spec = spec();
    let mut body = create_body();
    body["spec"]["auth_data"]
        .as_object_mut()
        .unwrap()
        .remove("kind");
    let v = refused(spec.validate_request("createSqlv1Connection", &body));
    assert_at_with(&v, "/spec/auth_data", "required", "kind");

    let mut body = create_body();
    body["spec"]["auth_data"]["kind"] = json!("VaultProvider");
    let v = refused(spec.validate_request("createSqlv1Connection", &body));
    assert_at(&v, "/spec/auth_data/kind", "enum");

    // Errors inside the chosen member point inside it (not at a bare oneOf).
    let mut body = create_body();
    body["spec"]["auth_data"]["data"] = json!(5);
    let v = refused(spec.validate_request("createSqlv1Connection", &body));
    assert_at(&v, "/spec/auth_data/data", "type");
}

#[test]
fn format_byte_is_a_base64_check_that_the_listed_deviation_waives() {
    let spec = spec();
    // Base64 passes with no deviation at all.
    assert_eq!(
        spec.check_request("createSqlv1Connection", &create_body()),
        []
    );
    for bad in ["YWJ", "YW=j", "not base64", "{\"API_KEY\":\"sk-test\"}"] {
        let mut body = create_body();
        body["spec"]["auth_data"]["data"] = json!(bad);
        let v = only(spec.check_request("createSqlv1Connection", &body));
        assert_at_with(&v, "/spec/auth_data/data", "format", "byte");
        assert_eq!(
            v.allowed_by.as_deref(),
            Some("auth-data-plain-json"),
            "{bad}"
        );
        spec.validate_request("createSqlv1Connection", &body)
            .unwrap();
    }
    for good in ["", "YWJj", "YQ==", "YWI=", "+/+/"] {
        let mut body = create_body();
        body["spec"]["auth_data"]["data"] = json!(good);
        assert_eq!(
            spec.check_request("createSqlv1Connection", &body),
            [],
            "{good:?} is base64"
        );
    }
}

#[test]
fn listed_deviations_pass_and_anything_else_fails() {
    let spec = spec();
    // resource-name-empty: '' is waived, another non-URI is not.
    let mut response = connection();
    response["metadata"]["resource_name"] = json!("");
    let v = only(spec.check_response("getSqlv1Connection", 200, &response));
    assert_eq!(v.allowed_by.as_deref(), Some("resource-name-empty"));
    response["metadata"]["resource_name"] = json!("not a uri");
    let v = refused(spec.validate_response("getSqlv1Connection", 200, &response));
    assert_argument_at(&v, "/metadata/resource_name", "uri");

    // read-omits-auth-data: for the GET only, not for the 201 of a create.
    let mut read = connection();
    read["spec"].as_object_mut().unwrap().remove("auth_data");
    spec.validate_response("getSqlv1Connection", 200, &read)
        .unwrap();
    let v = refused(spec.validate_response("createSqlv1Connection", 201, &read));
    assert_argument_at(&v, "/spec", "auth_data");

    // put-metadata-read-only: metadata with resource_version only is fine in a PUT...
    let waived: Vec<_> = spec
        .check_request("updateSqlv1Connection", &update_body())
        .into_iter()
        .map(|v| (v.keyword, v.allowed_by))
        .collect();
    let id = Some("put-metadata-read-only".to_owned());
    assert_eq!(
        waived,
        [
            ("readOnly".to_owned(), id.clone()),
            ("required".to_owned(), id)
        ]
    );
    // ...but not in a create, and its content is still checked.
    let mut body = create_body();
    body["metadata"] = json!({ "resource_version": "a23av" });
    let found = spec
        .validate_request("createSqlv1Connection", &body)
        .unwrap_err();
    assert!(
        found
            .iter()
            .any(|v| v.pointer == "/metadata" && v.keyword == "readOnly"),
        "{found:#?}"
    );
    let mut body = update_body();
    body["metadata"]["resource_version"] = json!(12);
    let v = refused(spec.validate_request("updateSqlv1Connection", &body));
    assert_at(&v, "/metadata/resource_version", "type");
    let mut body = update_body();
    body["metadata"]["resource_name"] = json!("crn://x");
    let v = refused(spec.validate_request("updateSqlv1Connection", &body));
    assert_at(&v, "/metadata/resource_name", "readOnly");
    let mut body = update_body();
    body["metadata"] = json!({});
    let v = refused(spec.validate_request("updateSqlv1Connection", &body));
    assert_argument_at(&v, "/metadata", "resource_version");
}

#[test]
fn the_deviation_list_is_exact_for_the_spec_as_published() {
    let spec = spec();
    let problems = spec.audit_deviations().unwrap();
    assert!(
        problems.is_empty(),
        "deviations.json is out of step:\n{}",
        problems.join("\n")
    );
    let rules: usize = spec.deviations().iter().map(|d| d.allows.len()).sum();
    let samples: usize = spec.deviations().iter().map(|d| d.samples.len()).sum();
    eprintln!(
        "spec_schema: {} deviations, {rules} waiver rules, {samples} samples, all exercised",
        spec.deviations().len()
    );
}

#[test]
fn a_deviation_that_no_longer_matches_the_spec_is_reported() {
    let (yaml, deviations) = texts();
    // The spec stops saying format: byte -> the deviation is stale.
    let edited = replace_once(&yaml, "          format: byte\n", "");
    let spec = Spec::from_texts(&edited, &deviations).unwrap();
    let problems = spec.audit_deviations().unwrap();
    assert!(problems.iter().any(|p| p.starts_with("`auth-data-plain-json`: #/components/schemas/sql.v1.PlaintextProvider/properties/data/format is not in the spec")), "{problems:#?}");
    // ...and its rules and samples no longer match anything either.
    assert!(
        problems
            .iter()
            .any(|p| p.contains("sample 0 (request createSqlv1Connection) breaks nothing")),
        "{problems:#?}"
    );

    // A waiver rule that no sample and no example of the spec exercises is reported.
    let spec = with_deviations(|list| {
        list["deviations"][2]["allows"].as_array_mut().unwrap().push(json!({
            "where": "response getSqlv1Connection 200", "instance": "/status", "keyword": "required", "argument": "phase"
        }))
    })
    .unwrap();
    let problems = spec.audit_deviations().unwrap();
    assert_eq!(problems, ["`read-omits-auth-data`: rule 1 (response getSqlv1Connection 200 /status required) is exercised by no sample and no example"]);
}

#[test]
fn a_sample_must_show_its_own_deviation_and_nothing_else() {
    // A sample of read-omits-auth-data that also has an empty resource_name.
    let mut sample = connection();
    sample["spec"].as_object_mut().unwrap().remove("auth_data");
    sample["metadata"]["resource_name"] = json!("");
    let spec = with_deviations(|list| {
        list["deviations"][2]["samples"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "where": "response getSqlv1Connection 200", "body": sample }));
        // And one that breaks nothing.
        list["deviations"][3]["samples"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "where": "request createSqlv1Connection", "body": create_body() }));
    })
    .unwrap();
    let problems = spec.audit_deviations().unwrap();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].starts_with("`read-omits-auth-data`: sample 1 shows something else: response getSqlv1Connection 200: /metadata/resource_name"), "{problems:#?}");
    assert_eq!(problems[1], "`put-metadata-read-only`: sample 1 (request createSqlv1Connection) breaks nothing in the spec");
}

#[test]
fn without_its_deviation_a_waived_violation_fails() {
    let spec = without_deviation("auth-data-plain-json");
    let example = spec
        .examples()
        .unwrap()
        .into_iter()
        .find(|e| e.context == "request createSqlv1Connection")
        .unwrap();
    let v = only(spec.check_example(&example).unwrap());
    assert_eq!(
        (v.pointer.as_str(), v.allowed_by),
        ("/spec/auth_data/data", None)
    );
}

#[test]
fn the_deviation_file_is_checked_for_shape() {
    let err = with_deviations(|list| {
        let first = list["deviations"][0].clone();
        list["deviations"].as_array_mut().unwrap().push(first);
    })
    .unwrap_err();
    assert_eq!(err, "deviations: id `auth-data-plain-json` is listed twice");

    // One field of the first deviation set to a value, and what the error must say.
    for (field, value, expected) in [
        ("evidence", json!([]), "needs evidence"),
        ("typo_field", json!(1), "unknown field `typo_field`"),
        // answered_as only goes with a waived status; the relaxed copy removes only listed
        // places.
        ("answered_as", json!(500), "waives no undeclared status"),
        (
            "relaxed_copy_removes",
            json!(["#/components/schemas/Error"]),
            "not one of its spec_locations",
        ),
    ] {
        let err = with_deviations(|list| list["deviations"][0][field] = value).unwrap_err();
        assert!(err.contains(expected), "{err}");
    }
}

#[test]
fn an_undeclared_gateway_status_is_waived_and_checked_as_the_declared_500() {
    let spec = spec();
    let failure = json!({"errors": [{"id": "e", "status": "503", "code": "service_unavailable"}]});
    for op in spec.operation_ids() {
        for status in [502, 503, 504] {
            // The status alone is waived, by the listed deviation.
            let all = spec.check_response(op, status, &failure);
            assert_eq!(all.len(), 1, "{op} {status}: {all:#?}");
            assert_eq!(
                (all[0].keyword.as_str(), all[0].allowed_by.as_deref()),
                ("status", Some("undeclared-gateway-statuses"))
            );
            spec.validate_response(op, status, &failure).unwrap();
            spec.validate_response_bytes(op, status, failure.to_string().as_bytes())
                .unwrap();
            spec.validate_response_headers(op, status, &[("X-Request-Id", "r")])
                .unwrap();
        }
    }
    // The body is still checked, as the 500's Failure.
    let v = refused(spec.validate_response("getSqlv1Connection", 503, &json!({"errors": "down"})));
    assert_at(&v, "/errors", "type");
    let v = refused(spec.validate_response_bytes("getSqlv1Connection", 503, b""));
    assert_eq!(v.keyword, "content");
    // Other undeclared statuses are not waived.
    for status in [501, 505, 418] {
        let v = refused(spec.validate_response("listSqlv1Connections", status, &failure));
        assert_eq!(
            (v.keyword.as_str(), v.allowed_by.as_deref()),
            ("status", None)
        );
    }
    // Without the deviation, a 503 fails.
    let without = without_deviation("undeclared-gateway-statuses");
    let v = refused(without.validate_response("getSqlv1Connection", 503, &failure));
    assert_eq!(v.keyword, "status");
}

#[test]
fn parameters_are_checked_against_their_schemas() {
    let spec = spec();
    let op = "listSqlv1Connections";
    let path = [("organization_id", ORG), ("environment_id", "env-123")];
    let mut combinations = 0;
    let mut check = |query: &[(&str, &str)]| {
        combinations += 1;
        spec.validate_parameters(op, &path, query)
    };
    for query in [
        &[][..],
        &[("page_size", "1")],
        &[("page_size", "100")],
        &[("page_size", "100"), ("page_token", "UvmDWOB1iwfAIBPj6EYb")],
        &[("spec.connection_type", "OPENAI")],
        // Open enum (x-extensible-enum): a type the spec does not list yet is fine.
        &[
            ("spec.connection_type", "SOMETHING_NEW"),
            ("page_size", "99"),
        ],
    ] {
        check(query).unwrap_or_else(|v| panic!("{query:?}: {v:#?}"));
    }
    // maximum is 100 (x-max-page-items: 500 is an extension, not a limit we may use).
    let v = refused(check(&[("page_size", "101")]));
    assert_at(&v, "/query/page_size", "maximum");
    let v = refused(check(&[("page_size", "ten")]));
    assert_at(&v, "/query/page_size", "type");
    let v = refused(check(&[("page_token", &"x".repeat(256))]));
    assert_eq!(v.keyword, "maxLength");
    let v = refused(check(&[("page-size", "10")]));
    assert_at(&v, "/query/page-size", "undeclared");
    let v = refused(check(&[("page_size", "10"), ("page_size", "20")]));
    assert_eq!(v.keyword, "repeated");

    let v = refused(spec.validate_parameters(
        op,
        &[("organization_id", "org-1"), ("environment_id", "e")],
        &[],
    ));
    assert_argument_at(&v, "/path/organization_id", "uuid");
    let v = refused(spec.validate_parameters(op, &[("organization_id", ORG)], &[]));
    assert_at(&v, "/path/environment_id", "required");
    eprintln!(
        "spec_schema: {} parameter combinations of listSqlv1Connections checked",
        combinations + 2
    );
}

#[test]
fn a_request_target_is_matched_to_its_operation_and_checked() {
    let spec = spec();
    let base = format!("/sql/v1/organizations/{ORG}/environments/env-123/connections");
    assert_eq!(
        spec.validate_request_target(
            "GET",
            &format!("{base}?spec.connection_type=OPENAI&page_size=100&page_token=a%2Bb")
        )
        .unwrap(),
        "listSqlv1Connections"
    );
    assert_eq!(
        spec.validate_request_target("POST", &base).unwrap(),
        "createSqlv1Connection"
    );
    for (method, id) in [
        ("GET", "getSqlv1Connection"),
        ("PUT", "updateSqlv1Connection"),
        ("DELETE", "deleteSqlv1Connection"),
    ] {
        assert_eq!(
            spec.validate_request_target(method, &format!("{base}/my.conn-1"))
                .unwrap(),
            id
        );
    }
    let v = refused(spec.validate_request_target("GET", &format!("{base}?page_size=500")));
    assert_eq!(
        (v.context.as_str(), v.keyword.as_str()),
        ("parameters listSqlv1Connections", "maximum")
    );
    let v = refused(spec.validate_request_target("PATCH", &format!("{base}/c")));
    assert_eq!(v.keyword, "operation");
    let v = refused(spec.validate_request_target(
        "GET",
        "/sql/v1/organizations/not-a-uuid/environments/e/connections",
    ));
    assert_eq!(v.pointer, "/path/organization_id");
}

#[test]
fn bodiless_responses_and_headers_are_checked() {
    let spec = spec();
    spec.validate_response_bytes("updateSqlv1Connection", 200, b"")
        .unwrap();
    spec.validate_response_bytes("deleteSqlv1Connection", 200, b"")
        .unwrap();
    spec.validate_response_bytes("listSqlv1Connections", 429, b"")
        .unwrap();
    let v = refused(spec.validate_response_bytes("deleteSqlv1Connection", 200, b"{}"));
    assert_eq!(v.keyword, "content");
    let v = refused(spec.validate_response_bytes("getSqlv1Connection", 200, b""));
    assert_eq!(v.keyword, "content");
    let v = refused(spec.validate_response_bytes(
        "getSqlv1Connection",
        404,
        b"{\"errors\":[{\"status\":404}]}",
    ));
    assert_at(&v, "/errors/0/status", "type");
    let v = refused(spec.validate_response("getSqlv1Connection", 418, &json!({})));
    assert_eq!(v.keyword, "status");

    let headers = [
        ("Retry-After", "3"),
        ("x-ratelimit-reset", "12"),
        ("X-Request-Id", "abc"),
        ("X-Other", "no schema"),
    ];
    spec.validate_response_headers("getSqlv1Connection", 429, &headers)
        .unwrap();
    let v = refused(spec.validate_response_headers(
        "getSqlv1Connection",
        429,
        &[("Retry-After", "soon")],
    ));
    assert_at(&v, "/Retry-After", "type");
    let v = refused(spec.validate_response_headers(
        "createSqlv1Connection",
        201,
        &[("location", "not a uri")],
    ));
    assert_argument_at(&v, "/Location", "uri");
}

#[test]
fn constructs_the_translation_does_not_know_are_refused_not_skipped() {
    let (yaml, deviations) = texts();
    let anchor = "    sql.v1.ConnectionStatus:\n      description: The status of the Connection\n";
    for (extra, expected) in [
        (
            "      unevaluatedProperties: false\n",
            "unsupported schema keyword `unevaluatedProperties`",
        ),
        (
            "      examples: [{}]\n",
            "unsupported schema keyword `examples`",
        ),
        ("      format: hex\n", "unknown format `hex`"),
        (
            "      exclusiveMaximum: 5\n",
            "OpenAPI 3.0 uses a boolean here",
        ),
    ] {
        let edited = replace_once(&yaml, anchor, &format!("{anchor}{extra}"));
        let err = Spec::from_texts(&edited, &deviations).unwrap_err();
        assert!(err.contains(expected), "{extra}: {err}");
        assert!(
            err.contains("/components/schemas/sql.v1.ConnectionStatus"),
            "{err}"
        );
    }
    let edited = replace_once(&yaml, "        status:\n          $ref: '#/components/schemas/sql.v1.ConnectionStatus'\n", "        status:\n          $ref: '#/components/schemas/sql.v1.ConnectionStatus'\n          nullable: true\n");
    let err = Spec::from_texts(&edited, &deviations).unwrap_err();
    assert!(
        err.contains("$ref has sibling keywords [\"nullable\"]"),
        "{err}"
    );
    let edited = replace_once(
        &yaml,
        "          $ref: '#/components/schemas/sql.v1.ConnectionStatus'\n",
        "          $ref: '#/components/schemas/Nope'\n",
    );
    let err = Spec::from_texts(&edited, &deviations).unwrap_err();
    assert!(err.contains("does not resolve"), "{err}");
}

#[test]
fn violations_never_show_the_checked_values() {
    let spec = spec();
    let secret = "sk-live-DO-NOT-PRINT";
    let mut body = create_body();
    body["spec"]["auth_data"]["data"] = json!(secret);
    body["spec"]["endpoint"] = json!({ "token": secret });
    body["name"] = json!([secret]);
    let found = spec.check_request("createSqlv1Connection", &body);
    assert_eq!(found.len(), 3, "{found:#?}");
    for v in found {
        for text in [v.to_string(), format!("{v:?}"), v.message.clone()] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}

#[test]
fn a_request_built_from_the_spec_is_valid_for_every_operation() {
    let spec = spec();
    let requests = spec_requests(spec.document(), ORG, "env-123");
    let mut ids: Vec<&str> = requests.iter().map(|r| r.op.as_str()).collect();
    ids.sort();
    assert_eq!(ids, spec.operation_ids());
    let mut bodies = 0;
    for request in &requests {
        assert_eq!(
            spec.validate_request_target(&request.method, &request.path)
                .as_deref(),
            Ok(request.op.as_str()),
            "{} {}",
            request.method,
            request.path
        );
        if let Some(body) = &request.body {
            spec.validate_request(&request.op, body)
                .unwrap_or_else(|v| panic!("{}: {body}: {v:#?}", request.op));
            bodies += 1;
        }
        // And the builder is not vacuous: a body without what it requires is refused.
        if let Some(Value::Object(fields)) = &request.body {
            if let Some((first, _)) = fields.iter().next() {
                let mut less = fields.clone();
                less.remove(first);
                assert!(
                    spec.validate_request(&request.op, &Value::Object(less))
                        .is_err(),
                    "{}: without `{first}`",
                    request.op
                );
            }
        }
    }
    eprintln!(
        "spec_schema: {} operations, a valid request to each ({bodies} with a body)",
        requests.len()
    );
}
