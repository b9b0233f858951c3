//! Makes the generated operations build their requests and read their answers without
//! the copies progenitor's code makes; what is sent and what is read are unchanged.
//!
//! progenitor writes every operation the same way, and each `get` or list page pays
//! for it (BENCHMARKS.md, "`get`: where the remaining difference goes"). Three rewrites
//! of each generated `Client` method, on its syntax tree:
//!
//! - **Path parameters** are percent-encoded as the URL is written
//!   (`crate::request::Segment`), not turned into a `String` and encoded into a second
//!   one: `encode_path(&x.to_string())` becomes `crate::request::Segment(&x)`.
//! - **The base URL is parsed once.** `format!("{}/path/{}", self.baseurl, ..)`, a
//!   text reqwest then parses whole (scheme, host with its IDNA processing, port, path)
//!   for every request, becomes `crate::request::url(self, format_args!("/path/{}", ..))`:
//!   the client's base URL, parsed at its first request, with the path set on a copy.
//! - **No `api-version` header.** progenitor sends its own convention, `api-version:
//!   <info.version>`, with every request; the spec declares no such header and
//!   Confluent reads none (its CLI and SDKs do not send it): it is not sent, and each
//!   request is one header shorter to build, copy (reqwest copies a request's headers
//!   for its retry and redirect policies) and parse.
//! - **Constant headers** are set on the request builder, not put in a `HeaderMap` of
//!   their own that the builder then merges: a `header_map` that is only ever appended
//!   to, at the top of the method, with names the builder does not set itself, becomes
//!   `.header(..)` calls (none: the map is gone). A method whose headers depend on its
//!   arguments keeps its map.
//! - **Answers** keep their headers by moving them into the `ResponseValue`
//!   (`crate::request::answer`), not by copying them (`ResponseValue::from_response`
//!   clones the map); the body is read and decoded, and its errors reported, as
//!   progenitor does.
//!
//! A method none of these patterns matches is left as it is; nothing here names an
//! operation or a header of the spec.

use quote::{quote, ToTokens};
use syn::punctuated::Punctuated;
use syn::{Expr, ImplItem, Item, Stmt};

/// The variable progenitor collects a request's headers in.
const HEADER_MAP: &str = "header_map";

/// progenitor's own header (`info.version` of the spec), not sent.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

/// Headers the generated builder chain sets itself (`Accept`, and `Content-Type` with a
/// body): a constant header of the same name is left in the merged map, which
/// replaces rather than adds.
const SET_BY_BUILDER: &[&str] = &["accept", "content-type"];

/// The `Accept` value the client sends with every request (its default header,
/// `crate::request::JSON`): a request's own `Accept` of this value is not set again.
const DEFAULT_ACCEPT: &str = "application/json";

/// What was rewritten, for `generation-stats.txt`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rewritten {
    pub path_segments: usize,
    pub base_urls: usize,
    pub version_headers: usize,
    pub header_maps: usize,
    pub default_accepts: usize,
    pub answers: usize,
}

/// Rewrites the generated `code` (one file); the code and what was rewritten.
pub fn rewrite(code: &str) -> Result<(String, Rewritten), String> {
    let mut file: syn::File =
        syn::parse_str(code).map_err(|e| format!("generated code does not parse: {e}"))?;
    let mut done = Rewritten::default();
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        let is_client = imp.trait_.is_none()
            && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client {
            continue;
        }
        for member in &mut imp.items {
            let ImplItem::Fn(f) = member else { continue };
            if f.sig.asyncness.is_none() {
                continue;
            }
            let verbatim = url_safe_params(&f.sig);
            let stmts = &mut f.block.stmts;
            done.path_segments += path_segments(stmts, &verbatim);
            done.base_urls += base_url(stmts);
            done.version_headers += version_header(stmts);
            done.header_maps += usize::from(header_map(stmts));
            done.default_accepts += default_accept(stmts);
            done.answers += answers(stmts);
        }
    }
    Ok((prettyplease::unparse(&file), done))
}

