//! [`NewConnection`]: what `create` sends, checked before any request.

use schemars::gen::SchemaGenerator;
use schemars::schema::Schema;
use schemars::JsonSchema;

use super::auth_data::AuthData;
use super::model::ConnectionType;
use crate::Error;

/// The longest connection name the service accepts.
pub const MAX_NAME_LEN: usize = 100;
/// The longest endpoint the service accepts.
pub const MAX_ENDPOINT_LEN: usize = 16_384;

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

    /// Checks the name (the spec's pattern, anchored, at most 100 characters), the
    /// endpoint (not empty, at most 16,384 characters) and that the secret group fits
    /// the connection type.
    pub fn validate(&self) -> Result<(), Error> {
        validate_name(&self.name)?;
        let len = self.endpoint.chars().count();
        if self.endpoint.trim().is_empty() {
            return Err(Error::validation("the endpoint must not be empty"));
        }
        if len > MAX_ENDPOINT_LEN {
            return Err(Error::validation(format!(
                "the endpoint is {len} characters long; the service accepts at most {MAX_ENDPOINT_LEN}"
            )));
        }
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
/// for a `NewConnection`: the spec's create request body without its read-only members.
/// `NewConnection` has no `Serialize` (its secret is only ever written into that body).
impl JsonSchema for NewConnection {
    fn schema_name() -> String {
        "NewConnection".to_string()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed(concat!(module_path!(), "::NewConnection"))
    }

    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        CreateBodyShape::json_schema(gen)
    }
}

// The shape `NewConnection`'s schema describes. Never built: it only carries the derive.
#[derive(JsonSchema)]
#[schemars(
    description = "A connection to create, as `create` sends it (the spec's create request body)."
)]
#[allow(dead_code)]
struct CreateBodyShape {
    /// The connection's name, unique within its environment.
    #[schemars(
        length(min = 1, max = 100),
        regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    )]
    name: String,
    spec: NewConnectionSpec,
}

// `spec` of the create request body.
#[derive(JsonSchema)]
#[schemars(description = "What the connection points at and how it authenticates.")]
#[allow(dead_code)]
struct NewConnectionSpec {
    /// The kind of service the connection points at.
    connection_type: ConnectionType,
    /// The URL of that service.
    #[schemars(length(min = 1, max = 16384))]
    endpoint: String,
    /// The secret.
    auth_data: AuthData,
}

/// The spec's name pattern `[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`,
/// anchored at both ends, and at most [`MAX_NAME_LEN`] characters.
pub(crate) fn validate_name(name: &str) -> Result<(), Error> {
    let fail = |why: &str| {
        Err(Error::validation(format!(
            "invalid connection name `{}`: {why}",
            name.chars().take(MAX_NAME_LEN + 20).collect::<String>()
        )))
    };
    if name.is_empty() {
        return fail("it is empty");
    }
    if name.chars().count() > MAX_NAME_LEN {
        return fail("it is longer than 100 characters");
    }
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    for label in name.split('.') {
        let ok = match (label.chars().next(), label.chars().last()) {
            (Some(first), Some(last)) => {
                alnum(first) && alnum(last) && label.chars().all(|c| alnum(c) || c == '-')
            }
            _ => false,
        };
        if !ok {
            return fail(
                "use lowercase letters, digits and '-', in dot-separated parts that start and end with a letter or digit",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_anchored_pattern() {
        for ok in ["a", "my-openai", "a.b", "x1-2.y3", &"a".repeat(100)] {
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
            &"a".repeat(101),
            "ok/../x",
        ] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn endpoint_length_is_limited() {
        let long = "h".repeat(MAX_ENDPOINT_LEN + 1);
        let c = NewConnection::new("a", ConnectionType::OpenAi, long, AuthData::api_key("k"));
        assert!(c.validate().unwrap_err().to_string().contains("16384"));
        let max = "h".repeat(MAX_ENDPOINT_LEN);
        assert!(
            NewConnection::new("a", ConnectionType::OpenAi, max, AuthData::api_key("k"))
                .validate()
                .is_ok()
        );
    }
}
