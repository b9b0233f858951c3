//! Property tests: the hand-written parsers never panic, whatever they are given, and
//! what the crate shows never contains a secret. Each case is counted into
//! `target/figures/proptests.txt` for RELIABILITY.md.

use std::time::{Duration, SystemTime};

use proptest::prelude::*;
use secrecy::ExposeSecret;

use crate::connections::{AuthData, ConnectionType, McpTransport, NewConnection};
use crate::error::redacted_snippet;
use crate::retry::{parse_retry_after, service_wait};
use crate::RetryPolicy;

#[path = "../tests/support/figures.rs"]
mod figures;

/// Counts one input tried by property `name`.
fn tried(name: &str) {
    figures::add("proptests", name, "inputs_tried", 1);
}

fn header_map(pairs: &[(String, String)]) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    for (k, v) in pairs {
        if let (Ok(k), Ok(v)) = (
            reqwest::header::HeaderName::from_bytes(k.as_bytes()),
            reqwest::header::HeaderValue::from_str(v),
        ) {
            h.insert(k, v);
        }
    }
    h
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The crate reads a connection's date-times by chrono's RFC 3339 parser first: any
    /// date-time text, well formed or not, reads as chrono's own `Deserialize` reads it.
    #[test]
    fn timestamps_read_as_chrono_reads_them(
        secs in -62_000_000_000i64..250_000_000_000,
        nanos in 0u32..1_000_000_000,
        digits in 0usize..10,
        offset_minutes in -1439i32..1440,
        sep in prop::sample::select(vec!["T", "t", " ", "_"]),
        zulu in prop::sample::select(vec!["", "Z", "z"]),
        mangle in prop::option::of((0usize..40, any::<char>())),
    ) {
        tried("timestamps_read_as_chrono_reads_them");
        let instant = chrono::DateTime::from_timestamp(secs, nanos).unwrap();
        let offset = chrono::FixedOffset::east_opt(offset_minutes * 60).unwrap();
        let local = instant.with_timezone(&offset);
        let fraction = format!("{:09}", nanos)[..digits].to_string();
        let fraction = if digits == 0 { String::new() } else { format!(".{fraction}") };
        let zone = if zulu.is_empty() { local.format("%:z").to_string() } else { zulu.to_string() };
        let mut text = format!("{}{sep}{}{fraction}{zone}", local.format("%Y-%m-%d"), local.format("%H:%M:%S"));
        if let Some((at, c)) = mangle {
            let at = text.char_indices().map(|(i, _)| i).nth(at % text.chars().count()).unwrap_or(0);
            text.insert(at, c);
        }
        let json = serde_json::to_string(&text).unwrap();
        let theirs = serde_json::from_str::<chrono::DateTime<chrono::Utc>>(&json).ok();
        let meta = format!(r#"{{"created_at":{json}}}"#);
        let ours = serde_json::from_str::<crate::connections::ConnectionMetadata>(&meta)
            .ok()
            .map(|m| m.created_at());
        prop_assert_eq!(ours, theirs.map(Some), "{}", text);
    }

    #[test]
    fn page_tokens_from_any_next_link(next in any::<Option<String>>(), base in "(https?://[a-z0-9.:]{1,20}/?)?") {
        tried("page_tokens_from_any_next_link");
        let _ = crate::list::next_token(next.as_deref(), &base);
    }

    #[test]
    fn page_tokens_round_trip_through_encoding(token in "[^\u{0}]{1,64}") {
        tried("page_tokens_round_trip_through_encoding");
        let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
        let link = format!("https://elsewhere.example/x?a=1&page_token={encoded}");
        let got = crate::list::next_token(Some(&link), "https://x").unwrap();
        prop_assert_eq!(got.as_deref(), Some(token.as_str()));
    }

    #[test]
    fn retry_after_any_text(value in ".{0,40}", secs in 0u64..10_000_000_000) {
        tried("retry_after_any_text");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        if let Some(d) = parse_retry_after(&value, now) {
            prop_assert!(d <= Duration::from_secs(86_400) || value.contains(' '), "{:?} -> {:?}", value, d);
        }
    }

    #[test]
    fn rate_limit_headers_any_values(pairs in proptest::collection::vec(
        (prop_oneof!["retry-after", "x-ratelimit-reset", "x-ratelimit-remaining", "x-other"].prop_map(String::from), ".{0,20}"), 0..6)) {
        tried("rate_limit_headers_any_values");
        let _ = service_wait(&header_map(&pairs), SystemTime::now());
    }

    #[test]
    fn error_bodies_any_bytes(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        tried("error_bodies_any_bytes");
        let s = redacted_snippet(&body);
        prop_assert!(s.chars().count() <= 161, "{}", s.chars().count());
    }

    #[test]
    fn error_snippets_never_show_auth_data(secret in "[A-Za-z0-9]{12,40}", prefix in ".{0,300}") {
        tried("error_snippets_never_show_auth_data");
        let body = format!(r#"{}{{"spec":{{"auth_data":{{"kind":"PlaintextProvider","data":"{}"}}}}}}"#, prefix, secret);
        let s = redacted_snippet(body.as_bytes());
        prop_assert!(!s.contains(&secret), "{}", s);
    }

    #[test]
    fn auth_data_any_values_render_valid_json(a in ".*", b in ".*", c in ".*", d in ".*", raw in ".*",
                                               kind in 0usize..8, type_name in "[A-Z_]{0,12}") {
        tried("auth_data_any_values_render_valid_json");
        let auth = match kind {
            0 => AuthData::api_key(a.clone()),
            1 => AuthData::aws(a.clone(), b.clone()).session_token(c.clone()),
            2 => AuthData::service_key(a.clone()),
            3 => AuthData::basic(a.clone(), b.clone()),
            4 => AuthData::bearer_token(a.clone()),
            5 => AuthData::oauth2(a.clone(), b.clone(), c.clone(), d.clone()),
            6 => AuthData::bearer_token(a.clone()).mcp_transport(McpTransport::Sse { endpoint: Some(b.clone()) }),
            _ => AuthData::raw(raw.clone()),
        };
        let t = ConnectionType::parse(&type_name);
        let _ = NewConnection::new("n", t, "https://e", auth.clone()).validate();
        if kind != 7 {
            use secrecy::ExposeSecret;
            let text = auth.expose_data();
            let v: serde_json::Value = serde_json::from_str(text.expose_secret()).unwrap();
            prop_assert!(v.is_object());
            if kind == 0 { prop_assert_eq!(v["API_KEY"].as_str(), Some(a.as_str())); }
        }
    }

    #[test]
    fn names_any_text(name in ".{0,120}") {
        tried("names_any_text");
        let _ = crate::connections::validate_name_for_tests(&name);
    }
    #[test]
    fn waits_are_bounded_by_the_policy(retry in any::<u32>(), initial_ms in 0u64..100_000,
                                        max_backoff_ms in 0u64..100_000, max_wait_ms in 0u64..100_000,
                                        pairs in proptest::collection::vec(
        (prop_oneof!["retry-after", "x-ratelimit-reset", "x-ratelimit-remaining"].prop_map(String::from), ".{0,12}"), 0..4)) {
        tried("waits_are_bounded_by_the_policy");
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(initial_ms))
            .max_backoff(Duration::from_millis(max_backoff_ms))
            .max_wait(Duration::from_millis(max_wait_ms));
        let b = p.backoff(retry);
        prop_assert!(b <= Duration::from_millis(max_backoff_ms), "{:?}", b);
        if let Some(w) = p.wait(retry, Some(&header_map(&pairs))) {
            prop_assert!(w <= Duration::from_millis(max_wait_ms), "{:?}", w);
        }
    }

    #[test]
    fn secrets_are_scrubbed_from_any_text(secret in ".{4,24}", prefix in ".{0,40}", suffix in ".{0,40}") {
        tried("secrets_are_scrubbed_from_any_text");
        let mut secrets = crate::redact::Secrets::default();
        secrets.add(&secret);
        let json = serde_json::to_string(&secret).unwrap();
        for text in [format!("{prefix}{secret}{suffix}"), format!("{prefix}{json}{suffix}"),
                     format!("{prefix}{}{suffix}", json.escape_default())] {
            let out = secrets.scrub(&text).unwrap_or(text);
            prop_assert!(!out.contains(&secret), "{:?}", out);
        }
    }

    #[test]
    fn decode_failures_never_quote_a_value(secret in "sk-[A-Za-z0-9]{8,24}", shape in 0usize..6) {
        tried("decode_failures_never_quote_a_value");
        let s = serde_json::to_string(&secret).unwrap();
        let body = match shape {
            0 => format!(r#"{{"name":{s}}}"#),
            1 => format!(r#"{{"name":"a","spec":{{"auth_data":{s}}}}}"#),
            2 => format!(r#"{{"name":"a","metadata":{s}}}"#),
            3 => format!(r#"{{"name":"a","spec":{{"connection_type":{s},"endpoint":{s},"auth_data":{{"data":5}}}}}}"#),
            4 => format!(r#"{{"api_version":"sql/v1","kind":"ConnectionList","metadata":{{}},"data":[{s}]}}"#),
            _ => format!(r#"{{"errors":[{{"status":{s},"source":{s}}}]}}"#),
        };
        let errors = [
            serde_json::from_str::<crate::generated::types::Connection>(&body).err(),
            serde_json::from_str::<crate::generated::types::ConnectionList>(&body).err(),
            serde_json::from_str::<crate::generated::types::Failure>(&body).err(),
        ];
        for e in errors.into_iter().flatten() {
            let shown = crate::outcome::DecodeFailure::from(&e).to_string();
            prop_assert!(!shown.contains(&secret), "{}", shown);
        }
    }

    #[test]
    fn scrubbed_errors_show_no_secret(secret in "[A-Za-z0-9+/=_-]{6,30}", title in ".{0,30}", kind in 0usize..4) {
        tried("scrubbed_errors_show_no_secret");
        let auth = match kind {
            0 => AuthData::api_key(secret.clone()),
            1 => AuthData::aws("AKIA", secret.clone()).session_token(secret.clone()),
            2 => AuthData::raw(format!(r#"{{"X":{{"deep":["{secret}"]}}}}"#)),
            _ => AuthData::basic("user", secret.clone()),
        };
        let echoed = format!("{title}{}{title}", auth.expose_data().expose_secret());
        let e = crate::Error::new(crate::ErrorKind::Api, format!("failed: {echoed}"))
            .with_details(vec![serde_json::from_value(serde_json::json!(
                {"title": echoed, "detail": secret, "source": {"pointer": echoed, "parameter": secret}}
            )).unwrap()])
            .with_snippet(echoed.clone())
            .scrub(&auth.secrets());
        let shown = format!("{e} {e:?}");
        prop_assert!(!shown.contains(&secret), "{}", shown);
    }

    #[test]
    fn credentials_never_show_their_secret(key in "[A-Z0-9]{4,16}", secret in "s3cr3t-[A-Za-z0-9]{4,30}") {
        tried("credentials_never_show_their_secret");
        let basic = crate::Credentials::basic(key.clone(), secret.clone());
        let bearer = crate::Credentials::bearer(secret.clone()).identity_pool_id("pool-1");
        for shown in [format!("{basic:?}"), format!("{bearer:?}"), format!("{:?}", basic.headers()),
                      format!("{:?}", bearer.headers())] {
            prop_assert!(!shown.contains(&secret), "{}", shown);
        }
        let header = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, format!("{key}:{secret}"));
        let e = crate::Error::new(crate::ErrorKind::Api, format!("echo {secret} and Basic {header}"));
        let shown = e.scrub(&basic.secrets()).to_string();
        prop_assert!(!shown.contains(&secret) && !shown.contains(&header), "{}", shown);
    }
}
