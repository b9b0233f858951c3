//! Creating a statement: a builder that reads like the CLI's `statement create`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use serde_json::{Map, Value};

use super::run::StatementRun;
use crate::resources::Statements;
use crate::Error;

impl Statements {
    /// Starts a statement running `sql`: set what it needs with the builder's methods,
    /// then `.await` it (or call [`Submit::send`]).
    ///
    /// ```no_run
    /// # async fn run(client: confluent_flink_sql::Client) -> Result<(), confluent_flink_sql::Error> {
    /// let run = client
    ///     .statements()
    ///     .submit("SHOW TABLES")
    ///     .name("show-tables-1")
    ///     .compute_pool("lfcp-123456")
    ///     .principal("sa-123456")
    ///     .catalog("my-environment")
    ///     .database("my-cluster")
    ///     .await?;
    /// println!("created {}", run.name());
    /// # Ok(()) }
    /// ```
    pub fn submit(&self, sql: impl Into<String>) -> Submit {
        Submit {
            statements: self.clone(),
            name: None,
            sql: sql.into(),
            spec: Map::new(),
            properties: Map::new(),
        }
    }

    /// A [`StatementRun`] of the existing statement `name` (to wait for it, read its
    /// results or exceptions, stop, resume or delete it): reads it once.
    pub async fn run(&self, name: &str) -> Result<StatementRun, Error> {
        let statement = self.get(name).await?;
        Ok(StatementRun::new(self.clone(), name.to_string(), statement))
    }
}

/// A statement to create: see [`Statements::submit`].
#[must_use = "a statement is created when the builder is awaited"]
#[derive(Clone)]
pub struct Submit {
    statements: Statements,
    name: Option<String>,
    sql: String,
    spec: Map<String, Value>,
    properties: Map<String, Value>,
}

impl Submit {
    /// The statement's name (unique in the environment). Without one, a name is made
    /// as the Confluent CLI makes it: `rust-<date>-<time>-<uuid>`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The compute pool that runs it (`spec.compute_pool_id`; without one, the
    /// environment's default pool).
    pub fn compute_pool(self, id: impl Into<String>) -> Self {
        self.spec_member("compute_pool_id", Value::String(id.into()))
    }

    /// The principal it runs as (`spec.principal`: `sa-...`, `u-...`, `pool-...`).
    pub fn principal(self, principal: impl Into<String>) -> Self {
        self.spec_member("principal", Value::String(principal.into()))
    }

    /// A statement property (`spec.properties`), such as `sql.local-time-zone`.
    pub fn property(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.properties
            .insert(key.into(), Value::String(value.into()));
        self
    }

    /// The catalog names are resolved in: the environment's name
    /// (`sql.current-catalog`).
    pub fn catalog(self, catalog: impl Into<String>) -> Self {
        self.property("sql.current-catalog", catalog)
    }

    /// The database names are resolved in: the Kafka cluster's name
    /// (`sql.current-database`).
    pub fn database(self, database: impl Into<String>) -> Self {
        self.property("sql.current-database", database)
    }

    /// Creates the statement stopped (`spec.stopped`), or not.
    pub fn stopped(self, stopped: bool) -> Self {
        self.spec_member("stopped", Value::Bool(stopped))
    }

    /// Any other member of the statement's `spec` (one this crate has no method for,
    /// such as one a newer spec adds), sent as given.
    pub fn spec_member(mut self, member: impl Into<String>, value: Value) -> Self {
        self.spec.insert(member.into(), value);
        self
    }

    /// The request body: the name and the spec.
    fn body(&self) -> Value {
        let mut spec = self.spec.clone();
        spec.insert("statement".into(), Value::String(self.sql.clone()));
        if !self.properties.is_empty() {
            let properties = spec
                .entry("properties")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(p) = properties {
                p.extend(self.properties.clone());
            }
        }
        let name = self.name.clone().unwrap_or_else(generated_name);
        serde_json::json!({"name": name, "spec": spec})
    }

    /// Creates the statement.
    pub async fn send(self) -> Result<StatementRun, Error> {
        let body = self.body();
        let name = body["name"].as_str().unwrap_or_default().to_string();
        // The create body's type is the generated one of the spec in `openapi/`, read
        // from the JSON (whatever members that version has).
        let typed = serde_json::from_value(body)
            .map_err(|e| Error::validation(format!("statement `{name}`: {e}")))?;
        let statement = self.statements.create(&typed).await?;
        Ok(StatementRun::new(self.statements, name, statement))
    }
}

/// The statement's name, SQL, spec and properties; the values of `sql.secrets.*`
/// properties are not shown.
impl std::fmt::Debug for Submit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let properties: Map<String, Value> = self
            .properties
            .iter()
            .map(|(k, v)| {
                let shown = if crate::properties::is_secret_property(k) {
                    Value::String("<redacted>".into())
                } else {
                    v.clone()
                };
                (k.clone(), shown)
            })
            .collect();
        f.debug_struct("Submit")
            .field("name", &self.name)
            .field("sql", &self.sql)
            .field("spec", &self.spec)
            .field("properties", &properties)
            .finish_non_exhaustive()
    }
}

impl IntoFuture for Submit {
    type Output = Result<StatementRun, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A name as the Confluent CLI makes one (`cli-<YYYY-MM-DD>-<HHMMSS>-<uuid>`), with
/// this crate's prefix.
fn generated_name() -> String {
    format!(
        "rust-{}-{}",
        chrono::Utc::now().format("%Y-%m-%d-%H%M%S"),
        uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_are_valid_statement_names() {
        let name = generated_name();
        assert!(name.len() <= 100, "{name}");
        assert!(name.starts_with("rust-"));
        assert!(name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        assert_ne!(generated_name(), name);
    }

    #[test]
    fn secret_properties_are_not_shown() {
        let client = super::super::test_client();
        let submit = client
            .statements()
            .submit("SELECT 1")
            .property("sql.secrets.openai", "sk-very-secret")
            .property("sql.local-time-zone", "GMT+01:00");
        let shown = format!("{submit:?}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
        assert!(shown.contains("GMT+01:00"), "{shown}");
    }
}
