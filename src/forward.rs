//! MUST FORWARD, generically: what of a resource the caller holds goes back in an
//! update's request body.
//!
//! Confluent's compatibility policy asks clients to send back, in a read/modify/write
//! update, the properties they do not recognise. [`forward`] decides that from what
//! generation knows of the two types, their JSON Schemas (`schemars`, derived on every
//! generated type), walking the held resource's JSON and both schemas together. At
//! each object, a member
//!
//! - the body's schema declares is kept (and, when it holds an object or an array,
//!   walked the same way with both sub-schemas);
//! - the held type's schema does not declare is unknown to the crate: forwarded whole;
//! - the held type declares and the body does not take (the spec's read-only members:
//!   `status`, `kind`, `metadata.self`, ...) is left out.
//!
//! Nothing here names a property. Every generated object keeps its unknown members in
//! a map, which schemars shows as `additionalProperties`, not as declared properties:
//! they are the ones forwarded. The secret never comes this way: the held
//! resource serialises without it (`build/model.rs`), and the caller sets the new one
//! straight into the body's secret type.

use schemars::gen::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{Map, Value};

/// `held`, a held resource of type `Held` serialised, cut to what an update's request
/// body of type `Body` sends back: the members the body takes and, at every depth,
/// those `Held` does not know.
pub(crate) fn forward<Held: JsonSchema, Body: JsonSchema>(held: Value) -> Value {
    fn schema<T: JsonSchema>() -> Value {
        // Every subschema inlined: the generated types do not refer to themselves.
        let settings = SchemaSettings::draft07().with(|s| s.inline_subschemas = true);
        let root = settings.into_generator().into_root_schema_for::<T>();
        // A schemars schema is plain JSON; it always serialises.
        serde_json::to_value(root.schema).unwrap_or(Value::Bool(true))
    }
    keep(held, Some(&schema::<Held>()), &schema::<Body>())
}

/// `value` as the body sends it, where `body` is the body's schema of the place and
/// `held` the held type's (`None`: the held type does not know the place, so nothing
/// below it is known either).
fn keep(value: Value, held: Option<&Value>, body: &Value) -> Value {
    let Some(held) = held else { return value };
    match value {
        Value::Object(members) => {
            // A body schema that declares no member at all is a map: it takes any.
            if objects(body).all(|o| o.get("properties").is_none()) {
                return Value::Object(members);
            }
            let mut kept = Map::new();
            for (name, member) in members {
                match (
                    find(body, "properties", Some(&name)),
                    find(held, "properties", Some(&name)),
                ) {
                    (Some(body), held) => {
                        kept.insert(name, keep(member, held, body));
                    }
                    // Known to the held type, not taken by the body: read-only.
                    (None, Some(_)) => {}
                    (None, None) => {
                        kept.insert(name, member);
                    }
                }
            }
            Value::Object(kept)
        }
        Value::Array(items) => match find(body, "items", None) {
            Some(body) => {
                let held = find(held, "items", None);
                Value::Array(items.into_iter().map(|i| keep(i, held, body)).collect())
            }
            None => Value::Array(items),
        },
        other => other,
    }
}

/// The object schemas `schema` stands for: itself and the members of its `allOf`,
/// `anyOf` and `oneOf` (an `Option<T>` is `T` or `null`), at any depth.
fn objects(schema: &Value) -> Box<dyn Iterator<Item = &Map<String, Value>> + '_> {
    let own = schema.as_object();
    let members = ["allOf", "anyOf", "oneOf"]
        .into_iter()
        .filter_map(move |k| own?.get(k)?.as_array())
        .flatten()
        .flat_map(objects);
    Box::new(own.into_iter().chain(members))
}

/// The schema `schema` gives to `keyword` (`items`), or to the member `name` of
/// `keyword` (`properties`).
fn find<'a>(schema: &'a Value, keyword: &str, name: Option<&str>) -> Option<&'a Value> {
    objects(schema).find_map(|o| {
        let at = o.get(keyword)?;
        match name {
            Some(name) => at.get(name),
            None => Some(at),
        }
    })
}

