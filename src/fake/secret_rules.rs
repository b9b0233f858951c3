//! The connection types the service knows, and which secret keys each accepts in
//! `auth_data.data` (reference NOTES, section 4). Keyed by wire text: this is what the
//! service knows, whichever version of the spec the crate was built from (older ones
//! list 7 of these types).

/// The connection types the fake accepts on create: the service's (today's spec lists
/// the same, in this order).
pub(crate) const CONNECTION_TYPES: [&str; 19] = [
    "AZUREML",
    "AZUREOPENAI",
    "A2A",
    "ANTHROPIC",
    "BEDROCK",
    "CONFLUENT_JDBC",
    "COSMOSDB",
    "COUCHBASE",
    "ELASTIC",
    "FIREWORKSAI",
    "GOOGLEAI",
    "MCP_SERVER",
    "MONGODB",
    "OPENAI",
    "PINECONE",
    "REST",
    "S3VECTORS",
    "SAGEMAKER",
    "VERTEXAI",
];

/// A set of keys that must all be present together.
type Group = &'static [&'static str];

const API_KEY: Group = &["API_KEY"];
const AWS: Group = &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];
const SERVICE_KEY: Group = &["SERVICE_KEY"];
const BASIC: Group = &["USERNAME", "PASSWORD"];
const BEARER: Group = &["BEARER_TOKEN"];
const OAUTH2: Group = &[
    "OAUTH2_TOKEN_ENDPOINT",
    "OAUTH2_CLIENT_ID",
    "OAUTH2_CLIENT_SECRET",
    "OAUTH2_SCOPE",
];

/// The key the CLI adds to say which group it sent; accepted for every type, any value.
const AUTH_TYPE: &str = "AUTH_TYPE";

/// The accepted groups (exactly one must be sent) and optional keys of one connection type.
struct Rule {
    groups: &'static [Group],
    optional: &'static [&'static str],
}

fn rule(connection_type: &str) -> Option<Rule> {
    const NONE: &[&str] = &[];
    let rule = match connection_type {
        "OPENAI" | "AZUREML" | "AZUREOPENAI" | "GOOGLEAI" | "PINECONE" | "ANTHROPIC"
        | "FIREWORKSAI" | "COSMOSDB" => Rule {
            groups: &[API_KEY],
            optional: NONE,
        },
        "BEDROCK" | "SAGEMAKER" | "S3VECTORS" => Rule {
            groups: &[AWS],
            optional: &["AWS_SESSION_TOKEN"],
        },
        "VERTEXAI" => Rule {
            groups: &[SERVICE_KEY],
            optional: NONE,
        },
        "MONGODB" | "COUCHBASE" | "CONFLUENT_JDBC" => Rule {
            groups: &[BASIC],
            optional: NONE,
        },
        "ELASTIC" => Rule {
            groups: &[API_KEY, BASIC],
            optional: NONE,
        },
        "REST" => Rule {
            groups: &[BASIC, BEARER, OAUTH2],
            optional: NONE,
        },
        "A2A" => Rule {
            groups: &[API_KEY, BASIC, BEARER, OAUTH2],
            optional: NONE,
        },
        "MCP_SERVER" => Rule {
            groups: &[API_KEY, BASIC, BEARER, OAUTH2],
            optional: &["SSE_ENDPOINT", "TRANSPORT_TYPE"],
        },
        _ => return None,
    };
    Some(rule)
}

/// Whether the service knows this connection type.
pub(crate) fn is_known_type(connection_type: &str) -> bool {
    CONNECTION_TYPES.contains(&connection_type)
}

