//! Runs the unit tests of the build code in `build/` (the spec fixes), which cargo does
//! not run for a build script, and tests the generation itself: the docs form of the
//! spec (seed 000) generates a typed client and the public model (`build/model.rs`),
//! and a spec the generator cannot take fails with one message that names the file and
//! the place.

#[allow(dead_code)]
#[path = "../build/normalize.rs"]
mod normalize;

#[allow(dead_code)]
#[path = "../build/generate.rs"]
mod generate;

#[allow(dead_code)]
#[path = "../build/model.rs"]
mod model;
#[path = "../build/open_enums.rs"]
mod open_enums;
#[path = "../build/serde_impls.rs"]
mod serde_impls;

#[allow(dead_code)]
#[path = "../build/limits.rs"]
mod limits;

#[allow(dead_code)]
#[path = "../build/requests.rs"]
mod requests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use serde_json::{json, Value};

/// The options `build.rs` passes.
fn options() -> generate::Options {
    generate::Options {
        replacements: generate::REPLACEMENTS.to_vec(),
        inner_type: None,
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Writes `text` to a file of its own under cargo's temporary directory for tests.
fn spec_file(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("build_code");
    std::fs::create_dir_all(&dir).expect("create the temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the spec");
    path
}

/// A path type as text, without the leading `::` (`std::option::Option<std::string::String>`).
fn type_text(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .iter()
            .map(|s| {
                let args = match &s.arguments {
                    syn::PathArguments::AngleBracketed(a) => {
                        let inner: Vec<String> = a
                            .args
                            .iter()
                            .map(|arg| match arg {
                                syn::GenericArgument::Type(t) => type_text(t),
                                _ => "?".into(),
                            })
                            .collect();
                        format!("<{}>", inner.join(", "))
                    }
                    _ => String::new(),
                };
                format!("{}{args}", s.ident)
            })
            .collect::<Vec<_>>()
            .join("::"),
        syn::Type::Tuple(t) if t.elems.is_empty() => "()".into(),
        _ => "?".into(),
    }
}

/// The generated `types` module: struct name -> (field name -> field type), and the
/// names of its enums.
struct Types {
    structs: BTreeMap<String, BTreeMap<String, String>>,
    enums: Vec<String>,
}

fn types_of(code: &str) -> Types {
    let file = syn::parse_file(code).expect("the generated code parses");
    let items = file
        .items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .expect("a types module");
    let mut types = Types {
        structs: BTreeMap::new(),
        enums: Vec::new(),
    };
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                let fields = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), type_text(&f.ty))))
                    .collect();
                types.structs.insert(s.ident.to_string(), fields);
            }
            // An enum without `Other` refuses the values it does not list.
            syn::Item::Enum(e) if !e.variants.iter().any(|v| v.ident == "Other") => {
                types.enums.push(e.ident.to_string())
            }
            _ => {}
        }
    }
    types
}

const OPTION_STRING: &str = "std::option::Option<std::string::String>";

impl Types {
    /// The type of `name.field`, failing with what there is instead.
    fn field(&self, name: &str, field: &str) -> &str {
        let fields = self
            .structs
            .get(name)
            .unwrap_or_else(|| panic!("no struct {name}; there are {:?}", self.structs.keys()));
        fields
            .get(field)
            .unwrap_or_else(|| panic!("{name} has no field {field}; it has {:?}", fields.keys()))
    }
}

