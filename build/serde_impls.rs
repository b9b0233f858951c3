//! Writes each generated struct's `Deserialize` and `Serialize` impls as code, in place
//! of serde's derives.
//!
//! A struct keeps the properties its schema does not declare (MUST IGNORE, MUST
//! FORWARD). Derived, that takes `#[serde(flatten)]` into a map, and serde then buffers
//! every key and value of every object through its private `Content` type before the
//! struct sees them (a list page whose items are flattened is buffered whole, then read
//! again). The impls written here read a JSON object once, as the derive of a struct
//! without a flattened member would: a member the struct declares goes straight into
//! its field's type, any other member into the unknown-property map, which allocates
//! only when the first such member arrives. Serialising writes the declared members,
//! then the unknown ones (never one that has a declared member's name, so no key is
//! written twice).
//!
//! How they are laid out is measured (BENCHMARKS.md, issue 17): the visitor's loop and
//! its key read are inlined into the deserializer's `deserialize_map` (`#[inline(always)]`),
//! and a key borrowed from the JSON (every name without an escape) is matched there, so
//! that one switch on the name's text goes straight to the member's read, as in
//! serde's derive once inlined. A name that had to be copied out of its escapes, or
//! arrives owned (serde's `visit_string` passes it on to `visit_str`), is matched out
//! of line (`#[cold]`): the code of every visitor holds one copy of its name match. Against serde's derive of the same structs without the
//! unknown-property map, reading a page of connections this way costs +0.5%
//! instructions (+1.9% with the key read out of line) and no more time.
//!
//! The impls follow the serde attributes the generator and `build/model.rs` put on the
//! fields (`rename`, `default`, `skip_serializing_if`, `skip_serializing`,
//! `deserialize_with`, `flatten` on the unknown-property map); the attributes stay on
//! the fields for `schemars`, which reads them for the JSON Schema. An attribute this
//! file does not know fails the build with a message naming it, rather than being
//! silently ignored. The helper items the impls define are named with a leading `__`,
//! which no generated type name has, so none hides a type of the model.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::{Attribute, Fields, Item, ItemStruct};

/// How one field is read and written.
struct FieldPlan {
    ident: syn::Ident,
    ty: syn::Type,
    wire: String,
    default: Default,
    skip_serializing_if: Option<syn::ExprPath>,
    skip_serializing: bool,
    deserialize_with: Option<syn::ExprPath>,
}

enum Default {
    /// Absent is an error (`missing field`), unless the type is an `Option`.
    None,
    /// `#[serde(default)]`.
    Trait,
    /// `#[serde(default = "path")]`.
    Path(syn::ExprPath),
}

/// A struct's plan: its declared fields and the unknown-property map, if it has one.
struct StructPlan {
    name: syn::Ident,
    fields: Vec<FieldPlan>,
    unknown: Option<syn::Ident>,
}

/// True when `s` derives serde's `Deserialize` and `Serialize` and has named fields:
/// the structs this file writes the impls of.
pub fn applies_to(s: &ItemStruct) -> bool {
    matches!(s.fields, Fields::Named(_))
        && derives(&s.attrs, "Deserialize")
        && derives(&s.attrs, "Serialize")
}

/// Removes serde's two derives from `s` and returns the impls that replace them.
pub fn write(s: &mut ItemStruct) -> Result<Vec<Item>, String> {
    let plan = plan(s)?;
    remove_derives(&mut s.attrs, &["Deserialize", "Serialize"]);
    let de = deserialize_impl(&plan);
    let ser = serialize_impl(&plan);
    let parse = |tokens: TokenStream, what: &str| {
        syn::parse2::<Item>(tokens).map_err(|e| format!("struct {}: {what}: {e}", plan.name))
    };
    Ok(vec![parse(de, "Deserialize")?, parse(ser, "Serialize")?])
}

