//! Which operation a request is for: path matching against the generated operation table
//! (`crate::generated::OPERATIONS`, the spec's paths), methods, and query parsing.

use std::sync::LazyLock;

use hyper::Method;

/// One segment of a path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment {
    Literal(&'static str),
    Parameter(&'static str),
}

/// One operation of the table: its id, method and path template.
#[derive(Debug)]
pub(crate) struct Template {
    pub(crate) operation_id: &'static str,
    pub(crate) method: &'static str,
    segments: Vec<Segment>,
}

/// The path parameter naming the organization (every path of the spec starts with it).
pub(crate) const ORGANIZATION: &str = "organization_id";
/// The path parameter naming the environment.
pub(crate) const ENVIRONMENT: &str = "environment_id";

static TABLE: LazyLock<Vec<Template>> = LazyLock::new(|| {
    crate::generated::OPERATIONS
        .iter()
        .map(|(operation_id, method, path)| Template {
            operation_id,
            method,
            segments: path
                .split('/')
                .skip(1)
                .map(|segment| {
                    match segment
                        .strip_prefix('{')
                        .and_then(|rest| rest.strip_suffix('}'))
                    {
                        Some(name) => Segment::Parameter(name),
                        None => Segment::Literal(segment),
                    }
                })
                .collect(),
        })
        .collect()
});

/// Every operation of the spec.
pub(crate) fn table() -> &'static [Template] {
    &TABLE
}

impl Template {
    /// What follows the environment in this template: each collection's name with, when the
    /// template goes on to an item of it, the item's parameter.
    pub(crate) fn chain(&self) -> Vec<(&'static str, Option<&'static str>)> {
        let start = self
            .segments
            .iter()
            .position(|s| *s == Segment::Parameter(ENVIRONMENT))
            .map_or(self.segments.len(), |i| i + 1);
        let mut chain: Vec<(&'static str, Option<&'static str>)> = Vec::new();
        for segment in &self.segments[start..] {
            match (*segment, chain.last_mut()) {
                (Segment::Literal(name), _) => chain.push((name, None)),
                (Segment::Parameter(name), Some(last)) if last.1.is_none() => last.1 = Some(name),
                (Segment::Parameter(name), _) => chain.push(("", Some(name))),
            }
        }
        chain
    }

    /// The template's path up to and including the environment, with the given values.
    fn prefix(&self, organization_id: &str, environment_id: &str) -> Option<String> {
        let mut out = String::new();
        for segment in &self.segments {
            out.push('/');
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Parameter(name) if *name == ORGANIZATION => {
                    out.push_str(&super::wire::encode_component(organization_id))
                }
                Segment::Parameter(name) if *name == ENVIRONMENT => {
                    out.push_str(&super::wire::encode_component(environment_id));
                    return Some(out);
                }
                Segment::Parameter(_) => return None,
            }
        }
        None
    }
}

/// `/sql/v1/organizations/{org}/environments/{env}` (as the spec's paths begin), encoded.
pub(crate) fn environment_path(organization_id: &str, environment_id: &str) -> String {
    table()
        .iter()
        .find_map(|template| template.prefix(organization_id, environment_id))
        .unwrap_or_else(|| {
            format!(
                "/sql/v1/organizations/{}/environments/{}",
                super::wire::encode_component(organization_id),
                super::wire::encode_component(environment_id)
            )
        })
}

