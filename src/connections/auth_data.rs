//! [`AuthData`]: the secret a connection uses to reach its service.

use std::collections::BTreeMap;
use std::fmt;

use schemars::gen::SchemaGenerator;
use schemars::schema::Schema;
use schemars::JsonSchema;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};

use super::model::ConnectionType;
use super::wire::{PlaintextProvider, PLAINTEXT_PROVIDER};
use crate::Error;

/// The secret groups of the service; a connection's `auth_data` holds exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretGroup {
    /// `API_KEY`.
    ApiKey,
    /// `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`).
    Aws,
    /// `SERVICE_KEY` (a Google service account key).
    ServiceKey,
    /// `USERNAME` + `PASSWORD`.
    Basic,
    /// `BEARER_TOKEN`.
    Bearer,
    /// `OAUTH2_TOKEN_ENDPOINT` + `OAUTH2_CLIENT_ID` + `OAUTH2_CLIENT_SECRET` + `OAUTH2_SCOPE`.
    OAuth2,
}

impl SecretGroup {
    /// The `AUTH_TYPE` the CLI sends with this group, if any.
    fn auth_type(self) -> Option<&'static str> {
        match self {
            SecretGroup::ApiKey => Some("API_KEY"),
            SecretGroup::Basic => Some("BASIC"),
            SecretGroup::Bearer => Some("BEARER"),
            SecretGroup::OAuth2 => Some("OAUTH2"),
            SecretGroup::Aws | SecretGroup::ServiceKey => None,
        }
    }

    /// The group a set of field names belongs to, by its identifying field.
    fn of_fields<'a>(mut names: impl Iterator<Item = &'a str> + Clone) -> Option<SecretGroup> {
        let has = |n: &str| names.clone().any(|x| x == n);
        if has("API_KEY") {
            Some(SecretGroup::ApiKey)
        } else if has("AWS_ACCESS_KEY_ID") {
            Some(SecretGroup::Aws)
        } else if has("SERVICE_KEY") {
            Some(SecretGroup::ServiceKey)
        } else if has("USERNAME") {
            Some(SecretGroup::Basic)
        } else if has("BEARER_TOKEN") {
            Some(SecretGroup::Bearer)
        } else if names.any(|x| x.starts_with("OAUTH2_")) {
            Some(SecretGroup::OAuth2)
        } else {
            None
        }
    }
}

/// The connection type of MCP servers, which alone take a transport.
const MCP_SERVER: &str = "MCP_SERVER";

/// The groups a connection type accepts, by the type's wire text: what the service
/// knows (the Confluent CLI's rules, NOTES section 4), whichever types the spec the
/// crate was built from lists. `None` for a type this table does not list, which is
/// left to the service to judge (one a newer service added, sent as
/// `ConnectionType::Other` or as a variant of a newer spec).
pub(crate) fn accepted_groups(t: &ConnectionType) -> Option<&'static [SecretGroup]> {
    use SecretGroup as G;
    const REST: &[SecretGroup] = &[G::Basic, G::Bearer, G::OAuth2];
    const AGENT: &[SecretGroup] = &[G::ApiKey, G::Basic, G::Bearer, G::OAuth2];
    Some(match t.as_str() {
        "OPENAI" | "AZUREML" | "AZUREOPENAI" | "GOOGLEAI" | "PINECONE" | "ANTHROPIC"
        | "FIREWORKSAI" | "COSMOSDB" => &[G::ApiKey],
        "BEDROCK" | "SAGEMAKER" | "S3VECTORS" => &[G::Aws],
        "VERTEXAI" => &[G::ServiceKey],
        "MONGODB" | "COUCHBASE" | "CONFLUENT_JDBC" => &[G::Basic],
        "ELASTIC" => &[G::ApiKey, G::Basic],
        "REST" => REST,
        "A2A" | MCP_SERVER => AGENT,
        _ => return None,
    })
}

/// How an MCP server connection talks to its server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum McpTransport {
    /// Server-sent events (the service's default), optionally at its own endpoint.
    Sse {
        /// The SSE endpoint, when it is not the connection's endpoint.
        endpoint: Option<String>,
    },
    /// Streamable HTTP.
    StreamableHttp,
}

