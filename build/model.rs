//! Shapes progenitor's generated types into the crate's public model.
//!
//! progenitor (through typify) generates one Rust type per schema of the normalised
//! spec. What a client needs beyond its settings is made here, so they are made here,
//! on the generated syntax tree, for every type alike (nothing here names a property of
//! the Connections API):
//!
//! - **Open enums.** typify's enums refuse a value they do not list. Every generated
//!   string enum is written again by `build/open_enums.rs`, with the same values plus
//!   `Other(String)`, which keeps and re-sends a value the spec does not list yet;
//!   typify's impls for it are dropped.
//!   [`VARIANT_NAMES`] may give a known value a more readable Rust name; it never
//!   decides which values exist.
//! - **Unknown properties.** typify keeps the properties a schema does not declare in a
//!   flattened `extra: HashMap` (`normalize::keep_unknown_properties` asks for it).
//!   It becomes `unknown_fields`, the crate's `UnknownFields` (an ordered map, one
//!   pointer wide and allocated only when a member arrives), documented.
//! - **Secrets never written by answers.** A field holding the crate's wire secret type
//!   ([`SECRET_TYPE`], which writes the secret) keeps it only in request bodies (the
//!   types an operation's `body` parameter reaches). In every other type it becomes an
//!   `Option` of the crate's `AuthData` ([`ANSWER_SECRET_TYPE`]): read from the wire,
//!   never written, so serialising a connection can never print its secret (and an
//!   answer without it is still read).
//! - **Date-times** are read by the crate's RFC 3339 reader (`src/timestamp.rs`), which
//!   accepts what chrono's `Deserialize` accepts at a fraction of its cost.
//! - **Serde without buffering.** Each struct's `Deserialize` and `Serialize` are
//!   written as code (`build/serde_impls.rs`) instead of derived: a derived
//!   `#[serde(flatten)]` map buffers every object before reading it.
//! - **Pages read into a buffer of a page's size.** The item array of a list
//!   operation's answer (`data`) is read by `crate::list::page_items` into a buffer
//!   sized for the spec's maximum `page_size`, not grown by doubling as items come.
//! - **Secrets never in `Debug`.** A struct holding a string map (a statement's
//!   `properties`) gets a written-out `Debug` that hides the values of secret
//!   properties (`crate::properties`).
//! - **No box for an absent member.** typify's `Box<Option<T>>` (an optional member of
//!   a recursive type) becomes `Option<Box<T>>`.
//!
//! Every struct is `#[non_exhaustive]`: a property Confluent adds is a new field, not a
//! breaking change. Request bodies get a `new` taking what the spec requires.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use serde_json::Value;
use syn::{Attribute, Fields, Item, ItemEnum, ItemStruct};

use crate::{limits, open_enums, serde_impls};

/// The name of the crate's replacement for the spec's secret holder (`auth_data` on
/// the wire), which writes the secret: request bodies keep it.
pub const SECRET_TYPE: &str = "PlaintextProvider";

/// What answers hold a secret in instead: the crate's `AuthData`, read from the wire
/// form by [`SECRET_READER`], never written.
pub const ANSWER_SECRET_TYPE: &str = "crate::connections::AuthData";
pub const SECRET_READER: &str = "crate::connections::wire::read_auth_data";
/// The JSON Schema of the secret in answers: the wire form, both members optional.
pub const ANSWER_SECRET_SCHEMA: &str = "crate::connections::wire::AnswerShape";

/// Readable Rust names for wire values whose generated name runs words together
/// (`OPENAI` would be `Openai`). Only names: a value missing here still gets a variant,
/// and a name here whose value the spec drops is simply unused.
pub const VARIANT_NAMES: &[(&str, &str)] = &[
    ("AZUREML", "AzureMl"),
    ("AZUREOPENAI", "AzureOpenAi"),
    ("COSMOSDB", "CosmosDb"),
    ("FIREWORKSAI", "FireworksAi"),
    ("GOOGLEAI", "GoogleAi"),
    ("MONGODB", "MongoDb"),
    ("OPENAI", "OpenAi"),
    ("S3VECTORS", "S3Vectors"),
    ("SAGEMAKER", "SageMaker"),
    ("VERTEXAI", "VertexAi"),
];

