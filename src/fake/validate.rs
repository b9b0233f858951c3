//! Request body checks for create and update: what the service accepts, with a JSON pointer to
//! the member at fault.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Map, Value};

use super::secret_rules;
use super::store::SecretText;

/// The only `auth_data.kind` the spec defines.
pub(crate) const PLAINTEXT_PROVIDER: &str = "PlaintextProvider";
const MAX_NAME_CHARS: usize = 100;
const MAX_ENDPOINT_CHARS: usize = 16384;

/// One thing wrong with a request body: where (a JSON pointer) and what (never a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) pointer: String,
    pub(crate) detail: String,
}

fn problem(pointer: &str, detail: impl Into<String>) -> Problem {
    Problem {
        pointer: pointer.to_owned(),
        detail: detail.into(),
    }
}

/// A body that is not a JSON object at all.
#[derive(Debug)]
pub(crate) struct Malformed(pub(crate) String);

/// Parses the body as a JSON object.
pub(crate) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Malformed> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Malformed("the request body must be a JSON object".into())),
        Err(error) => Err(Malformed(format!(
            "the request body is not valid JSON (line {}, column {})",
            error.line(),
            error.column()
        ))),
    }
}

/// A validated `spec.auth_data`.
pub(crate) struct AuthInput {
    pub(crate) kind: String,
    pub(crate) secret: SecretText,
}

/// A validated create request.
pub(crate) struct CreateInput {
    pub(crate) name: String,
    pub(crate) connection_type: String,
    pub(crate) endpoint: String,
    pub(crate) auth: AuthInput,
}

/// A validated update request (checks that need the stored connection come later).
pub(crate) struct UpdateInput {
    pub(crate) resource_version: String,
    pub(crate) connection_type: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) auth: AuthInput,
}

/// How strictly `auth_data.data` is checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SecretPolicy {
    /// Check the secret keys against the connection type's rules.
    pub(crate) check_keys: bool,
}

/// Checks a create body.
pub(crate) fn create(
    body: &Map<String, Value>,
    policy: SecretPolicy,
) -> Result<CreateInput, Vec<Problem>> {
    let mut problems = Vec::new();
    read_only_members(body, &mut problems);
    let name = required_str(body, "name", "", &mut problems).and_then(|name| {
        check_name(name)
            .map_err(|p| problems.push(p))
            .ok()
            .map(|()| name)
    });
    let spec = required_object(body, "spec", "", &mut problems);
    let mut connection_type = None;
    let mut endpoint = None;
    let mut auth = None;
    if let Some(spec) = spec {
        connection_type = required_str(spec, "connection_type", "/spec", &mut problems).and_then(
            |connection_type| {
                if secret_rules::is_known_type(connection_type) {
                    Some(connection_type)
                } else {
                    problems.push(problem(
                        "/spec/connection_type",
                        format!(
                            "unsupported connection type; supported: {}",
                            secret_rules::CONNECTION_TYPES.join(", ")
                        ),
                    ));
                    None
                }
            },
        );
        endpoint = required_str(spec, "endpoint", "/spec", &mut problems)
            .and_then(|endpoint| check_endpoint(endpoint).map_err(|p| problems.push(p)).ok());
        auth = match spec.get("auth_data") {
            None => {
                problems.push(problem("/spec/auth_data", "is required"));
                None
            }
            Some(value) => auth_data(value, &mut problems),
        };
        if let (Some(connection_type), Some(auth)) = (connection_type, &auth) {
            if policy.check_keys {
                if let Some(p) = secret_keys(connection_type, &auth.secret) {
                    problems.push(p);
                }
            }
        }
    }
    match (name, connection_type, endpoint, auth) {
        (Some(name), Some(connection_type), Some(endpoint), Some(auth)) if problems.is_empty() => {
            Ok(CreateInput {
                name: name.to_owned(),
                connection_type: connection_type.to_owned(),
                endpoint: endpoint.to_owned(),
                auth,
            })
        }
        _ => Err(problems),
    }
}

