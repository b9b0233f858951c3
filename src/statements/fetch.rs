//! One page of a statement's results, read as bytes and decoded with its schema.
//!
//! The generated operation would decode the page into `serde_json::Value` rows; the
//! crate reads the bytes itself ([`decode_page`]), once, into typed rows. The request
//! is the operation's own: its path template from the spec's operation table, sent
//! through the generated client's hooks (credentials, redirects) and the client's
//! transport (retries, the overall timeout, tracing), with the crate's [`Error`].

use progenitor_client::{
    encode_path, ClientHooks, ClientInfo, Error as GenError, OperationInfo, ResponseValue,
};
use reqwest::header::{HeaderValue, ACCEPT};

use crate::client::Client;
use crate::error::redacted_snippet;
use crate::results::{decode_page, ResultPage, Schema};
use crate::Error;

use crate::generated::operation::GET_SQLV1_STATEMENT_RESULT as OPERATION;

/// The path of statement `name`'s results: the operation's template with the client's
/// organization and environment, and the statement's name in the one parameter left.
fn path(client: &Client, name: &str) -> String {
    let (_, organization_id, environment_id) = client.parts();
    let mut out = String::new();
    let mut rest = OPERATION.path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let value = match &rest[open + 1..open + close] {
            "organization_id" => encode_path(&organization_id.to_string()),
            "environment_id" => encode_path(environment_id),
            _ => encode_path(name),
        };
        out.push_str(&value);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Reads one page of statement `name`'s results (`page_token` from the previous
/// page's `metadata.next`; none for the first page).
pub(crate) async fn page(
    client: &Client,
    name: &str,
    page_token: Option<&str>,
    schema: &Schema,
) -> Result<ResultPage, Error> {
    let (api, _, _) = client.parts();
    let url = format!("{}{}", api.baseurl(), path(client, name));
    let info = OperationInfo {
        operation_id: "get_sqlv1_statement_result",
    };
    let attempt = || async {
        let mut request = api.client().get(&url);
        if let Some(token) = page_token {
            request = request.query(&[("page_token", token)]);
        }
        let mut request = request
            .build()
            .map_err(|e| GenError::InvalidRequest(e.to_string()))?;
        let headers = request.headers_mut();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let response = api
            .exec(request, &info)
            .await
            .map_err(GenError::CommunicationError)?;
        let status = response.status();
        if status.is_success() {
            let headers = response.headers().clone();
            let body = response
                .bytes()
                .await
                .map_err(GenError::ResponseBodyError)?;
            Ok(ResponseValue::new(body, status, headers))
        } else if status.is_client_error() || status.is_server_error() {
            Err(GenError::ErrorResponse(
                ResponseValue::from_response(response).await?,
            ))
        } else {
            Err(GenError::UnexpectedResponse(response))
        }
    };
    let answer = client
        .operations()
        .run(OPERATION, attempt)
        .await
        .map_err(|e| e.prefix(&format!("results of statement `{name}`")))?;
    let request_id = crate::outcome::request_id(answer.headers());
    let body = answer.into_inner();
    decode_page(&body, schema).map_err(|e| {
        Error::decode(format!("results of statement `{name}`: {e}"))
            .with_snippet(redacted_snippet(&body))
            .with_request_id(request_id)
    })
}
