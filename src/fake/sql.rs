//! What the fake's statements return: what a test scripts, or the few statements the
//! fake runs itself (`VALUES` and `SELECT` of literals, `SHOW TABLES`, `SHOW
//! CONNECTIONS`, DDL that completes without rows); any other statement fails as the
//! service fails one, with a `status.detail` and an exception.

use serde_json::{json, Value};

use crate::results::ChangeOp;

/// What a statement returns, told to the fake by a test
/// ([`FakeServer::script_statement`](super::FakeServer::script_statement)): its result
/// schema, pages of changelog rows, and whether it completes, keeps running or fails.
///
/// ```
/// use confluent_flink_sql::fake::StatementScript;
/// use confluent_flink_sql::results::ChangeOp;
/// use serde_json::json;
///
/// let script = StatementScript::new(&[("word", "VARCHAR"), ("n", "BIGINT")])
///     .row(json!(["hello", "1"]))
///     .next_page()
///     .change(ChangeOp::UpdateBefore, json!(["hello", "1"]))
///     .change(ChangeOp::UpdateAfter, json!(["hello", "2"]))
///     .upsert_columns(&[0])
///     .keeps_running();
/// # let _ = script;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StatementScript {
    schema: Value,
    pages: Vec<Vec<Value>>,
    upsert_columns: Option<Vec<usize>>,
    running: bool,
    failure: Option<(String, Vec<(String, String)>)>,
}

impl StatementScript {
    /// A statement whose results have these columns: `(name, Flink type)`, each
    /// nullable (`("n", "BIGINT")`); it completes once its pages are read.
    pub fn new(columns: &[(&str, &str)]) -> Self {
        let columns: Vec<Value> = columns
            .iter()
            .map(|(name, ty)| json!({"name": name, "type": {"type": ty, "nullable": true}}))
            .collect();
        StatementScript::with_schema(json!({ "columns": columns }))
    }

    /// A statement whose result schema is `schema`, as the service writes it
    /// (`{"columns": [{"name": .., "type": {"type": .., "nullable": ..}}]}`).
    pub fn with_schema(schema: Value) -> Self {
        StatementScript {
            schema,
            pages: vec![Vec::new()],
            upsert_columns: None,
            running: false,
            failure: None,
        }
    }

    /// Adds an insert (`+I`) of `row` (a list of values as the service writes them:
    /// strings, lists, `null`) to the current page.
    pub fn row(self, row: Value) -> Self {
        self.change(ChangeOp::Insert, row)
    }

    /// Adds a change of `row` to the current page.
    pub fn change(mut self, op: ChangeOp, row: Value) -> Self {
        let entry = json!({"op": op.code(), "row": row});
        if let Some(page) = self.pages.last_mut() {
            page.push(entry);
        }
        self
    }

    /// Starts a new page: the rows added after it come in a later results page.
    pub fn next_page(mut self) -> Self {
        self.pages.push(Vec::new());
        self
    }

    /// The statement's `upsert_columns`.
    pub fn upsert_columns(mut self, columns: &[usize]) -> Self {
        self.upsert_columns = Some(columns.to_vec());
        self
    }

    /// The statement keeps running: after its pages, results pages are empty with a
    /// next page, as the service answers a live query with nothing new.
    pub fn keeps_running(mut self) -> Self {
        self.running = true;
        self
    }

    /// The statement fails: `FAILED` with `detail`, and these exceptions
    /// (`(name, message)`, newest first).
    pub fn fails(mut self, detail: impl Into<String>, exceptions: &[(&str, &str)]) -> Self {
        self.failure = Some((
            detail.into(),
            exceptions
                .iter()
                .map(|(n, m)| (n.to_string(), m.to_string()))
                .collect(),
        ));
        self
    }
}

/// How a statement the fake holds runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Execution {
    pub(crate) script: StatementScript,
    pub(crate) sql_kind: String,
}