/// Checks an update body sent to `.../connections/{path_name}`.
pub(crate) fn update(
    body: &Map<String, Value>,
    path_name: &str,
) -> Result<UpdateInput, Vec<Problem>> {
    let mut problems = Vec::new();
    read_only_members(body, &mut problems);
    if let Some(name) = required_str(body, "name", "", &mut problems) {
        if let Err(p) = check_name(name) {
            problems.push(p);
        } else if name != path_name {
            problems.push(problem(
                "/name",
                "must be the name in the request path (names are immutable)",
            ));
        }
    }
    let resource_version = required_object(body, "metadata", "", &mut problems).and_then(|meta| {
        let version = required_str(meta, "resource_version", "/metadata", &mut problems)?;
        if version.is_empty() {
            problems.push(problem("/metadata/resource_version", "must not be empty"));
            return None;
        }
        Some(version.to_owned())
    });
    let mut connection_type = None;
    let mut endpoint = None;
    let mut auth = None;
    if let Some(spec) = required_object(body, "spec", "", &mut problems) {
        connection_type = optional_str(spec, "connection_type", "/spec", &mut problems);
        endpoint = optional_str(spec, "endpoint", "/spec", &mut problems);
        auth = match spec.get("auth_data") {
            None => {
                problems.push(problem("/spec/auth_data", "is required"));
                None
            }
            Some(value) => auth_data(value, &mut problems),
        };
    }
    match (resource_version, auth) {
        (Some(resource_version), Some(auth)) if problems.is_empty() => Ok(UpdateInput {
            resource_version,
            connection_type: connection_type.map(str::to_owned),
            endpoint: endpoint.map(str::to_owned),
            auth,
        }),
        _ => Err(problems),
    }
}

/// Checks the secret's keys against the rules of `connection_type`.
pub(crate) fn secret_keys(connection_type: &str, secret: &SecretText) -> Option<Problem> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&secret.0) else {
        return Some(problem("/spec/auth_data/data", "must be a JSON object"));
    };
    let entries: Vec<(&str, &str)> = map
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str().unwrap_or_default()))
        .collect();
    secret_rules::check_keys(connection_type, &entries)
        .err()
        .map(|detail| problem("/spec/auth_data/data", detail))
}

/// `api_version`, `kind`, `metadata` and `status` are read-only: ignored when they are
/// well-formed, refused when they contradict the schema.
fn read_only_members(body: &Map<String, Value>, problems: &mut Vec<Problem>) {
    for (member, expected) in [("api_version", "sql/v1"), ("kind", "Connection")] {
        match body.get(member) {
            None => {}
            Some(Value::String(value)) if value == expected => {}
            Some(_) => problems.push(problem(
                &format!("/{member}"),
                format!("must be \"{expected}\" when given"),
            )),
        }
    }
    for member in ["metadata", "status"] {
        if let Some(value) = body.get(member) {
            if !value.is_object() {
                problems.push(problem(&format!("/{member}"), "must be an object"));
            }
        }
    }
    if let Some(Value::Object(status)) = body.get("status") {
        for member in ["phase", "detail"] {
            if status.get(member).is_some_and(|value| !value.is_string()) {
                problems.push(problem(&format!("/status/{member}"), "must be a string"));
            }
        }
    }
}

fn auth_data(value: &Value, problems: &mut Vec<Problem>) -> Option<AuthInput> {
    let Value::Object(auth) = value else {
        problems.push(problem("/spec/auth_data", "must be an object"));
        return None;
    };
    let kind = match auth.get("kind") {
        None => PLAINTEXT_PROVIDER,
        Some(Value::String(kind)) if kind == PLAINTEXT_PROVIDER => PLAINTEXT_PROVIDER,
        Some(_) => {
            problems.push(problem(
                "/spec/auth_data/kind",
                format!("must be \"{PLAINTEXT_PROVIDER}\""),
            ));
            return None;
        }
    };
    let data = required_str(auth, "data", "/spec/auth_data", problems)?;
    if let Err(detail) = check_secret_text(data) {
        problems.push(problem("/spec/auth_data/data", detail));
        return None;
    }
    Some(AuthInput {
        kind: kind.to_owned(),
        secret: SecretText(data.to_owned()),
    })
}

