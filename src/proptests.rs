//! Property tests: the hand-written parsers never panic, whatever they are given.

use std::time::{Duration, SystemTime};

use proptest::prelude::*;

use crate::connections::{AuthData, ConnectionType, McpTransport, NewConnection};
use crate::error::redacted_snippet;
use crate::retry::{parse_retry_after, service_wait};

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

    #[test]
    fn page_tokens_from_any_next_link(next in any::<Option<String>>(), base in "(https?://[a-z0-9.:]{1,20}/?)?") {
        let _ = crate::connections::next_token_for_tests(next.as_deref(), &base);
    }

    #[test]
    fn page_tokens_round_trip_through_encoding(token in "[^\u{0}]{1,64}") {
        let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
        let link = format!("https://elsewhere.example/x?a=1&page_token={encoded}");
        let got = crate::connections::next_token_for_tests(Some(&link), "https://x").unwrap();
        prop_assert_eq!(got.as_deref(), Some(token.as_str()));
    }

    #[test]
    fn retry_after_any_text(value in ".{0,40}", secs in 0u64..10_000_000_000) {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        if let Some(d) = parse_retry_after(&value, now) {
            prop_assert!(d <= Duration::from_secs(86_400) || value.contains(' '), "{:?} -> {:?}", value, d);
        }
    }

    #[test]
    fn rate_limit_headers_any_values(pairs in proptest::collection::vec(
        (prop_oneof!["retry-after", "x-ratelimit-reset", "x-ratelimit-remaining", "x-other"].prop_map(String::from), ".{0,20}"), 0..6)) {
        let _ = service_wait(&header_map(&pairs), SystemTime::now());
    }

    #[test]
    fn error_bodies_any_bytes(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let s = redacted_snippet(&body);
        prop_assert!(s.chars().count() <= 1000);
    }

    #[test]
    fn error_snippets_never_show_auth_data(secret in "[A-Za-z0-9]{12,40}", prefix in ".{0,300}") {
        let body = format!(r#"{}{{"spec":{{"auth_data":{{"kind":"PlaintextProvider","data":"{}"}}}}}}"#, prefix, secret);
        let s = redacted_snippet(body.as_bytes());
        prop_assert!(!s.contains(&secret), "{}", s);
    }

    #[test]
    fn auth_data_any_values_render_valid_json(a in ".*", b in ".*", c in ".*", d in ".*", raw in ".*",
                                               kind in 0usize..8, type_name in "[A-Z_]{0,12}") {
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
        let _ = crate::connections::validate_name_for_tests(&name);
    }
}
