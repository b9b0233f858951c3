//! The public data types' JSON Schemas (`schemars::JsonSchema`) against the spec's: property
//! names, required properties, types (and formats, closed enums and `maxLength` where both
//! give one), recursively. A drift between the domain types and
//! `openapi/sql-v1.yaml` fails here. The deliberate differences are listed once,
//! in [`ALLOWED`], each with its reason; an entry that no longer matches anything fails too.
//!
//! Which side must require what: a type that *reads* a response (`Connection`, ...) may
//! require only what the spec requires there (else a valid answer would not decode); a type
//! that is *written* into a request (`NewConnection`, `AuthData`) must require everything the
//! spec requires there, and have no member the request may not carry (`readOnly`).

#[path = "support/figures.rs"]
mod figures;
#[path = "support/spec_schema.rs"]
mod spec_schema;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use confluent_flink_sql::connections::{
    AuthData, Connection, ConnectionMetadata, ConnectionPhase, ConnectionType, NewConnection,
};
use confluent_flink_sql::ErrorDetail;
use schemars::schema_for;
use serde_json::Value;

/// A deliberate difference between a domain type and the spec.
struct Allowed {
    /// The domain type.
    ty: &'static str,
    /// The spec schema it is compared with ([`Case::against`]), or `*` for all of them.
    against: &'static str,
    /// JSON pointer of the property (in the body).
    at: &'static str,
    /// The [`Kind`] of difference, as [`Kind::name`] gives it.
    kind: &'static str,
    /// Why the difference is right.
    why: &'static str,
}

/// Every deliberate difference between the domain types and the spec. None: the
/// response types are generated from the spec (`build.rs`), so they cannot drift; this
/// test now checks what the build makes of the spec (what every answer requires is
/// required, nothing else; the secret's wire form), and the hand-written request types
/// (`NewConnection`, `AuthData`).
const ALLOWED: &[Allowed] = &[];

/// Whether the type reads the schema's JSON (a response) or is written as it (a request).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Read,
    Write,
}

/// One comparison: a domain type's schema against one schema of the spec.
struct Case {
    ty: &'static str,
    schema: Value,
    /// A label for the spec schema (`getSqlv1Connection 200`, `#/components/schemas/Error`).
    against: String,
    /// JSON pointer into the spec document.
    pointer: String,
    direction: Direction,
}

const COLLECTION: &str =
    "/paths/~1sql~1v1~1organizations~1{organization_id}~1environments~1{environment_id}~1connections";

fn item_path() -> String {
    format!("{COLLECTION}~1{{connection_name}}")
}

fn body(path: &str, method: &str, status: &str) -> String {
    format!("{path}/{method}/responses/{status}/content/application~1json/schema")
}

fn cases() -> Vec<Case> {
    let json = |root: schemars::schema::RootSchema| serde_json::to_value(root).unwrap();
    let item = item_path();
    let case = |ty, schema: &Value, against: &str, pointer: String, direction| Case {
        ty,
        schema: schema.clone(),
        against: against.to_owned(),
        pointer,
        direction,
    };
    let connection = json(schema_for!(Connection));
    let metadata = json(schema_for!(ConnectionMetadata));
    let connection_type = json(schema_for!(ConnectionType));
    let phase = json(schema_for!(ConnectionPhase));
    let error = json(schema_for!(ErrorDetail));
    let new = json(schema_for!(NewConnection));
    let auth = json(schema_for!(AuthData));
    use Direction::{Read, Write};
    vec![
        case(
            "Connection",
            &connection,
            "listSqlv1Connections 200 data items",
            "/components/schemas/sql.v1.ConnectionList/properties/data/items".into(),
            Read,
        ),
        case(
            "Connection",
            &connection,
            "getSqlv1Connection 200",
            body(&item, "get", "200"),
            Read,
        ),
        case(
            "Connection",
            &connection,
            "createSqlv1Connection 201",
            body(COLLECTION, "post", "201"),
            Read,
        ),
        case(
            "ConnectionMetadata",
            &metadata,
            "sql.v1.Connection metadata",
            "/components/schemas/sql.v1.Connection/properties/metadata".into(),
            Read,
        ),
        case(
            "ConnectionType",
            &connection_type,
            "sql.v1.ConnectionSpec connection_type",
            "/components/schemas/sql.v1.ConnectionSpec/properties/connection_type".into(),
            Read,
        ),
        case(
            "ConnectionType",
            &connection_type,
            "listSqlv1Connections spec.connection_type",
            format!("{COLLECTION}/get/parameters/2/schema"),
            Write,
        ),
        case(
            "ConnectionPhase",
            &phase,
            "sql.v1.ConnectionStatus phase",
            "/components/schemas/sql.v1.ConnectionStatus/properties/phase".into(),
            Read,
        ),
        case(
            "ErrorDetail",
            &error,
            "Failure errors items",
            "/components/schemas/Failure/properties/errors/items".into(),
            Read,
        ),
        case(
            "NewConnection",
            &new,
            "createSqlv1Connection request",
            format!("{COLLECTION}/post/requestBody/content/application~1json/schema"),
            Write,
        ),
        case(
            "AuthData",
            &auth,
            "createSqlv1Connection request spec.auth_data",
            "/components/schemas/sql.v1.ConnectionSpec/properties/auth_data".into(),
            Write,
        ),
    ]
}

