//! Every resource but Connections, served from one store of JSON documents driven by the
//! spec (`spec.rs`) and the routes of the generated operation table (`route.rs`), with the
//! few rules of single resources in `rules.rs`.
//!
//! What an operation does follows from its method and path: `GET` of a collection lists it,
//! `POST` creates in it, `GET`, `PUT`, `PATCH` and `DELETE` of an item read, update, patch
//! and delete it. Request bodies and parameters are checked against their schemas; answers
//! carry the status and members the spec declares for the operation's success, with the
//! read-only members (`api_version`, `kind`, `metadata`, `status`, ...) filled in.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use chrono::{SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::handlers::{self, first, invalid_parameter, Context};
use super::reply::Reply;
use super::route::{self, Routed, ENVIRONMENT, ORGANIZATION};
use super::rules;
use super::spec::{escape, Spec};
use super::sql::{self, Execution};
use super::store::Scope;
use super::token::Listing;
use super::validate::{self, Problem};
use super::wire::{encode_component, ErrorBody};

/// Where a document lives below its environment: each collection's name and the item's
/// name in it (`[("databases", "lkc-1"), ("materialized-tables", "orders")]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address(pub(crate) Vec<(String, String)>);

impl Address {
    /// The collection the document is in.
    fn collection(&self) -> &str {
        self.0
            .last()
            .map_or("", |(collection, _)| collection.as_str())
    }

    /// The path below the environment (`/databases/lkc-1/materialized-tables/orders`).
    fn path(&self) -> String {
        self.0
            .iter()
            .map(|(collection, name)| format!("/{collection}/{}", encode_component(name)))
            .collect()
    }

    fn starts_with(&self, prefix: &Address) -> bool {
        self.0.starts_with(&prefix.0)
    }

    fn encode(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    fn decode(text: &str) -> Option<Address> {
        serde_json::from_str(text).ok().map(Address)
    }
}

/// Names that are numbers sort as numbers (versions 2 before 10), others as text.
fn compare_names(a: &str, b: &str) -> Ordering {
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if numeric(a) && numeric(b) {
        let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    } else {
        a.cmp(b)
    }
}

impl Ord for Address {
    fn cmp(&self, other: &Self) -> Ordering {
        for ((ca, na), (cb, nb)) in self.0.iter().zip(&other.0) {
            let order = ca.cmp(cb).then_with(|| compare_names(na, nb));
            if order != Ordering::Equal {
                return order;
            }
        }
        self.0.len().cmp(&other.0.len())
    }
}

impl PartialOrd for Address {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One stored resource: the document answered for it, and how often it was read.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub(crate) body: Value,
    reads: u64,
    /// How it runs, for a statement (`sql.rs`).
    execution: Option<Execution>,
}

/// The documents of every (organization, environment).
#[derive(Debug, Default)]
pub(crate) struct Documents {
    by_scope: HashMap<Scope, BTreeMap<Address, Document>>,
}

/// One page of a listing.
struct Page {
    items: Vec<Value>,
    total_size: usize,
    more_after: Option<Address>,
}

impl Documents {
    fn get(&self, scope: &Scope, address: &Address) -> Option<&Document> {
        self.by_scope.get(scope)?.get(address)
    }

    fn get_mut(&mut self, scope: &Scope, address: &Address) -> Option<&mut Document> {
        self.by_scope.get_mut(scope)?.get_mut(address)
    }

    fn insert(&mut self, scope: &Scope, address: Address, body: Value) {
        self.by_scope.entry(scope.clone()).or_default().insert(
            address,
            Document {
                body,
                reads: 0,
                execution: None,
            },
        );
    }

    /// Removes the document and everything below it; `false` if there was none.
    fn remove(&mut self, scope: &Scope, address: &Address) -> bool {
        let Some(documents) = self.by_scope.get_mut(scope) else {
            return false;
        };
        let existed = documents.remove(address).is_some();
        if existed {
            documents.retain(|other, _| !other.starts_with(address));
        }
        existed
    }

    /// The names of the documents of `collection` in `scope`, in order.
    fn names_in(&self, scope: &Scope, collection: &str) -> Vec<String> {
        self.by_scope
            .get(scope)
            .into_iter()
            .flat_map(|documents| documents.keys())
            .filter(|address| address.collection() == collection)
            .filter_map(|address| address.0.last().map(|(_, name)| name.clone()))
            .collect()
    }

    /// The document at `path` below the environment (`statements/s1`), for tests.
    pub(crate) fn find(&self, scope: &Scope, path: &str) -> Option<Value> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        if !parts.len().is_multiple_of(2) {
            return None;
        }
        let address = Address(
            parts
                .chunks(2)
                .map(|pair| (pair[0].to_owned(), pair[1].to_owned()))
                .collect(),
        );
        self.get(scope, &address).map(|d| d.body.clone())
    }

    /// Up to `size` documents of `collection` below `ancestors` that pass `keep`, after
    /// `after`. Reading advances their phases (`rules::on_read`).
    fn page(
        &mut self,
        scope: &Scope,
        listed: &Listed<'_>,
        after: Option<&Address>,
        size: usize,
        keep: &dyn Fn(&Value) -> bool,
    ) -> Page {
        let Some(documents) = self.by_scope.get_mut(scope) else {
            return Page {
                items: Vec::new(),
                total_size: 0,
                more_after: None,
            };
        };
        let mut matching: Vec<(&Address, &mut Document)> = documents
            .iter_mut()
            .filter(|(address, document)| {
                address.collection() == listed.collection
                    && listed
                        .ancestors
                        .iter()
                        .all(|pair| address.0[..address.0.len() - 1].contains(pair))
                    && keep(&document.body)
            })
            .collect();
        let total_size = matching.len();
        if let Some(after) = after {
            matching.retain(|(address, _)| *address > after);
        }
        let more = matching.len() > size;
        matching.truncate(size);
        let more_after = more
            .then(|| matching.last().map(|(address, _)| (*address).clone()))
            .flatten();
        let items = matching
            .into_iter()
            .map(|(_, document)| read(document, listed.phases))
            .collect();
        Page {
            items,
            total_size,
            more_after,
        }
    }
}

