//! One request, start to end: routing, faults, authentication, the caller's organization and
//! environment, and the operation: the five of Connections here, every other one in
//! `resources.rs`.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::AUTHORIZATION;
use hyper::Request;

use super::faults::{Fault, Operation};
use super::reply::Reply;
use super::route::{self, Route, Routed};
use super::shared::{Counters, Shared};
use super::store::{AlreadyExists, Change, NewStored, Scope, UpdateError};
use super::token::Listing;
use super::validate::{self, Problem, SecretPolicy};
use super::wire::{ConnectionBody, ErrorBody, ListBody, Urls};
use super::LastPageNext;

/// The largest request body read (the largest valid one is far smaller).
const MAX_BODY_BYTES: usize = 1 << 20;
const MAX_PAGE_SIZE: i64 = 100;
const MAX_PAGE_TOKEN_CHARS: usize = 255;

/// How the reply is to be delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// As an ordinary response.
    Normal,
    /// Not at all: the connection is closed instead.
    Drop,
    /// Cut off in the middle of the body, then the connection is closed.
    Truncate,
}

/// Handles one request. The caller delivers the reply as told.
pub(crate) async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> (Reply, Delivery) {
    let request_id = uuid::Uuid::new_v4().to_string();
    let (reply, delivery) = answer(&shared, request).await;
    (reply.header("x-request-id", request_id), delivery)
}

async fn answer(shared: &Shared, request: Request<Incoming>) -> (Reply, Delivery) {
    let routed = match route::route(request.method(), request.uri().path()) {
        Route::Operation(routed) => routed,
        Route::MethodNotAllowed { allow } => {
            Counters::bump(&shared.counters.unrouted_requests);
            let reply = Reply::error(
                ErrorBody::new(405, "method_not_allowed", "Method Not Allowed")
                    .detail(format!("this resource supports {allow}")),
            )
            .header("allow", allow);
            return (reply, Delivery::Normal);
        }
        Route::NotFound => {
            Counters::bump(&shared.counters.unrouted_requests);
            let reply = Reply::error(
                ErrorBody::new(404, "not_found", "Not Found")
                    .detail("no such resource in the Flink SQL API (sql/v1)"),
            );
            return (reply, Delivery::Normal);
        }
    };
    shared.counters.request(routed.operation_id);

    let mut delivery = Delivery::Normal;
    let fault = shared.faults().take(routed.operation_id);
    if let Some(fault) = fault {
        Counters::bump(&shared.counters.faults_injected);
        match fault {
            Fault::RateLimited { retry_after } => return (rate_limited(retry_after), delivery),
            Fault::Status(_) => {
                let status = fault.replacement_status().unwrap_or(500);
                return (injected_error(status), delivery);
            }
            Fault::DropConnection => return (Reply::empty(500), Delivery::Drop),
            Fault::Delay(duration) => tokio::time::sleep(duration).await,
            Fault::TruncateBody => delivery = Delivery::Truncate,
            Fault::DropAfterCommit => delivery = Delivery::Drop,
        }
    }

    let query = route::query_pairs(request.uri().query());
    let authorized = is_authorized(&shared.config, &request);
    let body = match Limited::new(request.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let reply = Reply::error(ErrorBody::new(400, "bad_request", "Bad Request").detail(
                format!("the request body could not be read or exceeds {MAX_BODY_BYTES} bytes"),
            ));
            return (reply, delivery);
        }
    };
    if !authorized {
        return (unauthenticated(), delivery);
    }
    let organization_id = routed.parameter(route::ORGANIZATION).unwrap_or_default();
    let environment_id = routed.parameter(route::ENVIRONMENT).unwrap_or_default();
    let scope = match scope(&shared.config, organization_id, environment_id) {
        Ok(scope) => scope,
        Err(reply) => return (*reply, delivery),
    };
    let context = Context {
        shared,
        urls: Urls {
            base: &shared.config.advertised_base_url,
            organization_id: &scope.organization_id,
            environment_id: &scope.environment_id,
        },
        scope: &scope,
    };
    let Some(operation) = Operation::from_operation_id(routed.operation_id) else {
        return (
            super::resources::handle(&context, &routed, &query, &body),
            delivery,
        );
    };
    let name = item_name(&routed).unwrap_or_default();
    let reply = match operation {
        Operation::List => list(&context, &routed, &query),
        Operation::Create => create(&context, &body),
        Operation::Get => get(&context, &name),
        Operation::Update => update(&context, &name, &body),
        Operation::Delete => delete(&context, &name),
    };
    (reply, delivery)
}