/// The Rust types a spec's `integer` can be generated as (here, and for a list's
/// `total_size` in `build/resources.rs`).
pub const INTEGERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "isize", "usize",
];

/// The parameters of `sig` whose text never needs percent-encoding in a path: a
/// `Uuid` (hex digits and hyphens) or an integer.
fn url_safe_params(sig: &syn::Signature) -> Vec<syn::Ident> {
    fn url_safe(ty: &syn::Type) -> bool {
        match ty {
            syn::Type::Reference(r) => url_safe(&r.elem),
            syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| {
                let name = s.ident.to_string();
                s.arguments.is_empty() && (name == "Uuid" || INTEGERS.contains(&name.as_str()))
            }),
            _ => false,
        }
    }
    sig.inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(t) if url_safe(&t.ty) => match &*t.pat {
                syn::Pat::Ident(i) => Some(i.ident.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// `format!(.., encode_path(&x.to_string()), ..)` -> `format!(.., crate::request::Segment(&x), ..)`
/// in the method's `let` statements, or `format!(.., x, ..)` when `x` is one of
/// `verbatim` (its text needs no encoding); how many arguments were rewritten.
fn path_segments(stmts: &mut [Stmt], verbatim: &[syn::Ident]) -> usize {
    let mut count = 0;
    for stmt in stmts {
        let Stmt::Local(local) = stmt else { continue };
        let Some(init) = &mut local.init else {
            continue;
        };
        let Expr::Macro(m) = &mut *init.expr else {
            continue;
        };
        if !m.mac.path.is_ident("format") {
            continue;
        }
        let Ok(mut args) = m
            .mac
            .parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let mut changed = 0;
        for arg in args.iter_mut() {
            if let Some(value) = encoded_to_string(arg) {
                let plain = matches!(&value, Expr::Path(p)
                    if verbatim.iter().any(|v| p.path.is_ident(v)));
                *arg = if plain {
                    value
                } else {
                    syn::parse_quote!(crate::request::Segment(&#value))
                };
                changed += 1;
            }
        }
        if changed > 0 {
            m.mac.tokens = args.to_token_stream();
            count += changed;
        }
    }
    count
}

/// `let url = format!("{}/path/{}", self.baseurl, ..);` ->
/// `let url = crate::request::url(self, format_args!("/path/{}", ..)).map_err(Error::InvalidRequest)?;`;
/// how many.
fn base_url(stmts: &mut [Stmt]) -> usize {
    let mut count = 0;
    for stmt in stmts {
        let Stmt::Local(local) = stmt else { continue };
        let Some(init) = &mut local.init else {
            continue;
        };
        let Expr::Macro(m) = &*init.expr else {
            continue;
        };
        if !m.mac.path.is_ident("format") {
            continue;
        }
        let Ok(args) = m
            .mac
            .parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let mut args = args.into_iter();
        let (Some(Expr::Lit(template)), Some(base)) = (args.next(), args.next()) else {
            continue;
        };
        let syn::Lit::Str(template) = &template.lit else {
            continue;
        };
        let is_base = base.to_token_stream().to_string().replace(' ', "") == "self.baseurl";
        let Some(path) = template.value().strip_prefix("{}").map(str::to_string) else {
            continue;
        };
        if !is_base || !path.starts_with('/') {
            continue;
        }
        let rest: Vec<Expr> = args.collect();
        *init.expr = syn::parse_quote!(crate::request::url(self, format_args!(#path, #(#rest),*))
            .map_err(Error::InvalidRequest)?);
        count += 1;
    }
    count
}

/// `x` of `encode_path(&x.to_string())`.
fn encoded_to_string(arg: &Expr) -> Option<Expr> {
    let Expr::Call(call) = arg else { return None };
    let Expr::Path(func) = &*call.func else {
        return None;
    };
    if !func.path.is_ident("encode_path") || call.args.len() != 1 {
        return None;
    }
    let Expr::Reference(r) = &call.args[0] else {
        return None;
    };
    let Expr::MethodCall(to_string) = &*r.expr else {
        return None;
    };
    (to_string.method == "to_string" && to_string.args.is_empty())
        .then(|| (*to_string.receiver).clone())
}

/// Removes `header_map.append(HeaderName::from_static("api-version"), ..);`; how many.
fn version_header(stmts: &mut Vec<Stmt>) -> usize {
    let before = stmts.len();
    stmts.retain(|stmt| {
        appended_name(stmt).is_none_or(|name| !name.eq_ignore_ascii_case(PROGENITOR_VERSION_HEADER))
    });
    before - stmts.len()
}

/// The literal name of `header_map.append(HeaderName::from_static("x"), ..);`.
fn appended_name(stmt: &Stmt) -> Option<String> {
    let Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else {
        return None;
    };
    let Expr::Path(receiver) = &*call.receiver else {
        return None;
    };
    if !receiver.path.is_ident(HEADER_MAP) || call.method != "append" || call.args.len() != 2 {
        return None;
    }
    let Expr::Call(from_static) = &call.args[0] else {
        return None;
    };
    match from_static.args.first() {
        Some(Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        })) => Some(s.value()),
        _ => None,
    }
}

/// A `header_map` only appended to at the top of the method, with constant names the
/// builder does not set: its appends become `.header(..)` calls in place of
/// `.headers(header_map)`. True when rewritten.
fn header_map(stmts: &mut Vec<Stmt>) -> bool {
    let mentions = |tokens: &dyn ToTokens| {
        tokens
            .to_token_stream()
            .into_iter()
            .flat_map(flatten)
            .filter(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == HEADER_MAP))
            .count()
    };
    let Some(declared) = stmts.iter().position(declares_header_map) else {
        return false;
    };
    let mut appends = Vec::new();
    let mut append_at = Vec::new();
    for (i, stmt) in stmts.iter().enumerate() {
        if let Some((name, value)) = constant_append(stmt) {
            appends.push((name, value));
            append_at.push(i);
        }
    }
    // Every mention of the map: its declaration, the appends, and one `.headers(..)`.
    let total: usize = stmts.iter().map(|s| mentions(s)).sum();
    if total != 1 + appends.len() + 1 {
        return false;
    }
    let mut replaced = false;
    for stmt in stmts.iter_mut() {
        if let Stmt::Local(local) = stmt {
            if let Some(init) = &mut local.init {
                replaced |= replace_headers_call(&mut init.expr, &appends);
            }
        }
    }
    if !replaced {
        return false;
    }
    let mut drop_at = append_at;
    drop_at.push(declared);
    drop_at.sort_unstable();
    for i in drop_at.into_iter().rev() {
        stmts.remove(i);
    }
    true
}

/// Removes `.header(ACCEPT, HeaderValue::from_static("application/json"))` from the
/// builder chains of the method's `let` statements (the client's default headers send
/// it); how many.
fn default_accept(stmts: &mut [Stmt]) -> usize {
    fn is_default_accept(call: &syn::ExprMethodCall) -> bool {
        let last = |e: &Expr| match e {
            Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        call.method == "header"
            && call.args.len() == 2
            && last(&call.args[0]).as_deref() == Some("ACCEPT")
            && matches!(&call.args[1], Expr::Call(c)
                if last(&c.func).as_deref() == Some("from_static")
                    && matches!(c.args.first(), Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(v), .. }))
                        if v.value() == DEFAULT_ACCEPT))
    }
    fn strip(expr: &mut Expr) -> usize {
        match expr {
            Expr::Try(t) => strip(&mut t.expr),
            Expr::MethodCall(m) if is_default_accept(m) => {
                *expr = (*m.receiver).clone();
                1 + strip(expr)
            }
            Expr::MethodCall(m) => strip(&mut m.receiver),
            _ => 0,
        }
    }
    stmts
        .iter_mut()
        .map(|stmt| match stmt {
            Stmt::Local(syn::Local {
                init: Some(init), ..
            }) => strip(&mut init.expr),
            _ => 0,
        })
        .sum()
}

fn flatten(t: proc_macro2::TokenTree) -> Vec<proc_macro2::TokenTree> {
    match t {
        proc_macro2::TokenTree::Group(g) => g.stream().into_iter().flat_map(flatten).collect(),
        other => vec![other],
    }
}

/// `let mut header_map = ...HeaderMap::with_capacity(..);`
fn declares_header_map(stmt: &Stmt) -> bool {
    let Stmt::Local(local) = stmt else {
        return false;
    };
    let syn::Pat::Ident(p) = &local.pat else {
        return false;
    };
    p.ident == HEADER_MAP
        && local.init.as_ref().is_some_and(|init| {
            matches!(&*init.expr, Expr::Call(c)
                if matches!(&*c.func, Expr::Path(f)
                    if f.path.segments.last().is_some_and(|s| s.ident == "with_capacity")))
        })
}

/// `header_map.append(HeaderName::from_static("x"), value);` with a name the builder
/// does not set: its name and value expressions.
fn constant_append(stmt: &Stmt) -> Option<(Expr, Expr)> {
    let name = appended_name(stmt)?.to_ascii_lowercase();
    if SET_BY_BUILDER.contains(&name.as_str()) {
        return None;
    }
    let Stmt::Expr(Expr::MethodCall(call), _) = stmt else {
        return None;
    };
    Some((call.args[0].clone(), call.args[1].clone()))
}

/// Replaces `.headers(header_map)` in the builder chain `expr` with one `.header(name,
/// value)` per append; true when found.
fn replace_headers_call(expr: &mut Expr, appends: &[(Expr, Expr)]) -> bool {
    match expr {
        Expr::Try(t) => replace_headers_call(&mut t.expr, appends),
        Expr::MethodCall(m) => {
            let is_it = m.method == "headers"
                && m.args.len() == 1
                && matches!(&m.args[0], Expr::Path(p) if p.path.is_ident(HEADER_MAP));
            if !is_it {
                return replace_headers_call(&mut m.receiver, appends);
            }
            let mut chain = (*m.receiver).clone();
            for (name, value) in appends {
                chain = syn::parse_quote!(#chain.header(#name, #value));
            }
            *expr = chain;
            true
        }
        _ => false,
    }
}

/// `ResponseValue::from_response(response)` -> `crate::request::answer(response)`,
/// anywhere in the method's last statement (the `match` on the status); how many.
fn answers(stmts: &mut [Stmt]) -> usize {
    let Some(Stmt::Expr(Expr::Match(m), _)) = stmts.last_mut() else {
        return 0;
    };
    let mut count = 0;
    for arm in &mut m.arms {
        count += answer_calls(&mut arm.body);
    }
    count
}

fn answer_calls(expr: &mut Expr) -> usize {
    match expr {
        Expr::Call(call) => {
            let is_it = matches!(&*call.func, Expr::Path(f)
                if f.path.segments.len() == 2
                    && f.path.segments[0].ident == "ResponseValue"
                    && f.path.segments[1].ident == "from_response");
            if is_it {
                let args = &call.args;
                *expr =
                    syn::parse2(quote!(crate::request::answer(#args))).expect("a call expression");
                return 1;
            }
            call.args.iter_mut().map(answer_calls).sum()
        }
        Expr::Await(a) => answer_calls(&mut a.base),
        Expr::Try(t) => answer_calls(&mut t.expr),
        Expr::Paren(p) => answer_calls(&mut p.expr),
        Expr::Block(b) => b
            .block
            .stmts
            .iter_mut()
            .map(|s| match s {
                Stmt::Expr(e, _) => answer_calls(e),
                _ => 0,
            })
            .sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One operation as progenitor 0.15 writes it (trimmed): two path parameters, the
    /// `api-version` header, a JSON answer and an error answer.
    const GENERATED: &str = r#"
        impl Client {
            pub async fn get_thing<'a>(&'a self, org: &'a ::uuid::Uuid, name: &'a str) -> Result<ResponseValue<types::Thing>, Error<types::Failure>> {
                let url = format!("{}/things/{}/{}", self.baseurl, encode_path(&org.to_string()), encode_path(&name.to_string()),);
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append(::reqwest::header::HeaderName::from_static("api-version"), ::reqwest::header::HeaderValue::from_static(Self::api_version()));
                #[allow(unused_mut)]
                let mut request = self.client.get(url).header(::reqwest::header::ACCEPT, ::reqwest::header::HeaderValue::from_static("application/json")).headers(header_map).build()?;
                let response = self.exec(request).await?;
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    404u16 => { Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)) }
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        }
    "#;

    fn squash(code: &str) -> String {
        code.split_whitespace().collect()
    }

    #[test]
    fn segments_headers_and_answers_are_rewritten() {
        let (code, done) = rewrite(GENERATED).expect("rewrites");
        assert_eq!(
            done,
            Rewritten {
                path_segments: 2,
                base_urls: 1,
                version_headers: 1,
                header_maps: 1,
                default_accepts: 1,
                answers: 2
            }
        );
        let flat = squash(&code);
        // A Uuid is written as it is (hex digits and hyphens); a string is encoded.
        // ... and the URL is the client's parsed base with this path.
        assert!(
            flat.contains(
                r#"leturl=crate::request::url(self,format_args!("/things/{}/{}",org,crate::request::Segment(&name))"#
            ),
            "{code}"
        );
        assert!(!flat.contains("header_map"), "{code}");
        assert!(!flat.contains("api-version"), "{code}");
        assert!(
            flat.contains("self.client.get(url).build()?") && !flat.contains("ACCEPT"),
            "{code}"
        );
        assert!(
            flat.contains("200u16=>crate::request::answer(response).await"),
            "{code}"
        );
        assert!(
            flat.contains(
                "404u16=>Err(Error::ErrorResponse(crate::request::answer(response).await?))"
            ),
            "{code}"
        );
        assert!(
            !flat.contains("from_response") && !flat.contains("encode_path"),
            "{code}"
        );
    }

    #[test]
    fn other_constant_headers_are_set_on_the_builder() {
        let code = GENERATED.replace(
            "#[allow(unused_mut)]",
            "header_map.append(::reqwest::header::HeaderName::from_static(\"x-extra\"), ::reqwest::header::HeaderValue::from_static(\"1\"));\n#[allow(unused_mut)]",
        );
        let (out, done) = rewrite(&code).expect("rewrites");
        assert_eq!((done.version_headers, done.header_maps), (1, 1));
        let flat = squash(&out);
        assert!(flat.contains(r#".get(url).header(::reqwest::header::HeaderName::from_static("x-extra"),::reqwest::header::HeaderValue::from_static("1"),).build()?"#), "{out}");
        assert!(
            !flat.contains("header_map") && !flat.contains("api-version"),
            "{out}"
        );
    }

    #[test]
    fn an_accept_other_than_the_clients_default_stays() {
        let code = GENERATED.replace(
            r#"from_static("application/json")).headers"#,
            r#"from_static("text/plain")).headers"#,
        );
        let (out, done) = rewrite(&code).expect("rewrites");
        assert_eq!(done.default_accepts, 0);
        assert!(
            squash(&out).contains(r#".header(::reqwest::header::ACCEPT,::reqwest::header::HeaderValue::from_static("text/plain"),).build()?"#),
            "{out}"
        );
    }

    #[test]
    fn headers_that_depend_on_arguments_or_that_the_builder_sets_stay_in_the_map() {
        let conditional = GENERATED.replace(
            "#[allow(unused_mut)]",
            "if let Some(v) = name.strip_prefix('x') { header_map.append(\"x-v\", v.parse().unwrap()); }\n#[allow(unused_mut)]",
        );
        let accept = GENERATED.replace("\"api-version\"", "\"Accept\"");
        for (code, version_headers) in [(conditional, 1), (accept, 0)] {
            let (out, done) = rewrite(&code).expect("rewrites");
            assert_eq!(
                (done.version_headers, done.header_maps),
                (version_headers, 0)
            );
            assert!(squash(&out).contains(".headers(header_map)"), "{out}");
            assert!(!out.contains("api-version"), "{out}");
        }
    }
}