/// Checks the keys of a secret map against the rules of `connection_type`.
///
/// `entries` are the map's keys with their (string) values. The error names keys only, never
/// values. Unknown connection types accept any non-empty map.
pub(crate) fn check_keys(connection_type: &str, entries: &[(&str, &str)]) -> Result<(), String> {
    let Some(rule) = rule(connection_type) else {
        return if entries.is_empty() {
            Err("the secret map must not be empty".to_owned())
        } else {
            Ok(())
        };
    };
    let has = |key: &str| entries.iter().any(|(k, _)| *k == key);
    let complete: Vec<Group> = rule
        .groups
        .iter()
        .copied()
        .filter(|group| group.iter().all(|key| has(key)))
        .collect();
    let expected = || {
        rule.groups
            .iter()
            .map(|group| group.join(" + "))
            .collect::<Vec<_>>()
            .join(", or ")
    };
    let group = match complete.as_slice() {
        [one] => *one,
        [] => return Err(format!("{connection_type} connections need {}", expected())),
        _ => {
            return Err(format!(
                "{connection_type} connections take exactly one of: {}",
                expected()
            ))
        }
    };
    let unknown: Vec<&str> = entries
        .iter()
        .map(|(key, _)| *key)
        .filter(|key| !group.contains(key) && !rule.optional.contains(key) && *key != AUTH_TYPE)
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "{connection_type} connections do not accept the key(s) {} with {}",
            unknown.join(", "),
            group.join(" + ")
        ));
    }
    if let Some((_, value)) = entries.iter().find(|(key, _)| *key == "TRANSPORT_TYPE") {
        match *value {
            "SSE" => {}
            "STREAMABLE_HTTP" if has("SSE_ENDPOINT") => {
                return Err(
                    "SSE_ENDPOINT is not allowed with TRANSPORT_TYPE STREAMABLE_HTTP".into(),
                )
            }
            "STREAMABLE_HTTP" => {}
            _ => return Err("TRANSPORT_TYPE must be SSE or STREAMABLE_HTTP".into()),
        }
    }
    Ok(())
}

/// A secret map that satisfies the first group of `connection_type`, for seeding.
pub(crate) fn sample_secret(connection_type: &str, value: &str) -> String {
    let keys: &[&str] = rule(connection_type).map_or(API_KEY, |rule| rule.groups[0]);
    let map: serde_json::Map<String, serde_json::Value> = keys
        .iter()
        .map(|key| ((*key).to_owned(), serde_json::Value::from(value)))
        .collect();
    serde_json::Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_accepts_its_groups_and_rejects_others() {
        assert!(check_keys("OPENAI", &[("API_KEY", "x")]).is_ok());
        assert!(check_keys("OPENAI", &[("API_KEY", "x"), ("AUTH_TYPE", "API_KEY")]).is_ok());
        assert!(check_keys("OPENAI", &[("USERNAME", "u"), ("PASSWORD", "p")]).is_err());
        assert!(check_keys("OPENAI", &[("API_KEY", "x"), ("EXTRA", "y")]).is_err());
        assert!(check_keys(
            "BEDROCK",
            &[
                ("AWS_ACCESS_KEY_ID", "a"),
                ("AWS_SECRET_ACCESS_KEY", "b"),
                ("AWS_SESSION_TOKEN", "c")
            ]
        )
        .is_ok());
        assert!(check_keys("BEDROCK", &[("AWS_ACCESS_KEY_ID", "a")]).is_err());
        assert!(check_keys("REST", &[("BEARER_TOKEN", "t")]).is_ok());
        // Two complete groups at once are ambiguous.
        assert!(check_keys(
            "REST",
            &[("BEARER_TOKEN", "t"), ("USERNAME", "u"), ("PASSWORD", "p")]
        )
        .is_err());
        assert!(check_keys("ELASTIC", &[("USERNAME", "u"), ("PASSWORD", "p")]).is_ok());
    }

    #[test]
    fn mcp_transport_rules() {
        let ok = [("API_KEY", "x"), ("TRANSPORT_TYPE", "STREAMABLE_HTTP")];
        assert!(check_keys("MCP_SERVER", &ok).is_ok());
        let sse = [("API_KEY", "x"), ("SSE_ENDPOINT", "/sse")];
        assert!(check_keys("MCP_SERVER", &sse).is_ok());
        let clash = [
            ("API_KEY", "x"),
            ("SSE_ENDPOINT", "/sse"),
            ("TRANSPORT_TYPE", "STREAMABLE_HTTP"),
        ];
        assert!(check_keys("MCP_SERVER", &clash).is_err());
        let bad = [("API_KEY", "x"), ("TRANSPORT_TYPE", "WEBSOCKET")];
        assert!(check_keys("MCP_SERVER", &bad).is_err());
    }

    #[test]
    fn errors_never_contain_values() {
        let err =
            check_keys("OPENAI", &[("API_KEY", "sk-very-secret"), ("X", "hidden")]).unwrap_err();
        assert!(
            !err.contains("sk-very-secret") && !err.contains("hidden"),
            "{err}"
        );
    }

    #[test]
    fn samples_satisfy_their_own_rules() {
        for connection_type in CONNECTION_TYPES {
            let text = sample_secret(connection_type, "v");
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&text).unwrap();
            let entries: Vec<(&str, &str)> = map
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
                .collect();
            assert!(
                check_keys(connection_type, &entries).is_ok(),
                "{connection_type}"
            );
        }
    }
}