/// `auth_data.data` is the plain JSON text of a map of strings (the spec says `format: byte`,
/// the service takes the JSON text). Errors never quote the text.
fn check_secret_text(data: &str) -> Result<(), String> {
    let parsed = serde_json::from_str::<Value>(data);
    let Ok(Value::Object(map)) = parsed else {
        let looks_base64 = STANDARD
            .decode(data.trim())
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .is_some_and(|value| value.is_object());
        return Err(if looks_base64 {
            "must be the plain JSON text of the secret map (for example {\"API_KEY\":\"...\"}), \
             not base64"
                .to_owned()
        } else {
            "must be the JSON text of an object of secret values, for example {\"API_KEY\":\"...\"}"
                .to_owned()
        });
    };
    if map.is_empty() {
        return Err("the secret map must not be empty".into());
    }
    if let Some(key) = map
        .iter()
        .find(|(_, value)| value.as_str().is_none_or(str::is_empty))
        .map(|(key, _)| key)
    {
        return Err(format!("the value of {key} must be a non-empty string"));
    }
    Ok(())
}

/// The spec's name pattern, anchored (a DNS-1123 subdomain), and its `maxLength`.
fn check_name(name: &str) -> Result<(), Problem> {
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(problem(
            "/name",
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    let label_ok = |label: &str| {
        let bytes = label.as_bytes();
        let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        matches!((bytes.first(), bytes.last()), (Some(first), Some(last)) if alnum(first) && alnum(last))
            && bytes.iter().all(|b| alnum(b) || *b == b'-')
    };
    if name.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(problem(
            "/name",
            "must match [a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)* \
             (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)",
        ))
    }
}

fn check_endpoint(endpoint: &str) -> Result<&str, Problem> {
    if endpoint.trim().is_empty() {
        return Err(problem("/spec/endpoint", "must not be empty"));
    }
    if endpoint.chars().count() > MAX_ENDPOINT_CHARS {
        return Err(problem(
            "/spec/endpoint",
            format!("must be at most {MAX_ENDPOINT_CHARS} characters"),
        ));
    }
    Ok(endpoint)
}

fn required_object<'a>(
    map: &'a Map<String, Value>,
    member: &str,
    parent: &str,
    problems: &mut Vec<Problem>,
) -> Option<&'a Map<String, Value>> {
    let pointer = format!("{parent}/{member}");
    match map.get(member) {
        Some(Value::Object(object)) => Some(object),
        Some(_) => {
            problems.push(problem(&pointer, "must be an object"));
            None
        }
        None => {
            problems.push(problem(&pointer, "is required"));
            None
        }
    }
}

fn required_str<'a>(
    map: &'a Map<String, Value>,
    member: &str,
    parent: &str,
    problems: &mut Vec<Problem>,
) -> Option<&'a str> {
    if map.contains_key(member) {
        optional_str(map, member, parent, problems)
    } else {
        problems.push(problem(&format!("{parent}/{member}"), "is required"));
        None
    }
}