/// The field typify gives the properties a schema does not declare, and the name the
/// crate gives it.
const TYPIFY_EXTRA: &str = "extra";
const UNKNOWN_FIELDS: &str = "unknown_fields";

/// What shaping did, for `generation-stats.txt` and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Shaped {
    /// The generated code after shaping.
    pub code: String,
    /// The enums made open, by type name.
    pub open_enums: Vec<String>,
    /// The structs that keep unknown properties, by type name.
    pub keep_unknown: Vec<String>,
    /// The request body types (their secret fields are written).
    pub request_bodies: Vec<String>,
}

/// Shapes the generated `code` (progenitor's output, one file) of the normalised
/// document `doc`.
pub fn shape(code: &str, doc: &Value) -> Result<Shaped, String> {
    let mut file: syn::File =
        syn::parse_str(code).map_err(|e| format!("generated code does not parse: {e}"))?;
    let body_roots = request_body_roots(&file);
    let pages = page_buffers(&file, doc);
    let items = types_module(&mut file)?;
    let bodies = reachable_structs(items, body_roots);
    let strings = limits::string_places(doc);

    let mut shaped = Shaped::default();
    let mut open = BTreeSet::new();
    let mut written = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Enum(e) if is_string_enum(e) => {
                open.insert(e.ident.to_string());
                let mut items = open_enum(e)?.into_iter();
                *item = items.next().expect("the enum comes first");
                written.extend(items);
            }
            Item::Struct(s) => {
                if let Some(place) = strings.get(&limits::type_key(&s.ident.to_string())) {
                    written.extend(schema_limits(s, place));
                }
                let is_body = bodies.contains(&s.ident.to_string());
                let page = pages.get(&s.ident.to_string()).copied();
                if shape_struct(s, is_body, page)? {
                    shaped.keep_unknown.push(s.ident.to_string());
                }
                if is_body && matches!(s.fields, Fields::Named(_)) {
                    written.push(constructor(s)?);
                }
                if serde_impls::applies_to(s) {
                    written.extend(serde_impls::write(s)?);
                }
                if let Some(debug) = debug_without_secrets(s)? {
                    written.push(debug);
                }
            }
            _ => {}
        }
    }
    // typify's impls of the enums made open (Display, FromStr, TryFrom...): each has
    // its own now, among `written`.
    items.retain(|item| match item {
        Item::Impl(i) => !last_ident(&i.self_ty).is_some_and(|n| open.contains(&n)),
        _ => true,
    });
    items.extend(written);
    // The crate's wire secret type stands in for the spec's schema in request bodies;
    // it is named beside the other types, for callers building a body.
    let wire: syn::Path =
        syn::parse_str(&format!("crate::connections::wire::{SECRET_TYPE}")).expect("a type path");
    items.push(syn::parse_quote!(pub use #wire;));
    shaped.open_enums = open.into_iter().collect();
    shaped.request_bodies = bodies.into_iter().collect();
    shaped.code = prettyplease::unparse(&file);
    Ok(shaped)
}

/// The items of `pub mod types`.
fn types_module(file: &mut syn::File) -> Result<&mut Vec<Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| "the generated code has no `types` module".to_string())
}

/// The last identifier of a type's path (`types::Connection` -> `Connection`), through
/// references.
fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => last_ident(&r.elem),
        _ => None,
    }
}

/// The member of a list operation's answer that holds the page's items, and the
/// parameters that make an operation a list (as `build/resources.rs` reads them).
const PAGE_ITEMS: &str = "data";
const PAGE_TOKEN: &str = "page_token";
const PAGE_SIZE: &str = "page_size";

/// The answer types of the list operations whose `page_size` has a `maximum` in `doc`,
/// and that maximum: their items are read into a buffer of that size
/// (`crate::list::page_items`).
fn page_buffers(file: &syn::File, doc: &Value) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for f in crate::operations::client_operations(file) {
        let lists = f.sig.inputs.iter().any(|input| {
            matches!(input, syn::FnArg::Typed(t)
                if matches!(&*t.pat, syn::Pat::Ident(p) if p.ident == PAGE_TOKEN))
        });
        let answer = answer_type(&f.sig.output);
        let most = page_size_maximum(doc, &f.sig.ident.to_string());
        if let (true, Some(answer), Some(most)) = (lists, answer, most) {
            out.insert(answer, most);
        }
    }
    out
}