/// The secret of a connection.
///
/// The service stores `spec.auth_data.data` as the JSON text of a map of secret fields
/// (`{"API_KEY":"sk-..."}`), which each connection type reads its own way. `AuthData`
/// has one constructor per secret group the service accepts, checks that a group
/// fits the connection type before any request is sent, and adds `AUTH_TYPE` the way
/// the Confluent CLI does. The values are held in [`SecretString`]s (zeroised on drop)
/// and never appear in `Debug`, `Display` or serde output.
///
/// | group | constructor | connection types |
/// |---|---|---|
/// | API key | [`AuthData::api_key`] | OPENAI, AZUREML, AZUREOPENAI, GOOGLEAI, PINECONE, ANTHROPIC, FIREWORKSAI, COSMOSDB, ELASTIC, A2A, MCP_SERVER |
/// | AWS keys | [`AuthData::aws`] (+ [`session_token`](AuthData::session_token)) | BEDROCK, SAGEMAKER, S3VECTORS |
/// | service key | [`AuthData::service_key`] | VERTEXAI |
/// | username and password | [`AuthData::basic`] | MONGODB, COUCHBASE, CONFLUENT_JDBC, ELASTIC, REST, A2A, MCP_SERVER |
/// | bearer token | [`AuthData::bearer_token`] | REST, A2A, MCP_SERVER |
/// | OAuth2 client credentials | [`AuthData::oauth2`] | REST, A2A, MCP_SERVER |
///
/// MCP servers also take a transport ([`AuthData::mcp_transport`]). [`AuthData::raw`]
/// sends any JSON object text as given, for fields this crate does not know yet.
///
/// ```
/// use confluent_flink_sql::connections::{AuthData, McpTransport, SecretGroup};
///
/// let openai = AuthData::api_key("sk-123");
/// assert_eq!(openai.group(), Some(SecretGroup::ApiKey));
/// assert_eq!(openai.field_names(), ["API_KEY", "AUTH_TYPE"]);
/// assert!(!format!("{openai:?}").contains("sk-123"));
///
/// let bedrock = AuthData::aws("AKIA...", "wJalr...").session_token("FwoG...");
/// assert_eq!(bedrock.field_names(), ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]);
///
/// let mcp = AuthData::bearer_token("tok").mcp_transport(McpTransport::Sse {
/// endpoint: Some("https://mcp.example.com/sse".into()),
/// });
/// assert!(mcp.field_names().contains(&"TRANSPORT_TYPE"));
/// ```
#[derive(Clone)]
pub struct AuthData {
    repr: Repr,
    transport: Option<McpTransport>,
}