/// What a listing lists.
struct Listed<'a> {
    collection: &'a str,
    ancestors: Vec<(String, String)>,
    phases: &'a [&'a str],
}

/// Reads a document: its phase may move on (`rules::on_read`).
fn read(document: &mut Document, phases: &[&str]) -> Value {
    document.reads += 1;
    match &document.execution {
        Some(execution) => rules::settle(&mut document.body, phases, execution),
        None => rules::on_read(&mut document.body, phases, document.reads),
    }
    document.body.clone()
}

/// Handles an operation of any resource but Connections.
pub(crate) fn handle(
    context: &Context<'_>,
    routed: &Routed,
    query: &[(String, String)],
    body: &Bytes,
) -> Reply {
    let spec = Spec::get();
    if let Err(reply) = check_parameters(spec, routed, query) {
        return *reply;
    }
    let Some((collection, item)) = routed.chain.last() else {
        return not_implemented(routed);
    };
    let ancestors: Vec<(String, String)> = routed.chain[..routed.chain.len() - 1]
        .iter()
        .filter_map(|(c, name)| Some(((*c).to_owned(), name.clone()?)))
        .collect();
    if let Err(reply) = parents_exist(context, &ancestors) {
        return *reply;
    }
    let request = Request {
        context,
        routed,
        spec,
        collection,
        ancestors,
    };
    match (routed.method, item) {
        ("GET", None) => match rules::view(collection) {
            Some(view) => view_answer(&request, view, query),
            None => list(&request, query),
        },
        ("POST", None) => create(&request, body),
        ("GET", Some(name)) => get(&request, name),
        ("PUT", Some(name)) => update(&request, name, body),
        ("PATCH", Some(name)) => patch(&request, name, body),
        ("DELETE", Some(name)) => delete(&request, name),
        _ => not_implemented(routed),
    }
}

/// One request to a resource.
struct Request<'a> {
    context: &'a Context<'a>,
    routed: &'a Routed,
    spec: &'a Spec,
    collection: &'a str,
    ancestors: Vec<(String, String)>,
}

impl Request<'_> {
    fn id(&self) -> &'static str {
        self.routed.operation_id
    }

    fn address(&self, name: &str) -> Address {
        let mut pairs = self.ancestors.clone();
        pairs.push((self.collection.to_owned(), name.to_owned()));
        Address(pairs)
    }

    fn url(&self, address: &Address) -> String {
        format!("{}{}", self.context.urls.environment(), address.path())
    }

    /// The URL of the collection as requested.
    fn collection_url(&self) -> String {
        let mut url = self.context.urls.environment();
        for (collection, name) in &self.ancestors {
            url.push_str(&format!("/{collection}/{}", encode_component(name)));
        }
        url.push('/');
        url.push_str(self.collection);
        url
    }

    /// The status for a body the schema refuses: 422 where the operation declares it.
    fn invalid_status(&self) -> u16 {
        if self.spec.declares(self.id(), 422) {
            422
        } else {
            400
        }
    }

    /// The schema of this collection's items, as their reads answer them.
    fn item_schema(&self) -> Option<&'static Value> {
        item_schemas(self.collection).into_iter().next()
    }

    /// The phases the spec lists for this collection's items.
    fn phases(&self) -> Vec<&'static str> {
        let spec = Spec::get();
        self.item_schema()
            .and_then(|schema| spec.property(schema, "status"))
            .map(|status| spec.values(status, "phase"))
            .unwrap_or_default()
    }

    fn not_found(&self, name: &str) -> Reply {
        not_found(self.collection, name)
    }

    fn success(&self, body: Option<&Value>) -> Reply {
        let Some(success) = self.spec.success(self.id()) else {
            return Reply::empty(200);
        };
        match (success.schema, body) {
            (Some(_), Some(body)) => Reply::json(success.status, body),
            _ => Reply::empty(success.status),
        }
    }
}

fn not_found(collection: &str, name: &str) -> Reply {
    Reply::error(
        ErrorBody::new(404, "not_found", "Not Found").detail(format!(
            "the {} '{name}' was not found",
            singular(collection)
        )),
    )
}

fn not_implemented(routed: &Routed) -> Reply {
    Reply::error(
        ErrorBody::new(501, "not_implemented", "Not Implemented").detail(format!(
            "the fake does not know what {} does",
            routed.operation_id
        )),
    )
}

/// `materialized-tables` -> `materialized table`, for messages.
fn singular(collection: &str) -> String {
    let words = collection.replace(['-', '_'], " ");
    words.strip_suffix('s').unwrap_or(&words).to_owned()
}

/// The schemas of the answers that carry one item of `collection`: the item read's first,
/// then create, update and patch, then the items of its list.
fn item_schemas(collection: &str) -> Vec<&'static Value> {
    let spec = Spec::get();
    let mut out = Vec::new();
    let mut lists = Vec::new();
    for method in ["GET", "POST", "PUT", "PATCH"] {
        for template in route::table().iter().filter(|t| t.method == method) {
            let chain = template.chain();
            let Some((last, item)) = chain.last() else {
                continue;
            };
            if *last != collection {
                continue;
            }
            let Some(schema) = spec.success(template.operation_id).and_then(|s| s.schema) else {
                continue;
            };
            match (method, item) {
                ("GET", None) => {
                    if let Some(items) = spec
                        .property(schema, "data")
                        .and_then(|data| spec.resolve(data).get("items"))
                    {
                        lists.push(items);
                    }
                }
                ("POST", None) | (_, Some(_)) => out.push(schema),
                _ => {}
            }
        }
    }
    out.extend(lists);
    out
}