impl Execution {
    /// The phase a pending statement moves to.
    pub(crate) fn settles_as(&self) -> &'static str {
        match (&self.script.failure, self.script.running) {
            (Some(_), _) => "FAILED",
            (None, true) => "RUNNING",
            (None, false) => "COMPLETED",
        }
    }

    /// `status.detail` once it settles.
    pub(crate) fn detail(&self) -> Option<&str> {
        self.script.failure.as_ref().map(|(d, _)| d.as_str())
    }

    /// The exceptions, newest first: `(name, message)`.
    pub(crate) fn exceptions(&self) -> &[(String, String)] {
        self.script
            .failure
            .as_ref()
            .map_or(&[][..], |(_, e)| e.as_slice())
    }

    /// `status.traits`.
    pub(crate) fn traits(&self) -> Value {
        let append_only = self
            .script
            .pages
            .iter()
            .flatten()
            .all(|e| e["op"] == json!(0));
        let mut traits = json!({
            "sql_kind": self.sql_kind,
            "is_bounded": !self.script.running,
            "is_append_only": append_only,
            "schema": self.script.schema,
        });
        // Only when there are some: the spec types the member as a list (the service
        // writes `null`, which the crate reads as absent).
        if let Some(columns) = &self.script.upsert_columns {
            traits["upsert_columns"] = json!(columns);
        }
        traits
    }

    /// Results page `index` (0 for the first) and the index of the next one, if any.
    pub(crate) fn page(&self, index: usize) -> (Vec<Value>, Option<usize>) {
        let pages = &self.script.pages;
        let data = pages.get(index).cloned().unwrap_or_default();
        let next = if index + 1 < pages.len() {
            Some(index + 1)
        } else if self.script.running {
            // Live, nothing new: the same next page again.
            Some(pages.len())
        } else {
            None
        };
        (data, next)
    }
}

/// `sql` as scripts are matched: trimmed, without a final `;`, spaces collapsed.
pub(crate) fn normalized(sql: &str) -> String {
    sql.trim()
        .trim_end_matches(';')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the fake holds that `SHOW` lists.
pub(crate) struct Held {
    pub(crate) tables: Vec<String>,
    pub(crate) connections: Vec<String>,
}

/// The first words of statements that complete without rows.
const DDL: &[&str] = &["CREATE", "ALTER", "DROP", "USE", "SET", "RESET"];

/// How the fake runs `sql` when no test scripted it.
pub(crate) fn interpret(sql: &str, held: &Held) -> Execution {
    let text = normalized(sql);
    let upper = text.to_ascii_uppercase();
    let first = upper.split(' ').next().unwrap_or_default().to_string();
    let done = |kind: &str, script: StatementScript| Execution {
        script,
        sql_kind: kind.to_string(),
    };
    if DDL.contains(&first.as_str()) {
        let kind = upper.split(' ').take(2).collect::<Vec<_>>().join("_");
        return done(&kind, StatementScript::with_schema(json!({"columns": []})));
    }
    let listing = |column: &str, names: &[String]| {
        let mut script = StatementScript::with_schema(json!({"columns": [
            {"name": column, "type": {"type": "VARCHAR", "nullable": false, "length": 2147483647}}
        ]}));
        for name in names {
            script = script.row(json!([name]));
        }
        script
    };
    match upper.as_str() {
        "SHOW TABLES" => return done("SHOW_TABLES", listing("table name", &held.tables)),
        "SHOW CONNECTIONS" => {
            return done(
                "SHOW_CONNECTIONS",
                listing("connection name", &held.connections),
            )
        }
        _ => {}
    }
    match literals::run(&text) {
        Ok(Some(script)) => done("SELECT", script),
        Ok(None) => done(
            "SELECT",
            StatementScript::with_schema(json!({"columns": []})).fails(
                format!(
                    "The fake service cannot run this statement. It runs VALUES and SELECT \
                     of literals, SHOW TABLES, SHOW CONNECTIONS, DDL (completed without \
                     rows), and what a test scripts (FakeServer::script_statement): {}",
                    shortened(&text)
                ),
                &[(
                    "UnsupportedStatement",
                    "the fake service cannot run this statement",
                )],
            ),
        ),
        Err(problem) => done(
            "SELECT",
            StatementScript::with_schema(json!({"columns": []})).fails(
                format!("SQL validation failed: {problem}"),
                &[("ValidationException", problem.as_str())],
            ),
        ),
    }
}

fn shortened(text: &str) -> String {
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        format!("{short}...")
    } else {
        short
    }
}

