//! The pages and connections the benchmarks serve, as JSON in the service's shape, and
//! the hand-written structs a user would decode them into with serde_json.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::server::{ok_response, Answers};

pub const ORG: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
pub const ENV: &str = "env-123";
pub const KEY: &str = "BENCHKEY";
pub const SECRET: &str = "bench-secret-not-real";

const TYPES: &[&str] = &[
    "OPENAI",
    "AZUREOPENAI",
    "BEDROCK",
    "VERTEXAI",
    "MONGODB",
    "ELASTIC",
    "REST",
    "MCP_SERVER",
];
const PHASES: &[&str] = &["ACTIVE", "READY", "UNREACHABLE", "INVALID_AUTH"];

/// The base of every path, under `base` (`http://127.0.0.1:port`).
pub fn collection_url(base: &str) -> String {
    format!("{base}/sql/v1/organizations/{ORG}/environments/{ENV}/connections")
}

pub fn connection_name(i: usize) -> String {
    format!("conn-{i:07}")
}

/// One connection as the service reports it (no secret: the service never returns one).
pub fn connection_json(base: &str, i: usize) -> String {
    let name = connection_name(i);
    let ty = TYPES[i % TYPES.len()];
    let phase = PHASES[i % PHASES.len()];
    format!(
        concat!(
            r#"{{"api_version":"sql/v1","kind":"Connection","#,
            r#""metadata":{{"self":"{coll}/{name}","uid":"12345678-1234-1234-1234-{i:012}","#,
            r#""resource_name":"crn://confluent.cloud/organization={org}/environment={env}/flink-connection={name}","#,
            r#""resource_version":"v{ver}","created_at":"2025-11-10T16:20:00Z","updated_at":"2025-11-10T16:2{m}:0{s}.123456Z"}},"#,
            r#""name":"{name}","spec":{{"connection_type":"{ty}","endpoint":"https://api.example.com/v1/models/{i}/chat/completions"}},"#,
            r#""status":{{"phase":"{phase}","detail":"Lookup of https://api.example.com for {name} took 12 ms"}}}}"#
        ),
        coll = collection_url(base),
        name = name,
        i = i,
        org = ORG,
        env = ENV,
        ver = i % 997,
        m = i % 10,
        s = i % 10,
        ty = ty,
        phase = phase,
    )
}

/// The page token of page `page` (page 0 has none).
pub fn page_token(page: usize) -> String {
    format!("pg{page:06}")
}

/// `total` connections in pages of `page_size`: the body of each page, in order.
pub fn page_bodies(base: &str, total: usize, page_size: usize) -> Vec<Vec<u8>> {
    let pages = total.div_ceil(page_size);
    let coll = collection_url(base);
    (0..pages)
        .map(|p| {
            let first = p * page_size;
            let last = (first + page_size).min(total);
            let data: Vec<String> = (first..last).map(|i| connection_json(base, i)).collect();
            let next = if p + 1 < pages {
                format!(
                    "\"{coll}?page_size={page_size}&page_token={}\"",
                    page_token(p + 1)
                )
            } else {
                "null".to_string()
            };
            format!(
                r#"{{"api_version":"sql/v1","kind":"ConnectionList","metadata":{{"self":"{coll}","next":{next},"total_size":{total}}},"data":[{}]}}"#,
                data.join(",")
            )
            .into_bytes()
        })
        .collect()
}

/// The server's answers: `total` connections in pages of `page_size`, and `get`s of the
/// first `gettable` connections.
pub fn answers(base: &str, total: usize, page_size: usize, gettable: usize) -> Answers {
    let mut answers = Answers::default();
    for (p, body) in page_bodies(base, total, page_size).into_iter().enumerate() {
        let token = if p == 0 { String::new() } else { page_token(p) };
        answers.pages.insert(
            token.into_bytes(),
            ok_response(&body, &format!("req-page-{p}")),
        );
    }
    for i in 0..gettable {
        answers.connections.insert(
            connection_name(i).into_bytes(),
            ok_response(connection_json(base, i).as_bytes(), &format!("req-get-{i}")),
        );
    }
    answers
}

