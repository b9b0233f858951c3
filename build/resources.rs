//! A handle for every resource of the spec, and a listing for every list operation,
//! written from the spec and the generated client (`src/list.rs` and
//! `src/resource.rs` are the generic code they call).
//!
//! - A **listing** is a `GET` operation with a `page_token` parameter whose answer has a
//!   `data` array and a `metadata` with `next`: `ListRequest<StatementsList>` pages it,
//!   with one builder method per filter (its other query parameters), named after the
//!   parameter's last dotted part (`spec.compute_pool_id` -> `compute_pool_id`).
//! - A **resource** is an item path (`.../statements/{statement_name}`) with a `GET`
//!   whose answer some listing lists: its handle has `get`, and `create` (`POST` on the
//!   collection path), `update` (`PUT`), `patch` (`PATCH`) and `delete` where the spec has
//!   them, and `list()`. It is named after its listing (`listSqlv1Statements` ->
//!   `Statements`, `Client::statements`), and takes the path parameters between the
//!   environment and the item (`Client::tools(database_name)`).
//! - [`HAND_WRITTEN`]: the accessors `src/` writes itself (Connections, with its
//!   secrets): neither the accessor nor the handle is generated; the listing is, and
//!   the hand-written handle's `list()` uses it.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use serde_json::Value;
use syn::{FnArg, Item, Pat};

use crate::requests::INTEGERS;

/// `Client` accessors the hand-written layer has: not generated.
pub const HAND_WRITTEN: &[&str] = &["connections"];

/// The path parameters the client is configured with.
const FILLED: &[&str] = &["organization_id", "environment_id"];

struct Method {
    name: syn::Ident,
    inputs: Vec<(syn::Ident, syn::Type)>,
    answer: Option<syn::Type>,
    id: String,
    http: String,
    path: String,
    op: Value,
}

struct Listing {
    ident: syn::Ident,
    item: syn::Type,
    scope: Vec<syn::Ident>,
    method: usize,
}