fn plan(s: &ItemStruct) -> Result<StructPlan, String> {
    let name = s.ident.clone();
    if let Some(a) = s.attrs.iter().find(|a| a.path().is_ident("serde")) {
        return Err(format!(
            "struct {name}: the serde attribute `{}` on the struct is not supported by build/serde_impls.rs",
            quote!(#a)
        ));
    }
    let mut fields = Vec::new();
    let mut unknown = None;
    for field in &s.fields {
        let (plan, flatten) = field_plan(field).map_err(|e| format!("struct {name}, {e}"))?;
        let ident = plan.ident.clone();
        if flatten {
            if unknown.is_some() {
                return Err(format!("struct {name}: more than one flattened field"));
            }
            unknown = Some(ident);
        } else {
            fields.push(plan);
        }
    }
    Ok(StructPlan {
        name,
        fields,
        unknown,
    })
}

/// How `field` is read and written, and whether it is the flattened unknown map.
fn field_plan(field: &syn::Field) -> Result<(FieldPlan, bool), String> {
    let ident = field.ident.clone().expect("named fields");
    let mut plan = FieldPlan {
        wire: ident.unraw().to_string(),
        ident,
        ty: field.ty.clone(),
        default: Default::None,
        skip_serializing_if: None,
        skip_serializing: false,
        deserialize_with: None,
    };
    let mut flatten = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        read_field_attr(attr, &mut plan, &mut flatten)
            .map_err(|e| format!("field {}: {e}", plan.ident))?;
    }
    Ok((plan, flatten))
}

