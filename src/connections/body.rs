//! Builds the generated request bodies.
//!
//! The bodies are read from a JSON skeleton instead of written as struct literals, so
//! that an optional property Confluent adds to the spec regenerates without any change
//! here (a struct literal would stop compiling). The secret is set afterwards, directly
//! into its `secrecy` type: it never passes through a `serde_json::Value`.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::auth_data::AuthData;
use super::model::Connection;
use super::new::NewConnection;
use crate::generated::types;
use crate::Error;

/// The body of `createSqlv1Connection`.
pub(crate) fn create(new: &NewConnection) -> Result<types::CreateSqlv1ConnectionBody, Error> {
    let mut body: types::CreateSqlv1ConnectionBody = skeleton(json!({
        "name": new.name(),
        "spec": {
            "connection_type": new.connection_type().as_str(),
            "endpoint": new.endpoint(),
            "auth_data": {},
        },
    }))?;
    body.spec.auth_data = new.auth_data().to_wire();
    Ok(body)
}

/// The body of `updateSqlv1Connection`: the connection as the caller holds it, with
/// the new secret.
///
/// Confluent's compatibility policy asks clients to send back what they do not
/// recognise (MUST FORWARD): every property the connection carries in its
/// `unknown_fields` (at the top, in `metadata` and in `spec`) goes back in the PUT.
/// The properties the crate knows and the request does not take (the spec's read-only
/// ones: `status`, `kind`, `metadata.self`, ...) are left out.
pub(crate) fn update(
    current: &Connection,
    auth_data: &AuthData,
) -> Result<types::UpdateSqlv1ConnectionBody, Error> {
    if current.resource_version().is_none() {
        return Err(Error::validation(
            "the connection has no resource_version to update from",
        ));
    }
    let mut whole = serde_json::to_value(current)
        .map_err(|e| Error::validation(format!("the connection cannot be written: {e}")))?;
    // The secret is set below, straight into its secret type.
    whole["spec"]["auth_data"] = json!({});
    whole["name"] = json!(current.name());
    let mut body: types::UpdateSqlv1ConnectionBody = skeleton(whole)?;
    body.spec.auth_data = auth_data.to_wire();
    // What landed in the body's unknown_fields is either unknown to the crate too
    // (forwarded) or a known property the request does not take (dropped).
    body.unknown_fields
        .retain(|k, _| current.unknown_fields.contains_key(k));
    body.metadata.unknown_fields.retain(|k, _| {
        current
            .metadata()
            .is_some_and(|m| m.unknown_fields.contains_key(k))
    });
    body.spec
        .unknown_fields
        .retain(|k, _| current.spec.unknown_fields.contains_key(k));
    Ok(body)
}

fn skeleton<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    serde_json::from_value(value)
        .map_err(|e| Error::validation(format!("the request does not fit the spec: {e}")))
}
