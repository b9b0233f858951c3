//! The JSON bodies the fake sends, written from the spec independently of the client's types.

use chrono::SecondsFormat;
use serde::Serialize;

use super::store::Stored;

/// `sql.v1.Connection` as the service answers it.
#[derive(Debug, Serialize)]
pub(crate) struct ConnectionBody<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMetaBody,
    name: &'a str,
    spec: SpecBody<'a>,
    status: StatusBody<'a>,
}

#[derive(Debug, Serialize)]
struct ObjectMetaBody {
    #[serde(rename = "self")]
    self_url: String,
    uid: String,
    resource_name: String,
    created_at: String,
    updated_at: String,
    resource_version: String,
}

#[derive(Debug, Serialize)]
struct SpecBody<'a> {
    connection_type: &'a str,
    endpoint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_data: Option<AuthDataBody<'a>>,
}

/// `auth_data` without its secret: only the provider kind is ever sent back.
#[derive(Debug, Serialize)]
struct AuthDataBody<'a> {
    kind: &'a str,
}

#[derive(Debug, Serialize)]
struct StatusBody<'a> {
    phase: &'a str,
    detail: &'a str,
}

/// Where the fake's URLs point and how a connection is addressed.
pub(crate) struct Urls<'a> {
    /// The advertised base URL, without a trailing slash.
    pub(crate) base: &'a str,
    pub(crate) organization_id: &'a str,
    pub(crate) environment_id: &'a str,
}

impl Urls<'_> {
    /// `{base}/sql/v1/organizations/{org}/environments/{env}` (as the spec's paths begin).
    pub(crate) fn environment(&self) -> String {
        format!(
            "{}{}",
            self.base,
            super::route::environment_path(self.organization_id, self.environment_id)
        )
    }

    /// `{base}/sql/v1/organizations/{org}/environments/{env}/connections`.
    pub(crate) fn collection(&self) -> String {
        format!("{}/connections", self.environment())
    }

    /// The URL of one connection.
    pub(crate) fn item(&self, name: &str) -> String {
        format!("{}/{}", self.collection(), encode_component(name))
    }

    fn resource_name(&self, name: &str) -> String {
        format!(
            "crn://confluent.cloud/organization={}/environment={}/flink-connection={}",
            encode_component(self.organization_id),
            encode_component(self.environment_id),
            encode_component(name)
        )
    }
}

impl<'a> ConnectionBody<'a> {
    /// The representation of `stored`; `with_auth_kind` adds `auth_data: {kind}` (never the
    /// secret), as the schemas of create and get require `auth_data`.
    pub(crate) fn new(stored: &'a Stored, urls: &Urls<'_>, with_auth_kind: bool) -> Self {
        ConnectionBody {
            api_version: "sql/v1",
            kind: "Connection",
            metadata: ObjectMetaBody {
                self_url: urls.item(&stored.name),
                uid: stored.uid.clone(),
                resource_name: urls.resource_name(&stored.name),
                created_at: stored
                    .created_at
                    .to_rfc3339_opts(SecondsFormat::Millis, true),
                updated_at: stored
                    .updated_at
                    .to_rfc3339_opts(SecondsFormat::Millis, true),
                resource_version: stored.resource_version.clone(),
            },
            name: &stored.name,
            spec: SpecBody {
                connection_type: &stored.connection_type,
                endpoint: &stored.endpoint,
                auth_data: with_auth_kind.then_some(AuthDataBody {
                    kind: &stored.auth_kind,
                }),
            },
            status: StatusBody {
                phase: &stored.phase,
                detail: &stored.detail,
            },
        }
    }
}

/// `sql.v1.ConnectionList`.
#[derive(Debug, Serialize)]
pub(crate) struct ListBody<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: ListMetaBody,
    data: Vec<ConnectionBody<'a>>,
}

#[derive(Debug, Serialize)]
struct ListMetaBody {
    #[serde(rename = "self")]
    self_url: String,
    /// Outer `None`: left out; `Some(None)`: `null`.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<Option<String>>,
    total_size: usize,
}

impl<'a> ListBody<'a> {
    pub(crate) fn new(
        self_url: String,
        next: Option<Option<String>>,
        total_size: usize,
        data: Vec<ConnectionBody<'a>>,
    ) -> Self {
        ListBody {
            api_version: "sql/v1",
            kind: "ConnectionList",
            metadata: ListMetaBody {
                self_url,
                next,
                total_size,
            },
            data,
        }
    }
}

/// `Failure`: the error body of every error status but 429.
#[derive(Debug, Serialize)]
pub(crate) struct FailureBody {
    errors: Vec<ErrorBody>,
}

/// One `Error` of a `Failure`.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorBody {
    id: String,
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    title: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<SourceBody>,
}

#[derive(Debug, Serialize)]
struct SourceBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<String>,
}

impl ErrorBody {
    /// An error without a source.
    pub(crate) fn new(status: u16, code: &'static str, title: &'static str) -> Self {
        ErrorBody {
            id: uuid::Uuid::new_v4().to_string(),
            status: status.to_string(),
            code: Some(code),
            title,
            detail: None,
            source: None,
        }
    }

    pub(crate) fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Blames a request body member (a JSON pointer such as `/spec/endpoint`).
    pub(crate) fn pointer(mut self, pointer: impl Into<String>) -> Self {
        self.source = Some(SourceBody {
            pointer: Some(pointer.into()),
            parameter: None,
        });
        self
    }

    /// Blames a query (or path) parameter.
    pub(crate) fn parameter(mut self, parameter: impl Into<String>) -> Self {
        self.source = Some(SourceBody {
            pointer: None,
            parameter: Some(parameter.into()),
        });
        self
    }

    /// The HTTP status of this error.
    pub(crate) fn status(&self) -> u16 {
        self.status.parse().unwrap_or(500)
    }
}

impl FailureBody {
    pub(crate) fn new(errors: Vec<ErrorBody>) -> Self {
        FailureBody { errors }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub(crate) fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_percent_encoded() {
        assert_eq!(encode_component("a-b.c_d~"), "a-b.c_d~");
        assert_eq!(encode_component("a b/é"), "a%20b%2F%C3%A9");
    }

    #[test]
    fn errors_serialize_with_the_spec_member_names() {
        let body = FailureBody::new(vec![ErrorBody::new(400, "invalid_parameter", "Bad")
            .detail("d")
            .parameter("page_size")]);
        let value = serde_json::to_value(&body).unwrap();
        let error = &value["errors"][0];
        assert_eq!(error["status"], "400");
        assert_eq!(error["code"], "invalid_parameter");
        assert_eq!(error["source"]["parameter"], "page_size");
        assert!(error["source"].get("pointer").is_none());
        assert_eq!(error["id"].as_str().unwrap().len(), 36);
    }
}