/// Whether some operation creates items of `collection`, or a rule keeps them.
fn is_stored(collection: &str) -> bool {
    rules::is_history(collection)
        || route::table().iter().any(|t| {
            t.method == "POST"
                && t.chain()
                    .last()
                    .is_some_and(|(c, item)| *c == collection && item.is_none())
        })
}

/// 404 when an item the path goes through (a statement of its results, a table of its
/// versions) does not exist.
fn parents_exist(context: &Context<'_>, ancestors: &[(String, String)]) -> Result<(), Box<Reply>> {
    let store = context.shared.store();
    for end in 1..=ancestors.len() {
        let (collection, name) = &ancestors[end - 1];
        if !is_stored(collection) {
            continue;
        }
        let address = Address(ancestors[..end].to_vec());
        if store.documents.get(context.scope, &address).is_none() {
            return Err(Box::new(not_found(collection, name)));
        }
    }
    Ok(())
}

/// Checks the path and query parameters the operation declares (but the organization,
/// environment and paging, checked elsewhere) against their schemas: 400 naming the first
/// one at fault.
fn check_parameters(
    spec: &Spec,
    routed: &Routed,
    query: &[(String, String)],
) -> Result<(), Box<Reply>> {
    for parameter in spec.parameters(routed.operation_id) {
        let Some(name) = parameter.get("name").and_then(Value::as_str) else {
            continue;
        };
        if [ORGANIZATION, ENVIRONMENT, "page_size", "page_token"].contains(&name) {
            continue;
        }
        let value = match parameter.get("in").and_then(Value::as_str) {
            Some("path") => routed.parameter(name),
            Some("query") => first(query, name),
            _ => continue,
        };
        let Some(text) = value else {
            if parameter.get("required") == Some(&Value::Bool(true)) {
                return Err(Box::new(Reply::error(invalid_parameter(
                    name,
                    format!("{name} is required"),
                ))));
            }
            continue;
        };
        let Some(schema) = parameter.get("schema") else {
            continue;
        };
        let typed = match spec.resolve(schema).get("type").and_then(Value::as_str) {
            Some("integer") => match text.trim().parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    return Err(Box::new(Reply::error(invalid_parameter(
                        name,
                        format!("{name} must be an integer"),
                    ))))
                }
            },
            Some("boolean") => match text {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => {
                    return Err(Box::new(Reply::error(invalid_parameter(
                        name,
                        format!("{name} must be true or false"),
                    ))))
                }
            },
            _ => Value::from(text),
        };
        if let Some(problem) = spec.validate(schema, &typed, "").into_iter().next() {
            return Err(Box::new(Reply::error(invalid_parameter(
                name,
                format!("{name} {}", problem.detail),
            ))));
        }
    }
    Ok(())
}

fn list(request: &Request<'_>, query: &[(String, String)]) -> Reply {
    let context = request.context;
    let spec = request.spec;
    // Filters: the declared query parameters that name a member (`spec.compute_pool_id`),
    // and `label_selector` (rules.rs).
    let mut filters: Vec<(&str, &str)> = Vec::new();
    for parameter in spec.parameters(request.id()) {
        let Some(name) = parameter.get("name").and_then(Value::as_str) else {
            continue;
        };
        if parameter.get("in").and_then(Value::as_str) != Some("query")
            || ["page_size", "page_token"].contains(&name)
        {
            continue;
        }
        if let Some(value) = first(query, name).filter(|v| !v.is_empty()) {
            filters.push((name, value));
        }
    }
    let filter_text = (!filters.is_empty()).then(|| {
        filters
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("&")
    });
    let collection_path = request
        .collection_url()
        .trim_start_matches(&context.urls.environment())
        .to_owned();
    let listing = Listing {
        organization_id: &context.scope.organization_id,
        environment_id: &context.scope.environment_id,
        collection: &collection_path,
        filter: filter_text.as_deref(),
    };
    let paging = match handlers::paging(context.shared, query, &listing) {
        Ok(paging) => paging,
        Err(reply) => return *reply,
    };
    let after = match paging.after.as_deref().map(Address::decode) {
        None => None,
        Some(Some(address)) => Some(address),
        Some(None) => {
            return Reply::error(invalid_parameter(
                "page_token",
                "page_token is not valid for this listing",
            ))
        }
    };
    let keep = |body: &Value| {
        filters.iter().all(|(name, value)| {
            if let Some(selector) = rules::label_selector(name) {
                return selector(body, value);
            }
            let pointer: String = name.split('.').map(|p| format!("/{}", escape(p))).collect();
            body.pointer(&pointer).and_then(Value::as_str) == Some(value)
        })
    };
    let phases = request.phases();
    let listed = Listed {
        collection: request.collection,
        ancestors: request.ancestors.clone(),
        phases: &phases,
    };
    let page = context.shared.store().documents.page(
        context.scope,
        &listed,
        after.as_ref(),
        paging.size,
        &keep,
    );
    let self_url = request.collection_url();
    let more_after = page.more_after.as_ref().map(Address::encode);
    let next = handlers::next_link(
        context.shared,
        &self_url,
        &listing,
        paging.size,
        more_after.as_deref(),
        &filters,
    );
    let schema = spec.success(request.id()).and_then(|s| s.schema);
    let mut metadata = Map::new();
    metadata.insert("self".into(), Value::from(self_url));
    let meta_schema = schema.and_then(|s| spec.property(s, "metadata"));
    let declares = |member: &str| meta_schema.is_none_or(|m| spec.property(m, member).is_some());
    if declares("next") {
        if let Some(next) = next {
            metadata.insert("next".into(), next.map_or(Value::Null, Value::from));
        }
    }
    if declares("total_size") {
        metadata.insert("total_size".into(), Value::from(page.total_size));
    }
    let mut answer = Map::new();
    if let Some(schema) = schema {
        constants(spec, schema, &mut answer);
    }
    answer.insert("metadata".into(), Value::Object(metadata));
    answer.insert("data".into(), Value::Array(page.items));
    Reply::json(
        request.spec.success(request.id()).map_or(200, |s| s.status),
        &Value::Object(answer),
    )
}

