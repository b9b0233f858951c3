//! One fuzz target for every hand-written parser of the crate: the input is split on
//! 0xFF bytes into the pieces each parser reads. Besides never panicking, the redaction
//! must remove the secret and snippets must stay short.
#![no_main]

use confluent_flink_sql::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|b| *b == 0xFF);
    let a = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let b = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let c = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();

    let _ = fuzzing::next_token(Some(&a), &b);
    let _ = fuzzing::next_token(None, &a);
    let now = u64::from_le_bytes(data.get(..8).map_or([0; 8], |s| s.try_into().unwrap_or([0; 8])));
    let _ = fuzzing::retry_after(&a, now % 100_000_000_000);
    let _ = fuzzing::service_wait(&[
        ("retry-after", a.as_str()),
        ("x-ratelimit-remaining", b.as_str()),
        ("x-ratelimit-reset", c.as_str()),
    ]);
    let _ = fuzzing::validate_name(&a);
    let _ = fuzzing::decode_connection(data);

    let snippet = fuzzing::snippet(data);
    assert!(snippet.chars().count() <= 161, "{} chars", snippet.chars().count());

    if a.chars().count() >= 4 {
        let text = format!("{b}{a}{c}");
        let shown = fuzzing::scrub(&a, &text);
        assert!(!shown.contains(&a), "{a:?} survived in {shown:?}");
    }
});
