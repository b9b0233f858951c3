//! Generates the Connections client from the spec in `openapi/` at every build.
//!
//! The work is in `build/`: `normalize.rs` (the spec fixes, unit-tested by
//! `tests/build_code.rs`), `generate.rs` (progenitor), `model.rs` (the generated types
//! shaped into the public model: open enums (`open_enums.rs`), unknown properties kept, secrets never
//! written by answers), `serde_impls.rs` (each struct's serde impls written as code,
//! not derived), `requests.rs` (the generated operations' requests built and answers
//! read without copies), `operations.rs` (every operation made callable through
//! `Operations`), `type_table.rs` (the generated type of each schema, for the tests) and `limits.rs` (the spec's limits on what a client sends, as
//! constants). This file only finds the spec, writes the result to `OUT_DIR`, and
//! fails with one clear message.

#[path = "build/generate.rs"]
mod generate;
#[path = "build/limits.rs"]
mod limits;
#[path = "build/model.rs"]
mod model;
#[path = "build/normalize.rs"]
mod normalize;
#[path = "build/open_enums.rs"]
mod open_enums;
#[path = "build/operations.rs"]
mod operations;
#[path = "build/requests.rs"]
mod requests;
#[path = "build/resources.rs"]
mod resources;
#[path = "build/serde_impls.rs"]
mod serde_impls;
#[path = "build/type_table.rs"]
mod type_table;

use std::path::{Path, PathBuf};

/// The operations `src/statements/` calls (by `operationId`).
const STATEMENT_OPERATIONS: &[&str] = &[
    "createSqlv1Statement",
    "getSqlv1Statement",
    "updateSqlv1Statement",
    "deleteSqlv1Statement",
    "listSqlv1Statements",
    "getSqlv1StatementResult",
    "getSqlv1StatementExceptions",
];

