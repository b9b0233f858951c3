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
        .user_agent(format!("{}/{}", crate::PROGRAM, env!("CARGO_PKG_VERSION")))
        .from_lookup(lookup)
        .and_then(|b| b.build())
        .map_err(|e: Error| Failure::from_error(&e))
}

/// The single-threaded runtime the commands run on.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the runtime: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

    fn env(name: &str) -> Option<String> {
        Some(
            match name {
                "FLINK_API_KEY" => "key",
                "FLINK_API_SECRET" => "secret",
                "FLINK_REST_ENDPOINT" => "http://127.0.0.1:9",
                "CONFLUENT_ORGANIZATION_ID" => ORG,
                "CONFLUENT_ENVIRONMENT_ID" => "env-from-var",
                _ => return None,
            }
            .to_owned(),
        )
    }

    fn flags() -> ConfigArgs {
        ConfigArgs {
            rest_endpoint: None,
            cloud: None,
            region: None,
            organization: None,
            environment: None,
        }
    }

    #[test]
    fn the_variables_alone_configure_the_client() {
        let c = client_from(&flags(), env).unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9");
        assert_eq!(c.environment_id(), "env-from-var");
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[test]
    fn cloud_and_region_give_the_public_endpoint() {
        let f = ConfigArgs {
            cloud: Some("aws".into()),
            region: Some("us-east-1".into()),
            environment: Some("env-from-flag".into()),
            ..flags()
        };
        let c = client_from(&f, env).unwrap();
        assert_eq!(c.base_url(), "https://flink.us-east-1.aws.confluent.cloud");
        assert_eq!(c.environment_id(), "env-from-flag");
    }

    #[test]
    fn the_rest_endpoint_flag_overrides_the_variable() {
        let f = ConfigArgs {
            rest_endpoint: Some("http://localhost:8080".into()),
            ..flags()
        };
        let c = client_from(&f, env).unwrap();
        assert_eq!(c.base_url(), "http://localhost:8080");
    }

    #[test]
    fn every_missing_setting_is_named_and_flags_fill_some() {
        let f = client_from(&flags(), |_| None).unwrap_err();
        assert_eq!(f.code, crate::failure::USAGE);
        for name in confluent_flink_sql::ENV_VARS {
            assert!(f.message.contains(name), "{name}: {}", f.message);
        }
        let given = ConfigArgs {
            organization: Some(ORG.into()),
            environment: Some("env-1".into()),
            ..flags()
        };
        let f = client_from(&given, |_| None).unwrap_err();
        assert!(!f.message.contains("CONFLUENT_"), "{}", f.message);
        assert!(f.message.contains("FLINK_REST_ENDPOINT"), "{}", f.message);
        // A blank variable counts as missing.
        let f = client_from(&flags(), |n| {
            (n == "FLINK_API_SECRET")
                .then(|| " ".into())
                .or_else(|| env(n))
        })
        .unwrap_err();
        assert!(f.message.contains("FLINK_API_SECRET"), "{}", f.message);
    }
}
