//! `flink`: Confluent Cloud's Flink SQL from the command line (feature `cli`), with
//! the Confluent CLI's command groups: `flink connection ...`, `flink statement ...`
//! and `flink query`. See `flink --help`.

mod args;
mod config;
mod connection;
mod connection_commands;
mod connection_render;
mod delete;
mod failure;
mod fit;
mod flink_args;
mod query;
mod results;
mod secrets;
mod statement_commands;
mod statement_render;
mod verbose;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use flink_args::{Cli, Top};

/// The tool's name, in its messages.
pub const PROGRAM: &str = "flink";

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.verbose {
        verbose::init();
    }
    let result = match cli.command {
        Top::Connection { command } => connection::run(&cli.config, *command, |shell| {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, PROGRAM, &mut std::io::stdout());
        }),
        Top::Statement { command } => statement_commands::run(&cli.config, command),
        Top::Query(args) => query::run(&cli.config, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => f.report(),
    }
}
