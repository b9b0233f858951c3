//! Runs the fake Flink SQL service (every operation of the spec) until killed (Ctrl-C).
//!
//! ```text
//! cargo run --features fake --example fake_server -- [--port N] [--open] [--seed N]
//! ```
//!
//! Prints `BASE_URL`, `ORGANIZATION_ID`, `ENVIRONMENT_ID`, `API_KEY` and `API_SECRET` as
//! `KEY=value` lines on stdout (the fake's own throwaway credentials), then serves.
//! `--open` serves every organization and environment (for fuzzers); `--seed N` preloads N
//! connections.

use std::io::Write;
use std::process::ExitCode;

use confluent_flink_sql::fake::FakeServer;

const USAGE: &str = "usage: fake_server [--port N] [--open] [--seed N]";

struct Args {
    port: u16,
    open: bool,
    seed: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 0,
        open: false,
        seed: 0,
    };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--open" => args.open = true,
            "--port" => {
                let value = iter.next().ok_or("--port needs a value")?;
                args.port = value
                    .parse()
                    .map_err(|_| format!("--port: {value:?} is not a port number"))?;
            }
            "--seed" => {
                let value = iter.next().ok_or("--seed needs a value")?;
                args.seed = value
                    .parse()
                    .map_err(|_| format!("--seed: {value:?} is not a count"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let server = match FakeServer::builder()
        .port(args.port)
        .open(args.open)
        .start()
        .await
    {
        Ok(server) => server,
        Err(error) => {
            eprintln!("fake_server: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    server.seed(args.seed);
    let mut out = std::io::stdout().lock();
    let printed = writeln!(
        out,
        "BASE_URL={}\nORGANIZATION_ID={}\nENVIRONMENT_ID={}\nAPI_KEY={}\nAPI_SECRET={}",
        server.base_url(),
        server.organization_id(),
        server.environment_id(),
        server.api_key(),
        server.api_secret()
    )
    .and_then(|()| out.flush());
    drop(out);
    if let Err(error) = printed {
        eprintln!("fake_server: cannot write to stdout: {error}");
        return ExitCode::FAILURE;
    }
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("fake_server: cannot wait for Ctrl-C: {error}");
    }
    server.shutdown().await;
    ExitCode::SUCCESS
}
