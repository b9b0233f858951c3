//! The commands: each reads its input, calls the crate, and prints the result.

use std::io::IsTerminal;

use confluent_flink_sql::connections::{AuthData, ConnectionType, Connections, NewConnection};
use futures::StreamExt;

use crate::args::{Output, SecretArgs};
use crate::connection_render::{self as render, ListWriter};
use crate::failure::Failure;
use crate::secrets;

/// The type as given, in any case, in the service's spelling. A type this version does
/// not know is sent as is (the service decides), with a warning.
pub fn connection_type(given: &str) -> Result<ConnectionType, Failure> {
    let t = ConnectionType::parse(&given.trim().to_uppercase());
    match &t {
        ConnectionType::Other(s) if s.is_empty() => {
            return Err(Failure::usage("the connection type must not be empty"))
        }
        ConnectionType::Other(s) => {
            let known: Vec<&str> = ConnectionType::KNOWN.iter().map(|k| k.as_str()).collect();
            eprintln!(
                "{}: warning: `{s}` is not a connection type this version knows \
                 ({}); sending it as is",
                crate::PROGRAM,
                known.join(", ")
            );
        }
        _ => {}
    }
    Ok(t)
}

/// Lists the connections, page by page, each page printed as it arrives.
pub async fn list(
    conns: &Connections,
    connection_type: Option<ConnectionType>,
    page_size: Option<u32>,
    output: Output,
) -> Result<(), Failure> {
    let mut request = conns.list();
    if let Some(t) = connection_type {
        request = request.connection_type(t);
    }
    if let Some(n) = page_size {
        request = request.page_size(n);
    }
    let mut pages = request.pages();
    let mut writer = ListWriter::new(std::io::stdout().lock(), output);
    // On a terminal, a progress line on standard error while a page loads, erased
    // before the page is printed.
    let progress = std::io::stderr().is_terminal();
    for number in 1.. {
        if progress {
            eprint!("\rLoading page {number}…");
        }
        let next = pages.next().await;
        if progress {
            eprint!("\r\x1b[2K");
        }
        let Some(page) = next else { break };
        let page = page.map_err(|e| Failure::from_error(&e))?;
        writer.page(page.items())?;
    }
    writer.finish()
}

/// Prints one connection.
pub async fn describe(conns: &Connections, name: &str, output: Output) -> Result<(), Failure> {
    let c = conns
        .get(name)
        .await
        .map_err(|e| Failure::about(name, &e))?;
    render::one(std::io::stdout().lock(), &c, output)
}

/// The connection to create, its whole input (secret group, type, endpoint, name)
/// checked before any request.
pub fn new_connection(
    name: &str,
    connection_type: &str,
    endpoint: &str,
    secrets: &SecretArgs,
) -> Result<NewConnection, Failure> {
    let t = self::connection_type(connection_type)?;
    match reqwest::Url::parse(endpoint) {
        Ok(url) if url.has_host() => {}
        _ => {
            return Err(Failure::usage(format!(
                "the endpoint `{endpoint}` is not an absolute URL (scheme://host/...)"
            )))
        }
    }
    let auth = secrets::auth_data(secrets)?;
    let new = NewConnection::new(name, t, endpoint, auth);
    new.validate().map_err(|e| Failure::from_error(&e))?;
    Ok(new)
}

/// Creates the connection and prints it.
pub async fn create(
    conns: &Connections,
    new: NewConnection,
    output: Output,
) -> Result<(), Failure> {
    let name = new.name().to_owned();
    let c = conns.create(new).await.map_err(|e| {
        let mut f = Failure::from_error(&e);
        if e.is_conflict() {
            f.message = format!("connection `{name}` already exists: {}", f.message);
        }
        f
    })?;
    render::one(std::io::stdout().lock(), &c, output)
}

/// Replaces the secret: `Connections::update` reads the connection and writes with its
/// `resource_version`, so a change made meanwhile is refused and reported.
pub async fn update(conns: &Connections, name: &str, auth: AuthData) -> Result<(), Failure> {
    conns
        .update(name, auth)
        .await
        .map_err(|e| Failure::of_update(name, &e))?;
    println!("Updated the secret of connection `{name}`.");
    Ok(())
}

/// Deletes each name, asking first: see [`crate::delete::delete_each`].
pub async fn delete(conns: &Connections, names: &[String], force: bool) -> Result<(), Failure> {
    crate::delete::delete_each("connection", names, force, |name| async move {
        conns.delete(&name).await
    })
    .await
}
