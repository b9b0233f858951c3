//! The secret flags: reading their values (literal, `-` for standard input, `@PATH`
//! for a file) and mapping them to the crate's `AuthData`.

use std::io::Read;

use confluent_flink_sql::connections::{AuthData, McpTransport};

use crate::args::SecretArgs;
use crate::failure::Failure;

/// A secret group: its name and its flags with their values.
type Group<'a> = (&'static str, Vec<(&'static str, &'a Option<String>)>);

/// The `AuthData` the flags give. One secret group, complete; whether it fits the
/// connection type is left to the crate's own check.
pub fn auth_data(args: &SecretArgs) -> Result<AuthData, Failure> {
    let mut reader = Values::default();
    let groups: [Group; 6] = [
        ("API key", vec![("--api-key", &args.api_key)]),
        (
            "AWS keys",
            vec![
                ("--aws-access-key", &args.aws_access_key),
                ("--aws-secret-key", &args.aws_secret_key),
            ],
        ),
        ("service key", vec![("--service-key", &args.service_key)]),
        (
            "username and password",
            vec![
                ("--username", &args.username),
                ("--password", &args.password),
            ],
        ),
        ("bearer token", vec![("--token", &args.token)]),
        (
            "OAuth2",
            vec![
                ("--token-endpoint", &args.token_endpoint),
                ("--client-id", &args.client_id),
                ("--client-secret", &args.client_secret),
                ("--scope", &args.scope),
            ],
        ),
    ];
    let given: Vec<&Group> = groups
        .iter()
        .filter(|(_, flags)| flags.iter().any(|(_, v)| v.is_some()))
        .collect();
    let (group, flags) = match given.as_slice() {
        [] => {
            return Err(Failure::usage(
                "no secret given: pass one group of --api-key, --aws-access-key and \
                 --aws-secret-key, --service-key, --username and --password, --token, or \
                 --token-endpoint, --client-id, --client-secret and --scope",
            ))
        }
        [one] => one,
        more => {
            let names: Vec<&str> = more.iter().map(|(g, _)| *g).collect();
            return Err(Failure::usage(format!(
                "give the secret of one group only, not {}",
                names.join(" and ")
            )));
        }
    };
    let missing: Vec<&str> = flags
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(f, _)| *f)
        .collect();
    if !missing.is_empty() {
        return Err(Failure::usage(format!(
            "the {group} secret also needs {}",
            missing.join(", ")
        )));
    }
    let mut values = Vec::new();
    for (flag, value) in flags {
        values.push(reader.read(flag, value.as_deref().unwrap_or_default())?);
    }
    let mut values = values.into_iter();
    let mut next = || values.next().unwrap_or_default();
    let mut auth = match *group {
        "API key" => AuthData::api_key(next()),
        "AWS keys" => AuthData::aws(next(), next()),
        "service key" => AuthData::service_key(next()),
        "username and password" => AuthData::basic(next(), next()),
        "bearer token" => AuthData::bearer_token(next()),
        _ => AuthData::oauth2(next(), next(), next(), next()),
    };
    if let Some(token) = &args.aws_session_token {
        auth = auth.session_token(reader.read("--aws-session-token", token)?);
    }
    let sse = args
        .sse_endpoint
        .as_deref()
        .map(|e| reader.read("--sse-endpoint", e))
        .transpose()?;
    match (args.transport_type.as_deref().map(str::to_lowercase), sse) {
        (None, None) => {}
        (Some(t), None) if t == "streamable_http" => {
            auth = auth.mcp_transport(McpTransport::StreamableHttp)
        }
        (Some(t), _) if t == "streamable_http" => {
            return Err(Failure::usage(
                "--sse-endpoint goes with --transport-type sse, not streamable_http",
            ))
        }
        (_, endpoint) => auth = auth.mcp_transport(McpTransport::Sse { endpoint }),
    }
    Ok(auth)
}

/// Reads flag values; standard input can be read once.
#[derive(Default)]
struct Values {
    stdin_used_by: Option<String>,
}

impl Values {
    fn read(&mut self, flag: &str, value: &str) -> Result<String, Failure> {
        if value == "-" {
            if let Some(first) = &self.stdin_used_by {
                return Err(Failure::usage(format!(
                    "{flag} and {first} both read standard input (`-`); read one from a file (`@PATH`)"
                )));
            }
            self.stdin_used_by = Some(flag.to_owned());
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::usage(format!("{flag}: cannot read standard input: {e}")))?;
            Ok(strip_newline(text))
        } else if let Some(path) = value.strip_prefix('@') {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::usage(format!("{flag}: cannot read `{path}`: {e}")))?;
            Ok(strip_newline(text))
        } else {
            Ok(value.to_owned())
        }
    }
}

/// The text without the one line ending a file or a pipe usually ends with.
fn strip_newline(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_ending_is_stripped() {
        assert_eq!(strip_newline("sk-1\n".into()), "sk-1");
        assert_eq!(strip_newline("sk-1\r\n".into()), "sk-1");
        assert_eq!(strip_newline("sk-1\n\n".into()), "sk-1\n");
        assert_eq!(strip_newline("sk-1".into()), "sk-1");
    }

    #[test]
    fn a_literal_is_taken_as_is() {
        let mut v = Values::default();
        assert_eq!(v.read("--token", "t-@-1").unwrap(), "t-@-1");
        assert!(v.stdin_used_by.is_none());
    }

    #[test]
    fn the_session_token_and_transport_ride_on_their_group() {
        let args = SecretArgs {
            aws_access_key: Some("a".into()),
            aws_secret_key: Some("b".into()),
            aws_session_token: Some("t".into()),
            ..SecretArgs::default()
        };
        let auth = auth_data(&args).unwrap();
        assert_eq!(
            auth.field_names(),
            [
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN"
            ]
        );
        let args = SecretArgs {
            username: Some("u".into()),
            password: Some("p".into()),
            transport_type: Some("STREAMABLE_HTTP".into()),
            ..SecretArgs::default()
        };
        assert!(auth_data(&args)
            .unwrap()
            .field_names()
            .contains(&"TRANSPORT_TYPE"));
        let args = SecretArgs {
            token: Some("t".into()),
            transport_type: Some("streamable_http".into()),
            sse_endpoint: Some("https://x.example/sse".into()),
            ..SecretArgs::default()
        };
        assert_eq!(auth_data(&args).unwrap_err().code, crate::failure::USAGE);
    }
}
