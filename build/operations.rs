//! Makes every generated operation callable through the public API.
//!
//! progenitor generates one `async fn` per operation of the spec on its (private)
//! `Client`. For each, this adds a method of the same name and documentation to the
//! crate's public `Operations` handle (`src/operations.rs`), which runs it with the
//! client's credentials, retries, tracing span and [`Error`](crate::Error), so that an
//! operation Confluent adds to the spec can be called after a build, before anyone
//! writes a convenience for it. Parameters named [`FILLED`] are the client's own
//! (its organization and environment) and are filled in, not asked for.
//!
//! An operation whose error answers are not the spec's `Failure` is not wrapped (the
//! crate's error type reads `Failure`); it is listed in `generation-stats.txt` and
//! named in a build warning.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use syn::{FnArg, ImplItem, Item, Pat};

/// The path parameters the client is configured with, and the types the generated
/// code takes them as (`Client::parts` gives them so).
pub const FILLED: &[(&str, &str)] = &[
    ("organization_id", "&'a ::uuid::Uuid"),
    ("environment_id", "&'a str"),
];

/// The error type of the operations the crate wraps.
const WRAPPED_ERROR: &str = "Error<types::Failure>";

/// What wrapping produced.
#[derive(Debug, Default)]
pub struct Wrapped {
    /// The impl block to append to the generated code.
    pub code: String,
    /// Operations wrapped, by method name.
    pub wrapped: Vec<String>,
    /// Operations left out (their error type is not `Failure`), by method name.
    pub skipped: Vec<String>,
}

/// `operation_ids` are the spec's operationIds (the generated methods are named after
/// them in snake case).
pub fn wrap(code: &str, operation_ids: &[String]) -> Result<Wrapped, String> {
    let file: syn::File =
        syn::parse_str(code).map_err(|e| format!("generated code does not parse: {e}"))?;
    let mut out = Wrapped::default();
    let mut methods = Vec::new();
    for f in client_operations(&file) {
        let name = f.sig.ident.to_string();
        if public_output(&f.sig.output).is_none() {
            out.skipped.push(name);
            continue;
        }
        let id = operation_ids
            .iter()
            .find(|id| same_name(id, &name))
            .ok_or_else(|| format!("no operationId in the spec for method {name}"))?;
        methods.push(wrapper(f, id)?);
        out.wrapped.push(name);
    }
    let tokens = quote! {
        impl<'c> crate::operations::Operations<'c> {
            #(#methods)*
        }
    };
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("the operation wrappers do not parse: {e}"))?;
    out.code = prettyplease::unparse(&file);
    Ok(out)
}

/// The return type of a wrapper: the generated `Result<T, Error<types::Failure>>` with
/// the crate's `Error` in place of the error; `None` for another return type.
fn public_output(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let mut ty = (**ty).clone();
    let syn::Type::Path(path) = &mut ty else {
        return None;
    };
    let last = path.path.segments.last_mut()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
        return None;
    };
    let error = args.args.iter_mut().nth(1)?;
    let wanted: syn::GenericArgument = syn::parse_str(WRAPPED_ERROR).ok()?;
    // Compared as tokens (syn's `PartialEq` needs a feature tests/build_code.rs lacks).
    if error.to_token_stream().to_string() != wanted.to_token_stream().to_string() {
        return None;
    }
    *error = syn::parse_quote!(crate::Error);
    Some(ty)
}

/// The generated client's operation methods: the `async fn`s of its own `impl Client`.
pub fn client_operations(file: &syn::File) -> impl Iterator<Item = &syn::ImplItemFn> {
    file.items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
            {
                Some(imp)
            }
            _ => None,
        })
        .flat_map(|imp| imp.items.iter())
        .filter_map(|member| match member {
            ImplItem::Fn(f) if f.sig.asyncness.is_some() => Some(f),
            _ => None,
        })
}

/// The generated constant of operation `operation_id`, the retry loop's and the span's
/// knowledge of it (`crate::generated::operation::GET_SQLV1_CONNECTION`).
pub fn operation_const(operation_id: &str) -> TokenStream {
    let name = const_name(operation_id);
    quote!(crate::generated::operation::#name)
}

fn const_name(operation_id: &str) -> syn::Ident {
    format_ident!("{}", crate::limits::screaming(&[operation_id.to_string()]))
}

/// `pub mod operation`: one `crate::transport::Operation` constant per operation of
/// `table` (`(operationId, method, path template)`), named by [`operation_const`].
pub fn operation_module(table: &[(String, String, String)]) -> String {
    let consts = table.iter().map(|(id, method, path)| {
        let name = const_name(id);
        let doc = format!("`{id}`: `{method} {path}`.");
        quote! {
            #[doc = #doc]
            pub const #name: crate::transport::Operation =
                crate::transport::Operation { id: #id, method: #method, path: #path };
        }
    });
    quote! {
        /// Every operation of the spec, as the retry loop and its tracing span know it.
        pub mod operation {
            #(#consts)*
        }
    }
    .to_string()
}

/// progenitor names a method after the snake case of its operationId.
pub fn same_name(operation_id: &str, method: &str) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    squash(operation_id) == squash(method)
}

/// One wrapper: same name, documentation and parameters (but the filled ones), the
/// crate's error type.
fn wrapper(f: &syn::ImplItemFn, operation_id: &str) -> Result<TokenStream, String> {
    let name = &f.sig.ident;
    let docs: Vec<_> = f
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let generics = &f.sig.generics;
    let mut params = Vec::new();
    let mut args = Vec::new();
    let mut filled = Vec::new();
    for input in &f.sig.inputs {
        let FnArg::Typed(arg) = input else { continue };
        let Pat::Ident(ident) = &*arg.pat else {
            return Err(format!("{name}: a parameter that is not a plain name"));
        };
        let ty = arg.ty.to_token_stream().to_string().replace(' ', "");
        let fill = FILLED
            .iter()
            .find(|(n, t)| ident.ident == n && ty == t.replace(' ', ""));
        let param = &ident.ident;
        match fill {
            Some((n, _)) => filled.push(format_ident!("{}", n)),
            None => {
                let ty = &arg.ty;
                params.push(quote!(#param: #ty));
            }
        }
        // Each attempt calls the operation again: what it takes by value is cloned.
        args.push(match &*arg.ty {
            syn::Type::Reference(_) => quote!(#param),
            _ => quote!(#param.clone()),
        });
    }
    let output = public_output(&f.sig.output)
        .ok_or_else(|| format!("{name}: the return type is not `Result<_, {WRAPPED_ERROR}>`"))?;
    let organization = if filled.iter().any(|f| f == "organization_id") {
        quote!(organization_id)
    } else {
        quote!(_)
    };
    let environment = if filled.iter().any(|f| f == "environment_id") {
        quote!(environment_id)
    } else {
        quote!(_)
    };
    let receiver = match f.sig.receiver() {
        Some(r) if r.lifetime().is_some() => {
            let lifetime = r.lifetime();
            quote!(&#lifetime self)
        }
        _ => quote!(&self),
    };
    let operation = operation_const(operation_id);
    Ok(quote! {
        #(#docs)*
        ///
        /// Sent with the client's credentials, retried by its retry policy, traced as
        /// one operation span; the organization and environment are the client's.
        pub async fn #name #generics (#receiver, #(#params),*) -> #output {
            const OPERATION: crate::transport::Operation = #operation;
            let (api, #organization, #environment) = self.parts();
            self.run(OPERATION, || api.#name(#(#args),*)).await
        }
    })
}