/// `VALUES` and `SELECT` of literals.
mod literals {
    use serde_json::{json, Value};

    use super::StatementScript;

    #[derive(Debug, Clone, PartialEq)]
    enum Token {
        Word(String),
        Number(String),
        Text(String),
        Open,
        Close,
        Comma,
        Star,
    }

    fn tokens(sql: &str) -> Result<Vec<Token>, String> {
        let mut out = Vec::new();
        let mut chars = sql.chars().peekable();
        while let Some(&c) = chars.peek() {
            match c {
                c if c.is_whitespace() => {
                    chars.next();
                }
                '(' | ')' | ',' | '*' => {
                    chars.next();
                    out.push(match c {
                        '(' => Token::Open,
                        ')' => Token::Close,
                        ',' => Token::Comma,
                        _ => Token::Star,
                    });
                }
                '\'' => {
                    chars.next();
                    let mut text = String::new();
                    loop {
                        match chars.next() {
                            Some('\'') if chars.peek() == Some(&'\'') => {
                                chars.next();
                                text.push('\'');
                            }
                            Some('\'') => break,
                            Some(c) => text.push(c),
                            None => return Err("a string literal is not closed".into()),
                        }
                    }
                    out.push(Token::Text(text));
                }
                c if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => {
                    let mut number = String::new();
                    while let Some(&d) = chars.peek() {
                        let sign_after_e = (d == '-' || d == '+')
                            && matches!(number.chars().last(), Some('e' | 'E'));
                        if d.is_ascii_digit()
                            || d == '.'
                            || d == 'e'
                            || d == 'E'
                            || sign_after_e
                            || (number.is_empty() && (d == '-' || d == '+'))
                        {
                            number.push(d);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    out.push(Token::Number(number));
                }
                c if c.is_alphanumeric() || c == '_' || c == '`' => {
                    let mut word = String::new();
                    while let Some(&d) = chars.peek() {
                        if d.is_alphanumeric() || d == '_' || d == '`' || d == '$' {
                            if d != '`' {
                                word.push(d);
                            }
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    out.push(Token::Word(word));
                }
                other => return Err(format!("unexpected `{other}`")),
            }
        }
        Ok(out)
    }

    /// One literal: its SQL type and its value as the service writes it.
    #[derive(Debug, Clone, PartialEq)]
    enum Literal {
        Int(i64),
        Decimal(String),
        Double(f64),
        Text(String),
        Bool(bool),
        Null,
    }

    struct Parser {
        tokens: Vec<Token>,
        at: usize,
    }

    impl Parser {
        fn peek(&self) -> Option<&Token> {
            self.tokens.get(self.at)
        }

        fn next(&mut self) -> Option<Token> {
            let t = self.tokens.get(self.at).cloned();
            self.at += 1;
            t
        }

        fn keyword(&mut self, word: &str) -> bool {
            match self.peek() {
                Some(Token::Word(w)) if w.eq_ignore_ascii_case(word) => {
                    self.at += 1;
                    true
                }
                _ => false,
            }
        }

        fn expect(&mut self, token: Token, what: &str) -> Result<(), String> {
            if self.next() == Some(token) {
                Ok(())
            } else {
                Err(format!("expected {what}"))
            }
        }

        fn literal(&mut self) -> Result<Literal, String> {
            match self.next() {
                Some(Token::Number(n)) => {
                    if n.contains(['e', 'E']) {
                        n.parse()
                            .map(Literal::Double)
                            .map_err(|_| format!("`{n}` is not a number"))
                    } else if n.contains('.') {
                        let valid = n
                            .trim_start_matches(['-', '+'])
                            .split('.')
                            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
                            && n.matches('.').count() == 1;
                        if valid && n.bytes().any(|b| b.is_ascii_digit()) {
                            Ok(Literal::Decimal(n))
                        } else {
                            Err(format!("`{n}` is not a number"))
                        }
                    } else {
                        n.parse()
                            .map(Literal::Int)
                            .map_err(|_| format!("`{n}` is not a number"))
                    }
                }
                Some(Token::Text(t)) => Ok(Literal::Text(t)),
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("TRUE") => Ok(Literal::Bool(true)),
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("FALSE") => Ok(Literal::Bool(false)),
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("NULL") => Ok(Literal::Null),
                other => Err(format!("{other:?} is not a literal")),
            }
        }

        /// `( lit, ... )` or a bare literal.
        fn row(&mut self) -> Result<Vec<Literal>, String> {
            if self.peek() != Some(&Token::Open) {
                return Ok(vec![self.literal()?]);
            }
            self.next();
            let mut row = vec![self.literal()?];
            while self.peek() == Some(&Token::Comma) {
                self.next();
                row.push(self.literal()?);
            }
            self.expect(Token::Close, "`)` after a row")?;
            Ok(row)
        }

        /// `VALUES row, row, ...` (after `VALUES`).
        fn values(&mut self) -> Result<Vec<Vec<Literal>>, String> {
            let mut rows = vec![self.row()?];
            while self.peek() == Some(&Token::Comma) {
                self.next();
                rows.push(self.row()?);
            }
            Ok(rows)
        }

        fn alias(&mut self) -> Option<String> {
            self.keyword("AS");
            match self.peek() {
                Some(Token::Word(w)) => {
                    let w = w.clone();
                    self.at += 1;
                    Some(w)
                }
                _ => None,
            }
        }
    }

    /// The script of a statement of literals; `None` for a statement of another form.
    pub(super) fn run(sql: &str) -> Result<Option<StatementScript>, String> {
        let Ok(tokens) = tokens(sql) else {
            return Ok(None);
        };
        let mut p = Parser { tokens, at: 0 };
        let (rows, names) = if p.keyword("VALUES") {
            (p.values()?, Vec::new())
        } else if p.keyword("SELECT") {
            if p.peek() == Some(&Token::Star) {
                // SELECT * FROM (VALUES ...) [AS] t(a, b)
                p.next();
                if !p.keyword("FROM") || p.next() != Some(Token::Open) || !p.keyword("VALUES") {
                    return Ok(None);
                }
                let rows = p.values()?;
                p.expect(Token::Close, "`)` after VALUES")?;
                let mut names = Vec::new();
                if p.alias().is_some() && p.peek() == Some(&Token::Open) {
                    p.next();
                    while let Some(Token::Word(w)) = p.next() {
                        names.push(w);
                        if p.peek() == Some(&Token::Comma) {
                            p.next();
                        }
                    }
                }
                (rows, names)
            } else {
                let mut row = Vec::new();
                let mut names = Vec::new();
                loop {
                    let before = p.at;
                    let Ok(literal) = p.literal() else {
                        p.at = before;
                        return Ok(None);
                    };
                    row.push(literal);
                    names.push(p.alias().unwrap_or_else(|| format!("EXPR${}", names.len())));
                    if p.peek() == Some(&Token::Comma) {
                        p.next();
                    } else {
                        break;
                    }
                }
                (vec![row], names)
            }
        } else {
            return Ok(None);
        };
        if p.peek().is_some() {
            return Ok(None);
        }
        let width = rows[0].len();
        if rows.iter().any(|r| r.len() != width) {
            return Err("the rows of VALUES have different numbers of values".into());
        }
        let columns: Vec<Value> = (0..width)
            .map(|c| {
                let name = names.get(c).cloned().unwrap_or_else(|| format!("EXPR${c}"));
                column_type(rows.iter().map(|r| &r[c])).map(|ty| json!({"name": name, "type": ty}))
            })
            .collect::<Result<_, _>>()?;
        let scales: Vec<usize> = (0..width)
            .map(|c| rows.iter().map(|r| scale(&r[c])).max().unwrap_or(0))
            .collect();
        let mut script = StatementScript::with_schema(json!({ "columns": columns }));
        for row in &rows {
            let values: Vec<Value> = row
                .iter()
                .zip(&columns)
                .zip(&scales)
                .map(|((l, column), s)| written(l, &column["type"], *s))
                .collect();
            script = script.row(Value::Array(values));
        }
        Ok(Some(script))
    }

    fn scale(l: &Literal) -> usize {
        match l {
            Literal::Decimal(d) => d.split_once('.').map_or(0, |(_, f)| f.len()),
            _ => 0,
        }
    }

    /// The type of a column holding `values` (Flink's rules for literals, in short).
    fn column_type<'a>(values: impl Iterator<Item = &'a Literal> + Clone) -> Result<Value, String> {
        let nullable = values.clone().any(|v| *v == Literal::Null);
        let known: Vec<&Literal> = values.filter(|v| **v != Literal::Null).collect();
        let all = |f: fn(&Literal) -> bool| known.iter().all(|v| f(v));
        let ty = if known.is_empty() {
            json!({"type": "NULL", "nullable": true})
        } else if all(|v| matches!(v, Literal::Bool(_))) {
            json!({"type": "BOOLEAN", "nullable": nullable})
        } else if all(|v| matches!(v, Literal::Int(_))) {
            let wide = known
                .iter()
                .any(|v| matches!(v, Literal::Int(n) if i32::try_from(*n).is_err()));
            json!({"type": if wide { "BIGINT" } else { "INTEGER" }, "nullable": nullable})
        } else if all(|v| matches!(v, Literal::Int(_) | Literal::Decimal(_))) {
            let scale = known.iter().map(|v| scale(v)).max().unwrap_or(0);
            let integer_digits = known
                .iter()
                .map(|v| match v {
                    Literal::Int(n) => n.unsigned_abs().to_string().len(),
                    Literal::Decimal(d) => d
                        .trim_start_matches(['-', '+'])
                        .split('.')
                        .next()
                        .map_or(1, |i| i.len().max(1)),
                    _ => 1,
                })
                .max()
                .unwrap_or(1);
            json!({"type": "DECIMAL", "nullable": nullable, "precision": integer_digits + scale, "scale": scale})
        } else if all(|v| {
            matches!(
                v,
                Literal::Int(_) | Literal::Decimal(_) | Literal::Double(_)
            )
        }) {
            json!({"type": "DOUBLE", "nullable": nullable})
        } else if all(|v| matches!(v, Literal::Text(_))) {
            let lengths: Vec<usize> = known
                .iter()
                .map(|v| match v {
                    Literal::Text(t) => t.chars().count(),
                    _ => 0,
                })
                .collect();
            let longest = lengths.iter().copied().max().unwrap_or(0);
            if lengths.iter().all(|l| *l == longest) {
                json!({"type": "CHAR", "nullable": nullable, "length": longest})
            } else {
                json!({"type": "VARCHAR", "nullable": nullable, "length": longest})
            }
        } else {
            return Err("a column of VALUES holds values of incompatible types".into());
        };
        Ok(ty)
    }

    /// `l` as the service writes a value of type `ty` (scale `s` for a decimal).
    fn written(l: &Literal, ty: &Value, s: usize) -> Value {
        match l {
            Literal::Null => Value::Null,
            Literal::Bool(b) => json!(if *b { "TRUE" } else { "FALSE" }),
            Literal::Text(t) => json!(t),
            Literal::Double(d) => json!(d.to_string()),
            Literal::Int(n) if ty["type"] == "DOUBLE" => json!((*n as f64).to_string()),
            Literal::Int(n) if ty["type"] == "DECIMAL" && s > 0 => {
                json!(format!("{n}.{}", "0".repeat(s)))
            }
            Literal::Int(n) => json!(n.to_string()),
            Literal::Decimal(d) if ty["type"] == "DOUBLE" => {
                json!(d
                    .parse::<f64>()
                    .map(|f| f.to_string())
                    .unwrap_or_else(|_| d.clone()))
            }
            Literal::Decimal(d) => {
                let have = d.split_once('.').map_or(0, |(_, f)| f.len());
                let d = if d.starts_with('.') {
                    format!("0{d}")
                } else {
                    d.clone()
                };
                json!(format!("{d}{}", "0".repeat(s.saturating_sub(have))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held() -> Held {
        Held {
            tables: vec!["orders".into()],
            connections: vec!["openai".into()],
        }
    }

    #[test]
    fn values_of_literals_are_typed_as_flink_types_them() {
        let e = interpret(
            "SELECT * FROM (VALUES (1, 'one', 1.5, TRUE), (2, 'three', NULL, FALSE)) AS t(n, word, x, ok);",
            &held(),
        );
        assert_eq!(e.settles_as(), "COMPLETED");
        let traits = e.traits();
        let columns = &traits["schema"]["columns"];
        assert_eq!(
            columns[0],
            json!({"name": "n", "type": {"type": "INTEGER", "nullable": false}})
        );
        assert_eq!(
            columns[1]["type"],
            json!({"type": "VARCHAR", "nullable": false, "length": 5})
        );
        assert_eq!(
            columns[2]["type"],
            json!({"type": "DECIMAL", "nullable": true, "precision": 2, "scale": 1})
        );
        assert_eq!(columns[3]["type"]["type"], "BOOLEAN");
        let (rows, next) = e.page(0);
        assert_eq!(next, None);
        assert_eq!(rows[0]["row"], json!(["1", "one", "1.5", "TRUE"]));
        assert_eq!(rows[1]["row"], json!(["2", "three", null, "FALSE"]));
        let one = interpret("select 42 as answer, 'x'", &held());
        assert_eq!(one.traits()["schema"]["columns"][1]["name"], "EXPR$1");
        assert_eq!(one.page(0).0[0]["row"], json!(["42", "x"]));
        assert_eq!(interpret("VALUES 1, 2", &held()).page(0).0.len(), 2);
    }

    #[test]
    fn show_lists_what_the_fake_holds_and_ddl_completes() {
        let e = interpret("SHOW TABLES", &held());
        assert_eq!(e.page(0).0, vec![json!({"op": 0, "row": ["orders"]})]);
        assert_eq!(interpret("show connections;", &held()).page(0).0.len(), 1);
        let ddl = interpret("CREATE TABLE t (a INT)", &held());
        assert_eq!(
            (ddl.settles_as(), ddl.sql_kind.as_str()),
            ("COMPLETED", "CREATE_TABLE")
        );
    }

    #[test]
    fn anything_else_fails_with_a_detail_and_an_exception() {
        let e = interpret("SELECT * FROM orders", &held());
        assert_eq!(e.settles_as(), "FAILED");
        assert!(
            e.detail().unwrap().contains("cannot run"),
            "{:?}",
            e.detail()
        );
        assert_eq!(e.exceptions().len(), 1);
        let bad = interpret("VALUES (1, 'a'), (2)", &held());
        assert!(bad.detail().unwrap().starts_with("SQL validation failed"));
        let mixed = interpret("VALUES (1), ('a')", &held());
        assert_eq!(mixed.settles_as(), "FAILED");
    }

    #[test]
    fn scripts_page_and_keep_running() {
        let s = StatementScript::new(&[("n", "INTEGER")])
            .row(json!(["1"]))
            .next_page()
            .row(json!(["2"]))
            .keeps_running();
        let e = Execution {
            script: s,
            sql_kind: "SELECT".into(),
        };
        assert_eq!(e.settles_as(), "RUNNING");
        assert_eq!(e.page(0).1, Some(1));
        assert_eq!(e.page(1).1, Some(2));
        assert_eq!(e.page(2), (vec![], Some(2)));
        assert_eq!(normalized("  SELECT   1 ;"), "SELECT 1");
    }
}