/// `api_version` and `kind` of `schema`, from their one-value enums.
fn constants(spec: &Spec, schema: &Value, into: &mut Map<String, Value>) {
    for member in ["api_version", "kind"] {
        if let Some(value) = spec.constant(schema, member) {
            into.insert(member.into(), Value::from(value));
        }
    }
}

fn view_answer(request: &Request<'_>, view: rules::View, query: &[(String, String)]) -> Reply {
    let spec = request.spec;
    let context = request.context;
    // The execution of the statement the view is of; its pages are `p1`, `p2`, ...
    let execution = context
        .shared
        .store()
        .documents
        .get(context.scope, &Address(request.ancestors.clone()))
        .and_then(|d| d.execution.clone());
    let index = match first(query, "page_token").filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => match token
            .strip_prefix('p')
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) if execution.is_some() => n,
            _ => {
                return Reply::error(
                    ErrorBody::new(400, "invalid_page_token", "Invalid Page Token")
                        .detail("page_token was not issued by this server for this listing")
                        .parameter("page_token"),
                )
            }
        },
    };
    let (data, next) = match &execution {
        Some(execution) => execution.page(index),
        None => (Vec::new(), None),
    };
    let mut answer = Map::new();
    if let Some(schema) = spec.success(request.id()).and_then(|s| s.schema) {
        constants(spec, schema, &mut answer);
    }
    let mut metadata = Map::new();
    metadata.insert("self".into(), Value::from(request.collection_url()));
    if let Some(next) = next {
        metadata.insert(
            "next".into(),
            Value::from(format!("{}?page_token=p{next}", request.collection_url())),
        );
    }
    answer.insert("metadata".into(), Value::Object(metadata));
    view.fill(&mut answer, data);
    Reply::json(
        spec.success(request.id()).map_or(200, |s| s.status),
        &Value::Object(answer),
    )
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a body that must be a JSON object (400 with `source.pointer = ""` otherwise).
fn object(body: &Bytes) -> Result<Map<String, Value>, Box<Reply>> {
    validate::parse_object(body)
        .map_err(|validate::Malformed(detail)| Box::new(handlers::malformed(detail)))
}

/// Checks a create or update body: its schema, `name` as in the path, and the members of
/// `spec` named like a path parameter (`kafka_cluster_id`) equal to it.
fn check_body(
    request: &Request<'_>,
    body: &Map<String, Value>,
    path_name: Option<&str>,
) -> Vec<Problem> {
    let spec = request.spec;
    let value = Value::Object(body.clone());
    let mut problems = match spec.request_schema(request.id()) {
        Some(schema) => spec.validate(schema, &value, ""),
        None => Vec::new(),
    };
    match (path_name, body.get("name")) {
        (Some(path_name), Some(Value::String(name))) if name != path_name => {
            problems.push(Problem {
                pointer: "/name".into(),
                detail: "must be the name in the request path (names are immutable)".into(),
            })
        }
        (None, None) if !problems.iter().any(|p| p.pointer == "/name") => problems.push(Problem {
            pointer: "/name".into(),
            detail: "is required".into(),
        }),
        _ => {}
    }
    if let Some(Value::Object(given)) = body.get("spec") {
        for (parameter, value) in &request.routed.parameters {
            if [ORGANIZATION, ENVIRONMENT].contains(parameter) {
                continue;
            }
            if let Some(member) = given.get(*parameter) {
                if member.as_str() != Some(value.as_str()) {
                    problems.push(Problem {
                        pointer: format!("/spec/{}", escape(parameter)),
                        detail: format!("must be the {parameter} of the request path"),
                    });
                }
            }
        }
    }
    problems
}

/// The members of `value` that `schema` does not mark read-only (at every depth of objects).
fn without_read_only(spec: &Spec, schema: Option<&Value>, value: &Value) -> Value {
    let (Some(schema), Value::Object(members)) = (schema, value) else {
        return value.clone();
    };
    let mut out = Map::new();
    for (name, member) in members {
        let member_schema = spec.property(schema, name);
        if member_schema.is_some_and(|s| spec.is_read_only(s)) {
            continue;
        }
        out.insert(name.clone(), without_read_only(spec, member_schema, member));
    }
    Value::Object(out)
}

/// Adds what `schema` requires and `value` lacks, at every depth of objects and through
/// every member of an `allOf` (whose overlays often require more): the first value of an
/// enum, else an empty value of the declared type; a member no schema declares gets the
/// resource's name if its own name ends in `name` (`spec.statement_name`), else `""`.
fn fill_required(spec: &Spec, schema: &Value, value: &mut Value, name: &str, depth: usize) {
    if depth > 32 {
        return;
    }
    let schema = spec.resolve(schema);
    for member in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        fill_required(spec, member, value, name, depth + 1);
    }
    let Value::Object(members) = value else {
        return;
    };
    for required in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !members.contains_key(required) {
            let member_schema = schema.get("properties").and_then(|p| p.get(required));
            members.insert(
                required.to_owned(),
                synthesize(spec, member_schema, required, name),
            );
        }
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (member, member_schema) in properties {
            if let Some(inner) = members.get_mut(member) {
                fill_required(spec, member_schema, inner, name, depth + 1);
            }
        }
    }
}

