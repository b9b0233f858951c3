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

/// The body of `updateSqlv1Connection`: everything the PUT requires, from the
/// connection as the caller holds it, with the new secret.
pub(crate) fn update(
    current: &Connection,
    auth_data: &AuthData,
) -> Result<types::UpdateSqlv1ConnectionBody, Error> {
    let resource_version = current.resource_version().ok_or_else(|| {
        Error::validation("the connection has no resource_version to update from")
    })?;
    let mut body: types::UpdateSqlv1ConnectionBody = skeleton(json!({
        "name": current.name(),
        "metadata": {"resource_version": resource_version},
        "spec": {
            "connection_type": current.connection_type().as_str(),
            "endpoint": current.endpoint(),
            "auth_data": {},
        },
    }))?;
    body.spec.auth_data = auth_data.to_wire();
    Ok(body)
}

fn skeleton<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    serde_json::from_value(value)
        .map_err(|e| Error::validation(format!("the request does not fit the spec: {e}")))
}