#[test]
fn seed_000_list_generates_a_typed_client() {
    let generated = generate::generate(&fixture("seed-000-list.yaml"), &options())
        .unwrap_or_else(|e| panic!("the docs form must generate: {e}"));
    let shaped = model::shape(&generated.code, &generated.doc).expect("the generated code shapes");
    let types = types_of(&shaped.code);

    // connection_type and phase are open enums named after their properties (the
    // seed's closed enums included): every enum becomes an open enum with `Other`.
    assert_eq!(
        types.field("ConnectionSpec", "connection_type"),
        "ConnectionType"
    );
    assert_eq!(
        types.field("ConnectionStatus", "phase"),
        "std::option::Option<ConnectionPhase>"
    );
    assert!(
        types.enums.is_empty(),
        "no closed enum may be left: {:?}",
        types.enums
    );
    for open in ["ConnectionType", "ConnectionPhase"] {
        assert!(shaped.open_enums.iter().any(|e| e == open), "{open}");
    }
    assert!(
        shaped.code.contains(r#"OpenAi => "OPENAI""#),
        "readable names apply"
    );

    // The list page is generated, its items are the one Connection type, and the
    // ListMeta it holds has the seed's fields (and `self`, which only the seed's
    // example overlay names).
    assert_eq!(
        types.field("ConnectionList", "data"),
        "std::vec::Vec<Connection>"
    );
    let list_meta = &types.structs["ListMeta"];
    for field in ["first", "last", "prev", "next", "self_"] {
        assert_eq!(list_meta[field], OPTION_STRING, "ListMeta.{field}");
    }
    assert_eq!(
        list_meta["total_size"], "std::option::Option<i32>",
        "ListMeta.total_size"
    );
    // A connection's metadata is its copy of ObjectMeta, ConnectionMetadata, with uid and
    // resource_version, which the seed names only in examples. (The seed's one answer,
    // the list, requires it: what every answer requires is required.)
    assert_eq!(types.field("Connection", "metadata"), "ConnectionMetadata");
    assert_eq!(types.field("Connection", "name"), "std::string::String");
    assert_eq!(types.field("ConnectionMetadata", "uid"), OPTION_STRING);
    assert_eq!(
        types.field("ConnectionMetadata", "resource_version"),
        OPTION_STRING
    );
    // Every struct keeps the properties it does not declare, and no other field is
    // untyped JSON.
    for (name, fields) in &types.structs {
        if name.ends_with("PageToken") {
            continue; // a newtype of a string
        }
        assert_eq!(
            fields.get("unknown_fields").map(String::as_str),
            Some("crate::UnknownFields"),
            "{name}"
        );
        for (field, ty) in fields {
            assert!(!ty.contains("serde_json"), "{name}.{field} is {ty}");
        }
    }
    assert!(!shaped.code.contains("deny_unknown_fields"));

    // An answer's secret is read into the crate's AuthData (never written); the
    // generated PlaintextProvider struct is replaced.
    assert_eq!(
        types.field("ConnectionSpec", "auth_data"),
        "std::option::Option<crate::connections::AuthData>"
    );
    assert!(!types.structs.contains_key("PlaintextProvider"));

    // The bodiless 429 was dropped (and only it), so the typed errors share Failure.
    let applied: BTreeMap<&str, usize> = generated
        .applied
        .iter()
        .map(|a| (a.name, a.changes))
        .collect();
    assert_eq!(applied["drop_bodiless_error_responses"], 1);
    // (Compared without whitespace: the formatter breaks this signature over lines.)
    let flat: String = shaped.code.split_whitespace().collect();
    assert!(flat.contains("Result<ResponseValue<types::ConnectionList>,Error<types::Failure>>"));
}

#[test]
fn seed_000_fails_on_its_429_without_the_fix_and_names_the_operation() {
    let path = fixture("seed-000-list.yaml");
    let text = std::fs::read_to_string(&path).expect("the fixture");
    let mut doc: serde_json::Value = serde_yaml::from_str(&text).expect("the fixture is YAML");
    for (name, fix) in normalize::FIXES {
        if *name != "drop_bodiless_error_responses" {
            fix(&mut doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    let err = generate::generate_value(&doc, &options()).expect_err("the 429 breaks progenitor");
    assert!(
        err.contains(
            "at `paths./sql/v1/organizations/{organization_id}/environments/{environment_id}/connections.get` \
             (operationId listSqlv1Connections)"
        ),
        "{err}"
    );
    assert!(!err.contains("panicked at"), "{err}");
}

#[test]
fn invalid_yaml_is_reported_with_the_file_line_and_column() {
    let path = spec_file(
        "invalid.yaml",
        "openapi: 3.0.0\ninfo:\n  title: x\n  version: [1\npaths: {}\n",
    );
    let err = generate::generate(&path, &options())
        .err()
        .expect("invalid YAML fails");
    let prefix = format!("{}:", path.display());
    let rest = err.strip_prefix(&prefix).unwrap_or_else(|| panic!("{err}"));
    let (line, rest) = rest.split_once(':').unwrap_or_else(|| panic!("{err}"));
    let (column, rest) = rest.split_once(':').unwrap_or_else(|| panic!("{err}"));
    assert!(
        line.parse::<u32>().is_ok() && column.parse::<u32>().is_ok(),
        "{err}"
    );
    assert!(rest.starts_with(" not valid YAML"), "{err}");
}

#[test]
fn a_document_that_is_not_openapi_is_reported_with_the_json_path() {
    let path = spec_file(
        "shape.yaml",
        "openapi: 3.0.0\ninfo: {title: x, version: '1'}\nservers:\n- url: https://x\n  description: [oops]\npaths: {}\n",
    );
    let err = generate::generate(&path, &options())
        .err()
        .expect("a bad shape fails");
    assert!(
        err.starts_with(&format!(
            "{}: at `servers[0].description`: not a valid OpenAPI 3.0 document",
            path.display()
        )),
        "{err}"
    );
}

#[test]
fn a_bad_operation_is_reported_with_its_path_and_method() {
    // openapiv3 reads paths through untagged enums that lose the place; the message
    // still names the path item and the field.
    let path = spec_file(
        "operation-shape.yaml",
        "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n  /things:\n    get:\n      parameters:\n      \
         - {in: query, name: a, required: maybe, schema: {type: string}}\n      responses:\n        '200': {description: ok}\n",
    );
    let err = generate::generate(&path, &options())
        .err()
        .expect("a bad operation fails");
    assert!(
        err.starts_with(&format!(
            "{}: at `paths./things.get.parameters[0]`",
            path.display()
        )),
        "{err}"
    );
}

#[test]
fn an_operation_the_generator_rejects_is_named_without_a_panic() {
    // Two error responses with different bodies: progenitor asserts and panics.
    let path = spec_file(
        "two-error-types.yaml",
        r#"openapi: 3.0.0
info: {title: x, version: '1'}
paths:
  /ok:
    get:
      operationId: fine
      responses:
        '200': {description: ok}
  /things/{id}:
    get:
      operationId: getThing
      parameters:
      - {in: path, name: id, required: true, schema: {type: string}}
      responses:
        '200': {description: ok}
        '400':
          description: bad
          content: {application/json: {schema: {type: object, properties: {a: {type: string}}}}}
        '500':
          description: worse
          content: {application/json: {schema: {type: array, items: {type: string}}}}
"#,
    );
    let err = generate::generate(&path, &options())
        .err()
        .expect("progenitor rejects it");
    assert!(
        err.starts_with(&format!(
            "{}: at `paths./things/{{id}}.get` (operationId getThing): the generator cannot take this operation",
            path.display()
        )),
        "{err}"
    );
    for noise in ["panicked at", "stack backtrace", "RUST_BACKTRACE"] {
        assert!(!err.contains(noise), "{err}");
    }
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

// ---------------------------------------------------------------------------------
// The combined form: responses defined once under `components/responses`
// ---------------------------------------------------------------------------------

/// An operation whose error responses are `$ref`s, as the combined document writes them:
/// the 404 through a chain of two references, the 429 to a response without a body.
fn doc_with_response_refs() -> Value {
    json!({
        "paths": {"/c": {"get": {"responses": {
            "200": {"description": "ok"},
            "404": {"$ref": "#/components/responses/NotFoundError"},
            "429": {"$ref": "#/components/responses/RateLimitError"}
        }}}},
        "components": {
            "responses": {
                "NotFoundError": {"$ref": "#/components/responses/Failed"},
                "Failed": {"description": "failed", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Failure"}
                }}},
                "RateLimitError": {"description": "Rate Limit Exceeded"}
            },
            "schemas": {"Failure": {"type": "object"}}
        }
    })
}

#[test]
fn response_refs_are_replaced_by_the_responses_they_name() {
    let mut doc = doc_with_response_refs();
    let components = doc["components"].clone();
    assert_eq!(normalize::inline_response_refs(&mut doc).unwrap(), 2);
    let responses = &doc["paths"]["/c"]["get"]["responses"];
    assert_eq!(responses["404"], components["responses"]["Failed"]);
    assert_eq!(
        responses["429"],
        json!({"description": "Rate Limit Exceeded"})
    );
    assert_eq!(responses["200"], json!({"description": "ok"}));
    assert_eq!(doc["components"], components, "the components stay");
    assert_eq!(normalize::inline_response_refs(&mut doc).unwrap(), 0);
}

#[test]
fn a_missing_or_circular_response_ref_is_an_error_naming_the_place() {
    let mut doc = doc_with_response_refs();
    doc["components"]["responses"]
        .as_object_mut()
        .unwrap()
        .remove("RateLimitError");
    let err = normalize::inline_response_refs(&mut doc.clone()).unwrap_err();
    assert_eq!(
        err,
        "paths./c.get.responses.429: $ref '#/components/responses/RateLimitError' not found"
    );
    // Through the build's normalisation, the fix is named first.
    let err = normalize::normalize(&mut doc).unwrap_err();
    assert_eq!(
        err,
        "inline_response_refs: paths./c.get.responses.429: \
         $ref '#/components/responses/RateLimitError' not found"
    );

    let mut doc = doc_with_response_refs();
    doc["components"]["responses"]["Failed"] =
        json!({"$ref": "#/components/responses/NotFoundError"});
    let err = normalize::inline_response_refs(&mut doc).unwrap_err();
    assert!(
        err.starts_with("paths./c.get.responses.404: $ref '#/components/responses/NotFoundError' leads back to itself"),
        "{err}"
    );

    let mut doc = doc_with_response_refs();
    doc["paths"]["/c"]["get"]["responses"]["404"] = json!({"$ref": "#/components/schemas/Failure"});
    let err = normalize::inline_response_refs(&mut doc).unwrap_err();
    assert!(
        err.starts_with("paths./c.get.responses.404: $ref '#/components/schemas/Failure' does not name a response"),
        "{err}"
    );
}

#[test]
fn a_bodiless_429_behind_a_ref_is_dropped() {
    let mut doc = doc_with_response_refs();
    let applied: BTreeMap<&str, usize> = normalize::normalize(&mut doc)
        .unwrap()
        .into_iter()
        .map(|a| (a.name, a.changes))
        .collect();
    assert_eq!(applied["inline_response_refs"], 2);
    assert_eq!(applied["drop_bodiless_error_responses"], 1);
    let codes: Vec<&String> = doc["paths"]["/c"]["get"]["responses"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(codes, ["200", "404"], "the typed 404 stays, inlined");
    assert!(doc["paths"]["/c"]["get"]["responses"]["404"]["content"].is_object());
}

const CONNECTIONS: &str =
    "/sql/v1/organizations/{organization_id}/environments/{environment_id}/connections";

/// Runs `scripts/convert_spec.py` on `input`, with the project's Python
/// (`.venv/`, which `scripts/schemathesis.sh` makes with the pinned PyYAML, when there is
/// one; else `python3`).
fn extract(input: &Path) -> std::process::Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let venv = root.join(".venv/bin/python");
    let python = if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    };
    std::process::Command::new(&python)
        .arg(root.join("scripts/convert_spec.py"))
        .arg(input)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", python.display()))
}

/// The extracted document, written where `generate` can read it, failing with the
/// script's stderr.
fn extracted(input: &Path, name: &str) -> (PathBuf, Value) {
    let output = extract(input);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the script fails: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let doc: Value = serde_yaml::from_str(&text).expect("the script writes YAML");
    (spec_file(name, &text), doc)
}

/// `name -> return type` of the generated client's operations (the `async fn`s of
/// `impl Client`).
fn client_methods(code: &str) -> BTreeMap<String, String> {
    let file = syn::parse_file(code).expect("the generated code parses");
    let mut methods = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if type_text(&block.self_ty) != "Client" || block.trait_.is_some() {
            continue;
        }
        for f in &block.items {
            if let syn::ImplItem::Fn(f) = f {
                if let (Some(_), syn::ReturnType::Type(_, ty)) = (f.sig.asyncness, &f.sig.output) {
                    methods.insert(f.sig.ident.to_string(), type_text(ty));
                }
            }
        }
    }
    methods
}

#[test]
fn the_combined_form_is_extracted_and_generates_the_five_typed_operations() {
    let (path, doc) = extracted(&fixture("combined-cloud-apis.yaml"), "combined.yaml");

    // Only the Connections part is kept: the other API's path, schemas, responses and
    // parameters are left out; the shared components the Connections paths reference
    // (transitively) are there. (Keys are compared sorted: serde_json's maps sort them.)
    let paths: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        paths,
        [
            CONNECTIONS.to_string(),
            format!("{CONNECTIONS}/{{connection_name}}")
        ]
    );
    let keys = |section: &str| -> Vec<&str> {
        doc["components"][section]
            .as_object()
            .unwrap_or_else(|| panic!("components.{section}"))
            .keys()
            .map(String::as_str)
            .collect()
    };
    assert_eq!(
        keys("responses"),
        [
            "BadRequestError",
            "ConflictError",
            "DefaultSystemError",
            "NotFoundError",
            "RateLimitError",
            "UnauthenticatedError",
            "UnauthorizedError",
            "ValidationError"
        ],
        "OverQuotaError (the other API's only) is left out"
    );
    assert_eq!(keys("parameters"), ["PageToken"]);
    assert_eq!(keys("headers"), ["RequestId"]);
    assert!(
        keys("schemas").contains(&"Error_source"),
        "{:?}",
        keys("schemas")
    );
    let text = doc.to_string();
    assert!(!text.contains("iam"), "the other API is left out");
    // The seed additions apply to the shared 429, which had no headers.
    let rate_limit = &doc["components"]["responses"]["RateLimitError"];
    let headers: Vec<&String> = rate_limit["headers"].as_object().unwrap().keys().collect();
    assert_eq!(
        headers,
        [
            "Retry-After",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset"
        ]
    );
    assert!(rate_limit.get("content").is_none());

    let generated = generate::generate(&path, &options())
        .unwrap_or_else(|e| panic!("the extracted combined form must generate: {e}"));
    let applied: BTreeMap<&str, usize> = generated
        .applied
        .iter()
        .map(|a| (a.name, a.changes))
        .collect();
    // 6 error responses in list, get, update and delete, 7 in create.
    assert_eq!(applied["inline_response_refs"], 31);
    assert_eq!(applied["drop_bodiless_error_responses"], 5, "every 429");

    let methods = client_methods(&generated.code);
    let failure = "Error<types::Failure>";
    let connection = format!("Result<ResponseValue<types::Connection>, {failure}>");
    let nothing = format!("Result<ResponseValue<()>, {failure}>");
    let expected = BTreeMap::from([
        (
            "list_sqlv1_connections".to_string(),
            format!("Result<ResponseValue<types::ConnectionList>, {failure}>"),
        ),
        ("create_sqlv1_connection".to_string(), connection.clone()),
        ("get_sqlv1_connection".to_string(), connection),
        ("update_sqlv1_connection".to_string(), nothing.clone()),
        ("delete_sqlv1_connection".to_string(), nothing),
    ]);
    assert_eq!(methods, expected);
    // The page_token parameter, a $ref to components/parameters, is an argument.
    let flat: String = generated.code.split_whitespace().collect();
    assert!(
        flat.contains("page_token:Option<&'atypes::ListSqlv1ConnectionsPageToken>"),
        "the list takes page_token"
    );
}

