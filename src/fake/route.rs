//! Which operation a request is for: path matching, methods, and query parsing.

use hyper::Method;

use super::faults::Operation;

/// Where a request goes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// One of the five operations, with the decoded path parameters.
    Operation {
        operation: Operation,
        organization_id: String,
        environment_id: String,
        /// The `connection_name` path parameter (`None` for the collection).
        name: Option<String>,
    },
    /// A known path with a method the spec does not define; `allow` lists the ones it does.
    MethodNotAllowed { allow: &'static str },
    /// No such path.
    NotFound,
}

/// Routes `method` and the raw (still percent-encoded) `path`.
pub(crate) fn route(method: &Method, path: &str) -> Route {
    let segments: Vec<&str> = path.split('/').collect();
    let (organization_id, environment_id, name) = match segments.as_slice() {
        ["", "sql", "v1", "organizations", org, "environments", env, "connections"] => {
            (*org, *env, None)
        }
        ["", "sql", "v1", "organizations", org, "environments", env, "connections", name]
            if !name.is_empty() =>
        {
            (*org, *env, Some(*name))
        }
        _ => return Route::NotFound,
    };
    let operation = match (name.is_some(), method) {
        (false, &Method::GET) => Operation::List,
        (false, &Method::POST) => Operation::Create,
        (false, _) => return Route::MethodNotAllowed { allow: "GET, POST" },
        (true, &Method::GET) => Operation::Get,
        (true, &Method::PUT) => Operation::Update,
        (true, &Method::DELETE) => Operation::Delete,
        (true, _) => {
            return Route::MethodNotAllowed {
                allow: "DELETE, GET, PUT",
            }
        }
    };
    Route::Operation {
        operation,
        organization_id: percent_decode(organization_id, false),
        environment_id: percent_decode(environment_id, false),
        name: name.map(|name| percent_decode(name, false)),
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

    #[test]
    fn the_five_operations_are_routed() {
        let list = route(&Method::GET, BASE);
        assert_eq!(
            list,
            Route::Operation {
                operation: Operation::List,
                organization_id: "o-1".into(),
                environment_id: "env-1".into(),
                name: None
            }
        );
        let item = format!("{BASE}/my%2Dconn");
        for (method, operation) in [
            (Method::GET, Operation::Get),
            (Method::PUT, Operation::Update),
            (Method::DELETE, Operation::Delete),
        ] {
            match route(&method, &item) {
                Route::Operation {
                    operation: routed,
                    name,
                    ..
                } => {
                    assert_eq!(routed, operation);
                    assert_eq!(name.as_deref(), Some("my-conn"));
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(
            route(&Method::POST, BASE),
            Route::Operation {
                operation: Operation::Create,
                ..
            }
        ));
    }

    #[test]
    fn other_methods_and_paths_are_refused() {
        assert_eq!(
            route(&Method::PATCH, BASE),
            Route::MethodNotAllowed { allow: "GET, POST" }
        );
        assert_eq!(
            route(&Method::POST, &format!("{BASE}/x")),
            Route::MethodNotAllowed {
                allow: "DELETE, GET, PUT"
            }
        );
        assert_eq!(route(&Method::GET, "/"), Route::NotFound);
        assert_eq!(route(&Method::GET, &format!("{BASE}/")), Route::NotFound);
        assert_eq!(route(&Method::GET, &format!("{BASE}/a/b")), Route::NotFound);
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