/// A schema reduced to what is compared.
#[derive(Debug, Default, Clone)]
struct Shape {
    /// `type`, without `null`.
    types: BTreeSet<String>,
    format: Option<String>,
    /// A closed `enum` of strings.
    enumeration: Option<BTreeSet<String>>,
    max_length: Option<u64>,
    properties: BTreeMap<String, Shape>,
    required: BTreeSet<String>,
    items: Option<Box<Shape>>,
    read_only: bool,
}

impl Shape {
    /// `allOf`: both apply.
    fn merge(&mut self, other: Shape) {
        if self.types.is_empty() {
            self.types = other.types;
        } else if !other.types.is_empty() {
            self.types = self.types.intersection(&other.types).cloned().collect();
        }
        self.format = self.format.take().or(other.format);
        self.enumeration = self.enumeration.take().or(other.enumeration);
        self.max_length = match (self.max_length, other.max_length) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (name, shape) in other.properties {
            match self.properties.get_mut(&name) {
                Some(mine) => mine.merge(shape),
                None => {
                    self.properties.insert(name, shape);
                }
            }
        }
        self.required.extend(other.required);
        self.items = match (self.items.take(), other.items) {
            (Some(mut a), Some(b)) => {
                a.merge(*b);
                Some(a)
            }
            (a, b) => a.or(b),
        };
        self.read_only |= other.read_only;
    }
}

/// Reduces `schema` (inside the document `root`, where its `$ref`s point) to a [`Shape`]:
/// references resolved, `allOf` merged, a `oneOf`/`anyOf` of one schema (and `null`) taken
/// as that schema, a discriminator's property required.
fn shape(root: &Value, schema: &Value, depth: usize) -> Result<Shape, String> {
    if depth > 32 {
        return Err("schemas nest deeper than 32 levels (a recursive $ref?)".into());
    }
    let Some(obj) = schema.as_object() else {
        return match schema {
            Value::Bool(true) => Ok(Shape::default()),
            other => Err(format!("not a schema: {other}")),
        };
    };
    let mut out = Shape::default();
    match obj.get("type") {
        Some(Value::String(t)) => {
            out.types.insert(t.clone());
        }
        Some(Value::Array(ts)) => {
            out.types
                .extend(ts.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        _ => {}
    }
    out.types.remove("null");
    out.format = obj.get("format").and_then(Value::as_str).map(str::to_owned);
    out.max_length = obj.get("maxLength").and_then(Value::as_u64);
    out.read_only = obj.get("readOnly") == Some(&Value::Bool(true));
    if let Some(values) = obj.get("enum").and_then(Value::as_array) {
        out.enumeration = Some(
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        );
    }
    for (name, property) in obj
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let child = shape(root, property, depth + 1).map_err(|e| format!("/{name}: {e}"))?;
        out.properties.insert(name.clone(), child);
    }
    out.required.extend(
        obj.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned),
    );
    if let Some(property) = schema
        .pointer("/discriminator/propertyName")
        .and_then(Value::as_str)
    {
        out.required.insert(property.to_owned());
    }
    if let Some(items) = obj.get("items") {
        out.items = Some(Box::new(shape(root, items, depth + 1)?));
    }
    if let Some(target) = obj.get("$ref").and_then(Value::as_str) {
        let pointer = target
            .strip_prefix('#')
            .ok_or_else(|| format!("non-local $ref {target}"))?;
        let referenced = root
            .pointer(pointer)
            .ok_or_else(|| format!("$ref {target} points nowhere"))?;
        out.merge(shape(root, referenced, depth + 1)?);
    }
    for member in obj
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.merge(shape(root, member, depth + 1)?);
    }
    for keyword in ["oneOf", "anyOf"] {
        let Some(members) = obj.get(keyword).and_then(Value::as_array) else {
            continue;
        };
        let real: Vec<&Value> = members
            .iter()
            .filter(|m| m.get("type") != Some(&Value::String("null".into())))
            .collect();
        match real.as_slice() {
            [one] => out.merge(shape(root, one, depth + 1)?),
            _ => {
                return Err(format!(
                    "{keyword} with {} alternatives is not compared",
                    real.len()
                ))
            }
        }
    }
    Ok(out)
}