#[cfg(test)]
mod tests {
    //! Small hand-declared types stand in for generated ones, shaped like them: every
    //! object keeps its unknown members in a flattened map, optional members are
    //! `Option`s of other types (schemars: `anyOf` with `null`), a documented member of
    //! another type is an `allOf` of its `$ref`, a member may be renamed or never
    //! serialised. The spec is imagined to add `routing`, an object both the resource
    //! and the update body declare, whose `resolved_at` and `self` are read-only.

    use super::*;
    use serde::Serialize;
    use serde_json::json;

    type Unknown = Map<String, Value>;

    #[derive(Serialize, JsonSchema)]
    struct Held {
        #[serde(skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        metadata: Option<HeldMeta>,
        name: String,
        spec: HeldSpec,
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<HeldStatus>,
        #[serde(flatten)]
        unknown_fields: Unknown,
    }

    #[derive(Serialize, JsonSchema)]
    struct HeldMeta {
        #[serde(rename = "self", skip_serializing_if = "Option::is_none")]
        self_: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        resource_version: Option<String>,
        #[serde(flatten)]
        unknown_fields: Unknown,
    }

    #[derive(Serialize, JsonSchema)]
    #[allow(dead_code)]
    struct HeldSpec {
        endpoint: String,
        /// Where requests go (documented: schemars writes `allOf: [$ref]`).
        routing: HeldRouting,
        #[serde(skip_serializing_if = "Option::is_none")]
        fallback: Option<HeldRouting>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        replicas: Vec<HeldRouting>,
        /// Never written (as the secret of a generated answer type).
        #[serde(skip_serializing)]
        secret: Option<String>,
        #[serde(flatten)]
        unknown_fields: Unknown,
    }

    #[derive(Serialize, JsonSchema)]
    struct HeldRouting {
        region: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        resolved_at: Option<String>,
        #[serde(rename = "self", skip_serializing_if = "Option::is_none")]
        self_: Option<String>,
        #[serde(flatten)]
        unknown_fields: Unknown,
    }

    #[derive(Serialize, JsonSchema)]
    struct HeldStatus {
        phase: String,
        #[serde(flatten)]
        unknown_fields: Unknown,
    }

    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct Body {
        metadata: BodyMeta,
        name: String,
        spec: BodySpec,
        #[serde(flatten)]
        unknown_fields: Unknown,
    }

    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct BodyMeta {
        resource_version: String,
        #[serde(flatten)]
        unknown_fields: Unknown,
    }

    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct BodySpec {
        endpoint: Option<String>,
        /// Where requests go.
        routing: BodyRouting,
        fallback: Option<BodyRouting>,
        replicas: Vec<BodyRouting>,
        secret: String,
        #[serde(flatten)]
        unknown_fields: Unknown,
    }

    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct BodyRouting {
        region: String,
        #[serde(flatten)]
        unknown_fields: Unknown,
    }

    fn unknown(v: Value) -> Unknown {
        v.as_object().cloned().unwrap()
    }

    fn routing(region: &str, extra: Value) -> HeldRouting {
        HeldRouting {
            region: region.into(),
            resolved_at: Some("2024-01-01T00:00:00Z".into()),
            self_: Some(format!("https://x/{region}")),
            unknown_fields: unknown(extra),
        }
    }

