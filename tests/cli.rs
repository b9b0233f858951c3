//! The `flink-connection` binary (feature `cli`), run as a user runs it, against a fake
//! Connections service started by each test: every command and output format, secrets
//! from flags, standard input and files, every exit code, bad input, and a secret
//! canary that must appear in no output, error or `--verbose` trace.

#![cfg(all(feature = "cli", feature = "fake"))]

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use confluent_flink_sql::connections::{AuthData, ConnectionType, NewConnection};
use confluent_flink_sql::fake::{FakeServer, Fault, Operation};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_flink-connection");
/// A secret given to the tool; it must never come back out.
const CANARY: &str = "sk-CANARY-5b1e7d";
const CONFIG_VARS: [&str; 5] = confluent_flink_sql::ENV_VARS;

/// A fake service on its own runtime (the tests block on the child process).
struct Fake {
    server: FakeServer,
    rt: tokio::runtime::Runtime,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

impl Fake {
    fn start() -> Fake {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(FakeServer::start()).unwrap();
        Fake { server, rt }
    }

    /// The tool with the fake's configuration in its environment, and nothing else of
    /// the test's.
    fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        for v in CONFIG_VARS {
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
        run(self.command(), args, "")
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        run(self.command(), args, stdin)
    }

    fn json(&self, args: &[&str]) -> Value {
        let r = self.run(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
    }

    fn create_openai(&self, name: &str, key: &str) {
        let r = self.run(&[
            "create",
            name,
            "--type",
            "openai",
            "--endpoint",
            "https://api.openai.com/v1/chat/completions",
            "--api-key",
            key,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }

    fn secret_of(&self, name: &str) -> Value {
        let text = self.server.stored_secret(name).expect("stored");
        serde_json::from_str(&text).unwrap()
    }
}

/// Runs the tool with `stdin` piped in (so standard input is never a terminal).
fn run(mut cmd: Command, args: &[&str], stdin: &str) -> Run {
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("an array")
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

#[test]
fn list_prints_every_page_in_each_format() {
    let fake = Fake::start();
    fake.server.seed(5);
    let expected = fake.server.connection_names();

    // JSON: one array of every connection in the service's shape, fetched 2 a page.
    let r = fake.run(&["list", "--page-size", "2", "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // No progress line when standard error is not a terminal.
    assert_eq!(r.stderr, "");
    let json: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(names(&json), expected);
    assert_eq!(json[0]["spec"]["connection_type"], "AZUREML");
    assert_eq!(json[0]["kind"], "Connection");
    assert!(json[0]["spec"].get("auth_data").is_none());
    assert_eq!(fake.server.stats().requests(Operation::List), 3);

    // YAML: one sequence.
    let r = fake.run(&["list", "--page-size", "2", "-o", "yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let yaml: Value = serde_yaml::from_str(&r.stdout).unwrap();
    assert_eq!(names(&yaml), expected);

    // Human: a table with the header once, and a row per connection.
    let r = fake.run(&["list", "--page-size", "2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    for h in ["NAME", "TYPE", "ENDPOINT", "PHASE", "CREATED"] {
        assert!(lines[0].contains(h), "{}", r.stdout);
    }
    assert_eq!(r.stdout.matches("NAME").count(), 1, "{}", r.stdout);
    for (i, name) in expected.iter().enumerate() {
        let line = lines.iter().find(|l| l.contains(name.as_str())).unwrap();
        assert!(
            line.contains(&format!("https://seed.example/{i}")),
            "{line}"
        );
        assert!(line.contains("ACTIVE"), "{line}");
    }
    // The rows of every page line up under the header.
    let col = lines[0].find("ENDPOINT").unwrap();
    for line in &lines[1..] {
        assert_eq!(line.find("https://"), Some(col), "{}", r.stdout);
    }
}

/// Each page is printed as it arrives: when the second page fails, the first one is
/// already out (as JSON, an array left open; as a table, its rows).
#[test]
fn a_list_is_printed_page_by_page() {
    let fake = Fake::start();
    fake.server.seed(4);
    for output in ["json", "human"] {
        // The first list request is answered normally (a no-op delay), the second fails.
        fake.server
            .inject_for(Operation::List, Fault::Delay(Duration::from_millis(1)), 1);
        fake.server
            .inject_for(Operation::List, Fault::Status(500), 1);
        let r = fake.run(&["list", "--page-size", "2", "-o", output]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains("(HTTP 500)"), "{}", r.stderr);
        assert!(r.stdout.contains("seed-000000"), "{output}: {}", r.stdout);
        assert!(r.stdout.contains("seed-000001"), "{output}: {}", r.stdout);
        assert!(!r.stdout.contains("seed-000002"), "{output}: {}", r.stdout);
        if output == "json" {
            assert!(r.stdout.starts_with('['), "{}", r.stdout);
        }
    }
}

/// `flink-connection list | head`: a reader that stops early ends the tool quietly.
#[test]
fn a_closed_standard_output_ends_quietly() {
    let fake = Fake::start();
    fake.server.seed(300);
    let mut child = fake
        .command()
        .args(["list", "--page-size", "100", "-o", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    assert_eq!(first[0], b'[');
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!((out.status.code(), stderr.as_str()), (Some(0), ""));
}

#[test]
fn an_empty_list_is_an_empty_array() {
    let fake = Fake::start();
    let json = fake.json(&["list", "-o", "json"]);
    assert_eq!(json, Value::Array(vec![]));
    let r = fake.run(&["list", "-o", "yaml"]);
    assert_eq!(serde_yaml::from_str::<Value>(&r.stdout).unwrap(), json);
    let r = fake.run(&["list"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert!(r.stderr.contains("No connections"), "{}", r.stderr);
}

#[test]
fn list_filters_by_type_in_any_case() {
    let fake = Fake::start();
    fake.server.seed(40); // every one of the 19 types, two or three times
    for spelling in ["bedrock", "BEDROCK", "Bedrock"] {
        let json = fake.json(&["list", "--type", spelling, "-o", "json"]);
        let items = json.as_array().unwrap();
        assert!(!items.is_empty());
        assert!(items
            .iter()
            .all(|c| c["spec"]["connection_type"] == "BEDROCK"));
    }
}

#[test]
fn create_and_describe_in_each_format() {
    let fake = Fake::start();
    let r = fake.run(&[
        "create",
        "chat",
        "--type",
        "OpenAI",
        "--endpoint",
        "https://api.openai.com/v1/chat/completions",
        "--api-key",
        CANARY,
        "-o",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let created: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(created["name"], "chat");
    assert_eq!(created["spec"]["connection_type"], "OPENAI");
    assert_eq!(fake.secret_of("chat")["API_KEY"], CANARY);

    let json = fake.json(&["describe", "chat", "-o", "json"]);
    assert_eq!(
        json["spec"]["endpoint"],
        "https://api.openai.com/v1/chat/completions"
    );
    let rv = fake.server.resource_version("chat").unwrap();
    assert_eq!(json["metadata"]["resource_version"], rv.as_str());

    let r = fake.run(&["describe", "chat", "-o", "yaml"]);
    assert_eq!(serde_yaml::from_str::<Value>(&r.stdout).unwrap(), json);

    fake.server
        .set_status("chat", "FAILED", "quota exceeded upstream");
    let r = fake.run(&["describe", "chat"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for shown in [
        "chat",
        "OPENAI",
        "FAILED",
        "quota exceeded upstream",
        rv.as_str(),
    ] {
        assert!(r.stdout.contains(shown), "{shown} in {}", r.stdout);
    }
    assert!(r.stdout.contains("Resource Version"), "{}", r.stdout);

    // create's human output is the same table.
    let r = fake.run(&[
        "create",
        "chat2",
        "--type",
        "openai",
        "--endpoint",
        "https://api.openai.com/v1",
        "--api-key",
        "k",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("chat2") && r.stdout.contains("Resource Version"));
    let r = fake.run(&[
        "create",
        "chat3",
        "--type",
        "openai",
        "--endpoint",
        "https://api.openai.com/v1",
        "--api-key",
        "k",
        "-o",
        "yaml",
    ]);
    let yaml: Value = serde_yaml::from_str(&r.stdout).unwrap();
    assert_eq!(yaml["name"], "chat3");
}

#[test]
fn secrets_come_from_stdin_and_files() {
    let fake = Fake::start();
    let dir = std::env::temp_dir().join(format!("flink-connection-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secret_file = dir.join("aws-secret");
    std::fs::write(&secret_file, "wJalrXUtnFEMI/K7MDENG\n").unwrap();
    let at_file = format!("@{}", secret_file.display());

    // The access key from standard input, the secret key from a file: one line each,
    // without its newline.
    let r = fake.run_with_stdin(
        &[
            "create",
            "models",
            "--type",
            "bedrock",
            "--endpoint",
            "https://bedrock-runtime.us-east-1.amazonaws.com",
            "--aws-access-key",
            "-",
            "--aws-secret-key",
            &at_file,
            "--aws-session-token",
            "FwoGZXIvYXdzE",
        ],
        "AKIAIOSFODNN7EXAMPLE\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stored = fake.secret_of("models");
    assert_eq!(stored["AWS_ACCESS_KEY_ID"], "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(stored["AWS_SECRET_ACCESS_KEY"], "wJalrXUtnFEMI/K7MDENG");
    assert_eq!(stored["AWS_SESSION_TOKEN"], "FwoGZXIvYXdzE");

    // Two flags cannot both read standard input.
    let r = fake.run_with_stdin(
        &[
            "update",
            "models",
            "--aws-access-key",
            "-",
            "--aws-secret-key",
            "-",
        ],
        "x\n",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("standard input"), "{}", r.stderr);

    // A file that cannot be read is bad usage.
    let r = fake.run(&[
        "update",
        "models",
        "--aws-access-key",
        "a",
        "--aws-secret-key",
        "@/nonexistent/secret",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("/nonexistent/secret"), "{}", r.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn other_secret_groups_map_to_the_crates_fields() {
    let fake = Fake::start();
    let ok = |args: &[&str]| {
        let r = fake.run(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    };
    ok(&[
        "create",
        "mongo",
        "--type",
        "mongodb",
        "--endpoint",
        "mongodb+srv://c.example.net",
        "--username",
        "u",
        "--password",
        "p",
    ]);
    assert_eq!(fake.secret_of("mongo")["USERNAME"], "u");
    assert_eq!(fake.secret_of("mongo")["PASSWORD"], "p");
    ok(&[
        "create",
        "vertex",
        "--type",
        "vertexai",
        "--endpoint",
        "https://us-central1-aiplatform.googleapis.com",
        "--service-key",
        r#"{"type":"service_account"}"#,
    ]);
    assert_eq!(
        fake.secret_of("vertex")["SERVICE_KEY"],
        r#"{"type":"service_account"}"#
    );
    ok(&[
        "create",
        "rest",
        "--type",
        "rest",
        "--endpoint",
        "https://api.example.com",
        "--token-endpoint",
        "https://auth.example.com/token",
        "--client-id",
        "id",
        "--client-secret",
        "cs",
        "--scope",
        "read",
    ]);
    let s = fake.secret_of("rest");
    assert_eq!(s["OAUTH2_CLIENT_SECRET"], "cs");
    assert_eq!(s["OAUTH2_SCOPE"], "read");
    ok(&[
        "create",
        "mcp",
        "--type",
        "mcp_server",
        "--endpoint",
        "https://mcp.example.com",
        "--token",
        "t",
        "--transport-type",
        "sse",
        "--sse-endpoint",
        "https://mcp.example.com/sse",
    ]);
    let s = fake.secret_of("mcp");
    assert_eq!(s["BEARER_TOKEN"], "t");
    assert_eq!(s["SSE_ENDPOINT"], "https://mcp.example.com/sse");
}

#[test]
fn update_rotates_the_secret() {
    let fake = Fake::start();
    fake.create_openai("chat", "sk-old");
    let before = fake.server.resource_version("chat");
    let r = fake.run_with_stdin(&["update", "chat", "--api-key", "-"], "sk-new\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("chat"), "{}", r.stdout);
    assert_eq!(fake.secret_of("chat")["API_KEY"], "sk-new");
    assert_ne!(fake.server.resource_version("chat"), before);

    // A group that does not fit the type is refused before the PUT.
    let r = fake.run(&[
        "update",
        "chat",
        "--aws-access-key",
        "a",
        "--aws-secret-key",
        "b",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("do not accept"), "{}", r.stderr);
    assert_eq!(fake.server.stats().requests(Operation::Update), 1);

    let r = fake.run(&["update", "nope", "--api-key", "k"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("`nope` not found"), "{}", r.stderr);
}

#[test]
fn an_update_does_not_overwrite_a_concurrent_change() {
    let fake = Fake::start();
    fake.create_openai("chat", "sk-old");
    // The tool's PUT waits; meanwhile someone else rotates the secret.
    fake.server
        .inject_for(Operation::Update, Fault::Delay(Duration::from_secs(3)), 1);
    let mut cmd = fake.command();
    let child = cmd
        .args(["update", "chat", "--api-key", "sk-mine"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while fake.server.pending_faults() > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the PUT never came"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let client = fake.server.client_builder().build().unwrap();
    fake.rt
        .block_on(
            client
                .connections()
                .update("chat", AuthData::api_key("sk-theirs")),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("changed by someone else"), "{stderr}");
    assert_eq!(fake.secret_of("chat")["API_KEY"], "sk-theirs");
}

#[test]
fn delete_asks_refuses_without_a_terminal_and_deletes_with_force() {
    let fake = Fake::start();
    fake.create_openai("a", "k");
    fake.create_openai("b", "k");
    fake.create_openai("c", "k");

    let r = fake.run(&["delete", "a"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(fake.server.connection_count(), 3);
    assert_eq!(fake.server.stats().requests(Operation::Delete), 0);

    let r = fake.run(&["delete", "a", "b", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("`a`") && r.stdout.contains("`b`"),
        "{}",
        r.stdout
    );
    assert_eq!(fake.server.connection_names(), ["c"]);

    // A missing one is reported by name; the others are still deleted.
    let r = fake.run(&["delete", "gone", "c", "--force"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("connection `gone` not found"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("(HTTP 404)"), "{}", r.stderr);
    assert!(
        r.stderr.contains("1 of 2 connection(s) not deleted"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("`c`"), "{}", r.stdout);
    assert_eq!(fake.server.connection_count(), 0);
}

#[test]
fn describe_of_a_missing_connection_says_so_by_name() {
    let fake = Fake::start();
    let r = fake.run(&["describe", "nope"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("connection `nope` not found"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
}

#[test]
fn an_api_error_exits_1_with_status_and_request_id() {
    let fake = Fake::start();
    fake.server
        .inject_for(Operation::List, Fault::Status(500), 1);
    let r = fake.run(&["list", "-o", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Each fact once: the status and the request id.
    assert_eq!(r.stderr.matches("500").count(), 1, "{}", r.stderr);
    assert_eq!(r.stderr.matches("(HTTP 500)").count(), 1, "{}", r.stderr);
    let at = r
        .stderr
        .find("[request id ")
        .unwrap_or_else(|| panic!("{}", r.stderr));
    let id = &r.stderr[at + "[request id ".len()..];
    let id = &id[..id.find(']').unwrap()];
    assert!(!id.is_empty(), "{}", r.stderr);
    assert_eq!(r.stderr.matches(id).count(), 1, "{}", r.stderr);
    assert_eq!(r.stderr.matches("request id").count(), 1, "{}", r.stderr);
}

/// Issue: a 404 repeated the name and the request id (the crate's message already
/// holds the status and the id, and the tool appended them again).
#[test]
fn a_missing_connection_is_said_once() {
    let fake = Fake::start();
    let r = fake.run(&["describe", "nope"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert_eq!(r.stderr.matches("nope").count(), 1, "{}", r.stderr);
    assert_eq!(r.stderr.matches("404").count(), 1, "{}", r.stderr);
    assert_eq!(r.stderr.matches("request id").count(), 1, "{}", r.stderr);
}

/// Issue: at 80 columns the table split timestamps and type names across lines
/// (`AZUREOPEN` / `AI`). Values are shortened with `…` (or columns dropped), never
/// wrapped: one line per connection, each within the width.
#[test]
fn a_list_fits_80_columns_without_breaking_a_value() {
    let fake = Fake::start();
    fake.server.seed(40); // every type, AZUREOPENAI among them
    let json = fake.json(&["list", "-o", "json"]);
    let mut cmd = fake.command();
    cmd.env("COLUMNS", "80");
    let r = run(cmd, &["list", "--page-size", "15"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 41, "{}", r.stdout);
    for line in &lines {
        assert!(line.chars().count() <= 80, "{line}");
    }
    for (i, c) in json.as_array().unwrap().iter().enumerate() {
        let line = lines[i + 1];
        // The type and the creation time whole, on the connection's own line.
        let ty = c["spec"]["connection_type"].as_str().unwrap();
        assert!(line.split_whitespace().any(|w| w == ty), "{ty}: {line}");
        let created = &c["metadata"]["created_at"].as_str().unwrap()[..19];
        assert!(line.contains(created), "{created}: {line}");
    }
    assert!(r.stdout.contains("AZUREOPENAI"), "{}", r.stdout);
    // The long endpoints are shortened with an ellipsis.
    assert!(r.stdout.contains('…'), "{}", r.stdout);

    // Too narrow for every column: the last ones are dropped, no line is wrapped.
    let mut cmd = fake.command();
    cmd.env("COLUMNS", "30");
    let r = run(cmd, &["list"], "");
    assert_eq!(r.stdout.lines().count(), 41, "{}", r.stdout);
    assert!(
        r.stdout.lines().all(|l| l.chars().count() <= 30),
        "{}",
        r.stdout
    );

    // The detail table fits too, and keeps the type whole.
    let name = json[0]["name"].as_str().unwrap();
    let mut cmd = fake.command();
    cmd.env("COLUMNS", "80");
    let r = run(cmd, &["describe", name], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.lines().all(|l| l.chars().count() <= 80),
        "{}",
        r.stdout
    );
    let ty = json[0]["spec"]["connection_type"].as_str().unwrap();
    assert!(
        r.stdout
            .lines()
            .any(|l| l.split_whitespace().any(|w| w == ty)),
        "{ty}: {}",
        r.stdout
    );
}

#[test]
fn a_duplicate_create_is_an_api_error() {
    let fake = Fake::start();
    fake.create_openai("chat", "k");
    let r = fake.run(&[
        "create",
        "chat",
        "--type",
        "openai",
        "--endpoint",
        "https://x.example",
        "--api-key",
        "k",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("`chat` already exists"), "{}", r.stderr);
}

#[test]
fn missing_configuration_exits_2_naming_every_variable() {
    let fake = Fake::start();
    let mut cmd = Command::new(BIN);
    for v in CONFIG_VARS {
        cmd.env_remove(v);
    }
    let r = run(cmd, &["list"], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    for v in CONFIG_VARS {
        assert!(r.stderr.contains(v), "{v} in {}", r.stderr);
    }

    // Flags stand in for all but the API key and secret.
    let mut cmd = Command::new(BIN);
    for v in CONFIG_VARS {
        cmd.env_remove(v);
    }
    cmd.env("FLINK_API_KEY", fake.server.api_key())
        .env("FLINK_API_SECRET", fake.server.api_secret());
    let r = run(
        cmd,
        &[
            "list",
            "-o",
            "json",
            "--rest-endpoint",
            fake.server.base_url(),
            "--organization",
            fake.server.organization_id(),
            "--environment",
            fake.server.environment_id(),
        ],
        "",
    );
    assert_eq!((r.code, r.stdout.trim()), (0, "[]"), "{}", r.stderr);

    // The API secret is never a flag.
    let r = fake.run(&["list", "--api-secret", "x"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn flags_override_the_environment() {
    let fake = Fake::start();
    // A wrong environment in the variable, the right one on the command line.
    let mut cmd = fake.command();
    cmd.env("CONFLUENT_ENVIRONMENT_ID", "env-other");
    let r = run(
        cmd,
        &[
            "list",
            "-o",
            "json",
            "--environment",
            fake.server.environment_id(),
        ],
        "",
    );
    assert_eq!((r.code, r.stdout.trim()), (0, "[]"), "{}", r.stderr);
    // And the variable alone is used without the flag (the fake refuses it).
    let mut cmd = fake.command();
    cmd.env("CONFLUENT_ENVIRONMENT_ID", "env-other");
    let r = run(cmd, &["list", "-o", "json"], "");
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn bad_configuration_exits_2() {
    let fake = Fake::start();
    let mut cmd = fake.command();
    cmd.env("FLINK_REST_ENDPOINT", "not a url");
    let r = run(cmd, &["list"], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a url"), "{}", r.stderr);

    let r = fake.run(&["list", "--organization", "not-a-uuid"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a UUID"), "{}", r.stderr);

    // --cloud needs --region.
    let r = fake.run(&["list", "--cloud", "aws"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(fake.server.stats().total_requests(), 0);
}

#[test]
fn bad_input_exits_2_before_any_request() {
    let fake = Fake::start();
    let create = |extra: &[&str]| {
        let mut args = vec![
            "create",
            "chat",
            "--type",
            "openai",
            "--endpoint",
            "https://api.openai.com/v1",
        ];
        args.extend_from_slice(extra);
        fake.run(&args)
    };
    let cases: [(&[&str], &str); 5] = [
        (&[], "no secret given"),
        (
            &["--api-key", "k", "--username", "u", "--password", "p"],
            "one group only",
        ),
        (&["--aws-access-key", "a"], "--aws-secret-key"),
        (&["--username", "u", "--password", "p"], "do not accept"),
        (&["--api-key", "k", "--transport-type", "sse"], "MCP"),
    ];
    for (extra, says) in cases {
        let r = create(extra);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{extra:?}: {says} in {}", r.stderr);
    }
    // A malformed endpoint, and a name the service would refuse.
    let r = fake.run(&[
        "create",
        "chat",
        "--type",
        "openai",
        "--endpoint",
        "api.openai.com",
        "--api-key",
        "k",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not an absolute URL"), "{}", r.stderr);
    let r = fake.run(&[
        "create",
        "Bad_Name",
        "--type",
        "openai",
        "--endpoint",
        "https://x.example",
        "--api-key",
        "k",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("name"), "{}", r.stderr);
    // Usage errors of the command line itself.
    for args in [
        &["list", "-o", "xml"][..],
        &["create", "x"],
        &["delete"],
        &["frobnicate"],
    ] {
        assert_eq!(fake.run(args).code, 2, "{args:?}");
    }
    assert_eq!(fake.server.stats().total_requests(), 0);
}

#[test]
fn an_unknown_type_is_left_to_the_service_with_a_warning() {
    let fake = Fake::start();
    let r = fake.run(&[
        "create",
        "x",
        "--type",
        "quantum",
        "--endpoint",
        "https://q.example",
        "--api-key",
        "k",
    ]);
    assert!(
        r.stderr
            .contains("`QUANTUM` is not a connection type this version knows"),
        "{}",
        r.stderr
    );
    // The fake, like the service, refuses it: an API error, nothing created.
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(fake.server.stats().requests(Operation::Create), 1);
    assert_eq!(fake.server.connection_count(), 0);
    let r = fake.run(&["list", "--type", "quantum"]);
    assert!(r.stderr.contains("warning"), "{}", r.stderr);
}

#[test]
fn verbose_shows_the_crates_spans() {
    let fake = Fake::start();
    fake.create_openai("chat", "k");
    let r = fake.run(&["--verbose", "describe", "chat", "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("getSqlv1Connection"), "{}", r.stderr);
    assert!(r.stderr.contains("status=200"), "{}", r.stderr);
    let r = fake.run(&["describe", "chat", "-o", "json"]);
    assert_eq!(r.stderr, "");
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let r = run(Command::new(BIN), &["completions", shell], "");
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        for word in [
            "flink-connection",
            "describe",
            "page-size",
            "aws-session-token",
        ] {
            assert!(r.stdout.contains(word), "{shell}: {word}");
        }
    }
}

/// The canary secret, and the tool's own API secret, appear in nothing the tool
/// prints: outputs of every format, errors, and `--verbose` traces.
#[test]
fn no_secret_is_ever_printed() {
    let fake = Fake::start();
    let mut seen = String::new();
    let mut record = |r: Run| seen.push_str(&r.all());
    let endpoint = "https://api.openai.com/v1";
    for output in ["human", "json", "yaml"] {
        let name = format!("chat-{output}");
        record(fake.run(&[
            "-v",
            "create",
            &name,
            "--type",
            "openai",
            "--endpoint",
            endpoint,
            "--api-key",
            CANARY,
            "-o",
            output,
        ]));
        record(fake.run(&["-v", "describe", &name, "-o", output]));
        record(fake.run(&["-v", "list", "-o", output, "--page-size", "1"]));
    }
    record(fake.run_with_stdin(&["-v", "update", "chat-json", "--api-key", "-"], CANARY));
    // Errors carrying the canary: a refused group, a refused duplicate, a missing one,
    // a service failure.
    record(fake.run(&[
        "-v",
        "create",
        "b",
        "--type",
        "bedrock",
        "--endpoint",
        endpoint,
        "--api-key",
        CANARY,
    ]));
    record(fake.run(&[
        "-v",
        "create",
        "chat-json",
        "--type",
        "openai",
        "--endpoint",
        endpoint,
        "--api-key",
        CANARY,
    ]));
    record(fake.run(&["-v", "update", "nope", "--api-key", CANARY]));
    fake.server
        .inject_for(Operation::Update, Fault::Status(500), 1);
    record(fake.run(&["-v", "update", "chat-json", "--api-key", CANARY]));
    record(fake.run(&["-v", "delete", "chat-yaml", "--force"]));

    // The canary was sent (so the check below means something) ...
    assert_eq!(fake.secret_of("chat-json")["API_KEY"], CANARY);
    assert!(seen.contains("createSqlv1Connection") && seen.contains("updateSqlv1Connection"));
    // ... and never printed.
    assert!(!seen.contains(CANARY), "the canary leaked:\n{seen}");
    assert!(
        !seen.contains(fake.server.api_secret()),
        "the API secret leaked"
    );
    let unused = NewConnection::new(
        "x",
        ConnectionType::OpenAi,
        endpoint,
        AuthData::api_key(CANARY),
    );
    assert!(!format!("{unused:?}").contains(CANARY));
}