/// The name of the item a request is for (`None` for a collection).
fn item_name(routed: &Routed) -> Option<String> {
    routed.chain.last().and_then(|(_, name)| name.clone())
}

/// What an operation needs to act on the caller's environment.
pub(crate) struct Context<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) urls: Urls<'a>,
    pub(crate) scope: &'a Scope,
}

fn rate_limited(retry_after: Option<u64>) -> Reply {
    let reset = retry_after.unwrap_or(1).to_string();
    let reply = Reply::empty(429)
        .header("x-ratelimit-limit", "25")
        .header("x-ratelimit-remaining", "0")
        .header("x-ratelimit-reset", reset);
    match retry_after {
        Some(seconds) => reply.header("retry-after", seconds.to_string()),
        None => reply,
    }
}

fn injected_error(status: u16) -> Reply {
    let (code, title) = match status {
        500 => ("internal_error", "Internal Server Error"),
        501 => ("not_implemented", "Not Implemented"),
        502 => ("bad_gateway", "Bad Gateway"),
        503 => ("service_unavailable", "Service Unavailable"),
        504 => ("gateway_timeout", "Gateway Timeout"),
        _ => ("injected_fault", "Injected Fault"),
    };
    Reply::error(
        ErrorBody::new(status, code, title).detail("a fault injected into the fake server"),
    )
}

