//! The client's configuration: the variables of `Client::from_env`, overridden by flags.

use confluent_flink_sql::{Client, Endpoint, Error};

use crate::args::ConfigArgs;
use crate::failure::Failure;

/// Builds the client from the environment and the flags. Every missing setting is
/// named at once; the API key and secret come only from the environment.
pub fn client(flags: &ConfigArgs) -> Result<Client, Failure> {
    client_from(flags, |name| std::env::var(name).ok())
}

fn client_from(
    flags: &ConfigArgs,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Client, Failure> {
    let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let endpoint = match (&flags.rest_endpoint, &flags.cloud, &flags.region) {
        (Some(url), _, _) => Some(url.clone()),
        (None, Some(cloud), Some(region)) => Some(Endpoint::public(cloud, region).to_string()),
        _ => env("FLINK_REST_ENDPOINT"),
    };
    let organization = flags
        .organization
        .clone()
        .or_else(|| env("CONFLUENT_ORGANIZATION_ID"));
    let environment = flags
        .environment
        .clone()
        .or_else(|| env("CONFLUENT_ENVIRONMENT_ID"));
    let key = env("FLINK_API_KEY");
    let secret = env("FLINK_API_SECRET");

    let mut missing = Vec::new();
    if key.is_none() {
        missing.push("FLINK_API_KEY");
    }
    if secret.is_none() {
        missing.push("FLINK_API_SECRET");
    }
    if endpoint.is_none() {
        missing.push("FLINK_REST_ENDPOINT (or --rest-endpoint, or --cloud and --region)");
    }
    if organization.is_none() {
        missing.push("CONFLUENT_ORGANIZATION_ID (or --organization)");
    }
    if environment.is_none() {
        missing.push("CONFLUENT_ENVIRONMENT_ID (or --environment)");
    }
    if !missing.is_empty() {
        return Err(Failure::usage(format!(
            "missing configuration: {}",
            missing.join(", ")
        )));
    }
    let lookup = |name: &str| match name {
        "FLINK_API_KEY" => key.clone(),
        "FLINK_API_SECRET" => secret.clone(),
        "FLINK_REST_ENDPOINT" => endpoint.clone(),
        "CONFLUENT_ORGANIZATION_ID" => organization.clone(),
        "CONFLUENT_ENVIRONMENT_ID" => environment.clone(),
        _ => None,
    };
    Client::builder()
        .user_agent(concat!("flink-connection/", env!("CARGO_PKG_VERSION")))
        .from_lookup(lookup)
        .and_then(|b| b.build())
        .map_err(|e: Error| Failure::from_error(&e))
}
