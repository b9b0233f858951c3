//! Case 5 of `scripts/check-regeneration.sh`: every operation's error responses are
//! `$ref`s to `components/responses` (as in Confluent's combined document), the 429
//! there without headers. The crate still builds (this test needs it), and an error
//! answer is still the crate's `Error`, with its status and the `Failure` details,
//! through the connections API and through the generated operations alike.

#[path = "support/regen_common.rs"]
mod common;
#[path = "support/scripted.rs"]
mod scripted;

use scripted::{Reply, Scripted};

use common::{client, failure};

#[tokio::test]
async fn an_error_answer_is_an_error_with_status_and_details() {
    let server = Scripted::start(|r| match r.method.as_str() {
        "GET" => Reply::json(404, failure(404, "not_found")).header("x-request-id", "r-404"),
        _ => Reply::json(500, failure(500, "out_of_gas")),
    })
    .await;
    let client = client(&server);

    let err = client.connections().get("missing").await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.request_id(), Some("r-404"));
    assert_eq!(err.details().len(), 1, "{err}");
    assert_eq!(err.details()[0].code(), Some("not_found"));
    assert_eq!(err.details()[0].detail(), Some("answered by the check"));

    let err = client
        .operations()
        .get_sqlv1_connection("missing")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert_eq!(err.details()[0].code(), Some("not_found"));

    let err = client.connections().delete("c1").await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err}");
    assert_eq!(err.details()[0].code(), Some("out_of_gas"));
}

#[tokio::test]
async fn a_rate_limit_answer_is_an_error_with_its_status_and_wait() {
    let server = Scripted::start(|_| Reply::empty(429).header("retry-after", "7")).await;
    let err = client(&server).connections().get("c1").await.unwrap_err();
    assert_eq!(err.status(), Some(429), "{err}");
    assert_eq!(
        err.retry_after(),
        Some(std::time::Duration::from_secs(7)),
        "{err}"
    );
}