/// Whether the request carries HTTP Basic credentials equal to the fake's key and secret.
fn is_authorized(config: &super::shared::Config, request: &Request<Incoming>) -> bool {
    let Some(value) = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return false;
    };
    decoded.split_once(':').is_some_and(|(key, secret)| {
        key == config.api_key && constant_time_eq(secret.as_bytes(), config.api_secret.as_bytes())
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn unauthenticated() -> Reply {
    Reply::error(
        ErrorBody::new(401, "user_unauthenticated", "Authentication Required")
            .detail("Valid authentication credentials must be provided"),
    )
    .header(
        "www-authenticate",
        "Basic realm=\"Confluent Cloud\", error=\"invalid_key\", \
         error_description=\"The API Key is invalid\"",
    )
}

/// The caller's organization and environment: 400 for an organization id that is not a UUID,
/// 403 for one the fake does not serve (unless it is open).
fn scope(
    config: &super::shared::Config,
    organization_id: &str,
    environment_id: &str,
) -> Result<Scope, Box<Reply>> {
    if !is_uuid(organization_id) {
        return Err(Box::new(Reply::error(
            ErrorBody::new(400, "invalid_parameter", "Invalid Parameter")
                .detail("organization_id must be a UUID")
                .parameter("organization_id"),
        )));
    }
    if environment_id.trim().is_empty() {
        return Err(Box::new(Reply::error(
            ErrorBody::new(400, "invalid_parameter", "Invalid Parameter")
                .detail("environment_id must not be empty")
                .parameter("environment_id"),
        )));
    }
    let organization_id = organization_id.to_ascii_lowercase();
    if !config.open
        && (organization_id != config.organization_id || environment_id != config.environment_id)
    {
        return Err(Box::new(Reply::error(
            ErrorBody::new(403, "user_unauthorized", "User Access Unauthorized")
                .detail("the API key is not allowed to access this organization and environment"),
        )));
    }
    Ok(Scope {
        organization_id,
        environment_id: environment_id.to_owned(),
    })
}

/// `8-4-4-4-12` hexadecimal digits.
pub(crate) fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn not_found(name: &str) -> Reply {
    Reply::error(
        ErrorBody::new(404, "not_found", "Not Found")
            .detail(format!("the connection '{name}' was not found")),
    )
}

pub(crate) fn invalid_parameter(parameter: &str, detail: impl Into<String>) -> ErrorBody {
    ErrorBody::new(400, "invalid_parameter", "Invalid Parameter")
        .detail(detail)
        .parameter(parameter)
}

pub(crate) fn problems(status: u16, problems: Vec<Problem>) -> Reply {
    let (code, title) = if status == 422 {
        ("invalid_configuration", "Validation Failed")
    } else {
        ("invalid_request", "Bad Request")
    };
    Reply::failure(
        problems
            .into_iter()
            .map(|problem| {
                ErrorBody::new(status, code, title)
                    .detail(problem.detail)
                    .pointer(problem.pointer)
            })
            .collect(),
    )
}

pub(crate) fn malformed(detail: String) -> Reply {
    Reply::error(
        ErrorBody::new(400, "malformed_request", "Bad Request")
            .detail(detail)
            .pointer(""),
    )
}

pub(crate) fn first<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// Where a listing starts and how long its page is.
pub(crate) struct Paging {
    pub(crate) size: usize,
    /// The cursor of the page token: the last item of the previous page.
    pub(crate) after: Option<String>,
}

/// `page_size` and `page_token` of a list request: 400 naming the parameter when either is
/// wrong (a token this server did not issue for `listing` included).
pub(crate) fn paging(
    shared: &Shared,
    query: &[(String, String)],
    listing: &Listing<'_>,
) -> Result<Paging, Box<Reply>> {
    let config = &shared.config;
    let mut errors = Vec::new();
    let size = match first(query, "page_size") {
        None => config.default_page_size,
        Some(text) => match text.trim().parse::<i64>() {
            Ok(size) if (1..=MAX_PAGE_SIZE).contains(&size) => size as usize,
            _ => {
                errors.push(invalid_parameter(
                    "page_size",
                    format!("page_size must be an integer from 1 to {MAX_PAGE_SIZE}"),
                ));
                config.default_page_size
            }
        },
    };
    let after = match first(query, "page_token").filter(|token| !token.is_empty()) {
        None => None,
        Some(token) if token.chars().count() > MAX_PAGE_TOKEN_CHARS => {
            errors.push(invalid_parameter(
                "page_token",
                format!("page_token must be at most {MAX_PAGE_TOKEN_CHARS} characters"),
            ));
            None
        }
        Some(token) => {
            let after = shared.tokens.open(listing, token);
            if after.is_none() {
                errors.push(
                    ErrorBody::new(400, "invalid_page_token", "Invalid Page Token")
                        .detail(
                            "page_token was not issued by this server for this listing \
                             (same organization, environment, collection and filters)",
                        )
                        .parameter("page_token"),
                );
            }
            after
        }
    };
    if errors.is_empty() {
        Ok(Paging { size, after })
    } else {
        Err(Box::new(Reply::failure(errors)))
    }
}

/// `metadata.next` of a page: the absolute URL of the next page (with `filters` kept), or
/// on the last page what the server's [`LastPageNext`] says (outer `None`: no member).
pub(crate) fn next_link(
    shared: &Shared,
    collection_url: &str,
    listing: &Listing<'_>,
    page_size: usize,
    more_after: Option<&str>,
    filters: &[(&str, &str)],
) -> Option<Option<String>> {
    match more_after {
        Some(last) => {
            let mut url = format!(
                "{collection_url}?page_size={page_size}&page_token={}",
                shared.tokens.issue(listing, last)
            );
            for (name, value) in filters {
                url.push('&');
                url.push_str(&super::wire::encode_component(name));
                url.push('=');
                url.push_str(&super::wire::encode_component(value));
            }
            Some(Some(url))
        }
        None => match shared.config.last_page_next {
            LastPageNext::Omitted => None,
            LastPageNext::Null => Some(None),
            LastPageNext::Empty => Some(Some(String::new())),
        },
    }
}

fn list(context: &Context<'_>, routed: &Routed, query: &[(String, String)]) -> Reply {
    let connection_type = first(query, "spec.connection_type").filter(|t| !t.is_empty());
    let collection = routed.chain.last().map_or("", |(name, _)| *name);
    let listing = Listing {
        organization_id: &context.scope.organization_id,
        environment_id: &context.scope.environment_id,
        collection,
        filter: connection_type,
    };
    let paging = match paging(context.shared, query, &listing) {
        Ok(paging) => paging,
        Err(reply) => return *reply,
    };
    let store = context.shared.store();
    let page = store.page(
        context.scope,
        connection_type,
        paging.after.as_deref(),
        paging.size,
    );
    let collection_url = context.urls.collection();
    let filters: Vec<(&str, &str)> = connection_type
        .map(|t| ("spec.connection_type", t))
        .into_iter()
        .collect();
    let next = next_link(
        context.shared,
        &collection_url,
        &listing,
        paging.size,
        page.more_after.as_deref(),
        &filters,
    );
    let data = page
        .items
        .iter()
        .map(|stored| ConnectionBody::new(stored, &context.urls, false))
        .collect();
    Reply::json(
        200,
        &ListBody::new(collection_url.clone(), next, page.total_size, data),
    )
}

fn create(context: &Context<'_>, body: &Bytes) -> Reply {
    let object = match validate::parse_object(body) {
        Ok(object) => object,
        Err(validate::Malformed(detail)) => return malformed(detail),
    };
    let policy = SecretPolicy {
        check_keys: context.shared.config.check_secret_keys,
    };
    let input = match validate::create(&object, policy) {
        Ok(input) => input,
        Err(found) => return problems(422, found),
    };
    let name = input.name;
    let new = NewStored {
        name: name.clone(),
        connection_type: input.connection_type,
        endpoint: input.endpoint,
        auth_kind: input.auth.kind,
        secret: input.auth.secret,
        phase: "ACTIVE".into(),
        detail: String::new(),
    };
    let result = context.shared.store().create(context.scope, new);
    match result {
        Ok(stored) => {
            Counters::bump(&context.shared.counters.creates_committed);
            let location = context.urls.item(&stored.name);
            Reply::json(201, &ConnectionBody::new(&stored, &context.urls, true))
                .header("location", location)
        }
        Err(AlreadyExists) => Reply::error(
            ErrorBody::new(409, "resource_already_exists", "Resource Already Exists")
                .detail(format!("the connection '{name}' already exists"))
                .pointer("/name"),
        )
        .header("location", context.urls.item(&name)),
    }
}

fn get(context: &Context<'_>, name: &str) -> Reply {
    let store = context.shared.store();
    match store.get(context.scope, name) {
        Some(stored) => Reply::json(200, &ConnectionBody::new(stored, &context.urls, true)),
        None => not_found(name),
    }
}

fn update(context: &Context<'_>, name: &str, body: &Bytes) -> Reply {
    let object = match validate::parse_object(body) {
        Ok(object) => object,
        Err(validate::Malformed(detail)) => return malformed(detail),
    };
    let input = match validate::update(&object, name) {
        Ok(input) => input,
        Err(found) => return problems(400, found),
    };
    let mut store = context.shared.store();
    let Some(current) = store.get(context.scope, name) else {
        return not_found(name);
    };
    if context.shared.config.check_secret_keys {
        if let Some(problem) = validate::secret_keys(&current.connection_type, &input.auth.secret) {
            return problems(400, vec![problem]);
        }
    }
    let change = Change {
        resource_version: input.resource_version,
        connection_type: input.connection_type,
        endpoint: input.endpoint,
        auth_kind: input.auth.kind,
        secret: input.auth.secret,
    };
    match store.update(context.scope, name, change) {
        Ok(_) => {
            Counters::bump(&context.shared.counters.updates_committed);
            Reply::empty(200)
        }
        Err(UpdateError::NotFound) => not_found(name),
        Err(UpdateError::Stale) => Reply::error(
            ErrorBody::new(400, "resource_version_mismatch", "Stale Resource Version")
                .detail(
                    "metadata.resource_version is not the current version of this connection; \
                     read it again and retry with its metadata.resource_version",
                )
                .pointer("/metadata/resource_version"),
        ),
        Err(UpdateError::ConnectionTypeChanged) => immutable("/spec/connection_type"),
        Err(UpdateError::EndpointChanged) => immutable("/spec/endpoint"),
    }
}

fn immutable(pointer: &str) -> Reply {
    Reply::error(
        ErrorBody::new(400, "immutable_field", "Immutable Field")
            .detail("only spec.auth_data can change; create a new connection instead")
            .pointer(pointer),
    )
}

fn delete(context: &Context<'_>, name: &str) -> Reply {
    let deleted = context.shared.store().delete(context.scope, name);
    if deleted {
        Counters::bump(&context.shared.counters.deletes_committed);
        Reply::empty(200)
    } else {
        not_found(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_recognised() {
        assert!(is_uuid("3fa85f64-5717-4562-b3fc-2c963f66afa6"));
        assert!(is_uuid("3FA85F64-5717-4562-B3FC-2C963F66AFA6"));
        assert!(!is_uuid("3fa85f645717-4562-b3fc-2c963f66afa6"));
        assert!(!is_uuid("org-123"));
        assert!(!is_uuid("3fa85f64-5717-4562-b3fc-2c963f66afag"));
    }

    #[test]
    fn rate_limited_replies_have_no_body_and_all_headers() {
        let reply = rate_limited(Some(7));
        assert_eq!(reply.status.as_u16(), 429);
        assert!(reply.body.is_empty());
        assert_eq!(reply.headers["retry-after"], "7");
        assert_eq!(reply.headers["x-ratelimit-reset"], "7");
        assert_eq!(reply.headers["x-ratelimit-remaining"], "0");
        assert!(reply.headers.contains_key("x-ratelimit-limit"));
        assert!(!rate_limited(None).headers.contains_key("retry-after"));
    }
}
