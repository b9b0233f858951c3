//! Request bodies the spec accepts as published (`auth_data.data` in base64, as its
//! `format: byte` asks), for the tests of the spec validator and of Prism.
//!
//! Include it with `#[path = "support/spec_bodies.rs"] mod spec_bodies;`.

#![allow(dead_code)]

use serde_json::{json, Value};

/// `{"API_KEY":"sk-test"}` in base64: what the spec (format: byte) asks for.
pub const B64: &str = "eyJBUElfS0VZIjoic2stdGVzdCJ9";

/// A create body for an OpenAI connection.
pub fn create_body() -> Value {
    json!({
        "name": "my-openai-connection",
        "spec": {
            "connection_type": "OPENAI",
            "endpoint": "https://api.openai.com/v1/chat/completions",
            "auth_data": { "kind": "PlaintextProvider", "data": B64 }
        }
    })
}

/// The update body of the same connection: the create body with the resource version held.
pub fn update_body() -> Value {
    let mut body = create_body();
    body["metadata"] = json!({ "resource_version": "a23av" });
    body
}