#[test]
fn the_docs_form_is_extracted_and_generates() {
    let input = fixture("seed-000-list.yaml");
    let (path, doc) = extracted(&input, "docs.yaml");
    // `info` is the page's own, as published (the script changes no title).
    let page: Value = serde_yaml::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap();
    assert_eq!(doc["info"], page["info"]);
    assert_eq!(
        doc["info"]["title"],
        json!("SQL API v1: Connections (seed 000, List)")
    );
    let generated = generate::generate(&path, &options())
        .unwrap_or_else(|e| panic!("the extracted docs form must generate: {e}"));
    let methods = client_methods(&generated.code);
    assert_eq!(
        methods.get("list_sqlv1_connections").map(String::as_str),
        Some("Result<ResponseValue<types::ConnectionList>, Error<types::Failure>>")
    );
}

#[test]
fn the_script_stops_with_one_line_naming_the_place() {
    let combined = std::fs::read_to_string(fixture("combined-cloud-apis.yaml")).unwrap();
    let without_rate_limit = combined.replace(
        "    RateLimitError:\n      description: Rate Limit Exceeded\n",
        "",
    );
    assert_ne!(without_rate_limit, combined);
    let cases = [
        (
            "no-sql-v1.yaml",
            "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n  /iam/v2/service-accounts:\n    \
             get:\n      responses:\n        '200': {description: ok}\n  /sql/v2/x:\n    \
             get:\n      responses:\n        '200': {description: ok}\n"
                .to_string(),
            "paths: no sql/v1 paths (none starts with /sql/v1/)".to_string(),
        ),
        (
            "swagger.yaml",
            "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n".to_string(),
            "not an OpenAPI 3.0 document (swagger: '2.0')".to_string(),
        ),
        (
            "missing-response.yaml",
            without_rate_limit,
            format!(
                "paths.{CONNECTIONS}.get.responses.429: $ref '#/components/responses/RateLimitError' not found"
            ),
        ),
    ];
    for (name, text, message) in cases {
        let input = spec_file(name, &text);
        let output = extract(&input);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(output.stdout.is_empty(), "{name}: nothing on stdout");
        assert_eq!(
            stderr,
            format!("error: {}: {message}\n", input.display()),
            "{name}"
        );
    }
}

