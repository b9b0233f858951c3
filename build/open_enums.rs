//! Writes each open enum: the values the spec lists as variants, `Other(String)` for a
//! value it does not list yet (kept and sent back unchanged), and their impls.
//!
//! Each enum gets `KNOWN` (every listed value), `as_str` and `parse`, `FromStr`,
//! `From<&str>`, `Display`, `Debug`, serde (a string; a value is read without a copy
//! when the JSON holds it unescaped) and `JsonSchema` (any string). Equality, hashing
//! and ordering follow the wire text, so a value cannot lie about what it is:
//! `Other("OPENAI")` built by hand equals the variant named for `OPENAI`, as it would
//! after a round trip through the service; only a `match` tells them apart.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Item;

/// One listed value: its variant's name, documentation and wire text.
pub struct Variant {
    pub ident: syn::Ident,
    pub docs: Vec<TokenStream>,
    pub wire: String,
}

/// The enum `name` (documented by `docs`) and its impls.
pub fn write(
    name: &syn::Ident,
    docs: &[TokenStream],
    variants: &[Variant],
) -> Result<Vec<Item>, String> {
    let idents: Vec<&syn::Ident> = variants.iter().map(|v| &v.ident).collect();
    let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
    let variant_docs: Vec<&Vec<TokenStream>> = variants.iter().map(|v| &v.docs).collect();
    let tokens = quote! {
        #(#docs)*
        #[derive(Clone)]
        #[non_exhaustive]
        pub enum #name {
            #( #(#variant_docs)* #idents, )*
            /// A value this version of the crate does not know yet, as the service sent it.
            Other(::std::string::String),
        }

        impl #name {
            /// Every value this version of the crate knows.
            pub const KNOWN: &'static [#name] = &[#(#name::#idents),*];

            /// The value as the service spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#idents => #wires, )*
                    #name::Other(s) => s,
                }
            }

            /// Reads a value as the service spells it; unknown values become `Other`.
            pub fn parse(s: &str) -> Self {
                match s {
                    #( #wires => #name::#idents, )*
                    other => #name::Other(other.to_string()),
                }
            }
        }

        impl ::std::cmp::PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::std::cmp::Eq for #name {}

        impl ::std::hash::Hash for #name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl ::std::cmp::PartialOrd for #name {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                ::std::option::Option::Some(::std::cmp::Ord::cmp(self, other))
            }
        }

        impl ::std::cmp::Ord for #name {
            /// By wire text.
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::parse(s))
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        /// The wire text (where a version of the spec takes the value as a string).
        impl ::std::convert::From<#name> for ::std::string::String {
            fn from(v: #name) -> Self {
                v.as_str().to_string()
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // A known value built as `Other` shows as the variant it equals.
                match Self::parse(self.as_str()) {
                    #name::Other(s) => write!(f, "{}::Other({:?})", stringify!(#name), s),
                    known => write!(f, "{}::{}", stringify!(#name), known.as_str()),
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let text = <crate::visit::Text<'de> as ::serde::Deserialize<'de>>::deserialize(d)?;
                ::std::result::Result::Ok(Self::parse(&text))
            }
        }

        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::string::String {
                stringify!(#name).to_string()
            }
            fn json_schema(g: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {
                // Open: any string is accepted, the known values are documented.
                <::std::string::String as ::schemars::JsonSchema>::json_schema(g)
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("enum {name}: {e}"))?;
    Ok(file.items)
}
