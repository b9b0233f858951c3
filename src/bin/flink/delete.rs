//! Deleting named resources (`connection delete`, `statement delete`): ask first on a
//! terminal, then delete each in turn.

use std::future::Future;
use std::io::{BufRead, IsTerminal, Write};

use confluent_flink_sql::Error;

use crate::failure::Failure;

/// Asks on the terminal unless `force`; refuses without a terminal. Deletes each name
/// of a `kind` (`connection`, `statement`) with `delete`, reports each failure as it
/// happens, and fails if any did.
pub async fn delete_each<F, Fut>(
    kind: &str,
    names: &[String],
    force: bool,
    mut delete: F,
) -> Result<(), Failure>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    if !force {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::usage(
                "refusing to delete without confirmation: standard input is not a terminal; \
                 pass --force to delete without asking",
            ));
        }
        let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        eprint!("Delete {kind}(s) {}? [y/N] ", listed.join(", "));
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
            eprintln!("Nothing deleted.");
            return Ok(());
        }
    }
    // Every name is tried; each failure is reported as it happens.
    let mut failed = 0;
    let mut code = 0;
    for name in names {
        match delete(name.clone()).await {
            Ok(()) => println!("Deleted {kind} `{name}`."),
            Err(e) => {
                let f = Failure::about_a(kind, name, &e);
                eprintln!("{}: error: {}", crate::PROGRAM, f.message);
                failed += 1;
                code = code.max(f.code);
            }
        }
    }
    if failed == 0 {
        return Ok(());
    }
    Err(Failure {
        code,
        message: format!("{failed} of {} {kind}(s) not deleted", names.len()),
    })
}