#[allow(dead_code)]
#[path = "../build/operations.rs"]
mod operations;

#[test]
fn every_operation_with_the_specs_errors_gets_a_public_wrapper() {
    let generated = generate::generate(&fixture("seed-000-list.yaml"), &options())
        .unwrap_or_else(|e| panic!("the docs form must generate: {e}"));
    let shaped = model::shape(&generated.code, &generated.doc).expect("the generated code shapes");
    let ids = vec!["listSqlv1Connections".to_string()];
    let wrapped = operations::wrap(&shaped.code, &ids).expect("wraps");
    assert_eq!(wrapped.wrapped, ["list_sqlv1_connections"]);
    assert!(wrapped.skipped.is_empty());
    let flat: String = wrapped.code.split_whitespace().collect();
    // Same name, the client's organization and environment filled in, the crate's
    // error type, and the operation's spec id for retries and tracing.
    assert!(
        flat.contains("pubasyncfnlist_sqlv1_connections<'a>(&'aself,page_size:Option<i64>,"),
        "{}",
        wrapped.code
    );
    assert!(!flat.contains("organization_id:&'a"), "{}", wrapped.code);
    assert!(flat.contains("Result<ResponseValue<types::ConnectionList>,crate::Error>"));
    assert!(flat.contains("crate::generated::operation::LIST_SQLV1_CONNECTIONS"));
    // The operation's own documentation comes along.
    assert!(
        wrapped
            .code
            .contains("Retrieve a sorted, filtered and paginated list of all Connections."),
        "{}",
        wrapped.code
    );
    // Without an operationId for a method, wrapping fails with a clear message.
    let err = operations::wrap(&shaped.code, &[]).unwrap_err();
    assert!(err.contains("list_sqlv1_connections"), "{err}");
}

