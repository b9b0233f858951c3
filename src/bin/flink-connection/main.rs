//! `flink-connection`: the Connections API of Confluent Cloud's Flink SQL from the
//! command line (feature `cli`). See `flink-connection --help`.

mod args;
mod commands;
mod config;
mod failure;
mod render;
mod secrets;
mod verbose;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Cli, Command};
use failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.verbose {
        verbose::init();
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => f.report(),
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    // Input is checked before the configuration is read and before any request.
    let create = match &cli.command {
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(*shell, &mut cmd, "flink-connection", &mut std::io::stdout());
            return Ok(());
        }
        Command::Create {
            name,
            connection_type,
            endpoint,
            secrets,
            ..
        } => Some(commands::new_connection(
            name,
            connection_type,
            endpoint,
            secrets,
        )?),
        _ => None,
    };
    let list_type = match &cli.command {
        Command::List {
            connection_type: Some(t),
            ..
        } => Some(commands::connection_type(t)?),
        _ => None,
    };
    let update_auth = match &cli.command {
        Command::Update { secrets, .. } => Some(secrets::auth_data(secrets)?),
        _ => None,
    };
    let client = config::client(&cli.config)?;
    let conns = client.connections();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        match cli.command {
            Command::List {
                page_size, output, ..
            } => commands::list(&conns, list_type, page_size, output).await,
            Command::Describe { name, output } => commands::describe(&conns, &name, output).await,
            Command::Create { output, .. } => match create {
                Some(new) => commands::create(&conns, new, output).await,
                None => Ok(()),
            },
            Command::Update { name, .. } => match update_auth {
                Some(auth) => commands::update(&conns, &name, auth).await,
                None => Ok(()),
            },
            Command::Delete { names, force } => commands::delete(&conns, &names, force).await,
            Command::Completions { .. } => Ok(()),
        }
    })
}