// The hand-written structs of the same shape as the crate's `Connection`: the fields a
// user reads, timestamps as chrono `DateTime<Utc>` like the crate's.

#[derive(Debug, Deserialize)]
pub struct RawList {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub metadata: RawListMeta,
    pub data: Vec<RawConnection>,
}

#[derive(Debug, Deserialize)]
pub struct RawListMeta {
    #[serde(rename = "self")]
    pub self_url: Option<String>,
    pub next: Option<String>,
    pub total_size: Option<u32>,
}

#[derive(Debug, Deserialize)]
pub struct RawConnection {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: RawObjectMeta,
    pub name: String,
    pub spec: RawSpec,
    pub status: Option<RawStatus>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawObjectMeta {
    #[serde(rename = "self")]
    pub self_url: Option<String>,
    pub uid: Option<String>,
    pub resource_name: Option<String>,
    pub resource_version: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
pub struct RawSpec {
    pub connection_type: String,
    pub endpoint: String,
}

#[derive(Debug, Deserialize)]
pub struct RawStatus {
    pub phase: String,
    pub detail: Option<String>,
}

// The issue's raw loop (issue 17): the structs a user derives from the spec's documented
// members, every one of them (the list's `first`, `last` and `prev`, the spec's
// `auth_data`, which the service never fills in, included), with the date-times, the
// connection type and the phase left as the `String`s the JSON holds, and no capture of
// unknown properties; a member the spec requires (of a list and of a listed item) is a
// plain field, the others `Option`s. This is the side the list target (>= 1.00x) is
// measured against.

#[derive(Debug, Deserialize)]
pub struct StrList {
    pub api_version: String,
    pub kind: String,
    pub metadata: StrListMeta,
    pub data: Vec<StrConnection>,
}

#[derive(Debug, Deserialize)]
pub struct StrListMeta {
    #[serde(rename = "self")]
    pub self_url: Option<String>,
    pub first: Option<String>,
    pub last: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub total_size: Option<u32>,
}

#[derive(Debug, Deserialize)]
pub struct StrConnection {
    pub api_version: String,
    pub kind: String,
    pub metadata: StrObjectMeta,
    pub name: String,
    pub spec: StrSpec,
    pub status: StrStatus,
}

#[derive(Debug, Deserialize)]
pub struct StrObjectMeta {
    #[serde(rename = "self")]
    pub self_url: String,
    pub uid: Option<String>,
    pub resource_name: Option<String>,
    pub resource_version: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub deleted_at: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct StrSpec {
    pub connection_type: String,
    pub endpoint: String,
    pub auth_data: Option<StrAuthData>,
}

#[derive(Debug, Deserialize)]
pub struct StrAuthData {
    pub kind: Option<String>,
    pub data: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct StrStatus {
    pub phase: String,
    pub detail: Option<String>,
}

/// What the list loops need of a page: its connections and its `metadata.next`.
pub trait ListPage: serde::de::DeserializeOwned {
    type Item;
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>);
}

impl ListPage for RawList {
    type Item = RawConnection;
    fn into_parts(self) -> (Vec<RawConnection>, Option<String>) {
        (self.data, self.metadata.next)
    }
}

impl ListPage for StrList {
    type Item = StrConnection;
    fn into_parts(self) -> (Vec<StrConnection>, Option<String>) {
        (self.data, self.metadata.next)
    }
}

/// `page` with four properties the spec does not declare in every connection, one at each
/// level (the connection, its metadata, spec and status; one of them an object): what a
/// newer service might send. The crate keeps them in `unknown_fields`; the hand-written
/// structs skip them.
pub fn with_unknown_properties(page: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(page).expect("a page is UTF-8");
    let insert = |text: &str, before: &str, extra: &str| -> String {
        assert!(text.contains(before), "no `{before}` in the page");
        text.replace(before, &format!("{extra}{before}"))
    };
    // `"kind":"Connection",` is the connection's (the page's is `"ConnectionList"`).
    let text = text.replace(
        r#""kind":"Connection","#,
        r#""kind":"Connection","labels":{"team":"ml","tier":"gold"},"#,
    );
    let text = insert(&text, r#""created_at":"#, r#""generation":3,"#);
    let text = insert(&text, r#""endpoint":"#, r#""region":"us-east-1","#);
    let text = insert(&text, r#""detail":"#, r#""observed_generation":3,"#);
    text.into_bytes()
}

/// The hand-written structs again, each with what the crate's generated structs add to
/// keep unknown properties: a flattened `serde_json::Map`. Decoding a page without
/// unknown properties into these and into [`RawList`] isolates what serde's `flatten`
/// costs when there is nothing to capture.
#[derive(Debug, Deserialize)]
pub struct FlatList {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub metadata: FlatListMeta,
    pub data: Vec<FlatConnection>,
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct FlatListMeta {
    #[serde(rename = "self")]
    pub self_url: Option<String>,
    pub next: Option<String>,
    pub total_size: Option<u32>,
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct FlatConnection {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: FlatObjectMeta,
    pub name: String,
    pub spec: FlatSpec,
    pub status: Option<FlatStatus>,
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
pub struct FlatObjectMeta {
    #[serde(rename = "self")]
    pub self_url: Option<String>,
    pub uid: Option<String>,
    pub resource_name: Option<String>,
    pub resource_version: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct FlatSpec {
    pub connection_type: String,
    pub endpoint: String,
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct FlatStatus {
    pub phase: String,
    pub detail: Option<String>,
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

/// The hand-written structs with the map but without `flatten` (`#[serde(skip)]`: never
/// filled): what having the field costs by itself (a larger struct to move, an empty
/// map to drop), apart from serde's `flatten` machinery. For the profiles only.
#[derive(Debug, Deserialize)]
pub struct SkipList {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub metadata: SkipListMeta,
    pub data: Vec<SkipConnection>,
    #[serde(skip)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct SkipListMeta {
    #[serde(rename = "self")]
    pub self_url: Option<String>,
    pub next: Option<String>,
    pub total_size: Option<u32>,
    #[serde(skip)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct SkipConnection {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: SkipObjectMeta,
    pub name: String,
    pub spec: SkipSpec,
    pub status: Option<SkipStatus>,
    #[serde(skip)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SkipObjectMeta {
    #[serde(rename = "self")]
    pub self_url: Option<String>,
    pub uid: Option<String>,
    pub resource_name: Option<String>,
    pub resource_version: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct SkipSpec {
    pub connection_type: String,
    pub endpoint: String,
    #[serde(skip)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct SkipStatus {
    pub phase: String,
    pub detail: Option<String>,
    #[serde(skip)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

/// The crate's generated `types::ConnectionList` field for field, but with its items
/// read into a buffer sized for a whole page (100, the service's largest), as the
/// crate's hand-written `wire::ConnectionList` did before the model was generated
/// (BENCHMARKS.md, point 3). What `build/model.rs` could give the generated list type;
/// for the profiles only.
#[derive(Debug, Deserialize)]
pub struct PresizedConnectionList {
    pub api_version: Option<confluent_flink_sql::types::ConnectionListApiVersion>,
    #[serde(default, deserialize_with = "presized")]
    pub data: Vec<confluent_flink_sql::types::Connection>,
    pub kind: Option<confluent_flink_sql::types::ConnectionListKind>,
    pub metadata: Option<confluent_flink_sql::types::ListMeta>,
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

fn presized<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Items<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Items<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(100).min(100));
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }
    d.deserialize_seq(Items(std::marker::PhantomData))
}