/// What differs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// The type has a property the spec does not (or, for a request, one it may not send).
    MissingInSpec,
    /// The spec has a property the type does not.
    MissingInType,
    /// Both give types, and they differ.
    Type { ours: String, spec: String },
    /// Both give formats (or only the type does), and they differ.
    Format { ours: String, spec: String },
    /// The type has a closed enum the spec does not share.
    Enum { ours: String, spec: String },
    /// Both give `maxLength`, and it differs.
    MaxLength { ours: u64, spec: u64 },
    /// Read: the type requires what the spec does not (a valid answer would not decode).
    RequiredByTypeOnly,
    /// Write: the spec requires what the type does not send every time.
    RequiredBySpecOnly,
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::MissingInSpec => "missing-in-spec",
            Kind::MissingInType => "missing-in-type",
            Kind::Type { .. } => "type",
            Kind::Format { .. } => "format",
            Kind::Enum { .. } => "enum",
            Kind::MaxLength { .. } => "maxLength",
            Kind::RequiredByTypeOnly => "required-by-type-only",
            Kind::RequiredBySpecOnly => "required-by-spec-only",
        }
    }
}

/// One difference between a domain type and a spec schema.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Difference {
    ty: &'static str,
    against: String,
    at: String,
    kind: Kind,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.at.is_empty() {
            "(root)"
        } else {
            &self.at
        };
        write!(
            f,
            "{} vs {}: {at}: {} {:?}",
            self.ty,
            self.against,
            self.kind.name(),
            self.kind
        )
    }
}

/// Compares two shapes; returns the differences and counts the properties compared.
fn compare(
    ours: &Shape,
    spec: &Shape,
    at: &str,
    direction: Direction,
    out: &mut Vec<(String, Kind)>,
    compared: &mut usize,
) {
    let sorted = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join("|");
    if !ours.types.is_empty() && !spec.types.is_empty() && ours.types != spec.types {
        out.push((
            at.to_owned(),
            Kind::Type {
                ours: sorted(&ours.types),
                spec: sorted(&spec.types),
            },
        ));
    }
    if let Some(mine) = &ours.format {
        if spec.format.as_ref() != Some(mine) {
            out.push((
                at.to_owned(),
                Kind::Format {
                    ours: mine.clone(),
                    spec: spec.format.clone().unwrap_or_default(),
                },
            ));
        }
    }
    if let Some(mine) = &ours.enumeration {
        if spec.enumeration.as_ref() != Some(mine) {
            out.push((
                at.to_owned(),
                Kind::Enum {
                    ours: sorted(mine),
                    spec: spec.enumeration.as_ref().map(sorted).unwrap_or_default(),
                },
            ));
        }
    }
    if let (Some(a), Some(b)) = (ours.max_length, spec.max_length) {
        if a != b {
            out.push((at.to_owned(), Kind::MaxLength { ours: a, spec: b }));
        }
    }
    // In a request, read-only properties of the spec do not count: they may not be sent.
    let visible = |s: &Shape, name: &str| {
        direction == Direction::Read || !s.properties.get(name).is_some_and(|p| p.read_only)
    };
    let names: BTreeSet<&String> = ours
        .properties
        .keys()
        .chain(spec.properties.keys())
        .collect();
    for name in names {
        let here = format!("{at}/{name}");
        match (ours.properties.get(name), spec.properties.get(name)) {
            (Some(a), Some(b)) if visible(spec, name) => {
                *compared += 1;
                compare(a, b, &here, direction, out, compared);
            }
            (Some(_), _) => out.push((here, Kind::MissingInSpec)),
            (None, Some(_)) if visible(spec, name) => out.push((here, Kind::MissingInType)),
            (None, _) => {}
        }
    }
    match direction {
        Direction::Read => {
            for name in ours.required.difference(&spec.required) {
                out.push((format!("{at}/{name}"), Kind::RequiredByTypeOnly));
            }
        }
        Direction::Write => {
            for name in spec.required.difference(&ours.required) {
                if visible(spec, name) {
                    out.push((format!("{at}/{name}"), Kind::RequiredBySpecOnly));
                }
            }
        }
    }
    if let (Some(a), Some(b)) = (&ours.items, &spec.items) {
        compare(a, b, &format!("{at}/items"), direction, out, compared);
    }
}