fn main() {
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    // Generation depends on the spec and the build code only: editing src/ must not
    // rerun it.
    for watched in ["openapi", "build", "build.rs"] {
        println!(
            "cargo:rerun-if-changed={}",
            manifest_dir.join(watched).display()
        );
    }
    if let Err(message) = run(&manifest_dir, &out_dir) {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run(manifest_dir: &Path, out_dir: &Path) -> Result<(), String> {
    let spec = find_spec(&manifest_dir.join("openapi"))?;
    let options = generate::Options {
        replacements: generate::REPLACEMENTS.to_vec(),
        inner_type: Some("crate::transport::Transport"),
    };
    let generated = generate::generate(&spec, &options)?;
    // The document as normalised, for a maintainer reading what the generator got.
    println!("cargo:rerun-if-env-changed=CONFLUENT_FLINK_SQL_DUMP_NORMALIZED");
    if let Some(path) = std::env::var_os("CONFLUENT_FLINK_SQL_DUMP_NORMALIZED") {
        let text = serde_json::to_string_pretty(&generated.doc).map_err(|e| e.to_string())?;
        write(Path::new(&path), &text)?;
    }
    let text = std::fs::read_to_string(&spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let table = generate::operation_table(&text);
    // The published document as JSON, for the fake service (`src/fake/spec.rs`), which
    // validates requests and shapes answers by it.
    let published: serde_json::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?;
    write(&out_dir.join("published-spec.json"), &published.to_string())?;
    let ids: Vec<String> = table.iter().map(|(id, _, _)| id.clone()).collect();
    let shaped = model::shape(&generated.code, &generated.doc)
        .map_err(|e| format!("{}: {e}", spec.display()))?;
    let (code, rewritten) =
        requests::rewrite(&shaped.code).map_err(|e| format!("{}: {e}", spec.display()))?;
    let wrapped = operations::wrap(&code, &ids).map_err(|e| format!("{}: {e}", spec.display()))?;
    for skipped in &wrapped.skipped {
        println!(
            "cargo:warning=operation {skipped} is not in the public API: its error answers are not the spec's Failure"
        );
    }
    // The statements layer (`src/statements/`) calls these operations: a document
    // that has them all gets it (`cfg(flink_statements)`); one without statements (the
    // combined Connections document) builds without it.
    println!("cargo::rustc-check-cfg=cfg(flink_statements)");
    if STATEMENT_OPERATIONS
        .iter()
        .all(|id| wrapped.wrapped.iter().any(|m| operations::same_name(id, m)))
    {
        println!("cargo::rustc-cfg=flink_statements");
    }
    let mut code = code;
    code.push_str(&wrapped.code);
    code.push_str(&limits::module(&generated.doc));
    code.push_str("\n/// `(operationId, method, path template)` of every operation in the spec.\n");
    code.push_str("pub const OPERATIONS: &[(&str, &str, &str)] = &[\n");
    for (id, method, path) in &table {
        code.push_str(&format!("    ({id:?}, {method:?}, {path:?}),\n"));
    }
    code.push_str("];\n");
    code.push_str(&operations::operation_module(&table));
    code.push_str(&sent_media_types(&generated.doc));
    code.push_str(
        &resources::module(&generated.doc, &code)
            .map_err(|e| format!("{}: {e}", spec.display()))?,
    );
    code.push_str(
        &type_table::module(&generated.doc, &code, &options.replacements)
            .map_err(|e| format!("{}: {e}", spec.display()))?,
    );
    write(&out_dir.join("connections_client.rs"), &code)?;
    let mut stats = format!(
        "generation_ms={:.3}\n",
        generated.elapsed.as_secs_f64() * 1000.0
    );
    for applied in &generated.applied {
        stats.push_str(&format!("fix.{}={}\n", applied.name, applied.changes));
    }
    stats.push_str(&format!("open_enums={}\n", shaped.open_enums.join(",")));
    stats.push_str(&format!(
        "requests.path_segments={}\nrequests.base_urls={}\nrequests.version_headers={}\nrequests.header_maps={}\nrequests.default_accepts={}\nrequests.answers={}\n",
        rewritten.path_segments,
        rewritten.base_urls,
        rewritten.version_headers,
        rewritten.header_maps,
        rewritten.default_accepts,
        rewritten.answers
    ));
    stats.push_str(&format!("keep_unknown={}\n", shaped.keep_unknown.join(",")));
    stats.push_str(&format!(
        "request_bodies={}\n",
        shaped.request_bodies.join(",")
    ));
    stats.push_str(&format!("operations={}\n", wrapped.wrapped.join(",")));
    stats.push_str(&format!(
        "operations_not_wrapped={}\n",
        wrapped.skipped.join(",")
    ));
    write(&out_dir.join("generation-stats.txt"), &stats)
}

/// `SENT_MEDIA_TYPES`: `(operationId, media type)` of each operation whose request body
/// is sent as another JSON media type than `application/json` (marked by the fix
/// `send_json_suffix_bodies_as_json`).
fn sent_media_types(doc: &serde_json::Value) -> String {
    let mut code = String::from(
        "\n/// `(operationId, media type)` of every operation whose body is sent as another\n\
         /// JSON media type than `application/json` (a JSON Patch).\n\
         pub const SENT_MEDIA_TYPES: &[(&str, &str)] = &[\n",
    );
    let operations = doc
        .get("paths")
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(serde_json::Value::as_object)
        .flat_map(|item| item.values());
    for op in operations {
        let id = op.get("operationId").and_then(serde_json::Value::as_str);
        let sent = op
            .get(normalize::SENT_MEDIA_TYPE)
            .and_then(serde_json::Value::as_str);
        if let (Some(id), Some(sent)) = (id, sent) {
            code.push_str(&format!("    ({id:?}, {sent:?}),\n"));
        }
    }
    code.push_str("];\n");
    code
}

/// The one `*.yaml` file in `openapi/`.
fn find_spec(dir: &Path) -> Result<PathBuf, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: cannot read the spec folder: {e}", dir.display()))?;
    let mut specs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    specs.sort();
    match specs.len() {
        1 => Ok(specs.remove(0)),
        0 => Err(format!(
            "{}: no OpenAPI document (*.yaml) found",
            dir.display()
        )),
        _ => Err(format!(
            "{}: expected one OpenAPI document, found {}: {}",
            dir.display(),
            specs.len(),
            specs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}