fn synthesize(spec: &Spec, schema: Option<&Value>, member: &str, name: &str) -> Value {
    let named = || {
        if member.ends_with("name") {
            Value::from(name)
        } else {
            Value::from("")
        }
    };
    let Some(schema) = schema.map(|s| spec.resolve(s)) else {
        return named();
    };
    if let Some(first) = ["enum", "x-extensible-enum"].iter().find_map(|k| {
        schema
            .get(*k)
            .and_then(Value::as_array)
            .and_then(|v| v.first())
    }) {
        return first.clone();
    }
    let declared_type = schema.get("type").and_then(Value::as_str).or_else(|| {
        (schema.get("properties").is_some() || schema.get("allOf").is_some()).then_some("object")
    });
    match declared_type {
        Some("integer" | "number") => schema.get("minimum").cloned().unwrap_or(Value::from(0)),
        Some("boolean") => Value::Bool(false),
        Some("array") => Value::Array(Vec::new()),
        Some("object") => Value::Object(Map::new()),
        _ => named(),
    }
}

fn create(request: &Request<'_>, body: &Bytes) -> Reply {
    let context = request.context;
    let spec = request.spec;
    let body = match object(body) {
        Ok(body) => body,
        Err(reply) => return *reply,
    };
    let problems = check_body(request, &body, None);
    if !problems.is_empty() {
        return handlers::problems(request.invalid_status(), problems);
    }
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let address = request.address(&name);
    let location = request.url(&address);
    let mut store = context.shared.store();
    if store.documents.get(context.scope, &address).is_some() {
        return Reply::error(
            ErrorBody::new(409, "resource_already_exists", "Resource Already Exists")
                .detail(format!(
                    "the {} '{name}' already exists",
                    singular(request.collection)
                ))
                .pointer("/name"),
        )
        .header("location", location);
    }
    let schemas = item_schemas(request.collection);
    let Some(schema) = schemas.first().copied() else {
        return not_implemented(request.routed);
    };
    let version = store.next_version();
    let created = now();
    let mut metadata = Map::new();
    metadata.insert("self".into(), Value::from(location.clone()));
    metadata.insert("uid".into(), Value::from(uuid::Uuid::new_v4().to_string()));
    metadata.insert("created_at".into(), Value::from(created.clone()));
    metadata.insert("updated_at".into(), Value::from(created));
    metadata.insert("resource_version".into(), Value::from(version));
    let meta_schema = spec.property(schema, "metadata");
    if meta_schema.is_some_and(|m| spec.property(m, "resource_name").is_some()) {
        metadata.insert(
            "resource_name".into(),
            Value::from(resource_name(context, &address)),
        );
    }
    if let Some(labels @ Value::Object(_)) = body.get("metadata").and_then(|m| m.get("labels")) {
        metadata.insert("labels".into(), labels.clone());
    }
    let mut document = Map::new();
    constants(spec, schema, &mut document);
    document.insert("metadata".into(), Value::Object(metadata));
    document.insert("name".into(), Value::from(name.clone()));
    for (member, value) in [
        (ORGANIZATION, &context.scope.organization_id),
        (ENVIRONMENT, &context.scope.environment_id),
    ] {
        if names_member(spec, &schemas, member) {
            document.insert(member.into(), Value::from(value.as_str()));
        }
    }
    let spec_schema = spec.property(schema, "spec");
    let mut given = without_read_only(
        spec,
        spec_schema,
        body.get("spec").unwrap_or(&Value::Object(Map::new())),
    );
    // Path parameters the spec also holds (`kafka_cluster_id`) are filled in from the path.
    if let (Value::Object(members), Some(spec_schema)) = (&mut given, spec_schema) {
        for (parameter, value) in &request.routed.parameters {
            if ![ORGANIZATION, ENVIRONMENT].contains(parameter)
                && spec.property(spec_schema, parameter).is_some()
            {
                members
                    .entry(parameter.to_string())
                    .or_insert_with(|| Value::from(value.as_str()));
            }
        }
    }
    document.insert("spec".into(), given);
    let phases = request.phases();
    if let Some(status_schema) = spec.property(schema, "status") {
        let mut status = Map::new();
        if let Some(first) = spec.values(status_schema, "phase").first() {
            status.insert("phase".into(), Value::from(*first));
        }
        document.insert("status".into(), Value::Object(status));
    }
    let mut document = Value::Object(document);
    rules::after_write(&mut document, &phases);
    let execution = execution_of(request, &store, &document, &phases);
    if let (Some(execution), Some(status_schema)) = (&execution, spec.property(schema, "status")) {
        if spec.property(status_schema, "traits").is_some() {
            if let Some(Value::Object(status)) = document.get_mut("status") {
                status.insert("traits".into(), execution.traits());
            }
        }
    }
    for schema in &schemas {
        fill_required(spec, schema, &mut document, &name, 0);
    }
    store
        .documents
        .insert(context.scope, address.clone(), document.clone());
    if let Some(execution) = execution {
        add_exceptions(request, &mut store, &address, &execution);
        if let Some(stored) = store.documents.get_mut(context.scope, &address) {
            stored.execution = Some(execution);
        }
    }
    record_history(request, &mut store, &address);
    let document = store
        .documents
        .get(context.scope, &address)
        .map_or(document, |d| d.body.clone());
    drop(store);
    request
        .success(Some(&document))
        .header("location", location)
}