/// The name of the type in `ResponseValue<..>` of a generated operation's output.
fn answer_type(output: &syn::ReturnType) -> Option<String> {
    fn find(ty: &syn::Type) -> Option<String> {
        let segment = last_segment(ty)?;
        if segment.ident == "ResponseValue" {
            return type_args(ty).first().and_then(|t| last_ident(t));
        }
        type_args(ty).into_iter().find_map(find)
    }
    match output {
        syn::ReturnType::Type(_, ty) => find(ty),
        syn::ReturnType::Default => None,
    }
}

/// The `maximum` of the `page_size` parameter of the operation generated as `method`.
fn page_size_maximum(doc: &Value, method: &str) -> Option<u64> {
    let resolve = |v: &'_ Value| -> Value {
        match v["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => doc.pointer(pointer).cloned().unwrap_or(Value::Null),
            None => v.clone(),
        }
    };
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let is_it = op["operationId"]
                .as_str()
                .is_some_and(|id| crate::operations::same_name(id, method));
            if !is_it {
                continue;
            }
            let shared = item["parameters"].as_array().into_iter().flatten();
            let own = op["parameters"].as_array().into_iter().flatten();
            return shared
                .chain(own)
                .map(resolve)
                .filter(|p| p["name"] == PAGE_SIZE)
                .find_map(|p| resolve(&p["schema"])["maximum"].as_u64());
        }
    }
    None
}

/// The types of the `body` parameters of the generated operations.
fn request_body_roots(file: &syn::File) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        for member in &imp.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            for input in &f.sig.inputs {
                let syn::FnArg::Typed(arg) = input else {
                    continue;
                };
                let is_body = matches!(&*arg.pat, syn::Pat::Ident(p) if p.ident == "body");
                if is_body {
                    roots.extend(last_ident(&arg.ty));
                }
            }
        }
    }
    roots
}

/// `roots` and every struct of `items` their fields reach.
fn reachable_structs(items: &[Item], roots: BTreeSet<String>) -> BTreeSet<String> {
    let structs: Vec<&ItemStruct> = items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some(s),
            _ => None,
        })
        .collect();
    let mut reached = roots;
    loop {
        let before = reached.len();
        for s in &structs {
            if !reached.contains(&s.ident.to_string()) {
                continue;
            }
            for field in &s.fields {
                let mut names = BTreeSet::new();
                type_names(&field.ty, &mut names);
                for other in &structs {
                    let name = other.ident.to_string();
                    if names.contains(&name) {
                        reached.insert(name);
                    }
                }
            }
        }
        if reached.len() == before {
            return reached;
        }
    }
}

/// An enum of unit variants: what typify makes of a string `enum`.
fn is_string_enum(e: &ItemEnum) -> bool {
    !e.variants.is_empty() && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
}

/// The wire value of a variant: its `#[serde(rename = "..")]`, else its name.
fn wire_value(v: &syn::Variant) -> Result<String, String> {
    let mut value = None;
    for attr in v.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                value = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        })
        .map_err(|e| format!("variant {}: {e}", v.ident))?;
    }
    Ok(value.unwrap_or_else(|| v.ident.to_string()))
}

fn docs(attrs: &[Attribute]) -> Vec<&Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("doc")).collect()
}