/// Every difference of every case, and the number of properties compared.
fn differences(document: &Value, cases: &[Case]) -> Result<(Vec<Difference>, usize), String> {
    let mut all = Vec::new();
    let mut compared = 0;
    for case in cases {
        let ours = shape(&case.schema, &case.schema, 0)
            .map_err(|e| format!("{}: its schema: {e}", case.ty))?;
        let target = document
            .pointer(&case.pointer)
            .ok_or_else(|| format!("{}: {} is not in the spec", case.ty, case.pointer))?;
        // A pointer at a `$ref` string compares with what it references.
        let spec_schema = match target {
            Value::String(r) => serde_json::json!({ "$ref": r }),
            other => other.clone(),
        };
        let spec = shape(document, &spec_schema, 0)
            .map_err(|e| format!("{} vs {}: the spec's schema: {e}", case.ty, case.against))?;
        let mut found = Vec::new();
        compare(&ours, &spec, "", case.direction, &mut found, &mut compared);
        all.extend(found.into_iter().map(|(at, kind)| Difference {
            ty: case.ty,
            against: case.against.clone(),
            at,
            kind,
        }));
    }
    Ok((all, compared))
}

fn allowed_by(d: &Difference) -> Option<usize> {
    ALLOWED.iter().position(|a| {
        a.ty == d.ty
            && (a.against == "*" || a.against == d.against)
            && a.at == d.at
            && a.kind == d.kind.name()
    })
}

fn document() -> Value {
    spec_schema::Spec::load()
        .unwrap_or_else(|e| panic!("{e}"))
        .document()
        .clone()
}

#[test]
fn the_domain_types_match_the_spec_apart_from_the_allowed_differences() {
    let document = document();
    let cases = cases();
    let (found, compared) = differences(&document, &cases).unwrap_or_else(|e| panic!("{e}"));
    let unexplained: Vec<String> = found
        .iter()
        .filter(|d| allowed_by(d).is_none())
        .map(ToString::to_string)
        .collect();
    assert!(
        unexplained.is_empty(),
        "the domain types drifted from the spec (fix the type, or add the difference to ALLOWED with its reason):\n{}",
        unexplained.join("\n")
    );
    let used: BTreeSet<usize> = found.iter().filter_map(allowed_by).collect();
    let stale: Vec<String> = ALLOWED
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, a)| format!("{} vs {}: {} {} ({})", a.ty, a.against, a.at, a.kind, a.why))
        .collect();
    assert!(
        stale.is_empty(),
        "ALLOWED lists differences that no longer exist; remove them:\n{}",
        stale.join("\n")
    );
    // The comparison reaches into every level: nested objects and their properties.
    assert!(compared > 40, "only {compared} properties compared");
    let types: BTreeSet<&str> = cases.iter().map(|c| c.ty).collect();
    figures::report(
        "domain_schemas",
        &[format!(
            "{} public types ({}) compared with {} spec schemas: {compared} properties, {} allowed differences (each with its reason), 0 others",
            types.len(),
            types.iter().copied().collect::<Vec<_>>().join(", "),
            cases.len(),
            found.len()
        )],
    );
}

