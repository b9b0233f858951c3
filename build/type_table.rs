//! Which generated type each schema of the spec became, as a table for the crate's own
//! tests (`src/generated/tests.rs` checks every example of the spec against it).
//!
//! A component schema's type is named by typify after the schema's name as normalised
//! (`sql.v1.Statement` -> `Statement`), or replaced by a crate type; the name the spec
//! publishes is kept on the schema by the normalisation
//! ([`PUBLISHED_NAME`](crate::normalize::PUBLISHED_NAME)). An operation's inline
//! request and answer bodies are read from the generated method's signature.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use serde_json::Value;
use syn::{FnArg, Item};

use crate::normalize::PUBLISHED_NAME;

/// `SCHEMA_TYPES` and `OPERATION_BODIES` (test-only constants): `(published schema
/// name, type name, check)` and `(operationId, "request" or status, type name, check)`,
/// each check being `tests::round_trip` of the type.
pub fn module(doc: &Value, code: &str, replacements: &[(&str, &str)]) -> Result<String, String> {
    let file: syn::File =
        syn::parse_str(code).map_err(|e| format!("generated code does not parse: {e}"))?;
    let mut types = std::collections::BTreeSet::new();
    collect_type_names(&file.items, &mut types);

    let mut schema_rows = Vec::new();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let published = schema
            .get(PUBLISHED_NAME)
            .and_then(Value::as_str)
            .unwrap_or(name);
        let replaced = replacements
            .iter()
            .find(|(from, _)| crate::normalize::pascal(from) == crate::normalize::pascal(name));
        let path: TokenStream = match replaced {
            Some((_, path)) => path.parse().map_err(|e| format!("{path}: {e}"))?,
            None => {
                let ty = crate::normalize::pascal(name);
                if !types.contains(&ty) {
                    continue;
                }
                let ident = format_ident!("{}", ty);
                quote!(types::#ident)
            }
        };
        let shown = path.to_string().replace(' ', "");
        let shown = shown.trim_start_matches("types::");
        schema_rows.push(quote!((#published, #shown, tests::round_trip::<#path>)));
    }

    // The parts of a component's `allOf` that normalisation inlined, by their
    // published names, with the published name of the component that holds them.
    let mut part_rows = Vec::new();
    for (name, schema) in schemas.into_iter().flatten() {
        let host = schema
            .get(PUBLISHED_NAME)
            .and_then(Value::as_str)
            .unwrap_or(name);
        let members = schema.get("allOf").and_then(Value::as_array);
        for part in members.into_iter().flatten() {
            if let Some(part) = part.get(PUBLISHED_NAME).and_then(Value::as_str) {
                part_rows.push(quote!((#part, #host)));
            }
        }
    }

    let mut body_rows = Vec::new();
    for (id, status, ty) in operation_bodies(doc, &file) {
        let shown = ty.to_token_stream().to_string().replace(' ', "");
        body_rows.push(quote!((#id, #status, #shown, tests::round_trip::<#ty>)));
    }

    let tokens = quote! {
        /// The generated type of every component schema, by the name the spec gives
        /// it, with the check of an example against it (`build/type_table.rs`).
        #[cfg(test)]
        pub(crate) const SCHEMA_TYPES: &[(&str, &str, fn(&::serde_json::Value) -> ::std::result::Result<(), ::std::string::String>)] = &[
            #(#schema_rows),*
        ];
        /// `(part, component)`: each `allOf` part the normalisation inlined into a
        /// component, by the names the spec gives them.
        #[cfg(test)]
        pub(crate) const ALLOF_PARTS: &[(&str, &str)] = &[
            #(#part_rows),*
        ];
        /// The generated type of each operation's request body (`"request"`) and
        /// success answer (its status), with the check of an example against it.
        #[cfg(test)]
        pub(crate) const OPERATION_BODIES: &[(&str, &str, &str, fn(&::serde_json::Value) -> ::std::result::Result<(), ::std::string::String>)] = &[
            #(#body_rows),*
        ];
    };
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("the type table does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

fn collect_type_names(items: &[Item], out: &mut std::collections::BTreeSet<String>) {
    for item in items {
        match item {
            Item::Struct(s) => {
                out.insert(s.ident.to_string());
            }
            Item::Enum(e) => {
                out.insert(e.ident.to_string());
            }
            Item::Mod(m) if m.ident == "types" => {
                if let Some((_, inner)) = &m.content {
                    collect_type_names(inner, out);
                }
            }
            _ => {}
        }
    }
}

/// `(operationId, "request" or success status, type)` of every operation's body and
/// success answer that the generated client types (not `()`).
fn operation_bodies(doc: &Value, file: &syn::File) -> Vec<(String, String, syn::Type)> {
    let mut out = Vec::new();
    let operations: Vec<(String, &Value)> = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(_, item)| item.as_object().into_iter().flatten())
        .filter_map(|(_, op)| Some((op.get("operationId")?.as_str()?.to_string(), op)))
        .collect();
    for f in crate::operations::client_operations(file) {
        let name = f.sig.ident.to_string();
        let Some((id, op)) = operations
            .iter()
            .find(|(id, _)| crate::operations::same_name(id, &name))
        else {
            continue;
        };
        for input in &f.sig.inputs {
            let FnArg::Typed(arg) = input else { continue };
            let is_body = matches!(&*arg.pat, syn::Pat::Ident(i) if i.ident == "body");
            if let (true, syn::Type::Reference(r)) = (is_body, &*arg.ty) {
                out.push((id.clone(), "request".into(), (*r.elem).clone()));
            }
        }
        let status = op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(code, _)| code)
            .find(|code| code.starts_with('2'));
        if let (Some(status), Some(ty)) = (status, answer_type(&f.sig.output)) {
            out.push((id.clone(), status.clone(), ty));
        }
    }
    out
}

/// `T` of `Result<ResponseValue<T>, _>`, unless it is `()` or a byte stream.
fn answer_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let first_arg = |ty: &syn::Type, name: &str| -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let last = p.path.segments.last()?;
        if last.ident != name {
            return None;
        }
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        match args.args.first()? {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }
    };
    let answer = first_arg(&first_arg(ty, "Result")?, "ResponseValue")?;
    match &answer {
        syn::Type::Tuple(t) if t.elems.is_empty() => None,
        syn::Type::Path(p) if p.path.segments.last()?.ident == "ByteStream" => None,
        _ => Some(answer),
    }
}
