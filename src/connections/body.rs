//! Builds the generated request bodies.
//!
//! The bodies are read from a JSON skeleton instead of written as struct literals, so
//! that an optional property Confluent adds to the spec regenerates without any change
//! here (a struct literal would stop compiling). The secret is set afterwards, directly
//! into its `secrecy` type: it never passes through a `serde_json::Value`.

use serde_json::json;

use super::auth_data::AuthData;
use super::model::Connection;
use super::new::NewConnection;
use crate::generated::types;
use crate::resource::{forwarded, request_body};
use crate::Error;

/// The body of `createSqlv1Connection`.
pub(crate) fn create(new: &NewConnection) -> Result<types::CreateSqlv1ConnectionBody, Error> {
    let mut body: types::CreateSqlv1ConnectionBody = request_body(json!({
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
/// recognise (MUST FORWARD): [`forwarded`] keeps, at every depth, the members the
/// connection's type does not know, and leaves out those it knows and the request does
/// not take (the spec's read-only ones: `status`, `kind`, `metadata.self`, ...), from
/// the JSON Schemas of the two generated types.
pub(crate) fn update(
    current: &Connection,
    auth_data: &AuthData,
) -> Result<types::UpdateSqlv1ConnectionBody, Error> {
    if current.resource_version().is_none() {
        return Err(Error::validation(
            "the connection has no resource_version to update from",
        ));
    }
    // The connection serialises without its secret.
    let mut sent = forwarded::<Connection, types::UpdateSqlv1ConnectionBody>(current)?;
    // A placeholder: the secret is set below, straight into its secret type.
    sent["spec"]["auth_data"] = json!({});
    let mut body: types::UpdateSqlv1ConnectionBody = request_body(sent)?;
    body.spec.auth_data = auth_data.to_wire();
    Ok(body)
}