    fn held() -> Held {
        Held {
            kind: Some("Thing".into()),
            metadata: Some(HeldMeta {
                self_: Some("https://x/t".into()),
                resource_version: Some("rv-1".into()),
                unknown_fields: unknown(json!({"labels": {"env": "prod"}})),
            }),
            name: "t".into(),
            spec: HeldSpec {
                endpoint: "https://e".into(),
                routing: routing(
                    "eu",
                    json!({"weight": 3, "self_link": {"self": "kept whole"}}),
                ),
                fallback: Some(routing("us", json!({"note": null}))),
                replicas: vec![
                    routing("ap", json!({"zone": "a"})),
                    routing("sa", json!({})),
                ],
                secret: Some("sk-never".into()),
                unknown_fields: unknown(json!({"options": {"timeout": 5, "self": "x"}})),
            },
            status: Some(HeldStatus {
                phase: "READY".into(),
                unknown_fields: unknown(json!({"since": "now"})),
            }),
            unknown_fields: unknown(json!({"owner": {"team": "ml", "kind": "group"}})),
        }
    }

    #[test]
    fn read_only_members_are_left_out_and_unknown_ones_kept_at_every_depth() {
        let sent = forward::<Held, Body>(serde_json::to_value(held()).unwrap());
        assert_eq!(
            sent,
            json!({
                "metadata": {"labels": {"env": "prod"}, "resource_version": "rv-1"},
                "name": "t",
                "owner": {"team": "ml", "kind": "group"},
                "spec": {
                    "endpoint": "https://e",
                    "options": {"timeout": 5, "self": "x"},
                    "routing": {"region": "eu", "weight": 3, "self_link": {"self": "kept whole"}},
                    "fallback": {"region": "us", "note": null},
                    "replicas": [{"region": "ap", "zone": "a"}, {"region": "sa"}]
                }
            })
        );
        assert!(!sent.to_string().contains("sk-never"));
    }

    #[test]
    fn a_place_only_the_body_declares_is_sent_whole() {
        // `routing` unknown to the held type (its schema has no such member): even its
        // `resolved_at` is not the crate's to judge, and goes back as it came.
        #[derive(Serialize, JsonSchema)]
        struct OldHeld {
            name: String,
            #[serde(flatten)]
            unknown_fields: Unknown,
        }
        #[derive(JsonSchema)]
        #[allow(dead_code)]
        struct OldBody {
            name: String,
            routing: BodyRouting,
            #[serde(flatten)]
            unknown_fields: Unknown,
        }
        let value = json!({"name": "t", "kind": "Thing",
                           "routing": {"region": "eu", "resolved_at": "then"}});
        let sent = forward::<OldHeld, OldBody>(value.clone());
        assert_eq!(sent, value);
    }

    #[test]
    fn a_map_the_body_takes_keeps_every_key() {
        #[derive(Serialize, JsonSchema)]
        struct WithLabels {
            labels: std::collections::BTreeMap<String, String>,
            #[serde(flatten)]
            unknown_fields: Unknown,
        }
        let value = json!({"labels": {"a": "1", "self": "2"}});
        let sent = forward::<WithLabels, WithLabels>(value.clone());
        assert_eq!(sent, value);
    }

    #[test]
    fn the_generated_connection_and_update_body() {
        use crate::connections::Connection;
        use crate::generated::types::UpdateSqlv1ConnectionBody;
        let held: Connection = serde_json::from_value(json!({
            "api_version": "sql/v1", "kind": "Connection",
            "metadata": {"self": "https://x/c", "uid": "u", "resource_version": "rv",
                         "created_at": "2024-01-02T03:04:05Z", "x_added": {"a": "b"}},
            "name": "c",
            "spec": {"connection_type": "OPENAI", "endpoint": "https://e", "extra": [1],
                     "auth_data": {"kind": "PlaintextProvider", "data": "{\"API_KEY\":\"sk-old\"}"}},
            "status": {"phase": "READY"},
            "owner": "me"
        }))
        .unwrap();
        let sent =
            forward::<Connection, UpdateSqlv1ConnectionBody>(serde_json::to_value(&held).unwrap());
        assert_eq!(
            sent,
            json!({
                "metadata": {"resource_version": "rv", "x_added": {"a": "b"}},
                "name": "c",
                "owner": "me",
                "spec": {"connection_type": "OPENAI", "endpoint": "https://e", "extra": [1]}
            })
        );
    }
}