fn optional_str<'a>(
    map: &'a Map<String, Value>,
    member: &str,
    parent: &str,
    problems: &mut Vec<Problem>,
) -> Option<&'a str> {
    match map.get(member) {
        Some(Value::String(text)) => Some(text),
        Some(_) => {
            problems.push(problem(&format!("{parent}/{member}"), "must be a string"));
            None
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const STRICT: SecretPolicy = SecretPolicy { check_keys: true };

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn pointers(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|p| p.pointer.as_str()).collect()
    }

    fn valid_create() -> Value {
        json!({
            "name": "my-openai-connection",
            "spec": {
                "connection_type": "OPENAI",
                "endpoint": "https://api.openai.com/v1/chat/completions",
                "auth_data": {"kind": "PlaintextProvider", "data": "{\"API_KEY\":\"sk-1\"}"}
            }
        })
    }

    #[test]
    fn names_follow_the_anchored_pattern() {
        for good in ["a", "a-b", "a.b-c.d9", "0", &"a".repeat(100)] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "A",
            "-a",
            "a-",
            "a..b",
            ".a",
            "a_b",
            "xx!",
            &"a".repeat(101),
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_spec_example_is_accepted() {
        let input = create(&object(valid_create()), STRICT)
            .map_err(|_| ())
            .unwrap();
        assert_eq!(input.name, "my-openai-connection");
        assert_eq!(input.auth.kind, PLAINTEXT_PROVIDER);
    }

    #[test]
    fn every_problem_is_reported_with_its_pointer() {
        let body = object(json!({
            "name": "Bad Name",
            "kind": "Other",
            "spec": {"connection_type": 7, "endpoint": "x".repeat(16385), "auth_data": {"data": "sk-raw"}}
        }));
        let problems = create(&body, STRICT).err().unwrap();
        assert_eq!(
            pointers(&problems),
            [
                "/kind",
                "/name",
                "/spec/connection_type",
                "/spec/endpoint",
                "/spec/auth_data/data"
            ]
        );
        assert!(problems.iter().all(|p| !p.detail.contains("sk-raw")));
    }

    #[test]
    fn missing_members_are_named() {
        let problems = create(&object(json!({"spec": {}})), STRICT).err().unwrap();
        assert_eq!(
            pointers(&problems),
            [
                "/name",
                "/spec/connection_type",
                "/spec/endpoint",
                "/spec/auth_data"
            ]
        );
    }

    #[test]
    fn base64_secrets_get_a_hint() {
        let mut body = valid_create();
        body["spec"]["auth_data"]["data"] = json!(STANDARD.encode("{\"API_KEY\":\"sk-1\"}"));
        let problems = create(&object(body), STRICT).err().unwrap();
        assert!(problems[0].detail.contains("not base64"), "{problems:?}");
    }

    #[test]
    fn secret_keys_follow_the_connection_type() {
        let mut body = valid_create();
        body["spec"]["connection_type"] = json!("BEDROCK");
        let problems = create(&object(body.clone()), STRICT).err().unwrap();
        assert_eq!(pointers(&problems), ["/spec/auth_data/data"]);
        assert!(create(&object(body), SecretPolicy { check_keys: false }).is_ok());
    }

    #[test]
    fn updates_need_the_version_and_the_same_name() {
        let body = object(json!({
            "name": "other",
            "spec": {"auth_data": {"data": "{\"API_KEY\":\"k\"}"}}
        }));
        let problems = update(&body, "mine").err().unwrap();
        assert_eq!(pointers(&problems), ["/name", "/metadata"]);
        let body = object(json!({
            "name": "mine",
            "metadata": {"resource_version": 5},
            "spec": {"endpoint": "https://e", "auth_data": {"data": "{\"API_KEY\":\"k\"}"}}
        }));
        let problems = update(&body, "mine").err().unwrap();
        assert_eq!(pointers(&problems), ["/metadata/resource_version"]);
        let body = object(json!({
            "name": "mine",
            "metadata": {"resource_version": "rv1"},
            "spec": {"endpoint": "https://e", "auth_data": {"data": "{\"API_KEY\":\"k\"}"}}
        }));
        let input = update(&body, "mine").map_err(|_| ()).unwrap();
        assert_eq!(input.resource_version, "rv1");
        assert_eq!(input.endpoint.as_deref(), Some("https://e"));
        assert_eq!(input.connection_type, None);
    }

    #[test]
    fn malformed_bodies_are_told_apart() {
        assert!(parse_object(b"{").is_err());
        assert!(parse_object(b"[1]").is_err());
        assert!(parse_object(b"{}").is_ok());
    }
}
