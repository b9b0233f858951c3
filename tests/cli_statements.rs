//! The `flink` binary's `statement` and `query` commands (feature `cli`), run as a user
//! runs them, against the embedded fake started by each test on 127.0.0.1: creating,
//! listing, describing, stopping, resuming and deleting statements, their exceptions,
//! their results in each format (bounded, changelog, still running), `flink query`,
//! failed statements, secret properties masked, and bad input (exit 2).

#![cfg(all(feature = "cli", feature = "fake"))]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use confluent_flink_sql::fake::{FakeServer, StatementScript};
use confluent_flink_sql::results::ChangeOp;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_flink");
const CANARY: &str = "sk-CANARY-statement-91c2";
const VALUES: &str = "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(n, s)";
const COUNTS: &str = "SELECT word, COUNT(*) AS n FROM words GROUP BY word";

struct Fake {
    server: FakeServer,
    _rt: tokio::runtime::Runtime,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Fake {
    fn start() -> Fake {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(FakeServer::start()).unwrap();
        Fake { server, _rt: rt }
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        for v in confluent_flink_sql::ENV_VARS {
            cmd.env_remove(v);
        }
        cmd.env("FLINK_API_KEY", self.server.api_key())
            .env("FLINK_API_SECRET", self.server.api_secret())
            .env("FLINK_REST_ENDPOINT", self.server.base_url())
            .env("CONFLUENT_ORGANIZATION_ID", self.server.organization_id())
            .env("CONFLUENT_ENVIRONMENT_ID", self.server.environment_id())
            .env("COLUMNS", "200");
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        run(self.command(), args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r.stdout
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }

    fn statement(&self, name: &str) -> Value {
        self.server
            .resource(&format!("statements/{name}"))
            .unwrap_or_else(|| panic!("no statement {name}"))
    }

    fn counts_script(&self) {
        self.server.script_statement(
            COUNTS,
            StatementScript::new(&[("word", "VARCHAR"), ("n", "BIGINT")])
                .row(json!(["hello", "1"]))
                .row(json!(["world", "1"]))
                .next_page()
                .change(ChangeOp::UpdateBefore, json!(["hello", "1"]))
                .change(ChangeOp::UpdateAfter, json!(["hello", "2"]))
                .upsert_columns(&[0]),
        );
    }
}

fn run(mut cmd: Command, args: &[&str]) -> Run {
    let out = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn create_with_wait_sends_the_flags_and_prints_the_statement_as_last_read() {
    let fake = Fake::start();
    let json = fake.json(&[
        "statement",
        "create",
        "values-1",
        "--sql",
        VALUES,
        "--compute-pool",
        "lfcp-1",
        "--service-account",
        "sa-1",
        "--database",
        "cluster-1",
        "--property",
        "sql.local-time-zone=UTC",
        "--wait",
        "-o",
        "json",
    ]);
    assert_eq!(json["name"], "values-1");
    assert_eq!(json["status"]["phase"], "COMPLETED");
    let stored = fake.statement("values-1");
    assert_eq!(stored["spec"]["statement"], VALUES);
    assert_eq!(stored["spec"]["compute_pool_id"], "lfcp-1");
    assert_eq!(stored["spec"]["principal"], "sa-1");
    let props = &stored["spec"]["properties"];
    assert_eq!(props["sql.current-database"], "cluster-1");
    assert_eq!(props["sql.local-time-zone"], "UTC");

    // Without --wait: as created (PENDING), and a name is made when none is given.
    let json = fake.json(&["statement", "create", "--sql", VALUES, "-o", "json"]);
    assert_eq!(json["status"]["phase"], "PENDING");
    assert!(
        json["name"].as_str().unwrap().starts_with("rust-"),
        "{json}"
    );

    // YAML and the human table.
    let yaml: Value =
        serde_yaml::from_str(&fake.ok(&["statement", "describe", "values-1", "-o", "yaml"]))
            .unwrap();
    assert_eq!(yaml["spec"]["compute_pool_id"], "lfcp-1");
    let human = fake.ok(&["statement", "describe", "values-1"]);
    for text in [
        "values-1",
        "COMPLETED",
        "lfcp-1",
        "sa-1",
        "sql.local-time-zone=UTC",
    ] {
        assert!(human.contains(text), "{text}: {human}");
    }
}

#[test]
fn secret_properties_are_sent_but_never_printed() {
    let fake = Fake::start();
    let secret = format!("sql.secrets.openai={CANARY}");
    let mut outputs = Vec::new();
    for (i, format) in ["human", "json", "yaml"].iter().enumerate() {
        let name = format!("secret-{i}");
        let r = fake.run(&[
            "statement",
            "create",
            &name,
            "--sql",
            VALUES,
            "--property",
            &secret,
            "--wait",
            "-o",
            format,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("********"), "{format}: {}", r.stdout);
        outputs.push(r.stdout + &r.stderr);
        // Sent as given.
        assert_eq!(
            fake.statement(&name)["spec"]["properties"]["sql.secrets.openai"],
            CANARY
        );
        for args in [
            vec!["statement", "describe", name.as_str(), "-o", format],
            vec!["statement", "list", "-o", format],
        ] {
            let r = fake.run(&args);
            assert_eq!(r.code, 0, "{}", r.stderr);
            outputs.push(r.stdout + &r.stderr);
        }
    }
    // A bad property that holds the secret is not echoed either.
    let r = fake.run(&["statement", "create", "--sql", VALUES, "--property", CANARY]);
    assert_eq!(r.code, 2);
    outputs.push(r.stdout + &r.stderr);
    for out in outputs {
        assert!(!out.contains(CANARY), "{out}");
    }
}

#[test]
fn a_bad_property_exits_2_before_any_request() {
    let fake = Fake::start();
    for bad in ["no-equals-sign", "=value"] {
        let r = fake.run(&[
            "statement",
            "create",
            "x",
            "--sql",
            VALUES,
            "--property",
            bad,
        ]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(r.stderr.contains("KEY=VALUE"), "{}", r.stderr);
    }
    // Neither --sql nor --file for a query; an empty SQL; a missing file.
    for args in [
        vec!["query"],
        vec!["query", "--sql", " "],
        vec!["query", "--file", "/nonexistent/q.sql"],
        vec!["statement", "results", "x", "--format", "xml"],
    ] {
        let r = fake.run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
    assert_eq!(fake.server.stats().total_requests(), 0);
}

#[test]
fn list_filters_by_compute_pool_and_status() {
    let fake = Fake::start();
    fake.ok(&[
        "statement",
        "create",
        "good",
        "--sql",
        VALUES,
        "--compute-pool",
        "lfcp-1",
        "--wait",
    ]);
    // The fake fails what it cannot run.
    let r = fake.run(&[
        "statement",
        "create",
        "bad",
        "--sql",
        "SELECT * FROM nowhere",
        "--compute-pool",
        "lfcp-2",
        "--wait",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let names = |v: &Value| -> Vec<String> {
        let mut n: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect();
        n.sort();
        n
    };
    assert_eq!(
        names(&fake.json(&["statement", "list", "-o", "json"])),
        ["bad", "good"]
    );
    assert_eq!(
        names(&fake.json(&["statement", "list", "--status", "completed", "-o", "json"])),
        ["good"]
    );
    assert_eq!(
        names(&fake.json(&["statement", "list", "--status", "FAILED", "-o", "json"])),
        ["bad"]
    );
    assert_eq!(
        names(&fake.json(&[
            "statement",
            "list",
            "--compute-pool",
            "lfcp-2",
            "-o",
            "json"
        ])),
        ["bad"]
    );
    let human = fake.ok(&["statement", "list"]);
    let lines: Vec<&str> = human.lines().collect();
    assert_eq!(lines.len(), 3, "{human}");
    assert!(
        lines[0].contains("NAME") && lines[0].contains("PHASE"),
        "{human}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("good") && l.contains("COMPLETED")),
        "{human}"
    );
}

#[test]
fn a_failed_statement_says_its_detail_and_newest_exception_once() {
    let fake = Fake::start();
    fake.server.script_statement(
        "SELECT * FROM broken",
        StatementScript::new(&[("x", "INT")]).fails(
            "Table 'broken' cannot be read",
            &[
                ("TableNotFound", "newest: broken is gone"),
                ("Other", "older one"),
            ],
        ),
    );
    let r = fake.run(&[
        "statement",
        "create",
        "b1",
        "--sql",
        "SELECT * FROM broken",
        "--wait",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("Table 'broken' cannot be read").count(),
        1,
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("newest: broken is gone").count(),
        1,
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("older one"), "{}", r.stderr);

    // The same through `flink query`.
    let r = fake.run(&["query", "--sql", "SELECT * FROM broken"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("newest: broken is gone").count(),
        1,
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");

    // Every exception, newest first.
    let json = fake.json(&["statement", "exception", "list", "b1", "-o", "json"]);
    assert_eq!(json[0]["name"], "TableNotFound");
    assert_eq!(json[1]["message"], "older one");
    let human = fake.ok(&["statement", "exception", "list", "b1"]);
    let lines: Vec<&str> = human.lines().collect();
    assert!(
        lines[0].contains("TIMESTAMP") && lines[0].contains("MESSAGE"),
        "{human}"
    );
    assert!(
        lines[1].contains("TableNotFound") && lines[1].contains("newest: broken is gone"),
        "{human}"
    );
}

#[test]
fn results_of_a_bounded_changelog_print_the_final_table_or_every_change() {
    let fake = Fake::start();
    fake.counts_script();
    fake.ok(&["statement", "create", "counts", "--sql", COUNTS, "--wait"]);
    let results = |extra: &[&str]| {
        let mut args = vec!["statement", "results", "counts", "--poll-interval", "5"];
        args.extend_from_slice(extra);
        fake.ok(&args)
    };
    // JSON lines: the table the changes describe (an updated row where it stood), in
    // column order...
    assert_eq!(
        results(&["--format", "json"]),
        "{\"word\":\"hello\",\"n\":2}\n{\"word\":\"world\",\"n\":1}\n"
    );
    // ... or every change with its op.
    let lines: Vec<Value> = results(&["--format", "json", "--changelog"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ops: Vec<&str> = lines.iter().map(|l| l["op"].as_str().unwrap()).collect();
    assert_eq!(ops, ["+I", "+I", "-U", "+U"]);
    assert_eq!(lines[3], json!({"op": "+U", "word": "hello", "n": 2}));
    // CSV, with a header.
    assert_eq!(results(&["--format", "csv"]), "word,n\nhello,2\nworld,1\n");
    assert_eq!(
        results(&["--format", "csv", "--changelog"]),
        "op,word,n\n+I,hello,1\n+I,world,1\n-U,hello,1\n+U,hello,2\n"
    );
    // A table.
    let table = results(&[]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(
        lines[0].contains("word") && lines[0].contains('n'),
        "{table}"
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["hello", "2"]
    );
    assert_eq!(
        lines[2].split_whitespace().collect::<Vec<_>>(),
        ["world", "1"]
    );
    let table = results(&["--changelog"]);
    assert_eq!(table.lines().count(), 5, "{table}");
    assert!(table.lines().nth(3).unwrap().contains("-U"), "{table}");
}

/// A statement that keeps running: each row is printed as it arrives (the tool is
/// still running, waiting for more, when the test reads them, then kills it).
#[test]
fn results_of_a_running_statement_are_printed_as_they_arrive() {
    let fake = Fake::start();
    fake.server.script_statement(
        "SELECT * FROM clicks",
        StatementScript::new(&[("url", "VARCHAR")])
            .row(json!(["/a"]))
            .next_page()
            .row(json!(["/b"]))
            .keeps_running(),
    );
    fake.ok(&[
        "statement",
        "create",
        "clicks",
        "--sql",
        "SELECT * FROM clicks",
        "--wait",
    ]);
    for (format, expected) in [
        ("json", vec!["{\"url\":\"/a\"}", "{\"url\":\"/b\"}"]),
        ("csv", vec!["url", "/a", "/b"]),
    ] {
        let mut child = fake
            .command()
            .args([
                "statement",
                "results",
                "clicks",
                "--poll-interval",
                "20",
                "--format",
                format,
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for want in expected {
            assert_eq!(lines.next().unwrap().unwrap(), want);
        }
        // Still running, polling for more.
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            child.try_wait().unwrap().is_none(),
            "{format}: the tool ended"
        );
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn query_prints_the_results_of_a_bounded_statement() {
    let fake = Fake::start();
    let json = fake.json(&[
        "query",
        "--sql",
        VALUES,
        "--compute-pool",
        "lfcp-1",
        "-o",
        "json",
    ]);
    assert_eq!(json["rows"], json!([[1, "a"], [2, "b"]]));
    let columns = json["columns"].as_array().unwrap();
    assert_eq!(columns[0]["name"], "n");
    assert_eq!(columns[1]["name"], "s");
    assert!(
        columns[0]["type"].as_str().unwrap().starts_with("INT"),
        "{json}"
    );
    let yaml: Value =
        serde_yaml::from_str(&fake.ok(&["query", "--sql", VALUES, "-o", "yaml"])).unwrap();
    assert_eq!(yaml["rows"], json["rows"]);
    // From a file, as a table.
    let dir = std::env::temp_dir().join(format!("flink-query-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("q.sql");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(VALUES.as_bytes())
        .unwrap();
    let table = fake.ok(&["query", "--file", path.to_str().unwrap()]);
    let lines: Vec<Vec<&str>> = table
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines,
        [vec!["n", "s"], vec!["1", "a"], vec!["2", "b"]],
        "{table}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    // The statements are left as they are (not deleted).
    let list = fake.json(&["statement", "list", "-o", "json"]);
    assert_eq!(list.as_array().unwrap().len(), 3);
}

#[test]
fn stop_resume_and_delete() {
    let fake = Fake::start();
    fake.server.script_statement(
        "SELECT * FROM clicks",
        StatementScript::new(&[("url", "VARCHAR")]).keeps_running(),
    );
    fake.ok(&[
        "statement",
        "create",
        "live",
        "--sql",
        "SELECT * FROM clicks",
        "--wait",
    ]);
    assert!(fake.ok(&["statement", "stop", "live"]).contains("`live`"));
    assert_eq!(fake.statement("live")["spec"]["stopped"], true);
    fake.ok(&[
        "statement",
        "resume",
        "live",
        "--principal",
        "sa-2",
        "--compute-pool",
        "lfcp-9",
    ]);
    let stored = fake.statement("live");
    assert_eq!(stored["spec"]["stopped"], false);
    assert_eq!(stored["spec"]["principal"], "sa-2");
    assert_eq!(stored["spec"]["compute_pool_id"], "lfcp-9");

    // Delete asks, so refuses without a terminal; --force deletes.
    let r = fake.run(&["statement", "delete", "live"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert!(fake.server.resource("statements/live").is_some());
    let r = fake.run(&["statement", "delete", "gone", "live", "--force"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("Deleted statement `live`"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("statement `gone` not found"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches("gone").count(), 1, "{}", r.stderr);
    assert!(fake.server.resource("statements/live").is_none());

    // A missing statement: exit 1, said once.
    let r = fake.run(&["statement", "describe", "nope"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr.matches("nope").count(), 1, "{}", r.stderr);
    assert_eq!(r.stderr.matches("404").count(), 1, "{}", r.stderr);
    assert_eq!(r.stderr.matches("request id").count(), 1, "{}", r.stderr);
}

#[test]
fn the_connection_group_is_the_flink_connection_tool() {
    let fake = Fake::start();
    let r = fake.run(&[
        "connection",
        "create",
        "chat",
        "--type",
        "openai",
        "--endpoint",
        "https://api.openai.com/v1",
        "--api-key",
        CANARY,
        "-o",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains(CANARY));
    let list = fake.json(&["connection", "list", "-o", "json"]);
    assert_eq!(list[0]["name"], "chat");
    let r = fake.run(&["connection", "completions", "bash"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("statement") && r.stdout.contains("connection"));
}

#[test]
fn query_reads_standard_input_and_refuses_an_unbounded_statement() {
    let fake = Fake::start();
    let mut child = fake
        .command()
        .args(["query", "--file", "-", "-o", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(VALUES.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["rows"], json!([[1, "a"], [2, "b"]]));

    // A query that keeps running would never end: refused once it runs, with where to
    // read it instead.
    fake.server.script_statement(
        "SELECT * FROM clicks",
        StatementScript::new(&[("url", "VARCHAR")])
            .row(json!(["/a"]))
            .keeps_running(),
    );
    let r = fake.run(&["query", "--sql", "SELECT * FROM clicks"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("unbounded"), "{}", r.stderr);
    assert!(r.stderr.contains("flink statement results"), "{}", r.stderr);
    assert_eq!(r.stdout, "");
}

/// An unbounded statement whose results change earlier rows can only be shown as its
/// changes: without --changelog they are printed with their op, and it is said.
#[test]
fn results_of_an_unbounded_changelog_are_printed_as_changes() {
    let fake = Fake::start();
    fake.server.script_statement(
        COUNTS,
        StatementScript::new(&[("word", "VARCHAR"), ("n", "BIGINT")])
            .row(json!(["hello", "1"]))
            .next_page()
            .change(ChangeOp::UpdateBefore, json!(["hello", "1"]))
            .change(ChangeOp::UpdateAfter, json!(["hello", "2"]))
            .upsert_columns(&[0])
            .keeps_running(),
    );
    fake.ok(&[
        "statement",
        "create",
        "live-counts",
        "--sql",
        COUNTS,
        "--wait",
    ]);
    let mut child = fake
        .command()
        .args([
            "statement",
            "results",
            "live-counts",
            "--poll-interval",
            "20",
            "--format",
            "csv",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for want in ["op,word,n", "+I,hello,1", "-U,hello,1", "+U,hello,2"] {
        assert_eq!(lines.next().unwrap().unwrap(), want);
    }
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("--changelog"), "{stderr}");
}

/// A service that quotes a secret property back in a failed statement's detail and
/// exception: the error printed masks it.
#[test]
fn a_secret_quoted_back_in_an_error_is_masked() {
    let fake = Fake::start();
    let sql = "SELECT ML_PREDICT('model', 'x')";
    fake.server.script_statement(
        sql,
        StatementScript::new(&[("x", "VARCHAR")]).fails(
            format!("the key {CANARY} was refused"),
            &[("AuthError", &format!("401 for key {CANARY}"))],
        ),
    );
    let secret = format!("sql.secrets.openai={CANARY}");
    let r = fake.run(&[
        "statement",
        "create",
        "s",
        "--sql",
        sql,
        "--property",
        &secret,
        "--wait",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("was refused"), "{}", r.stderr);
    assert!(r.stderr.contains("401 for key ********"), "{}", r.stderr);
    assert!(!r.stderr.contains(CANARY), "{}", r.stderr);
    assert!(!r.stdout.contains(CANARY), "{}", r.stdout);
}

#[test]
fn results_of_an_unbounded_changelog_as_a_table_are_drawn_again_as_they_change() {
    let fake = Fake::start();
    fake.server.script_statement(
        COUNTS,
        StatementScript::new(&[("word", "VARCHAR"), ("n", "BIGINT")])
            .row(json!(["hello", "1"]))
            .row(json!(["world", "1"]))
            .next_page()
            .change(ChangeOp::UpdateBefore, json!(["hello", "1"]))
            .change(ChangeOp::UpdateAfter, json!(["hello", "2"]))
            .upsert_columns(&[0])
            .keeps_running(),
    );
    fake.ok(&[
        "statement",
        "create",
        "live-table",
        "--sql",
        COUNTS,
        "--wait",
    ]);
    let mut child = fake
        .command()
        .args([
            "statement",
            "results",
            "live-table",
            "--poll-interval",
            "20",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || {
        lines
            .next()
            .unwrap()
            .unwrap()
            .split_whitespace()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    // The first drawing, then (a blank line) the table after the update: the updated
    // row where it stood, no changelog operations.
    assert_eq!(next(), ["word", "n"]);
    assert_eq!(next(), ["hello", "1"]);
    assert_eq!(next(), ["world", "1"]);
    assert!(next().is_empty());
    assert_eq!(next(), ["word", "n"]);
    assert_eq!(next(), ["hello", "2"]);
    assert_eq!(next(), ["world", "1"]);
    child.kill().unwrap();
    let _ = child.wait();
}