/// How a new item runs, when it is a statement (`spec.statement`, with phases that
/// move): as a test scripted it, or as the fake runs it (`sql.rs`).
fn execution_of(
    request: &Request<'_>,
    store: &super::store::Store,
    document: &Value,
    phases: &[&str],
) -> Option<Execution> {
    if !rules::moves(phases) {
        return None;
    }
    let sql = document.pointer("/spec/statement")?.as_str()?;
    let key = sql::normalized(sql);
    if let Some((_, script)) = store.scripts.iter().rev().find(|(s, _)| *s == key) {
        return Some(Execution {
            script: script.clone(),
            sql_kind: key
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase(),
        });
    }
    let scope = request.context.scope;
    let held = sql::Held {
        tables: store.documents.names_in(scope, "materialized-tables"),
        connections: store.names(scope),
    };
    Some(sql::interpret(sql, &held))
}

/// Stores the exceptions of a statement that will fail, newest first, as the
/// documents its `exceptions` listing answers.
fn add_exceptions(
    request: &Request<'_>,
    store: &mut super::store::Store,
    address: &Address,
    execution: &Execution,
) {
    let spec = request.spec;
    let schemas = item_schemas("exceptions");
    let timestamp = now();
    for (i, (name, message)) in execution.exceptions().iter().enumerate() {
        let mut pairs = address.0.clone();
        pairs.push(("exceptions".to_owned(), format!("{}", i + 1)));
        let mut entry = Map::new();
        if let Some(schema) = schemas.first() {
            constants(spec, schema, &mut entry);
        }
        entry.insert("name".into(), Value::from(name.as_str()));
        entry.insert("message".into(), Value::from(message.as_str()));
        entry.insert("timestamp".into(), Value::from(timestamp.as_str()));
        store
            .documents
            .insert(request.context.scope, Address(pairs), Value::Object(entry));
    }
}

/// Whether one of `schemas` declares or requires `member`.
fn names_member(spec: &Spec, schemas: &[&Value], member: &str) -> bool {
    schemas
        .iter()
        .any(|s| spec.property(s, member).is_some() || spec.required(s).contains(&member))
}

fn resource_name(context: &Context<'_>, address: &Address) -> String {
    let mut name = format!(
        "crn://confluent.cloud/organization={}/environment={}",
        encode_component(&context.scope.organization_id),
        encode_component(&context.scope.environment_id)
    );
    for (collection, item) in &address.0 {
        name.push_str(&format!("/{collection}={}", encode_component(item)));
    }
    name
}

/// Adds an entry to the item's history collection, if a rule keeps one (`rules::history`).
fn record_history(request: &Request<'_>, store: &mut super::store::Store, address: &Address) {
    let Some(history) = rules::history(request.collection) else {
        return;
    };
    let spec = request.spec;
    let scope = request.context.scope;
    let Some(schema) = item_schemas(history).first().copied() else {
        return;
    };
    let version = store.next_version();
    let Some(item) = store.documents.get_mut(scope, address) else {
        return;
    };
    let number = rules::next_history_number(&mut item.body);
    let entry_name = format!(
        "{}-v{number}",
        address.0.last().map_or("", |(_, n)| n.as_str())
    );
    let mut entry_address = address.clone();
    entry_address
        .0
        .push((history.to_owned(), number.to_string()));
    let now = now();
    let mut entry = Map::new();
    constants(spec, schema, &mut entry);
    entry.insert(
        "metadata".into(),
        json!({
            "self": request.url(&entry_address),
            "uid": uuid::Uuid::new_v4().to_string(),
            "created_at": now,
            "updated_at": now,
            "resource_version": version,
        }),
    );
    entry.insert("name".into(), Value::from(entry_name.clone()));
    for (member, value) in [
        (ORGANIZATION, &scope.organization_id),
        (ENVIRONMENT, &scope.environment_id),
    ] {
        if names_member(spec, &item_schemas(history), member) {
            entry.insert(member.into(), Value::from(value.as_str()));
        }
    }
    entry.insert("spec".into(), rules::history_spec(&item.body, number));
    let mut entry = Value::Object(entry);
    for schema in item_schemas(history) {
        fill_required(spec, schema, &mut entry, &entry_name, 0);
    }
    store.documents.insert(scope, entry_address, entry);
}

fn get(request: &Request<'_>, name: &str) -> Reply {
    let context = request.context;
    let phases = request.phases();
    let mut store = context.shared.store();
    match store
        .documents
        .get_mut(context.scope, &request.address(name))
    {
        Some(document) => {
            let body = read(document, &phases);
            drop(store);
            request.success(Some(&body))
        }
        None => request.not_found(name),
    }
}

fn delete(request: &Request<'_>, name: &str) -> Reply {
    let context = request.context;
    let removed = context
        .shared
        .store()
        .documents
        .remove(context.scope, &request.address(name));
    if removed {
        request.success(None)
    } else {
        request.not_found(name)
    }
}

/// A stale `metadata.resource_version`: 409 where the operation declares it, else 400.
fn stale(request: &Request<'_>) -> Reply {
    let status = if request.spec.declares(request.id(), 409) {
        409
    } else {
        400
    };
    Reply::error(
        ErrorBody::new(
            status,
            "resource_version_mismatch",
            "Stale Resource Version",
        )
        .detail(format!(
            "metadata.resource_version is not the current version of this {}; read it \
                 again and retry with its metadata.resource_version",
            singular(request.collection)
        ))
        .pointer("/metadata/resource_version"),
    )
}

/// The members of the new `spec` marked `x-immutable` that differ from the stored ones.
fn immutable_changes(spec: &Spec, schema: &Value, old: &Value, new: &Value) -> Vec<Problem> {
    let Some(spec_schema) = spec.property(schema, "spec") else {
        return Vec::new();
    };
    let (Some(old), Some(new)) = (old.get("spec"), new.get("spec").and_then(Value::as_object))
    else {
        return Vec::new();
    };
    new.iter()
        .filter(|(member, value)| {
            spec.property(spec_schema, member)
                .is_some_and(|s| spec.is_immutable(s))
                && old
                    .get(member.as_str())
                    .is_some_and(|before| before != *value)
        })
        .map(|(member, _)| Problem {
            pointer: format!("/spec/{}", escape(member)),
            detail: "cannot change (x-immutable); create a new resource instead".into(),
        })
        .collect()
}