#[derive(Clone)]
enum Repr {
    /// Typed fields of one group, in the order they are sent.
    Fields(SecretGroup, Vec<(&'static str, SecretString)>),
    /// JSON text given by the user or returned by the service.
    Raw(SecretString),
}

impl AuthData {
    fn fields(group: SecretGroup, fields: Vec<(&'static str, String)>) -> Self {
        let fields = fields
            .into_iter()
            .map(|(k, v)| (k, SecretString::from(v)))
            .collect();
        AuthData {
            repr: Repr::Fields(group, fields),
            transport: None,
        }
    }

    /// An API key (`API_KEY`): OpenAI, Azure, Google AI, Pinecone, Anthropic, ...
    pub fn api_key(key: impl Into<String>) -> Self {
        Self::fields(SecretGroup::ApiKey, vec![("API_KEY", key.into())])
    }

    /// AWS access keys (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`): Bedrock,
    /// SageMaker, S3 Vectors. Add temporary credentials' token with
    /// [`session_token`](Self::session_token).
    pub fn aws(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self::fields(
            SecretGroup::Aws,
            vec![
                ("AWS_ACCESS_KEY_ID", access_key_id.into()),
                ("AWS_SECRET_ACCESS_KEY", secret_access_key.into()),
            ],
        )
    }

    /// The session token of temporary AWS credentials (`AWS_SESSION_TOKEN`). Only
    /// meaningful after [`aws`](Self::aws); on another group it is rejected when the
    /// connection is validated.
    pub fn session_token(mut self, token: impl Into<String>) -> Self {
        match &mut self.repr {
            Repr::Fields(_, fields) => {
                fields.retain(|(k, _)| *k != "AWS_SESSION_TOKEN");
                fields.push(("AWS_SESSION_TOKEN", SecretString::from(token.into())));
            }
            Repr::Raw(_) => {}
        }
        self
    }

    /// A Google service account key, as its JSON text (`SERVICE_KEY`): Vertex AI.
    pub fn service_key(key_json: impl Into<String>) -> Self {
        Self::fields(
            SecretGroup::ServiceKey,
            vec![("SERVICE_KEY", key_json.into())],
        )
    }

    /// A username and password (`USERNAME`, `PASSWORD`): MongoDB, Couchbase, JDBC,
    /// Elastic, REST, A2A, MCP.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::fields(
            SecretGroup::Basic,
            vec![("USERNAME", username.into()), ("PASSWORD", password.into())],
        )
    }

    /// A bearer token (`BEARER_TOKEN`): REST, A2A, MCP.
    pub fn bearer_token(token: impl Into<String>) -> Self {
        Self::fields(SecretGroup::Bearer, vec![("BEARER_TOKEN", token.into())])
    }

    /// OAuth2 client credentials (`OAUTH2_TOKEN_ENDPOINT`, `OAUTH2_CLIENT_ID`,
    /// `OAUTH2_CLIENT_SECRET`, `OAUTH2_SCOPE`): REST, A2A, MCP.
    pub fn oauth2(
        token_endpoint: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        scope: impl Into<String>,
    ) -> Self {
        Self::fields(
            SecretGroup::OAuth2,
            vec![
                ("OAUTH2_TOKEN_ENDPOINT", token_endpoint.into()),
                ("OAUTH2_CLIENT_ID", client_id.into()),
                ("OAUTH2_CLIENT_SECRET", client_secret.into()),
                ("OAUTH2_SCOPE", scope.into()),
            ],
        )
    }

    /// The transport of an MCP server connection (`TRANSPORT_TYPE`, `SSE_ENDPOINT`).
    /// Rejected for other connection types when the connection is validated.
    pub fn mcp_transport(mut self, transport: McpTransport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Any JSON object text, sent as given: for secret fields this crate does not
    /// know yet. Checked to be a JSON object when the connection is validated.
    pub fn raw(json: impl Into<String>) -> Self {
        AuthData {
            repr: Repr::Raw(SecretString::from(json.into())),
            transport: None,
        }
    }

    /// The secret group, when it can be told (a raw text with no known field has none).
    pub fn group(&self) -> Option<SecretGroup> {
        match &self.repr {
            Repr::Fields(g, _) => Some(*g),
            Repr::Raw(_) => {
                let names = self.raw_field_names().ok()?;
                SecretGroup::of_fields(names.iter().map(String::as_str))
            }
        }
    }

    /// The names of the fields sent (never their values), `AUTH_TYPE` included.
    pub fn field_names(&self) -> Vec<&str> {
        match &self.repr {
            Repr::Fields(g, fields) => {
                let mut names: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
                if g.auth_type().is_some() {
                    names.push("AUTH_TYPE");
                }
                if let Some(t) = &self.transport {
                    names.push("TRANSPORT_TYPE");
                    if matches!(t, McpTransport::Sse { endpoint: Some(_) }) {
                        names.push("SSE_ENDPOINT");
                    }
                }
                names
            }
            Repr::Raw(_) => Vec::new(),
        }
    }

    fn raw_field_names(&self) -> Result<Vec<String>, Error> {
        let Repr::Raw(text) = &self.repr else {
            return Ok(Vec::new());
        };
        // Only the keys are read; the values are skipped without being copied.
        serde_json::from_str::<BTreeMap<String, serde::de::IgnoredAny>>(text.expose_secret())
            .map(|m| m.into_keys().collect())
            .map_err(|e| {
                Error::validation(format!(
                    "raw auth data must be the JSON text of an object (error at line {} column {})",
                    e.line(),
                    e.column()
                ))
            })
    }

    /// Checks that this secret fits a connection of type `t`.
    pub(crate) fn validate_for(&self, t: &ConnectionType) -> Result<(), Error> {
        let raw_names = self.raw_field_names()?;
        if let Repr::Fields(g, fields) = &self.repr {
            if *g != SecretGroup::Aws && fields.iter().any(|(k, _)| *k == "AWS_SESSION_TOKEN") {
                return Err(Error::validation(
                    "a session token only goes with AWS keys (AuthData::aws)",
                ));
            }
            if let Some((k, _)) = fields.iter().find(|(_, v)| v.expose_secret().is_empty()) {
                return Err(Error::validation(format!("auth data field {k} is empty")));
            }
        }
        if let Some(transport) = &self.transport {
            // A type the table does not list is left to the service, as above.
            if t.as_str() != MCP_SERVER && accepted_groups(t).is_some() {
                return Err(Error::validation(format!(
                    "an MCP transport only applies to MCP_SERVER connections, not {t}"
                )));
            }
            if let McpTransport::Sse { endpoint: Some(e) } = transport {
                if e.trim().is_empty() {
                    return Err(Error::validation("the SSE endpoint is empty"));
                }
            }
        }
        let group = match &self.repr {
            Repr::Fields(g, _) => Some(*g),
            Repr::Raw(_) => SecretGroup::of_fields(raw_names.iter().map(String::as_str)),
        };
        if let (Some(group), Some(accepted)) = (group, accepted_groups(t)) {
            if !accepted.contains(&group) {
                return Err(Error::validation(format!(
                    "{t} connections do not accept {group:?} auth data; they accept {accepted:?}"
                )));
            }
        }
        Ok(())
    }

    /// Every secret value, to be kept out of the errors of the call that sends it.
    pub(crate) fn secrets(&self) -> crate::redact::Secrets {
        let mut secrets = crate::redact::Secrets::default();
        match &self.repr {
            Repr::Fields(_, fields) => {
                for (_, v) in fields {
                    secrets.add(v.expose_secret());
                }
            }
            Repr::Raw(text) => secrets.add_json_text(text.expose_secret()),
        }
        secrets
    }

    /// The wire form: `{"kind":"PlaintextProvider","data":"<JSON text>"}`.
    pub(crate) fn to_wire(&self) -> PlaintextProvider {
        PlaintextProvider {
            kind: Some(PLAINTEXT_PROVIDER.to_string()),
            data: Some(self.expose_data()),
        }
    }

    /// A secret returned by the service.
    pub(crate) fn from_wire(w: PlaintextProvider) -> Self {
        AuthData {
            repr: Repr::Raw(w.data.unwrap_or_else(|| SecretString::from(String::new()))),
            transport: None,
        }
    }

    /// The JSON text the service receives in `auth_data.data`, built in a buffer that is
    /// zeroised. This exposes the secret: use it to inspect what would be sent, never to
    /// log it.
    pub fn expose_data(&self) -> SecretString {
        let fields = match &self.repr {
            Repr::Raw(text) => return text.clone(),
            Repr::Fields(g, fields) => (g, fields),
        };
        let (group, fields) = fields;
        let mut extra: Vec<(&str, &str)> = Vec::new();
        if let Some(t) = group.auth_type() {
            extra.push(("AUTH_TYPE", t));
        }
        match &self.transport {
            Some(McpTransport::Sse { endpoint }) => {
                extra.push(("TRANSPORT_TYPE", "SSE"));
                if let Some(e) = endpoint {
                    extra.push(("SSE_ENDPOINT", e));
                }
            }
            Some(McpTransport::StreamableHttp) => extra.push(("TRANSPORT_TYPE", "STREAMABLE_HTTP")),
            None => {}
        }
        let size: usize = fields
            .iter()
            .map(|(k, v)| k.len() + v.expose_secret().len() * 2 + 8)
            .sum::<usize>()
            + 128;
        let mut buf = Zeroizing::new(Vec::with_capacity(size));
        buf.push(b'{');
        let pairs = fields
            .iter()
            .map(|(k, v)| (*k, v.expose_secret()))
            .chain(extra.iter().copied());
        for (i, (k, v)) in pairs.enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            // Writing a &str into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *buf, k);
            buf.push(b':');
            let _ = serde_json::to_writer(&mut *buf, v);
        }
        buf.push(b'}');
        let text = String::from_utf8(std::mem::take(&mut *buf)).unwrap_or_default();
        SecretString::from(text)
    }
}

/// The JSON Schema of what an `AuthData` becomes in a request: `spec.auth_data`, the
/// spec's `PlaintextProvider` object ([`PlaintextProvider`]'s schema). `AuthData` itself
/// has no `Serialize` (a secret is only ever written into a request body).
impl JsonSchema for AuthData {
    fn schema_name() -> String {
        "AuthData".to_string()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed(concat!(module_path!(), "::AuthData"))
    }

    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        PlaintextProvider::json_schema(gen)
    }
}