/// A request matched to an operation.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Routed {
    pub(crate) operation_id: &'static str,
    pub(crate) method: &'static str,
    /// The decoded path parameters, by name, in path order.
    pub(crate) parameters: Vec<(&'static str, String)>,
    /// What follows the environment: each collection's name and, for an item, its decoded
    /// name.
    pub(crate) chain: Vec<(&'static str, Option<String>)>,
}

impl Routed {
    /// The decoded value of path parameter `name`.
    pub(crate) fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Where a request goes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// One of the spec's operations.
    Operation(Routed),
    /// A known path with a method the spec does not define; `allow` lists the ones it does.
    MethodNotAllowed { allow: String },
    /// No such path.
    NotFound,
}

/// The parameter values of `path` if it matches `template`.
fn matches(template: &Template, segments: &[&str]) -> Option<Vec<(&'static str, String)>> {
    if template.segments.len() != segments.len() {
        return None;
    }
    let mut parameters = Vec::new();
    for (expected, actual) in template.segments.iter().zip(segments) {
        match expected {
            Segment::Literal(text) if text == actual => {}
            Segment::Parameter(name) if !actual.is_empty() => {
                parameters.push((*name, percent_decode(actual, false)))
            }
            _ => return None,
        }
    }
    Some(parameters)
}

/// Routes `method` and the raw (still percent-encoded) `path`.
pub(crate) fn route(method: &Method, path: &str) -> Route {
    let segments: Vec<&str> = match path.strip_prefix('/') {
        Some(rest) => rest.split('/').collect(),
        None => return Route::NotFound,
    };
    let mut allowed: Vec<&'static str> = Vec::new();
    for template in table() {
        let Some(parameters) = matches(template, &segments) else {
            continue;
        };
        if template.method == method.as_str() {
            let names = template.chain();
            let mut values = parameters
                .iter()
                .filter(|(name, _)| *name != ORGANIZATION && *name != ENVIRONMENT)
                .map(|(_, value)| value.clone());
            let chain = names
                .into_iter()
                .map(|(collection, item)| (collection, item.and_then(|_| values.next())))
                .collect();
            return Route::Operation(Routed {
                operation_id: template.operation_id,
                method: template.method,
                parameters,
                chain,
            });
        }
        if !allowed.contains(&template.method) {
            allowed.push(template.method);
        }
    }
    if allowed.is_empty() {
        Route::NotFound
    } else {
        allowed.sort_unstable();
        Route::MethodNotAllowed {
            allow: allowed.join(", "),
        }
    }
}

/// The query's parameters, decoded, in order.
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name, true), percent_decode(value, true))
        })
        .collect()
}

/// Decodes `%XX` escapes (and `+` as a space in query strings); bytes that are not UTF-8
/// become U+FFFD.
fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "/sql/v1/organizations/o-1/environments/env-1/connections";

    fn operation_id(route: &Route) -> &str {
        match route {
            Route::Operation(routed) => routed.operation_id,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_five_connection_operations_are_routed() {
        let Route::Operation(list) = route(&Method::GET, BASE) else {
            panic!("list")
        };
        assert_eq!(list.operation_id, "listSqlv1Connections");
        assert_eq!(list.parameter(ORGANIZATION), Some("o-1"));
        assert_eq!(list.parameter(ENVIRONMENT), Some("env-1"));
        assert_eq!(list.chain, [("connections", None)]);
        let item = format!("{BASE}/my%2Dconn");
        for (method, id) in [
            (Method::GET, "getSqlv1Connection"),
            (Method::PUT, "updateSqlv1Connection"),
            (Method::DELETE, "deleteSqlv1Connection"),
        ] {
            let Route::Operation(routed) = route(&method, &item) else {
                panic!("{method}")
            };
            assert_eq!(routed.operation_id, id);
            assert_eq!(routed.chain, [("connections", Some("my-conn".to_owned()))]);
        }
        assert_eq!(
            operation_id(&route(&Method::POST, BASE)),
            "createSqlv1Connection"
        );
    }

    #[test]
    fn every_operation_of_the_table_is_routed_to_itself() {
        for (id, method, path) in crate::generated::OPERATIONS {
            let concrete: String = path
                .split('/')
                .map(|s| if s.starts_with('{') { "x-1" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            assert_eq!(operation_id(&route(&method, &concrete)), *id, "{path}");
        }
    }

    #[test]
    fn other_methods_and_paths_are_refused() {
        assert_eq!(
            route(&Method::PATCH, BASE),
            Route::MethodNotAllowed {
                allow: "GET, POST".into()
            }
        );
        assert_eq!(
            route(&Method::POST, &format!("{BASE}/x")),
            Route::MethodNotAllowed {
                allow: "DELETE, GET, PUT".into()
            }
        );
        assert_eq!(route(&Method::GET, "/"), Route::NotFound);
        assert_eq!(route(&Method::GET, &format!("{BASE}/")), Route::NotFound);
        assert_eq!(route(&Method::GET, &format!("{BASE}/a/b")), Route::NotFound);
        assert_eq!(
            environment_path("o", "e/1"),
            "/sql/v1/organizations/o/environments/e%2F1"
        );
    }

    #[test]
    fn queries_are_decoded() {
        let pairs = query_pairs(Some(
            "page_size=5&spec.connection_type=OPEN%41I&x&t=a+b&p=%",
        ));
        assert_eq!(
            pairs,
            [
                ("page_size".into(), "5".into()),
                ("spec.connection_type".into(), "OPENAI".into()),
                ("x".into(), String::new()),
                ("t".into(), "a b".into()),
                ("p".into(), "%".into()),
            ]
        );
        assert!(query_pairs(None).is_empty());
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
        assert_eq!(percent_decode("%C3%A9", false), "é");
    }
}