/// The open enum for typify's enum `e` (`build/open_enums.rs`), its values named by
/// [`VARIANT_NAMES`] where they run words together.
fn open_enum(e: &ItemEnum) -> Result<Vec<Item>, String> {
    let mut variants = Vec::new();
    for v in &e.variants {
        let wire = wire_value(v)?;
        let ident = match VARIANT_NAMES.iter().find(|(w, _)| *w == wire) {
            Some((_, readable)) => format_ident!("{}", readable),
            None => v.ident.clone(),
        };
        let mut docs: Vec<TokenStream> =
            docs(&v.attrs).iter().map(|a| a.to_token_stream()).collect();
        if docs.is_empty() {
            let text = format!("`{wire}`");
            docs.push(quote!(#[doc = #text]));
        }
        variants.push(open_enums::Variant { ident, docs, wire });
    }
    let enum_docs: Vec<TokenStream> = docs(&e.attrs).iter().map(|a| a.to_token_stream()).collect();
    open_enums::write(&e.ident, &enum_docs, &variants)
}

/// Shapes one generated struct; true when it keeps unknown properties. `page`: the
/// struct is a list operation's answer whose pages hold at most that many items.
fn shape_struct(s: &mut ItemStruct, is_body: bool, page: Option<u64>) -> Result<bool, String> {
    if matches!(s.fields, Fields::Named(_)) {
        // A property Confluent adds is a new field, not a breaking change: values are
        // read from JSON or built with `new` (request bodies), never as literals.
        s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    }
    let mut keeps_unknown = false;
    for field in s.fields.iter_mut() {
        unbox_absent(field)?;
        let Some(ident) = &field.ident else { continue };
        if ident == TYPIFY_EXTRA && has_serde(&field.attrs, "flatten")? {
            field.ident = Some(format_ident!("{}", UNKNOWN_FIELDS));
            field.ty = syn::parse_quote!(crate::UnknownFields);
            field.attrs.retain(|a| !a.path().is_ident("doc"));
            field.attrs.insert(
                0,
                syn::parse_quote!(#[doc = "The properties the service sent that this version of the spec does not declare, kept as sent and written back when the value is serialised (Confluent's compatibility policy: MUST IGNORE, MUST FORWARD)."]),
            );
            keeps_unknown = true;
        } else if mentions(&field.ty, SECRET_TYPE) && !is_body {
            let answer: syn::Type = syn::parse_str(ANSWER_SECRET_TYPE).expect("a type path");
            // Optional even where a request requires it: an answer need not carry it.
            field.ty = syn::parse_quote!(::std::option::Option<#answer>);
            set_serde(&mut field.attrs, "skip_serializing", None)?;
            set_serde(&mut field.attrs, "deserialize_with", Some(SECRET_READER))?;
            set_serde(&mut field.attrs, "default", None)?;
            // Its JSON Schema is the wire form's, which answers carry.
            let wire = format!("::std::option::Option<{ANSWER_SECRET_SCHEMA}>");
            field
                .attrs
                .push(syn::parse_quote!(#[schemars(with = #wire)]));
        } else if let Some(most) =
            page.filter(|_| ident == PAGE_ITEMS && outer_is(&field.ty, "Vec"))
        {
            let reader = format!("crate::list::page_items::<{most}, _, _>");
            set_serde(&mut field.attrs, "deserialize_with", Some(&reader))?;
            set_serde(&mut field.attrs, "default", None)?;
        } else if outer_is(&field.ty, "Option") && inner_is(&field.ty, "DateTime") {
            set_serde(
                &mut field.attrs,
                "deserialize_with",
                Some("crate::timestamp::optional"),
            )?;
            set_serde(&mut field.attrs, "default", None)?;
        } else if outer_is(&field.ty, "DateTime") {
            set_serde(
                &mut field.attrs,
                "deserialize_with",
                Some("crate::timestamp::required"),
            )?;
        }
    }
    if keeps_unknown && all_optional(s) && !serde_impls::derives(&s.attrs, "Default") {
        // typify leaves `Default` out of structs with a flattened map, where it is as
        // true as anywhere: an empty value.
        s.attrs.push(syn::parse_quote!(#[derive(Default)]));
    }
    Ok(keeps_unknown)
}

/// A constrained string's newtype (`struct Name(String)`, which checks its place's
/// limits when read) shows them in its JSON Schema too (a derived one shows a plain
/// string): `maxLength`, `minLength` and `pattern` of `place`, its schema in the spec.
fn schema_limits(s: &mut ItemStruct, place: &Value) -> Option<Item> {
    let Fields::Unnamed(fields) = &s.fields else {
        return None;
    };
    let [field] = &fields.unnamed.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    if !serde_impls::derives(&s.attrs, "JsonSchema") || !outer_is(&field.ty, "String") {
        return None;
    }
    serde_impls::remove_derives(&mut s.attrs, &["JsonSchema"]);
    let count = |keyword: &str| match place.get(keyword).and_then(Value::as_u64) {
        Some(n) => {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            quote!(::std::option::Option::Some(#n))
        }
        None => quote!(::std::option::Option::None),
    };
    let (max, min) = (count("maxLength"), count("minLength"));
    let pattern = match place.get("pattern").and_then(Value::as_str) {
        Some(p) => quote!(::std::option::Option::Some(#p.to_string())),
        None => quote!(::std::option::Option::None),
    };
    let name = &s.ident;
    Some(syn::parse_quote! {
        impl ::schemars::JsonSchema for #name {
            fn is_referenceable() -> bool {
                false
            }
            fn schema_name() -> ::std::string::String {
                "String".to_string()
            }
            fn json_schema(_: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {
                use ::schemars::schema::{InstanceType, SchemaObject, StringValidation};
                SchemaObject {
                    instance_type: ::std::option::Option::Some(InstanceType::String.into()),
                    string: ::std::option::Option::Some(::std::boxed::Box::new(StringValidation {
                        max_length: #max,
                        min_length: #min,
                        pattern: #pattern,
                    })),
                    ..::std::default::Default::default()
                }
                .into()
            }
        }
    })
}

/// typify holds an optional member of a recursive type (`DataType.element_type`) as
/// `Box<Option<T>>`, which allocates a box for every absent member of every value read.
/// It becomes `Option<Box<T>>`: absent is `None`, no allocation, and, as every other
/// optional member, absent stays absent when written.
fn unbox_absent(field: &mut syn::Field) -> Result<(), String> {
    if !outer_is(&field.ty, "Box") {
        return Ok(());
    }
    let Some(option) = type_args(&field.ty).first().copied().cloned() else {
        return Ok(());
    };
    if !outer_is(&option, "Option") {
        return Ok(());
    }
    let Some(inner) = type_args(&option).first().copied().cloned() else {
        return Ok(());
    };
    field.ty = syn::parse_quote!(::std::option::Option<::std::boxed::Box<#inner>>);
    set_serde(&mut field.attrs, "default", None)?;
    set_serde(
        &mut field.attrs,
        "skip_serializing_if",
        Some("::std::option::Option::is_none"),
    )
}

/// For a struct with a string map (`HashMap<String, String>`: a statement's
/// `properties`, a resource's `labels`), a `Debug` in place of the derived one that
/// shows such a map through `crate::properties::Shown`: the values of secret
/// properties (`sql.secrets.*`) never appear in `Debug` output, whatever type holds
/// them. `None` for any other struct (its derive stays).
fn debug_without_secrets(s: &mut ItemStruct) -> Result<Option<Item>, String> {
    let is_string_map = |ty: &syn::Type| {
        outer_is(ty, "HashMap") && {
            let args = type_args(ty);
            args.len() == 2 && args.iter().all(|t| outer_is(t, "String"))
        }
    };
    let Fields::Named(named) = &s.fields else {
        return Ok(None);
    };
    if !serde_impls::derives(&s.attrs, "Debug") || !named.named.iter().any(|f| is_string_map(&f.ty))
    {
        return Ok(None);
    }
    serde_impls::remove_derives(&mut s.attrs, &["Debug"]);
    let name = &s.ident;
    let shown = name.to_string();
    let fields = named.named.iter().map(|f| {
        let ident = f.ident.as_ref().expect("named fields");
        let label = syn::ext::IdentExt::unraw(ident).to_string();
        if is_string_map(&f.ty) {
            quote!(.field(#label, &crate::properties::Shown(&self.#ident)))
        } else {
            quote!(.field(#label, &self.#ident))
        }
    });
    syn::parse2(quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#shown) #(#fields)* .finish()
            }
        }
    })
    .map(Some)
    .map_err(|e| format!("struct {name}: Debug: {e}"))
}

/// `pub fn new(..)` for a request body: its required properties as arguments, every
/// other one absent. The way to build a body that keeps compiling when Confluent adds
/// an optional property (the struct is `#[non_exhaustive]`); set optional fields on
/// the result.
fn constructor(s: &ItemStruct) -> Result<Item, String> {
    let name = &s.ident;
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for field in &s.fields {
        let ident = field.ident.as_ref().expect("named fields");
        let ty = &field.ty;
        match serde_impls::absent_value(field).map_err(|e| format!("struct {name}: {e}"))? {
            // What reading the body without the property gives: the spec's default.
            Some(absent) => inits.push(quote!(#ident: #absent)),
            None => {
                params.push(quote!(#ident: #ty));
                inits.push(quote!(#ident));
            }
        }
    }
    let doc = format!(
        "A `{name}` with the properties the spec requires; the others are absent (set them on the result)."
    );
    syn::parse2(quote! {
        impl #name {
            #[doc = #doc]
            #[allow(clippy::too_many_arguments)]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
    })
    .map_err(|e| format!("struct {name}: constructor: {e}"))
}

/// True when every field of `s` may be absent (an `Option`, a `Vec`, the unknown map).
fn all_optional(s: &ItemStruct) -> bool {
    s.fields.iter().all(|f| {
        outer_is(&f.ty, "Option") || outer_is(&f.ty, "Vec") || outer_is(&f.ty, "UnknownFields")
    })
}

/// The last segment of a type's path (`::std::option::Option<T>` -> `Option`).
fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last(),
        _ => None,
    }
}

/// True when the type's outer name is `name` (`Option` of `Option<DateTime<Utc>>`).
fn outer_is(ty: &syn::Type, name: &str) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == name)
}

/// True when the type's first generic argument's outer name is `name`.
fn inner_is(ty: &syn::Type, name: &str) -> bool {
    type_args(ty).first().is_some_and(|t| outer_is(t, name))
}

fn type_args(ty: &syn::Type) -> Vec<&syn::Type> {
    match last_segment(ty).map(|s| &s.arguments) {
        Some(syn::PathArguments::AngleBracketed(a)) => a
            .args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The names of every type a type is made of (`Option<Vec<Connection>>` -> `Option`,
/// `Vec`, `Connection`), through references.
fn type_names(ty: &syn::Type, out: &mut BTreeSet<String>) {
    match ty {
        syn::Type::Path(p) => {
            if let Some(s) = p.path.segments.last() {
                out.insert(s.ident.to_string());
            }
            for t in type_args(ty) {
                type_names(t, out);
            }
        }
        syn::Type::Reference(r) => type_names(&r.elem, out),
        _ => {}
    }
}

/// True when `ty` is, or holds, the type named `name`.
fn mentions(ty: &syn::Type, name: &str) -> bool {
    let mut names = BTreeSet::new();
    type_names(ty, &mut names);
    names.contains(name)
}

/// The keys of the `#[serde(..)]` attributes (`rename`, `flatten`, ...).
fn serde_keys(attrs: &[Attribute]) -> Result<Vec<String>, String> {
    let mut keys = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            keys.push(
                meta.path
                    .get_ident()
                    .map(|i| i.to_string())
                    .unwrap_or_default(),
            );
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        })
        .map_err(|e| format!("a serde attribute does not parse: {e}"))?;
    }
    Ok(keys)
}

fn has_serde(attrs: &[Attribute], key: &str) -> Result<bool, String> {
    Ok(serde_keys(attrs)?.iter().any(|k| k == key))
}

/// Removes `key` from the `#[serde(..)]` attributes, keeping their other items.
fn remove_serde(attrs: &mut Vec<Attribute>, key: &str) {
    type Items = syn::punctuated::Punctuated<syn::Meta, syn::Token![,]>;
    attrs.retain_mut(|a| {
        if !a.path().is_ident("serde") {
            return true;
        }
        let Ok(items) = a.parse_args_with(Items::parse_terminated) else {
            return true;
        };
        let kept: Vec<&syn::Meta> = items.iter().filter(|m| !m.path().is_ident(key)).collect();
        if kept.len() == items.len() {
            return true;
        }
        if kept.is_empty() {
            return false;
        }
        *a = syn::parse_quote!(#[serde(#(#kept),*)]);
        true
    });
}

/// Adds `#[serde(key)]` or `#[serde(key = "value")]` unless `key` is there;
/// `skip_serializing` replaces a `skip_serializing_if` (serde takes one or the other).
fn set_serde(attrs: &mut Vec<Attribute>, key: &str, value: Option<&str>) -> Result<(), String> {
    if key == "skip_serializing" {
        remove_serde(attrs, "skip_serializing_if");
    }
    if has_serde(attrs, key)? {
        return Ok(());
    }
    let key = format_ident!("{}", key);
    attrs.push(match value {
        Some(v) => syn::parse_quote!(#[serde(#key = #v)]),
        None => syn::parse_quote!(#[serde(#key)]),
    });
    Ok(())
}