impl PartialEq for AuthData {
    fn eq(&self, other: &Self) -> bool {
        self.expose_data().expose_secret() == other.expose_data().expose_secret()
    }
}

impl fmt::Debug for AuthData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("AuthData");
        match &self.repr {
            Repr::Fields(g, _) => d.field("group", g).field("fields", &self.field_names()),
            Repr::Raw(_) => d.field("raw", &"[redacted]"),
        };
        d.field("values", &"[redacted]").finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(a: &AuthData) -> serde_json::Value {
        serde_json::from_str(a.expose_data().expose_secret()).unwrap()
    }

    #[test]
    fn each_group_renders_the_fields_and_auth_type_the_cli_sends() {
        assert_eq!(
            data(&AuthData::api_key("k\"1")),
            serde_json::json!({"API_KEY": "k\"1", "AUTH_TYPE": "API_KEY"})
        );
        assert_eq!(
            data(&AuthData::aws("id", "sec").session_token("tok")),
            serde_json::json!({"AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "sec", "AWS_SESSION_TOKEN": "tok"})
        );
        assert_eq!(
            data(&AuthData::service_key("{\"a\":1}")),
            serde_json::json!({"SERVICE_KEY": "{\"a\":1}"})
        );
        assert_eq!(
            data(&AuthData::basic("u", "p")),
            serde_json::json!({"USERNAME": "u", "PASSWORD": "p", "AUTH_TYPE": "BASIC"})
        );
        assert_eq!(
            data(&AuthData::bearer_token("t")),
            serde_json::json!({"BEARER_TOKEN": "t", "AUTH_TYPE": "BEARER"})
        );
        assert_eq!(
            data(&AuthData::oauth2(
                "https://idp/token",
                "cid",
                "csec",
                "read"
            )),
            serde_json::json!({"OAUTH2_TOKEN_ENDPOINT": "https://idp/token", "OAUTH2_CLIENT_ID": "cid",
                "OAUTH2_CLIENT_SECRET": "csec", "OAUTH2_SCOPE": "read", "AUTH_TYPE": "OAUTH2"})
        );
        assert_eq!(
            data(&AuthData::api_key("k").mcp_transport(McpTransport::Sse {
                endpoint: Some("https://m/sse".into())
            })),
            serde_json::json!({"API_KEY": "k", "AUTH_TYPE": "API_KEY", "TRANSPORT_TYPE": "SSE", "SSE_ENDPOINT": "https://m/sse"})
        );
        assert_eq!(
            data(&AuthData::bearer_token("t").mcp_transport(McpTransport::StreamableHttp)),
            serde_json::json!({"BEARER_TOKEN": "t", "AUTH_TYPE": "BEARER", "TRANSPORT_TYPE": "STREAMABLE_HTTP"})
        );
    }

    /// A connection type by its wire text: a variant when the spec lists it, `Other`
    /// when not; the rules are the same for both.
    fn t(text: &str) -> ConnectionType {
        ConnectionType::parse(text)
    }

    #[test]
    fn groups_are_checked_against_the_connection_type() {
        assert!(AuthData::api_key("k").validate_for(&t("OPENAI")).is_ok());
        assert!(AuthData::api_key("k").validate_for(&t("BEDROCK")).is_err());
        assert!(AuthData::aws("a", "b").validate_for(&t("BEDROCK")).is_ok());
        assert!(AuthData::basic("u", "p")
            .validate_for(&t("ELASTIC"))
            .is_ok());
        assert!(AuthData::bearer_token("t")
            .validate_for(&t("ELASTIC"))
            .is_err());
        assert!(AuthData::oauth2("e", "i", "s", "c")
            .validate_for(&t("REST"))
            .is_ok());
        assert!(AuthData::api_key("k").validate_for(&t("REST")).is_err());
        assert!(AuthData::api_key("k").validate_for(&t("A2A")).is_ok());
        assert!(AuthData::service_key("{}")
            .validate_for(&t("VERTEXAI"))
            .is_ok());
        assert!(AuthData::api_key("k")
            .validate_for(&ConnectionType::Other("NEW".into()))
            .is_ok());
        assert!(AuthData::api_key("k")
            .session_token("t")
            .validate_for(&t("OPENAI"))
            .is_err());
        assert!(AuthData::api_key("k")
            .mcp_transport(McpTransport::StreamableHttp)
            .validate_for(&t("OPENAI"))
            .is_err());
        assert!(AuthData::api_key("k")
            .mcp_transport(McpTransport::StreamableHttp)
            .validate_for(&t("MCP_SERVER"))
            .is_ok());
        assert!(AuthData::api_key("").validate_for(&t("OPENAI")).is_err());
    }

    #[test]
    fn the_rules_follow_the_wire_text_whether_or_not_the_spec_lists_the_type() {
        // `Other` stands for a type the spec the crate was built from does not list
        // (older specs list 7 of the 19 types): the service's rules still apply.
        for text in ["PINECONE", "MONGODB", "MCP_SERVER", "OPENAI"] {
            let other = ConnectionType::Other(text.into());
            assert_eq!(accepted_groups(&other), accepted_groups(&t(text)), "{text}");
            assert!(accepted_groups(&other).is_some(), "{text}");
        }
        let pinecone = ConnectionType::Other("PINECONE".into());
        assert!(AuthData::api_key("k").validate_for(&pinecone).is_ok());
        assert!(AuthData::aws("a", "b").validate_for(&pinecone).is_err());
        let mcp = ConnectionType::Other("MCP_SERVER".into());
        assert!(AuthData::bearer_token("t")
            .mcp_transport(McpTransport::StreamableHttp)
            .validate_for(&mcp)
            .is_ok());
        // A type no rule names is left to the service, transport and all.
        let unknown = ConnectionType::Other("SOMETHING_NEW".into());
        assert_eq!(accepted_groups(&unknown), None);
        assert!(AuthData::basic("u", "p")
            .mcp_transport(McpTransport::StreamableHttp)
            .validate_for(&unknown)
            .is_ok());
    }

    #[test]
    fn raw_text_is_sent_as_given_and_checked_by_its_fields() {
        let raw = AuthData::raw(r#"{"API_KEY":"k","EXTRA":"x"}"#);
        assert_eq!(raw.group(), Some(SecretGroup::ApiKey));
        assert!(raw.validate_for(&t("OPENAI")).is_ok());
        assert!(raw.validate_for(&t("BEDROCK")).is_err());
        assert!(AuthData::raw(r#"{"NEW_FIELD":"x"}"#)
            .validate_for(&t("OPENAI"))
            .is_ok());
        let err = AuthData::raw("not json sk-canary")
            .validate_for(&t("OPENAI"))
            .unwrap_err();
        assert!(!err.to_string().contains("canary"), "{err}");
    }

    #[test]
    fn debug_never_shows_values() {
        for a in [
            AuthData::api_key("sk-canary"),
            AuthData::raw("{\"API_KEY\":\"sk-canary\"}"),
            AuthData::basic("u", "sk-canary"),
        ] {
            let d = format!("{a:?} {:?}", a.to_wire());
            assert!(!d.contains("sk-canary"), "{d}");
        }
    }
}
