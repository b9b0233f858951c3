//! [`NewConnection`]: what `create` sends, checked before any request.

use schemars::gen::SchemaGenerator;
use schemars::schema::Schema;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use super::auth_data::AuthData;
use super::model::ConnectionType;
use crate::generated::{limits, types};
use crate::Error;

/// The longest connection name the service accepts: the spec's `maxLength` of `name`
/// in the create request body ([`limits`]); `usize::MAX` when the spec sets none.
pub const MAX_NAME_LEN: usize = or_unlimited(limits::CREATE_SQLV1_CONNECTION_BODY_NAME_MAX_LENGTH);
/// The longest endpoint the service accepts: the spec's `maxLength` of `spec.endpoint`
/// in the create request body ([`limits`]); `usize::MAX` when the spec sets none.
pub const MAX_ENDPOINT_LEN: usize =
    or_unlimited(limits::CREATE_SQLV1_CONNECTION_BODY_SPEC_ENDPOINT_MAX_LENGTH);

const fn or_unlimited(limit: Option<usize>) -> usize {
    match limit {
        Some(n) => n,
        None => usize::MAX,
    }
}

/// A connection to create. Checked by [`validate`](Self::validate), which `create`
/// calls before sending anything.
///
/// ```
/// use confluent_flink_sql::connections::{AuthData, ConnectionType, NewConnection};
///
/// let ok = NewConnection::new("my-openai", ConnectionType::OpenAi,
///     "https://api.openai.com/v1/chat/completions", AuthData::api_key("sk-..."));
/// assert!(ok.validate().is_ok());
///
/// let wrong_secret = NewConnection::new("my-bedrock", ConnectionType::Bedrock,
///     "https://bedrock-runtime.us-east-1.amazonaws.com", AuthData::api_key("sk-..."));
/// assert!(wrong_secret.validate().is_err());
///
/// let bad_name = NewConnection::new("My_Connection", ConnectionType::OpenAi,
///     "https://api.openai.com", AuthData::api_key("sk-..."));
/// assert!(bad_name.validate().unwrap_err().to_string().contains("name"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NewConnection {
    name: String,
    connection_type: ConnectionType,
    endpoint: String,
    auth_data: AuthData,
}

impl NewConnection {
    /// A connection named `name` of type `connection_type` to `endpoint`, using
    /// `auth_data` to authenticate.
    pub fn new(
        name: impl Into<String>,
        connection_type: ConnectionType,
        endpoint: impl Into<String>,
        auth_data: AuthData,
    ) -> Self {
        NewConnection {
            name: name.into(),
            connection_type,
            endpoint: endpoint.into(),
            auth_data,
        }
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The connection type.
    pub fn connection_type(&self) -> &ConnectionType {
        &self.connection_type
    }
    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
    /// The secret.
    pub fn auth_data(&self) -> &AuthData {
        &self.auth_data
    }

    /// Checks the name and the endpoint against what the spec's create request body
    /// sets for them (its `maxLength` and `pattern`, [`limits`], checked by the generated
    /// request body types themselves), that neither is empty, and that the secret group
    /// fits the connection type.
    pub fn validate(&self) -> Result<(), Error> {
        validate_name(&self.name)?;
        if self.endpoint.trim().is_empty() {
            return Err(Error::validation("the endpoint must not be empty"));
        }
        spec_check(
            |b: &types::CreateSqlv1ConnectionBody| &b.spec.endpoint,
            &self.endpoint,
        )
        .map_err(|why| {
            Error::validation(format!(
                "the endpoint ({} characters) does not fit the spec: {why}",
                self.endpoint.chars().count()
            ))
        })?;
        if let ConnectionType::Other(t) = &self.connection_type {
            if t.trim().is_empty() {
                return Err(Error::validation("the connection type must not be empty"));
            }
        }
        self.auth_data
            .validate_for(&self.connection_type)
            .map_err(|e| e.prefix(&format!("connection `{}`", self.name)))
    }
}

/// The JSON Schema of the body [`Connections::create`](super::Connections::create) sends
/// for a `NewConnection`: the generated create request body's (the spec's, without its
/// read-only members, with its limits). `NewConnection` has no `Serialize` (its secret
/// is only ever written into that body).
impl JsonSchema for NewConnection {
    fn schema_name() -> String {
        "NewConnection".to_string()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed(concat!(module_path!(), "::NewConnection"))
    }

    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        types::CreateSqlv1ConnectionBody::json_schema(gen)
    }
}

