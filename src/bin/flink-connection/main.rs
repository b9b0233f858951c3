//! `flink-connection`: the Connections API of Confluent Cloud's Flink SQL from the
//! command line (feature `cli`). See `flink-connection --help`. The same commands are
//! `flink connection ...` of the `flink` tool, whose modules (`src/bin/flink/`) this
//! binary shares.

// Shared with `flink` (`src/bin/flink/`).
#[path = "../flink/args.rs"]
mod args;
#[path = "../flink/config.rs"]
mod config;
#[path = "../flink/connection.rs"]
mod connection;
#[path = "../flink/connection_commands.rs"]
mod connection_commands;
#[path = "../flink/connection_render.rs"]
mod connection_render;
#[path = "../flink/delete.rs"]
mod delete;
// Its statement errors are only `flink`'s.
#[allow(dead_code)]
#[path = "../flink/failure.rs"]
mod failure;
#[path = "../flink/fit.rs"]
mod fit;
#[path = "../flink/secrets.rs"]
mod secrets;
#[path = "../flink/verbose.rs"]
mod verbose;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Command, ConfigArgs};

/// The tool's name, in its messages.
pub const PROGRAM: &str = "flink-connection";

/// Manage the connections of Confluent Cloud's Flink SQL (the Connections API).
///
/// Configuration comes from FLINK_API_KEY, FLINK_API_SECRET, FLINK_REST_ENDPOINT,
/// CONFLUENT_ORGANIZATION_ID and CONFLUENT_ENVIRONMENT_ID; the flags below override all
/// but the API key and secret. Exit codes: 0 success, 1 an error from the service or
/// the network, 2 bad usage or configuration.
#[derive(Debug, Parser)]
#[command(name = "flink-connection", version)]
struct ConnectionCli {
    #[command(flatten)]
    config: ConfigArgs,

    /// Show the client's tracing spans on standard error (never headers, bodies or
    /// secrets).
    #[arg(long, short, global = true)]
    verbose: bool,

    #[command(subcommand)]
    command: Command,
}

fn main() -> ExitCode {
    let cli = ConnectionCli::parse();
    if cli.verbose {
        verbose::init();
    }
    let result = connection::run(&cli.config, cli.command, |shell| {
        let mut cmd = ConnectionCli::command();
        clap_complete::generate(shell, &mut cmd, PROGRAM, &mut std::io::stdout());
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => f.report(),
    }
}