impl FieldPlan {
    /// The value the field takes when its member is absent, `None` when absence is an
    /// error (a required property).
    fn absent(&self) -> Option<TokenStream> {
        match &self.default {
            Default::Trait => Some(quote!(::std::default::Default::default())),
            Default::Path(path) => Some(quote!(#path())),
            Default::None if is_option(&self.ty) => Some(quote!(::std::option::Option::None)),
            Default::None => None,
        }
    }
}

/// The value `field` takes when its property is absent from the JSON read (the unknown
/// map's: empty), `None` when absence is an error (a required property).
pub fn absent_value(field: &syn::Field) -> Result<Option<TokenStream>, String> {
    let (plan, flatten) = field_plan(field)?;
    Ok(if flatten {
        Some(quote!(::std::default::Default::default()))
    } else {
        plan.absent()
    })
}

fn read_field_attr(attr: &Attribute, plan: &mut FieldPlan, flatten: &mut bool) -> syn::Result<()> {
    let path_value = |meta: &syn::meta::ParseNestedMeta| -> syn::Result<syn::ExprPath> {
        let lit: syn::LitStr = meta.value()?.parse()?;
        lit.parse()
    };
    attr.parse_nested_meta(|meta| {
        let key = meta
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        match key.as_str() {
            "rename" => {
                let lit: syn::LitStr = meta.value()?.parse()?;
                plan.wire = lit.value();
            }
            "default" if meta.input.peek(syn::Token![=]) => {
                plan.default = Default::Path(path_value(&meta)?);
            }
            "default" => plan.default = Default::Trait,
            "skip_serializing_if" => plan.skip_serializing_if = Some(path_value(&meta)?),
            "skip_serializing" => plan.skip_serializing = true,
            "deserialize_with" => plan.deserialize_with = Some(path_value(&meta)?),
            "flatten" => *flatten = true,
            _ => {
                return Err(meta.error(format!(
                    "the serde attribute `{key}` is not supported by build/serde_impls.rs"
                )))
            }
        }
        Ok(())
    })
}

/// True when the type is written `Option<..>` (in any path form).
fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

fn deserialize_impl(plan: &StructPlan) -> TokenStream {
    let name = &plan.name;
    let expecting = format!("an object ({name})");
    let variants: Vec<syn::Ident> = (0..plan.fields.len())
        .map(|i| format_ident!("F{}", i))
        .collect();
    let wires: Vec<&str> = plan.fields.iter().map(|f| f.wire.as_str()).collect();
    let slots: Vec<syn::Ident> = (0..plan.fields.len())
        .map(|i| format_ident!("f{}", i))
        .collect();
    let mut wrappers = Vec::new();
    let mut slot_types = Vec::new();
    let mut reads = Vec::new();
    let mut finals = Vec::new();
    for (i, f) in plan.fields.iter().enumerate() {
        let ty = &f.ty;
        let slot = &slots[i];
        let variant = &variants[i];
        let wire = &f.wire;
        slot_types.push(quote!(::std::option::Option<#ty>));
        let read = match &f.deserialize_with {
            Some(path) => {
                let wrapper = format_ident!("__With{}", i);
                wrappers.push(quote! {
                    struct #wrapper(#ty);
                    impl<'de> ::serde::Deserialize<'de> for #wrapper {
                        fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                            #path(d).map(#wrapper)
                        }
                    }
                });
                cold_err(quote!(map.next_value::<#wrapper>()), quote!(.0))
            }
            None => cold_err(quote!(map.next_value::<#ty>()), quote!()),
        };
        // An optional property written `null` is absent (the service writes an empty
        // `upsert_columns` as `null`): a field with a default takes it.
        let null_is_absent = f.deserialize_with.is_none() && !is_option(ty) && f.absent().is_some();
        let read_or_null = cold_err(
            quote!(map.next_value::<::std::option::Option<#ty>>()),
            quote!(),
        );
        reads.push(if null_is_absent {
            quote! {
                __Field::#variant => {
                    if #slot.is_some() {
                        return ::std::result::Result::Err(crate::visit::duplicate(#wire));
                    }
                    #slot = #read_or_null;
                }
            }
        } else {
            quote! {
                __Field::#variant => {
                    if #slot.is_some() {
                        return ::std::result::Result::Err(crate::visit::duplicate(#wire));
                    }
                    #slot = ::std::option::Option::Some(#read);
                }
            }
        });
        let missing = f.absent().unwrap_or_else(|| {
            quote!(
                return ::std::result::Result::Err(crate::visit::missing(#wire))
            )
        });
        let ident = &f.ident;
        finals.push(quote! {
            #ident: match #slot {
                ::std::option::Option::Some(v) => v,
                ::std::option::Option::None => #missing,
            },
        });
    }
    let (unknown_read, unknown_init, unknown_field) = match &plan.unknown {
        Some(u) => (
            quote! {
                __Field::Unknown => crate::visit::unknown(&mut map, &mut unknown, __name.take())?,
            },
            quote!(let mut unknown = crate::UnknownFields::new();),
            quote!(#u: unknown,),
        ),
        None => (
            quote! {
                __Field::Unknown => crate::visit::ignore(&mut map)?,
            },
            quote!(),
            quote!(),
        ),
    };
    let next_key = cold_err(
        quote!(map.next_key_seed(__FieldSeed(&mut __name))),
        quote!(),
    );
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #[allow(non_camel_case_types)]
                // A member's key: one byte. An unknown member's name is written aside
                // (into the visitor's `__name`), so that the declared members' keys
                // are not carried as a `String`-sized value.
                enum __Field { #(#variants,)* Unknown }
                /// An unknown member's name, copied out of line: the declared
                /// members' path stays small.
                #[cold]
                #[inline(never)]
                fn __owned(name: &str) -> ::std::string::String {
                    ::std::borrow::ToOwned::to_owned(name)
                }
                struct __FieldVisitor<'a>(&'a mut ::std::option::Option<::std::string::String>);
                impl<'de> ::serde::de::Visitor<'de> for __FieldVisitor<'_> {
                    type Value = __Field;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a member name")
                    }
                    #[inline(always)]
                    fn visit_borrowed_str<E: ::serde::de::Error>(self, v: &'de str) -> ::std::result::Result<__Field, E> {
                        ::std::result::Result::Ok(match v {
                            #(#wires => __Field::#variants,)*
                            other => {
                                *self.0 = ::std::option::Option::Some(__owned(other));
                                __Field::Unknown
                            }
                        })
                    }
                    #[cold]
                    #[inline(never)]
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> ::std::result::Result<__Field, E> {
                        ::std::result::Result::Ok(match v {
                            #(#wires => __Field::#variants,)*
                            other => {
                                *self.0 = ::std::option::Option::Some(__owned(other));
                                __Field::Unknown
                            }
                        })
                    }
                }
                struct __FieldSeed<'a>(&'a mut ::std::option::Option<::std::string::String>);
                impl<'de> ::serde::de::DeserializeSeed<'de> for __FieldSeed<'_> {
                    type Value = __Field;
                    #[inline(always)]
                    fn deserialize<D: ::serde::Deserializer<'de>>(self, d: D) -> ::std::result::Result<__Field, D::Error> {
                        d.deserialize_identifier(__FieldVisitor(self.0))
                    }
                }
                #(#wrappers)*
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    #[inline(always)]
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#name, A::Error> {
                        #(let mut #slots: #slot_types = ::std::option::Option::None;)*
                        #unknown_init
                        let mut __name: ::std::option::Option<::std::string::String> = ::std::option::Option::None;
                        while let ::std::option::Option::Some(key) = #next_key {
                            match key {
                                #(#reads)*
                                #unknown_read
                            }
                        }
                        ::std::result::Result::Ok(#name { #(#finals)* #unknown_field })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

/// `result` unwrapped (then `then` applied), its error returned through
/// `crate::visit::failed`: a cold call, so that the compiler lays every error path of a
/// visitor (the slots read so far dropped) out of the way of the members' reads.
fn cold_err(result: TokenStream, then: TokenStream) -> TokenStream {
    quote! {
        match #result {
            ::std::result::Result::Ok(v) => v #then,
            ::std::result::Result::Err(e) => return ::std::result::Result::Err(crate::visit::failed(e)),
        }
    }
}

fn serialize_impl(plan: &StructPlan) -> TokenStream {
    let name = &plan.name;
    let mut writes = Vec::new();
    for f in plan.fields.iter().filter(|f| !f.skip_serializing) {
        let ident = &f.ident;
        let wire = &f.wire;
        let entry = quote!(map.serialize_entry(#wire, &self.#ident)?;);
        writes.push(match &f.skip_serializing_if {
            Some(path) => quote!(if !#path(&self.#ident) { #entry }),
            None => entry,
        });
    }
    let unknown = plan.unknown.as_ref().map(|u| {
        let wires: Vec<&str> = plan.fields.iter().map(|f| f.wire.as_str()).collect();
        quote! {
            for (key, value) in &self.#u {
                // A declared member is written from its field only.
                if !matches!(key.as_str(), #(#wires)|*) {
                    map.serialize_entry(key, value)?;
                }
            }
        }
    });
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                #(#writes)*
                #unknown
                map.end()
            }
        }
    }
}

/// True when an attribute `#[derive(..)]` of `attrs` names `which` (in any path form).
pub fn derives(attrs: &[Attribute], which: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| a.parse_args_with(derive_list).ok())
        .any(|paths| paths.iter().any(|p| last_is(p, which)))
}

type DeriveList = syn::punctuated::Punctuated<syn::Path, syn::Token![,]>;

fn derive_list(input: syn::parse::ParseStream) -> syn::Result<DeriveList> {
    DeriveList::parse_terminated(input)
}

fn last_is(path: &syn::Path, which: &str) -> bool {
    path.segments.last().is_some_and(|s| s.ident == which)
}

/// Removes the derives named `which` from every `#[derive(..)]` of `attrs`.
pub fn remove_derives(attrs: &mut Vec<Attribute>, which: &[&str]) {
    attrs.retain_mut(|a| {
        if !a.path().is_ident("derive") {
            return true;
        }
        let Ok(paths) = a.parse_args_with(derive_list) else {
            return true;
        };
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| !which.iter().any(|w| last_is(p, w)))
            .collect();
        if kept.is_empty() {
            return false;
        }
        *a = syn::parse_quote!(#[derive(#(#kept),*)]);
        true
    });
}