/// Commits a changed document: new `resource_version` and `updated_at`, rules, the
/// members answers require, and history.
fn commit(
    request: &Request<'_>,
    store: &mut super::store::Store,
    address: &Address,
    mut body: Value,
    name: &str,
) -> Value {
    let version = store.next_version();
    if let Some(Value::Object(metadata)) = body.get_mut("metadata") {
        metadata.insert("resource_version".into(), Value::from(version));
        metadata.insert("updated_at".into(), Value::from(now()));
    }
    rules::after_write(&mut body, &request.phases());
    for schema in item_schemas(request.collection) {
        fill_required(request.spec, schema, &mut body, name, 0);
    }
    if let Some(document) = store.documents.get_mut(request.context.scope, address) {
        document.body = body.clone();
    }
    record_history(request, store, address);
    store
        .documents
        .get(request.context.scope, address)
        .map_or(body, |d| d.body.clone())
}

fn update(request: &Request<'_>, name: &str, body: &Bytes) -> Reply {
    let context = request.context;
    let spec = request.spec;
    let body = match object(body) {
        Ok(body) => body,
        Err(reply) => return *reply,
    };
    let problems = check_body(request, &body, Some(name));
    if !problems.is_empty() {
        return handlers::problems(request.invalid_status(), problems);
    }
    let address = request.address(name);
    let mut store = context.shared.store();
    let Some(current) = store
        .documents
        .get(context.scope, &address)
        .map(|d| d.body.clone())
    else {
        return request.not_found(name);
    };
    let given_version = body
        .get("metadata")
        .and_then(|m| m.get("resource_version"))
        .and_then(Value::as_str);
    let current_version = current
        .pointer("/metadata/resource_version")
        .and_then(Value::as_str);
    if given_version.is_some_and(|given| Some(given) != current_version) {
        return stale(request);
    }
    let Some(schema) = request.item_schema() else {
        return not_implemented(request.routed);
    };
    let body = Value::Object(body);
    let problems = immutable_changes(spec, schema, &current, &body);
    if !problems.is_empty() {
        return handlers::problems(request.invalid_status(), problems);
    }
    let mut updated = current.clone();
    let given = without_read_only(spec, spec.property(schema, "spec"), &body["spec"]);
    if let (Some(Value::Object(members)), Value::Object(given)) = (updated.get_mut("spec"), given) {
        members.extend(given);
    }
    if let Some(labels @ Value::Object(_)) = body.get("metadata").and_then(|m| m.get("labels")) {
        if let Some(Value::Object(metadata)) = updated.get_mut("metadata") {
            metadata.insert("labels".into(), labels.clone());
        }
    }
    let answer = commit(request, &mut store, &address, updated, name);
    drop(store);
    request.success(Some(&answer))
}

fn patch(request: &Request<'_>, name: &str, body: &Bytes) -> Reply {
    let context = request.context;
    let spec = request.spec;
    let mut operations: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            return handlers::malformed(format!(
                "the request body is not valid JSON (line {}, column {})",
                error.line(),
                error.column()
            ))
        }
    };
    // RFC 6902 spells the operations in lower case, the spec in upper case: both are taken.
    if let Value::Array(items) = &mut operations {
        for item in items {
            if let Some(Value::String(op)) = item.get_mut("op") {
                *op = op.to_ascii_uppercase();
            }
        }
    }
    if let Some(schema) = spec.request_schema(request.id()) {
        let problems = spec.validate(schema, &operations, "");
        if !problems.is_empty() {
            return handlers::problems(request.invalid_status(), problems);
        }
    }
    let Value::Array(operations) = operations else {
        return handlers::malformed("the request body must be a JSON array of operations".into());
    };
    let address = request.address(name);
    let mut store = context.shared.store();
    let Some(current) = store
        .documents
        .get(context.scope, &address)
        .map(|d| d.body.clone())
    else {
        return request.not_found(name);
    };
    let Some(schema) = request.item_schema() else {
        return not_implemented(request.routed);
    };
    let mut patched = current.clone();
    for (i, operation) in operations.iter().enumerate() {
        if let Err(failure) = apply(spec, schema, &mut patched, operation) {
            let status = match failure.kind {
                PatchFailure::TestFailed if spec.declares(request.id(), 409) => 409,
                _ => request.invalid_status(),
            };
            let code = match failure.kind {
                PatchFailure::TestFailed => "patch_test_failed",
                PatchFailure::Refused => "invalid_patch",
            };
            return Reply::error(
                ErrorBody::new(status, code, "Invalid Patch")
                    .detail(failure.detail)
                    .pointer(format!("/{i}/{}", failure.member)),
            );
        }
    }
    if let (Some(spec_schema), Some(new_spec)) =
        (spec.property(schema, "spec"), patched.get("spec"))
    {
        let problems = spec.validate(spec_schema, new_spec, "/spec");
        if !problems.is_empty() {
            return handlers::problems(request.invalid_status(), problems);
        }
    }
    let answer = commit(request, &mut store, &address, patched, name);
    drop(store);
    request.success(Some(&answer))
}

#[derive(Debug, PartialEq, Eq)]
enum PatchFailure {
    TestFailed,
    Refused,
}

#[derive(Debug)]
struct Failed {
    kind: PatchFailure,
    /// The member of the operation at fault (`path`, `from`, `value`).
    member: &'static str,
    detail: String,
}