/// Reads `value` as the type generation gave the request body field that `field`
/// picks: a newtype that checks the spec's limits of that place (`maxLength`,
/// `pattern`, ...), or a plain string where the spec sets none. The hand-written code
/// names the field, never the limits; `field` is never called.
fn spec_check<B, T: DeserializeOwned>(field: impl Fn(&B) -> &T, value: &str) -> Result<(), String> {
    let _ = field;
    T::deserialize(serde_json::Value::String(value.to_owned()))
        .map(drop)
        .map_err(|e| e.to_string())
}

/// The name checked as the create request body's `name` is: the spec's `maxLength`
/// and `pattern` (anchored by the build, `build/normalize.rs` `anchor_patterns`). An
/// empty name is refused whatever the spec says: it cannot name a connection.
pub(crate) fn validate_name(name: &str) -> Result<(), Error> {
    let fail = |why: &str| {
        // The name as given, cut for the message.
        let shown: String = name.chars().take(120).collect();
        Err(Error::validation(format!(
            "invalid connection name `{shown}`: {why}"
        )))
    };
    if name.is_empty() {
        return fail("it is empty");
    }
    match spec_check(|b: &types::CreateSqlv1ConnectionBody| &b.name, name) {
        Ok(()) => Ok(()),
        Err(why) => fail(&why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_anchored_pattern() {
        assert!(
            limits::CREATE_SQLV1_CONNECTION_BODY_NAME_PATTERN.is_some_and(|p| p.starts_with('^'))
        );
        for ok in [
            "a",
            "my-openai",
            "a.b",
            "x1-2.y3",
            &"a".repeat(MAX_NAME_LEN),
        ] {
            assert!(validate_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "A",
            "a_b",
            "a..b",
            ".a",
            "a.",
            "a b",
            "é",
            &"a".repeat(MAX_NAME_LEN + 1),
            "ok/../x",
            "My_Connection",
        ] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
        let e = validate_name("My_Connection").unwrap_err().to_string();
        assert!(
            e.contains("`My_Connection`") && e.contains("pattern"),
            "{e}"
        );
        let e = validate_name(&"a".repeat(MAX_NAME_LEN + 1))
            .unwrap_err()
            .to_string();
        assert!(e.contains(&format!("longer than {MAX_NAME_LEN}")), "{e}");
    }

    #[test]
    fn endpoint_length_is_limited() {
        let long = "h".repeat(MAX_ENDPOINT_LEN + 1);
        let c = NewConnection::new("a", ConnectionType::OpenAi, long, AuthData::api_key("k"));
        let e = c.validate().unwrap_err().to_string();
        assert!(
            e.contains(&format!("longer than {MAX_ENDPOINT_LEN}")),
            "{e}"
        );
        let max = "h".repeat(MAX_ENDPOINT_LEN);
        assert!(
            NewConnection::new("a", ConnectionType::OpenAi, max, AuthData::api_key("k"))
                .validate()
                .is_ok()
        );
        let empty = NewConnection::new("a", ConnectionType::OpenAi, " ", AuthData::api_key("k"));
        assert!(empty.validate().unwrap_err().to_string().contains("empty"));
    }

    #[test]
    fn the_schema_carries_the_specs_limits() {
        let schema = serde_json::to_value(schemars::schema_for!(NewConnection)).unwrap();
        assert_eq!(schema["title"], "NewConnection");
        let name = &schema["properties"]["name"];
        assert_eq!(name["maxLength"], MAX_NAME_LEN);
        assert_eq!(
            name["minLength"].as_u64(),
            limits::CREATE_SQLV1_CONNECTION_BODY_NAME_MIN_LENGTH.map(|n| n as u64)
        );
        assert_eq!(
            name["pattern"].as_str(),
            limits::CREATE_SQLV1_CONNECTION_BODY_NAME_PATTERN
        );
        assert!(name["description"]
            .as_str()
            .is_some_and(|d| d.contains("unique")));
        let spec_ref = schema["properties"]["spec"]["$ref"].as_str().unwrap();
        let spec = &schema["definitions"][spec_ref.rsplit('/').next().unwrap()]["properties"];
        assert_eq!(spec["endpoint"]["maxLength"], MAX_ENDPOINT_LEN);
        assert_eq!(
            spec["endpoint"]["pattern"].as_str(),
            limits::CREATE_SQLV1_CONNECTION_BODY_SPEC_ENDPOINT_PATTERN
        );
        assert_eq!(
            spec["auth_data"]["allOf"][0]["$ref"],
            "#/definitions/PlaintextProvider"
        );
    }
}