#[test]
fn a_drift_between_a_type_and_the_spec_is_reported() {
    let mut document = document();
    // The spec renames `endpoint` to `url`, makes `phase` an integer, closes `kind` of the
    // secret to another value and shortens `name`.
    let spec = document
        .pointer_mut("/components/schemas/sql.v1.ConnectionSpec/properties")
        .and_then(Value::as_object_mut)
        .unwrap();
    let endpoint = spec.remove("endpoint").unwrap();
    spec.insert("url".into(), endpoint);
    *document
        .pointer_mut("/components/schemas/sql.v1.ConnectionStatus/properties/phase/type")
        .unwrap() = "integer".into();
    *document
        .pointer_mut("/components/schemas/sql.v1.PlaintextProvider/properties/kind/enum")
        .unwrap() = serde_json::json!(["VaultProvider"]);
    *document
        .pointer_mut("/components/schemas/sql.v1.Connection/properties/name/maxLength")
        .unwrap() = 50.into();
    let (found, _) = differences(&document, &cases()).unwrap();
    let has = |ty: &str, against: &str, at: &str, kind: &str| {
        found
            .iter()
            .any(|d| d.ty == ty && d.against == against && d.at == at && d.kind.name() == kind)
    };
    let list = "listSqlv1Connections 200 data items";
    assert!(has("Connection", list, "/spec/endpoint", "missing-in-spec"));
    assert!(has("Connection", list, "/spec/url", "missing-in-type"));
    assert!(has(
        "ConnectionPhase",
        "sql.v1.ConnectionStatus phase",
        "",
        "type"
    ));
    assert!(has("Connection", list, "/status/phase", "type"));
    assert!(has(
        "AuthData",
        "createSqlv1Connection request spec.auth_data",
        "/kind",
        "enum"
    ));
    assert!(has(
        "NewConnection",
        "createSqlv1Connection request",
        "/name",
        "maxLength"
    ));
    assert!(has(
        "NewConnection",
        "createSqlv1Connection request",
        "/spec/url",
        "missing-in-type"
    ));
    assert!(has(
        "NewConnection",
        "createSqlv1Connection request",
        "/spec/endpoint",
        "missing-in-spec"
    ));
    for d in &found {
        assert!(
            !d.to_string().is_empty(),
            "every difference can be shown: {d:?}"
        );
    }
}

#[test]
fn a_request_type_must_send_what_the_spec_requires_and_nothing_read_only() {
    let document = document();
    // A NewConnection that would also send `status` (read-only) and not `name`.
    let mut ours = shape(
        &serde_json::to_value(schema_for!(NewConnection)).unwrap(),
        &serde_json::to_value(schema_for!(NewConnection)).unwrap(),
        0,
    )
    .unwrap();
    ours.required.remove("name");
    ours.properties.insert("status".into(), Shape::default());
    let spec = shape(
        &document,
        document
            .pointer(&format!(
                "{COLLECTION}/post/requestBody/content/application~1json/schema"
            ))
            .unwrap(),
        0,
    )
    .unwrap();
    let mut found = Vec::new();
    compare(&ours, &spec, "", Direction::Write, &mut found, &mut 0);
    assert_eq!(
        found,
        [
            ("/status".to_owned(), Kind::MissingInSpec),
            ("/name".to_owned(), Kind::RequiredBySpecOnly),
        ]
    );
}

#[test]
fn the_generated_schemas_describe_the_wire_names_not_the_rust_names() {
    let connection = serde_json::to_value(schema_for!(Connection)).unwrap();
    let shape = shape(&connection, &connection, 0).unwrap();
    let metadata = &shape.properties["metadata"];
    assert!(metadata.properties.contains_key("self"));
    assert!(!metadata.properties.contains_key("self_url"));
    assert_eq!(
        metadata.properties["created_at"].format.as_deref(),
        Some("date-time")
    );
    let new = serde_json::to_value(schema_for!(NewConnection)).unwrap();
    assert_eq!(new["title"], "NewConnection");
    let auth = serde_json::to_value(schema_for!(AuthData)).unwrap();
    assert_eq!(auth["title"], "AuthData");
    assert_eq!(auth["required"], serde_json::json!(["data", "kind"]));
}