#[test]
fn shaping_opens_enums_keeps_unknown_fields_and_never_writes_an_answers_secret() {
    let code = r#"
        pub mod types {
            #[derive(Clone, Debug, ::serde::Deserialize, ::serde::Serialize)]
            pub enum Kind {
                #[serde(rename = "OPENAI")]
                Openai,
                #[serde(rename = "NEW_THING")]
                NewThing,
            }
            impl ::std::fmt::Display for Kind {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) }
            }
            #[derive(Clone, Debug, ::serde::Deserialize, ::serde::Serialize)]
            pub struct Answer {
                #[serde(rename = "x", skip_serializing_if = "::std::option::Option::is_none")]
                pub auth_data: ::std::option::Option<crate::connections::wire::PlaintextProvider>,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                #[serde(flatten)]
                pub extra: ::std::collections::HashMap<::std::string::String, ::serde_json::Value>,
            }
            #[derive(Clone, Debug, ::serde::Deserialize, ::serde::Serialize)]
            pub struct Body {
                pub auth_data: crate::connections::wire::PlaintextProvider,
            }
        }
        pub struct Client;
        impl Client {
            pub async fn create<'a>(&'a self, body: &'a types::Body) -> Result<ResponseValue<()>, Error<types::Failure>> { todo!() }
        }
    "#;
    let shaped = model::shape(code, &serde_json::Value::Null).expect("shapes");
    let flat: String = shaped.code.split_whitespace().collect();
    assert_eq!(shaped.open_enums, ["Kind"]);
    assert!(
        flat.contains("pubenumKind{///`OPENAI`OpenAi,///`NEW_THING`NewThing,"),
        "{}",
        shaped.code
    );
    assert!(
        flat.contains("Other(::std::string::String),}"),
        "{}",
        shaped.code
    );
    assert!(
        flat.contains(r#"Kind::OpenAi=>"OPENAI","#),
        "{}",
        shaped.code
    );
    assert!(
        flat.contains("impl::std::hash::HashforKind"),
        "{}",
        shaped.code
    );
    assert_eq!(
        flat.matches("impl::std::fmt::DisplayforKind").count(),
        1,
        "typify's impls go, the open enum's own stays"
    );
    assert_eq!(shaped.keep_unknown, ["Answer"]);
    assert!(flat.contains("pubunknown_fields:crate::UnknownFields"));
    assert_eq!(shaped.request_bodies, ["Body"]);
    // The answer's secret: read into AuthData, never written, its rename kept.
    assert!(flat.contains(r#"#[serde(rename="x")]#[serde(skip_serializing)]#[serde(deserialize_with="crate::connections::wire::read_auth_data")]"#), "{}", shaped.code);
    assert!(flat.contains("pubauth_data:::std::option::Option<crate::connections::AuthData>"));
    // The body's secret is written.
    assert!(flat.contains("pubauth_data:crate::connections::wire::PlaintextProvider"));
    assert!(flat.contains(r#"deserialize_with="crate::timestamp::optional""#));
    let attrs_of = |name: &str| {
        let at = flat.find(&format!("pubstruct{name}")).unwrap();
        let start = flat[..at].rfind('}').unwrap_or(0);
        flat[start..at].to_string()
    };
    assert!(attrs_of("Answer").contains("#[non_exhaustive]"));
    assert!(
        attrs_of("Answer").contains("#[derive(Default)]"),
        "every field may be absent"
    );
    // Bodies too: callers build them with `new`, which takes what the spec requires.
    assert!(attrs_of("Body").contains("#[non_exhaustive]"));
    assert!(
        flat.contains("pubfnnew(auth_data:crate::connections::wire::PlaintextProvider)->Self"),
        "{}",
        shaped.code
    );
    // serde's derives are replaced by impls written out (no flattened buffering).
    for name in ["Answer", "Body"] {
        assert!(!attrs_of(name).contains("::serde::Deserialize"), "{name}");
        assert!(!attrs_of(name).contains("::serde::Serialize"), "{name}");
        assert!(flat.contains(&format!("impl<'de>::serde::Deserialize<'de>for{name}")));
        assert!(flat.contains(&format!("impl::serde::Serialize for{name}").replace(' ', "")));
    }
    assert!(
        flat.contains(r#""x"=>__Field::F0"#),
        "the rename is the member's name on the wire"
    );
}

#[test]
fn a_serde_attribute_the_written_impls_do_not_know_fails_shaping_by_name() {
    let code = r#"
        pub mod types {
            #[derive(Clone, Debug, ::serde::Deserialize, ::serde::Serialize)]
            pub struct Answer {
                #[serde(with = "somewhere")]
                pub at: ::std::string::String,
            }
        }
    "#;
    let err = model::shape(code, &serde_json::Value::Null).unwrap_err();
    assert!(err.contains("Answer"), "{err}");
    assert!(err.contains("`with`"), "{err}");
    let code = code.replace(r#"#[serde(with = "somewhere")]"#, "").replace(
        "pub struct Answer",
        "#[serde(deny_unknown_fields)] pub struct Answer",
    );
    let err = model::shape(&code, &serde_json::Value::Null).unwrap_err();
    assert!(err.contains("deny_unknown_fields"), "{err}");
}

/// The public model documents every property with the spec's own description: for each
/// component schema of the spec in `openapi/`, every described property is a field of
/// the generated type whose documentation starts with that description's first line.
#[test]
fn every_described_property_is_a_documented_field() {
    let items = &shaped_types_of_the_spec();
    let doc_of = |ty: &str, field: &str| -> Option<String> {
        items.iter().find_map(|i| match i {
            syn::Item::Struct(s) if s.ident == ty => s.fields.iter().find_map(|f| {
                // The field of the wire name `field`: named so, or renamed to it
                // (`#[serde(rename = "type")] type_`, `self_`).
                let renamed = f.attrs.iter().any(|a| {
                    a.path().is_ident("serde")
                        && a.to_token_stream()
                            .to_string()
                            .contains(&format!("rename = \"{field}\""))
                });
                (f.ident.as_ref()? == field || renamed).then(|| {
                    f.attrs
                        .iter()
                        .filter(|a| a.path().is_ident("doc"))
                        .filter_map(|a| match &a.meta {
                            syn::Meta::NameValue(nv) => match &nv.value {
                                syn::Expr::Lit(syn::ExprLit {
                                    lit: syn::Lit::Str(s),
                                    ..
                                }) => Some(s.value()),
                                _ => None,
                            },
                            _ => None,
                        })
                        .collect::<String>()
                })
            }),
            _ => None,
        })
    };
    // The schemas as the build names them: normalised (`sql.v1.Connection` ->
    // `Connection` where that name is free, `Error` -> `ErrorDetail`), each the type of
    // its name in PascalCase, renamed by progenitor's settings or replaced by a crate type.
    let (_, mut doc) = the_spec();
    normalize::normalize(&mut doc).expect("normalises");
    let pascal = |name: &str| -> String {
        name.split(['_', '-', '.', ' '])
            .filter(|p| !p.is_empty())
            .map(|p| {
                let mut c = p.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut checked = 0;
    let mut types = std::collections::BTreeSet::new();
    for (schema, body) in doc["components"]["schemas"].as_object().unwrap() {
        let generated = pascal(schema);
        if generate::REPLACEMENTS
            .iter()
            .any(|(from, _)| pascal(from) == generated)
        {
            continue; // the crate's own type
        }
        let ty = generated.as_str();
        for (property, p) in body["properties"].as_object().into_iter().flatten() {
            let Some(description) = p["description"].as_str() else {
                continue;
            };
            let field = property;
            let first = description.lines().next().unwrap().trim();
            let got = doc_of(ty, field)
                .unwrap_or_else(|| panic!("no field {ty}.{field} (schema {schema})"));
            assert!(
                got.trim_start().starts_with(first),
                "{ty}.{field} is documented {got:?}, the spec says {first:?}"
            );
            checked += 1;
            types.insert(ty.to_owned());
        }
    }
    // Every resource of the document, not only Connections: each operation's answer type
    // is among the checked ones.
    assert!(checked > 100, "{checked}");
    eprintln!(
        "{checked} described properties of {} types checked",
        types.len()
    );
}

/// The spec in `openapi/`, read as JSON.
fn the_spec() -> (PathBuf, Value) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi");
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .expect("the spec");
    let doc = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (path, doc)
}

/// The items of the `types` module generated and shaped from the spec in `openapi/`.
fn shaped_types_of_the_spec() -> Vec<syn::Item> {
    let (path, _) = the_spec();
    let generated = generate::generate(&path, &options()).expect("the spec generates");
    let shaped = model::shape(&generated.code, &generated.doc).expect("shapes");
    let file = syn::parse_file(&shaped.code).expect("the shaped code parses");
    file.items
        .into_iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.map(|(_, items)| items),
            _ => None,
        })
        .expect("a types module")
}

/// The value of the generated constant `name` (its text after `= `).
fn limit(module: &str, name: &str) -> String {
    let line = module
        .lines()
        .find(|l| l.contains(&format!("pub const {name}:")))
        .unwrap_or_else(|| panic!("no constant {name} in\n{module}"));
    line.split(" = ")
        .nth(1)
        .unwrap()
        .trim_end_matches(';')
        .to_string()
}

/// A limit changed in the spec reaches the generated constant the crate's checks read,
/// a limit removed leaves the constant `None` (so the crate still builds, without the
/// check), and the name pattern arrives anchored.
#[test]
fn the_specs_limits_become_the_constants_the_checks_read() {
    let (_, doc) = the_spec();
    let module_of = |mut doc: Value| {
        normalize::normalize(&mut doc).expect("normalises");
        limits::module(&doc)
    };
    let as_is = module_of(doc.clone());
    assert_eq!(
        limit(&as_is, "LIST_SQLV1_CONNECTIONS_PAGE_SIZE_MAXIMUM"),
        "Some(100)"
    );
    assert_eq!(
        limit(&as_is, "CREATE_SQLV1_CONNECTION_BODY_NAME_MAX_LENGTH"),
        "Some(100)"
    );
    assert_eq!(
        limit(&as_is, "CREATE_SQLV1_CONNECTION_BODY_NAME_PATTERN"),
        r#"Some("^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$")"#
    );
    assert_eq!(
        limit(
            &as_is,
            "CREATE_SQLV1_CONNECTION_BODY_SPEC_ENDPOINT_MAX_LENGTH"
        ),
        "Some(16384)"
    );

    let mut changed = doc;
    let list = changed["paths"]
        .as_object_mut()
        .unwrap()
        .values_mut()
        .find_map(|item| {
            item.get_mut("get")
                .filter(|op| op["operationId"] == "listSqlv1Connections")
        })
        .expect("the list operation");
    let page_size = list["parameters"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|p| p["name"] == "page_size")
        .unwrap();
    page_size["schema"]["maximum"] = json!(42);
    page_size["schema"]["minimum"] = json!(2);
    let endpoint = changed
        .pointer_mut("/components/schemas/sql.v1.ConnectionSpec/properties/endpoint")
        .unwrap()
        .as_object_mut()
        .unwrap();
    endpoint.remove("maxLength");
    let changed = module_of(changed);
    assert_eq!(
        limit(&changed, "LIST_SQLV1_CONNECTIONS_PAGE_SIZE_MAXIMUM"),
        "Some(42)"
    );
    assert_eq!(
        limit(&changed, "LIST_SQLV1_CONNECTIONS_PAGE_SIZE_MINIMUM"),
        "Some(2)"
    );
    assert_eq!(
        limit(
            &changed,
            "CREATE_SQLV1_CONNECTION_BODY_SPEC_ENDPOINT_MAX_LENGTH"
        ),
        "None"
    );
    assert_eq!(
        limit(
            &changed,
            "UPDATE_SQLV1_CONNECTION_BODY_SPEC_ENDPOINT_MAX_LENGTH"
        ),
        "None"
    );
    // The module is Rust that compiles on its own.
    syn::parse_file(&changed).expect("the module parses");
}

/// Every constrained string of a request (a newtype whose `FromStr` checks the spec's
/// limits) shows the same limits in its JSON Schema: its `JsonSchema` is written from
/// its place in the spec, none is left derived (a derived one shows a plain string).
#[test]
fn every_constrained_string_shows_its_limits_in_its_json_schema() {
    let types = &shaped_types_of_the_spec();
    let impl_of =
        |trait_name: &str, ty: &str| {
            types.iter().find_map(|i| match i {
                syn::Item::Impl(imp)
                    if imp.trait_.as_ref().is_some_and(|(_, p, _)| {
                        p.segments.last().unwrap().ident == trait_name
                    }) && imp.self_ty.to_token_stream().to_string() == ty =>
                {
                    Some(
                        imp.to_token_stream()
                            .to_string()
                            .split_whitespace()
                            .collect::<String>(),
                    )
                }
                _ => None,
            })
        };
    let mut checked = 0;
    for item in types {
        let syn::Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        let Some(from_str) = impl_of("FromStr", &name) else {
            continue;
        };
        if !matches!(s.fields, syn::Fields::Unnamed(_)) || impl_of("Deserialize", &name).is_none() {
            continue;
        }
        let derives: String = s
            .attrs
            .iter()
            .map(|a| a.to_token_stream().to_string())
            .collect();
        assert!(
            !derives.contains("JsonSchema"),
            "{name} derives its JSON Schema"
        );
        let schema = impl_of("JsonSchema", &name)
            .unwrap_or_else(|| panic!("{name} checks limits but has no JSON Schema"));
        // The maximum its `FromStr` checks is the one its schema shows.
        if let Some(max) = from_str
            .split("chars().count()>")
            .nth(1)
            .and_then(|rest| rest.split("usize").next())
        {
            assert!(
                schema.contains(&format!("max_length:::std::option::Option::Some({max}u32)")),
                "{name}: {schema}"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 2,
        "the spec's connection name and endpoint at least"
    );
}
