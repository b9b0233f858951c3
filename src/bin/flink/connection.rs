//! `flink connection ...` (and `flink-connection ...`): checks the input, builds the
//! client and runs the command.

use clap_complete::Shell;

use crate::args::{Command, ConfigArgs};
use crate::config;
use crate::connection_commands as commands;
use crate::failure::Failure;
use crate::secrets;

/// Runs a connection command; `completions` prints the completions of the whole tool
/// for `completions SHELL`.
pub fn run(
    config: &ConfigArgs,
    command: Command,
    completions: impl FnOnce(Shell),
) -> Result<(), Failure> {
    // Input is checked before the configuration is read and before any request.
    let create = match &command {
        Command::Completions { shell } => {
            completions(*shell);
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
    let list_type = match &command {
        Command::List {
            connection_type: Some(t),
            ..
        } => Some(commands::connection_type(t)?),
        _ => None,
    };
    let update_auth = match &command {
        Command::Update { secrets, .. } => Some(secrets::auth_data(secrets)?),
        _ => None,
    };
    let client = config::client(config)?;
    let conns = client.connections();
    config::runtime()?.block_on(async {
        match command {
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