/// The `resources` module and the `Client` accessors.
pub fn module(doc: &Value, code: &str) -> Result<String, String> {
    let file: syn::File =
        syn::parse_str(code).map_err(|e| format!("generated code does not parse: {e}"))?;
    let structs = struct_fields(&file);
    let methods = methods(doc, &file);
    let prefix = api_prefix(doc);

    let mut items = Vec::new();
    let mut listings: Vec<Listing> = Vec::new();
    for (i, m) in methods.iter().enumerate() {
        if m.http != "get" || !m.inputs.iter().any(|(n, _)| n == "page_token") {
            continue;
        }
        let Some(answer) = &m.answer else { continue };
        let Some(fields) = type_name(answer).and_then(|n| structs.get(&n)) else {
            continue;
        };
        let Some(data) = fields.get("data") else {
            continue;
        };
        let Some(item) = vec_item(data) else { continue };
        let Some(meta) = fields.get("metadata") else {
            continue;
        };
        let (meta_ty, meta_optional) = unwrap_option(meta);
        let Some(meta_fields) = type_name(&meta_ty)
            .and_then(|n| structs.get(&n))
            .filter(|f| f.contains_key("next"))
        else {
            continue;
        };
        let meta = ListMeta {
            ty: qualify(&meta_ty),
            optional: meta_optional,
            total_size: meta_fields.get("total_size").map(unwrap_option),
        };
        let base = resource_name(&m.id, &prefix);
        let ident = format_ident!("{}List", base);
        let filters_ident = format_ident!("{}ListFilters", base);
        let scope = path_params(m);
        let filters = query_filters(m);
        let named = type_name(&item)
            .and_then(|n| structs.get(&n))
            .is_some_and(|f| f.contains_key("name"));
        items.push(listing_code(
            m,
            &base,
            named,
            &ident,
            &filters_ident,
            &qualify(&item),
            &meta,
            optional(data),
            &scope,
            &filters,
        )?);
        listings.push(Listing {
            ident,
            item: qualify(&item),
            scope,
            method: i,
        });
    }

    let mut accessors = Vec::new();
    for get in methods
        .iter()
        .filter(|m| m.http == "get" && m.path.ends_with('}'))
    {
        if get.inputs.iter().any(|(n, _)| n == "page_token") {
            continue;
        }
        let Some(answer) = &get.answer else { continue };
        let answer = qualify(answer);
        let Some(listing) = listings.iter().find(|l| same_type(&l.item, &answer)) else {
            continue;
        };
        let base = resource_name(&methods[listing.method].id, &prefix);
        let mut scope = path_params(get);
        let Some(name_param) = scope.pop() else {
            continue;
        };
        if !listing.scope.iter().all(|p| scope.contains(p)) {
            continue;
        }
        let at = |http: &str, path: &str| methods.iter().find(|m| m.http == http && m.path == path);
        let collection = get.path.rsplit_once('/').map(|(c, _)| c).unwrap_or("");
        let (code, accessor) = resource_code(
            &base,
            &name_param,
            &scope,
            listing,
            get,
            at("post", collection),
            at("put", &get.path),
            at("patch", &get.path),
            at("delete", &get.path),
        )?;
        // A hand-written accessor has its own handle (its listing stays generated).
        if !HAND_WRITTEN.contains(&accessor.to_string().as_str()) {
            items.push(code);
            let handle = format_ident!("{}", base);
            let params: Vec<TokenStream> = scope
                .iter()
                .map(|p| quote!(#p: impl ::std::convert::Into<::std::string::String>))
                .collect();
            let inits: Vec<TokenStream> = scope.iter().map(|p| quote!(#p: #p.into())).collect();
            let doc = format!(
                "The {} of the client's environment{}: see [`resources::{base}`](crate::resources::{base}).",
                words(&base),
                if scope.is_empty() {
                    String::new()
                } else {
                    format!(
                        " under {}",
                        scope
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            );
            accessors.push(quote! {
                #[doc = #doc]
                pub fn #accessor(&self, #(#params),*) -> resources::#handle {
                    resources::#handle { client: self.clone(), #(#inits),* }
                }
            });
        }
    }

    let tokens = quote! {
        /// A handle for every resource of the spec and a listing for every list
        /// operation, generated (`build/resources.rs`).
        pub mod resources {
            use super::types;
            #(#items)*
        }
        impl crate::Client {
            #(#accessors)*
        }
    };
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("the resource handles do not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// A list answer's `metadata`: its type, whether it is optional, and the type of its
/// `total_size` (and whether that is optional), when it has one.
struct ListMeta {
    ty: syn::Type,
    optional: bool,
    total_size: Option<(syn::Type, bool)>,
}

#[allow(clippy::too_many_arguments)]
fn listing_code(
    m: &Method,
    base: &str,
    named: bool,
    ident: &syn::Ident,
    filters_ident: &syn::Ident,
    item: &syn::Type,
    meta: &ListMeta,
    data_optional: bool,
    scope: &[syn::Ident],
    filters: &[(syn::Ident, syn::Type, String, String)],
) -> Result<TokenStream, String> {
    let id = &m.id;
    let operation = crate::operations::operation_const(id);
    let method = &m.name;
    let what = format!("list {}", words(base));
    let one = words(base).trim_end_matches('s').to_string();
    // An item without a name cannot be read, updated or deleted: the page is refused.
    let name_check = if named {
        let message =
            format!("the service listed a {one} without a name (item {{at}} of the page)");
        quote! {
            if let ::std::option::Option::Some(at) = items
                .iter()
                .position(|item| crate::connections::field::text(&item.name).is_none())
            {
                return ::std::result::Result::Err(
                    crate::Error::decode(format!(#message)).with_request_id(request_id),
                );
            }
        }
    } else {
        quote!()
    };
    let page_size_ty = m
        .inputs
        .iter()
        .find(|(n, _)| n == "page_size")
        .map(|(_, t)| unwrap_option(t).0);
    let token_ty = m
        .inputs
        .iter()
        .find(|(n, _)| n == "page_token")
        .map(|(_, t)| unwrap_option(t).0)
        .and_then(|t| match t {
            syn::Type::Reference(r) => Some(qualify(&r.elem)),
            _ => None,
        })
        .ok_or_else(|| format!("{id}: page_token is not a reference"))?;
    let bounds = |key: &str| -> TokenStream {
        let param = m.op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == "page_size");
        match param.and_then(|p| p["schema"][key].as_i64()) {
            Some(n) => quote!(::std::option::Option::Some(#n)),
            None => quote!(::std::option::Option::None),
        }
    };
    let (min, max) = (bounds("minimum"), bounds("maximum"));
    let mut args = Vec::new();
    for (name, ty) in &m.inputs {
        let n = name.to_string();
        args.push(if FILLED.contains(&n.as_str()) {
            quote!(#name)
        } else if n == "page_size" {
            quote!(page_size)
        } else if n == "page_token" {
            quote!(page_token.as_ref())
        } else if scope.contains(name) {
            quote!(self.#name.as_str())
        } else if is_str_option(ty) {
            quote!(filters.#name.as_deref())
        } else {
            quote!(filters.#name.clone())
        });
    }
    let page_size = match &page_size_ty {
        Some(t) => quote! {
            let page_size = match page_size {
                ::std::option::Option::Some(n) => ::std::option::Option::Some(<#t>::try_from(n).map_err(|_| {
                    crate::Error::validation(format!("page_size {n} does not fit the operation's integer"))
                })?),
                ::std::option::Option::None => ::std::option::Option::None,
            };
        },
        None => quote!(let _ = page_size;),
    };
    // `metadata.total_size` read from its field: an integer of the spec's type, or
    // (another type) through its JSON; a list without one has no total.
    let total_read = match &meta.total_size {
        Some((ty, optional)) if type_name(ty).is_some_and(|n| INTEGERS.contains(&n.as_str())) => {
            let value = if *optional {
                quote!(m.total_size?)
            } else {
                quote!(m.total_size)
            };
            quote!(metadata.and_then(|m| u32::try_from(#value).ok()))
        }
        Some(_) => quote!(metadata.and_then(crate::list::total_size_of)),
        None => quote!(::std::option::Option::None),
    };
    let meta_ty = &meta.ty;
    let meta_read = if meta.optional {
        quote!(list.metadata.as_ref())
    } else {
        quote!(::std::option::Option::Some(&list.metadata))
    };
    let data = if data_optional {
        quote!(list.data.unwrap_or_default())
    } else {
        quote!(list.data)
    };
    let filter_fields: Vec<TokenStream> = filters
        .iter()
        .map(|(name, ty, _, _)| {
            let held = held_type(ty);
            quote!(#name: ::std::option::Option<#held>)
        })
        .collect();
    let builders: Vec<TokenStream> = filters
        .iter()
        .map(|(name, ty, method_name, description)| {
            let builder = format_ident!("{}", method_name);
            let doc = if description.is_empty() {
                format!("Only the items whose `{method_name}` is this.")
            } else {
                description.clone()
            };
            if is_str_option(ty) {
                quote! {
                    #[doc = #doc]
                    pub fn #builder(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                        self.filters_mut().#name = ::std::option::Option::Some(value.into());
                        self
                    }
                }
            } else {
                let held = held_type(ty);
                quote! {
                    #[doc = #doc]
                    pub fn #builder(mut self, value: #held) -> Self {
                        self.filters_mut().#name = ::std::option::Option::Some(value);
                        self
                    }
                }
            }
        })
        .collect();
    let scope_fields: Vec<TokenStream> = scope
        .iter()
        .map(|s| quote!(#s: ::std::string::String))
        .collect();
    let doc = format!(
        "The list operation `{id}`: what [`ListRequest`](crate::list::ListRequest) pages through."
    );
    let filters_doc =
        format!("The filters of `{id}`, set by the builder methods of its `ListRequest`.");
    Ok(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #ident {
            pub(crate) client: crate::Client,
            #(pub(crate) #scope_fields,)*
        }
        #[doc = #filters_doc]
        #[derive(Debug, Clone, Default)]
        pub struct #filters_ident {
            #(#filter_fields,)*
        }
        impl crate::list::private::Sealed for #ident {}
        impl crate::list::Listing for #ident {
            type Item = #item;
            type Filters = #filters_ident;
            const PAGE_SIZE: (::std::option::Option<i64>, ::std::option::Option<i64>) = (#min, #max);
            fn what(&self) -> ::std::string::String {
                #what.to_string()
            }
            fn base_url(&self) -> &str {
                self.client.base_url()
            }
            fn fetch<'a>(
                &'a self,
                page_size: ::std::option::Option<u32>,
                page_token: ::std::option::Option<&'a str>,
                filters: &'a Self::Filters,
            ) -> ::futures::future::BoxFuture<'a, ::std::result::Result<crate::list::RawPage<Self::Item>, crate::Error>> {
                ::std::boxed::Box::pin(async move {
                    let page_token = match page_token {
                        ::std::option::Option::Some(t) => ::std::option::Option::Some(
                            <#token_ty>::try_from(t)
                                .map_err(|e| crate::Error::validation(format!("invalid page token: {e}")))?,
                        ),
                        ::std::option::Option::None => ::std::option::Option::None,
                    };
                    #page_size
                    const OPERATION: crate::transport::Operation = #operation;
                    let (api, organization_id, environment_id) = self.client.parts();
                    let what = || #what.to_string();
                    let (list, request_id) = crate::resource::page(&self.client, OPERATION, &what, || {
                        api.#method(#(#args),*)
                    })
                    .await?;
                    let metadata: ::std::option::Option<&#meta_ty> = #meta_read;
                    let next = metadata
                        .and_then(|m| crate::connections::field::text(&m.next))
                        .map(::std::string::String::from);
                    let total_size = #total_read;
                    let items = #data;
                    #name_check
                    ::std::result::Result::Ok(crate::list::RawPage {
                        items,
                        next,
                        total_size,
                        request_id,
                    })
                })
            }
        }
        impl crate::list::ListRequest<#ident> {
            #(#builders)*
        }
    })
}

#[allow(clippy::too_many_arguments)]
fn resource_code(
    base: &str,
    name_param: &syn::Ident,
    scope: &[syn::Ident],
    listing: &Listing,
    get: &Method,
    create: Option<&Method>,
    update: Option<&Method>,
    patch: Option<&Method>,
    delete: Option<&Method>,
) -> Result<(TokenStream, syn::Ident), String> {
    let handle = format_ident!("{}", base);
    let accessor = format_ident!("{}", snake(base));
    let kind = words(base);
    let one = kind.trim_end_matches('s').to_string();
    let one_lit = one.clone();
    let list_ident = &listing.ident;
    let list_scope: Vec<TokenStream> = listing
        .scope
        .iter()
        .map(|s| quote!(#s: self.#s.clone()))
        .collect();
    let scope_fields: Vec<TokenStream> = scope
        .iter()
        .map(|s| quote!(pub(crate) #s: ::std::string::String))
        .collect();
    let scope_getters: Vec<TokenStream> = scope
        .iter()
        .map(|s| {
            let doc = format!("The `{s}` this handle is for.");
            quote!(#[doc = #doc] pub fn #s(&self) -> &str { &self.#s })
        })
        .collect();
    // The item's name: a `&str`, or (a version) a value of the parameter's type.
    let name_ty = get
        .inputs
        .iter()
        .find(|(n, _)| n == name_param)
        .map(|(_, t)| t.clone())
        .ok_or_else(|| format!("{}: no parameter {name_param}", get.id))?;
    let name_is_str = matches!(&name_ty, syn::Type::Reference(r) if r.elem.to_token_stream().to_string() == "str");
    let name_param_decl = if name_is_str {
        quote!(#name_param: &str)
    } else {
        let t = qualify(&name_ty);
        quote!(#name_param: #t)
    };
    let name_of = if name_is_str {
        quote! {
            let name = #name_param;
            crate::resource::require_name(#one_lit, name)?;
            let shown = crate::resource::shorten(name);
        }
    } else {
        quote! {
            let name = #name_param;
            let shown = name.to_string();
        }
    };
    let call = |m: &Method, body: bool| -> TokenStream {
        let method = &m.name;
        let args: Vec<TokenStream> = m
            .inputs
            .iter()
            .map(|(n, _)| {
                let s = n.to_string();
                if FILLED.contains(&s.as_str()) {
                    quote!(#n)
                } else if s == "body" && body {
                    quote!(body)
                } else if scope.contains(n) {
                    quote!(self.#n.as_str())
                } else {
                    quote!(name)
                }
            })
            .collect();
        quote!(api.#method(#(#args),*))
    };
    let op_const = |m: &Method| {
        let operation = crate::operations::operation_const(&m.id);
        quote!(const OPERATION: crate::transport::Operation = #operation;)
    };
    let summary = |m: &Method| -> String { m.op["summary"].as_str().unwrap_or(&m.id).to_string() };
    let body_type = |m: &Method| -> Option<syn::Type> {
        m.inputs
            .iter()
            .find(|(n, _)| n == "body")
            .map(|(_, t)| match t {
                syn::Type::Reference(r) => qualify(&r.elem),
                other => qualify(other),
            })
    };
    let mut methods = Vec::new();
    {
        let doc = format!("{}. Any 2xx answer with the {one} is read.", summary(get));
        let op = op_const(get);
        let c = call(get, false);
        let answer = qualify(get.answer.as_ref().expect("a get answers"));
        let what = format!("get {one}");
        methods.push(quote! {
            #[doc = #doc]
            pub async fn get(&self, #name_param_decl) -> ::std::result::Result<#answer, crate::Error> {
                #name_of
                #op
                let (api, organization_id, environment_id) = self.client.parts();
                let what = || format!("{} `{}`", #what, shown);
                crate::resource::answer(&self.client, OPERATION, &what, None, || #c).await
            }
        });
    }
    for (verb, m, takes_name) in [
        ("create", create, false),
        ("update", update, true),
        ("patch", patch, true),
    ] {
        let Some(m) = m else { continue };
        let Some(body) = body_type(m) else { continue };
        let doc = format!("{}.", summary(m));
        let op = op_const(m);
        let c = call(m, true);
        let verb_ident = format_ident!("{}", verb);
        let what = format!("{verb} {one}");
        let (params, name_of) = if takes_name {
            (quote!(#name_param_decl, body: &#body), name_of.clone())
        } else {
            (
                quote!(body: &#body),
                quote! {
                    let shown = crate::resource::shorten(
                        &::serde_json::to_value(body)
                            .ok()
                            .and_then(|b| b.get("name").and_then(|n| n.as_str().map(::std::string::String::from)))
                            .unwrap_or_default(),
                    );
                },
            )
        };
        let (ret, run) = match &m.answer {
            Some(answer) => {
                let answer = qualify(answer);
                (
                    quote!(#answer),
                    quote!(crate::resource::answer(&self.client, OPERATION, &what, None, || #c).await),
                )
            }
            None => (
                quote!(()),
                quote!(crate::resource::done(&self.client, OPERATION, &what, None, || #c).await),
            ),
        };
        methods.push(quote! {
            #[doc = #doc]
            pub async fn #verb_ident(&self, #params) -> ::std::result::Result<#ret, crate::Error> {
                #name_of
                #op
                let (api, organization_id, environment_id) = self.client.parts();
                let what = || format!("{} `{}`", #what, shown);
                #run
            }
        });
    }
    if let (Some(m), Some(answer)) = (update, get.answer.as_ref()) {
        if let Some(body) = body_type(m) {
            let held = qualify(answer);
            let ret = match &m.answer {
                Some(a) => {
                    let a = qualify(a);
                    quote!(#a)
                }
                None => quote!(()),
            };
            let doc = format!(
                "Sends `held` (a {one} read from the service, changed by the caller) back as the \
                 update: every member the update takes, and every member this version of the \
                 crate does not know (Confluent's MUST FORWARD); read-only members are left out."
            );
            methods.push(quote! {
                #[doc = #doc]
                pub async fn update_from(&self, #name_param_decl, held: &#held) -> ::std::result::Result<#ret, crate::Error> {
                    let body: #body = crate::resource::update_body(held)?;
                    self.update(#name_param, &body).await
                }
            });
        }
    }
    if let Some(m) = delete {
        let doc = format!(
            "{}. Any 2xx answer is success, and so is a 404 that answers a retry after an attempt whose answer was lost.",
            summary(m)
        );
        let op = op_const(m);
        let c = call(m, false);
        let what = format!("delete {one}");
        methods.push(quote! {
            #[doc = #doc]
            pub async fn delete(&self, #name_param_decl) -> ::std::result::Result<(), crate::Error> {
                #name_of
                #op
                let (api, organization_id, environment_id) = self.client.parts();
                let what = || format!("{} `{}`", #what, shown);
                crate::resource::delete(&self.client, OPERATION, &what, || #c).await
            }
        });
    }
    let doc = format!(
        "The {kind} of the client's environment: list, get{}{}{}{}. Cheap to clone.",
        if create.is_some() { ", create" } else { "" },
        if update.is_some() { ", update" } else { "" },
        if patch.is_some() { ", patch" } else { "" },
        if delete.is_some() { ", delete" } else { "" },
    );
    let list_doc = format!("Lists the {kind}: see [`ListRequest`](crate::list::ListRequest).");
    Ok((
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone)]
            pub struct #handle {
                pub(crate) client: crate::Client,
                #(#scope_fields,)*
            }
            impl #handle {
                #(#scope_getters)*
                #[doc = #list_doc]
                pub fn list(&self) -> crate::list::ListRequest<#list_ident> {
                    crate::list::ListRequest::new(#list_ident { client: self.client.clone(), #(#list_scope),* })
                }
                #(#methods)*
            }
        },
        accessor,
    ))
}

/// Each field of each struct of the generated `types` module, by struct name.
fn struct_fields(file: &syn::File) -> BTreeMap<String, BTreeMap<String, syn::Type>> {
    let mut out = BTreeMap::new();
    for item in &file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        for item in m.content.iter().flat_map(|(_, items)| items) {
            if let Item::Struct(s) = item {
                let fields = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone())))
                    .collect();
                out.insert(s.ident.to_string(), fields);
            }
        }
    }
    out
}

/// Every generated operation method, with its operation in the spec.
fn methods(doc: &Value, file: &syn::File) -> Vec<Method> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (http, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op["operationId"].as_str() {
                let mut op = op.clone();
                // Path-level parameters apply to each operation.
                if let Some(shared) = item["parameters"].as_array() {
                    let own = op["parameters"].as_array().cloned().unwrap_or_default();
                    op["parameters"] = Value::Array(shared.iter().cloned().chain(own).collect());
                }
                ops.push((id.to_string(), http.clone(), path.clone(), op));
            }
        }
    }
    let mut out = Vec::new();
    for f in crate::operations::client_operations(file) {
        let name = f.sig.ident.to_string();
        let Some((id, http, path, op)) = ops
            .iter()
            .find(|(id, ..)| crate::operations::same_name(id, &name))
        else {
            continue;
        };
        let inputs = f
            .sig
            .inputs
            .iter()
            .filter_map(|i| match i {
                FnArg::Typed(t) => match &*t.pat {
                    Pat::Ident(p) => Some((p.ident.clone(), (*t.ty).clone())),
                    _ => None,
                },
                FnArg::Receiver(_) => None,
            })
            .collect();
        out.push(Method {
            name: f.sig.ident.clone(),
            inputs,
            answer: answer_type(&f.sig.output),
            id: id.clone(),
            http: http.clone(),
            path: path.clone(),
            op: op.clone(),
        });
    }
    out
}

/// The path parameters of `m` after the client's own, in order.
fn path_params(m: &Method) -> Vec<syn::Ident> {
    let in_path = |n: &str| {
        m.op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["in"] == "path" && sanitize(p["name"].as_str().unwrap_or("")) == n)
    };
    m.inputs
        .iter()
        .map(|(n, _)| n)
        .filter(|n| {
            let s = n.to_string();
            !FILLED.contains(&s.as_str()) && in_path(&s)
        })
        .cloned()
        .collect()
}

/// The query parameters of a list but the page's: `(ident, type, builder name, description)`.
fn query_filters(m: &Method) -> Vec<(syn::Ident, syn::Type, String, String)> {
    let mut out = Vec::new();
    for p in m.op["parameters"].as_array().into_iter().flatten() {
        if p["in"] != "query" {
            continue;
        }
        let Some(name) = p["name"].as_str() else {
            continue;
        };
        if name == "page_size" || name == "page_token" {
            continue;
        }
        let ident = sanitize(name);
        let Some((i, ty)) = m.inputs.iter().find(|(i, _)| *i == ident) else {
            continue;
        };
        let builder = name.rsplit('.').next().unwrap_or(name).replace('-', "_");
        let description = p["description"].as_str().unwrap_or("").to_string();
        out.push((i.clone(), ty.clone(), builder, description));
    }
    out
}

/// The held type of a filter: `String` for `Option<&str>`, `T` for `Option<T>`.
fn held_type(ty: &syn::Type) -> syn::Type {
    if is_str_option(ty) {
        return syn::parse_quote!(::std::string::String);
    }
    qualify(&unwrap_option(ty).0)
}

fn is_str_option(ty: &syn::Type) -> bool {
    matches!(unwrap_option(ty).0, syn::Type::Reference(r) if r.elem.to_token_stream().to_string() == "str")
}

/// `(T, true)` for `Option<T>`, `(ty, false)` otherwise.
fn unwrap_option(ty: &syn::Type) -> (syn::Type, bool) {
    if let syn::Type::Path(p) = ty {
        if let Some(last) = p.path.segments.last().filter(|s| s.ident == "Option") {
            if let syn::PathArguments::AngleBracketed(a) = &last.arguments {
                if let Some(syn::GenericArgument::Type(t)) = a.args.first() {
                    return (t.clone(), true);
                }
            }
        }
    }
    (ty.clone(), false)
}

fn optional(ty: &syn::Type) -> bool {
    unwrap_option(ty).1
}

/// `T` of `Vec<T>` or `Option<Vec<T>>`.
fn vec_item(ty: &syn::Type) -> Option<syn::Type> {
    let (ty, _) = unwrap_option(ty);
    let syn::Type::Path(p) = &ty else { return None };
    let last = p.path.segments.last().filter(|s| s.ident == "Vec")?;
    let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
        return None;
    };
    match a.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// The name of a generated type (`types::Statement`, `Statement` -> `Statement`).
fn type_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    let segments: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segments.as_slice() {
        [one] => Some(one.clone()),
        [t, one] if t == "types" => Some(one.clone()),
        _ => None,
    }
}

/// A type of the generated code, written from outside its module: a bare name is a
/// generated type (`types::Statement`).
fn qualify(ty: &syn::Type) -> syn::Type {
    match ty {
        syn::Type::Path(p)
            if p.qself.is_none()
                && p.path.segments.len() == 1
                && p.path.leading_colon.is_none() =>
        {
            let ident = &p.path.segments[0].ident;
            if p.path.segments[0].arguments.is_empty() && !is_primitive(&ident.to_string()) {
                return syn::parse_quote!(types::#ident);
            }
            ty.clone()
        }
        _ => ty.clone(),
    }
}

fn is_primitive(name: &str) -> bool {
    matches!(
        name,
        "i8" | "i16"
            | "i32"
            | "i64"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "f32"
            | "f64"
            | "bool"
            | "str"
            | "String"
    )
}

fn same_type(a: &syn::Type, b: &syn::Type) -> bool {
    a.to_token_stream().to_string() == b.to_token_stream().to_string()
}

/// `T` of `Result<ResponseValue<T>, _>`, unless it is `()`.
fn answer_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let first = |ty: &syn::Type, name: &str| -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let last = p.path.segments.last().filter(|s| s.ident == name)?;
        let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
            return None;
        };
        match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }
    };
    let answer = first(&first(ty, "Result")?, "ResponseValue")?;
    match &answer {
        syn::Type::Tuple(t) if t.elems.is_empty() => None,
        _ => Some(answer),
    }
}

/// The API's own prefix of operationIds: the path's segments before `organizations`
/// (`/sql/v1/...` -> `sqlv1`).
fn api_prefix(doc: &Value) -> String {
    let path = doc["paths"]
        .as_object()
        .and_then(|p| p.keys().next().cloned())
        .unwrap_or_default();
    path.split('/')
        .filter(|s| !s.is_empty())
        .take_while(|s| !s.starts_with('{') && *s != "organizations")
        .collect::<String>()
        .to_ascii_lowercase()
}

/// `listSqlv1MaterializedTables` -> `MaterializedTables`.
fn resource_name(list_id: &str, prefix: &str) -> String {
    let rest = list_id.strip_prefix("list").unwrap_or(list_id);
    let rest = if rest.to_ascii_lowercase().starts_with(prefix) {
        &rest[prefix.len()..]
    } else {
        rest
    };
    let mut c = rest.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `MaterializedTables` -> `materialized_tables`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// `MaterializedTables` -> `materialized tables`.
fn words(name: &str) -> String {
    snake(name).replace('_', " ")
}

/// A parameter name as progenitor names the argument (`spec.compute_pool_id` ->
/// `spec_compute_pool_id`).
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}