fn refused(member: &'static str, detail: impl Into<String>) -> Failed {
    Failed {
        kind: PatchFailure::Refused,
        member,
        detail: detail.into(),
    }
}

/// Whether a patch may touch `pointer`: `/spec` (but its read-only and immutable members)
/// and `/metadata/labels`.
fn patchable(spec: &Spec, schema: &Value, pointer: &str) -> Result<(), String> {
    if pointer == "/metadata/labels" || pointer.starts_with("/metadata/labels/") {
        return Ok(());
    }
    let Some(rest) = pointer.strip_prefix("/spec/") else {
        return Err("only members of /spec and /metadata/labels can be patched".into());
    };
    let member = unescape(rest.split('/').next().unwrap_or_default());
    let spec_schema = spec.property(schema, "spec");
    match spec_schema.and_then(|s| spec.property(s, &member)) {
        Some(s) if spec.is_read_only(s) => Err(format!("spec.{member} is read-only")),
        Some(s) if spec.is_immutable(s) => {
            Err(format!("spec.{member} cannot change (x-immutable)"))
        }
        _ => Ok(()),
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Applies one JSON Patch operation (RFC 6902) to `document`.
fn apply(
    spec: &Spec,
    schema: &Value,
    document: &mut Value,
    operation: &Value,
) -> Result<(), Failed> {
    let op = operation
        .get("op")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let path = operation
        .get("path")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if op != "TEST" {
        patchable(spec, schema, path).map_err(|detail| refused("path", detail))?;
    }
    match op {
        "ADD" => add(document, path, operation["value"].clone()).map_err(|d| refused("path", d)),
        "REPLACE" => {
            // A member of an object that is not there yet is added (`/spec/stopped` of a
            // statement created without it); an array index must exist.
            let parent_is_object = split_pointer(path)
                .ok()
                .and_then(|(parent, _)| document.pointer(parent))
                .is_some_and(Value::is_object);
            if !parent_is_object || document.pointer(path).is_some() {
                remove(document, path).map_err(|d| refused("path", d))?;
            }
            add(document, path, operation["value"].clone()).map_err(|d| refused("path", d))
        }
        "REMOVE" => remove(document, path)
            .map(|_| ())
            .map_err(|d| refused("path", d)),
        "TEST" => match document.pointer(path) {
            Some(value) if *value == operation["value"] => Ok(()),
            _ => Err(Failed {
                kind: PatchFailure::TestFailed,
                member: "value",
                detail: format!("the value at {path} is not the one tested"),
            }),
        },
        "MOVE" | "COPY" => {
            let from = operation
                .get("from")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let value = document
                .pointer(from)
                .cloned()
                .ok_or_else(|| refused("from", format!("nothing at {from}")))?;
            if op == "MOVE" {
                patchable(spec, schema, from).map_err(|detail| refused("from", detail))?;
                remove(document, from).map_err(|d| refused("from", d))?;
            }
            add(document, path, value).map_err(|d| refused("path", d))
        }
        other => Err(refused("op", format!("unknown operation {other}"))),
    }
}

fn split_pointer(pointer: &str) -> Result<(&str, String), String> {
    match pointer.rfind('/') {
        Some(at) => Ok((&pointer[..at], unescape(&pointer[at + 1..]))),
        None => Err(format!("{pointer:?} is not a JSON pointer")),
    }
}

fn add(document: &mut Value, pointer: &str, value: Value) -> Result<(), String> {
    let (parent, last) = split_pointer(pointer)?;
    match document.pointer_mut(parent) {
        Some(Value::Object(members)) => {
            members.insert(last, value);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let index = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= items.len())
                    .ok_or_else(|| format!("{pointer}: no such index"))?
            };
            items.insert(index, value);
            Ok(())
        }
        _ => Err(format!("{parent} does not exist")),
    }
}

fn remove(document: &mut Value, pointer: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(pointer)?;
    let removed = match document.pointer_mut(parent) {
        Some(Value::Object(members)) => members.remove(&last),
        Some(Value::Array(items)) => last
            .parse::<usize>()
            .ok()
            .filter(|i| *i < items.len())
            .map(|i| items.remove(i)),
        _ => None,
    };
    removed.ok_or_else(|| format!("{pointer} does not exist"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(pairs: &[(&str, &str)]) -> Address {
        Address(
            pairs
                .iter()
                .map(|(c, n)| ((*c).to_owned(), (*n).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn addresses_sort_numbers_as_numbers_and_round_trip() {
        let two = address(&[("t", "a"), ("versions", "2")]);
        let ten = address(&[("t", "a"), ("versions", "10")]);
        assert!(two < ten);
        assert!(address(&[("s", "a")]) < address(&[("s", "b")]));
        assert_eq!(Address::decode(&ten.encode()), Some(ten.clone()));
        assert_eq!(ten.path(), "/t/a/versions/10");
        assert!(ten.starts_with(&address(&[("t", "a")])));
    }

    #[test]
    fn json_patch_operations_follow_rfc_6902() {
        let mut doc = json!({"spec": {"a": 1, "list": [1, 2]}});
        add(&mut doc, "/spec/b", json!(2)).unwrap();
        add(&mut doc, "/spec/list/-", json!(3)).unwrap();
        add(&mut doc, "/spec/list/0", json!(0)).unwrap();
        assert_eq!(remove(&mut doc, "/spec/a").unwrap(), json!(1));
        assert!(remove(&mut doc, "/spec/a").is_err());
        assert!(add(&mut doc, "/nowhere/x", json!(1)).is_err());
        assert_eq!(doc, json!({"spec": {"b": 2, "list": [0, 1, 2, 3]}}));
    }

    #[test]
    fn collections_read_as_words() {
        assert_eq!(singular("materialized-tables"), "materialized table");
        assert_eq!(singular("statements"), "statement");
    }
}
