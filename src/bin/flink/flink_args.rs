//! The `flink` command line: `flink connection ...`, `flink statement ...` and
//! `flink query` (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::args::{Command as ConnectionCommand, ConfigArgs, Output};

/// Confluent Cloud's Flink SQL from the command line: its connections and statements.
///
/// Configuration comes from FLINK_API_KEY, FLINK_API_SECRET, FLINK_REST_ENDPOINT,
/// CONFLUENT_ORGANIZATION_ID and CONFLUENT_ENVIRONMENT_ID; the flags below override all
/// but the API key and secret. Exit codes: 0 success, 1 an error from the service or
/// the network (or a statement that failed), 2 bad usage or configuration.
#[derive(Debug, Parser)]
#[command(name = "flink", version)]
pub struct Cli {
    #[command(flatten)]
    /// The configuration flags.
    pub config: ConfigArgs,

    /// Show the client's tracing spans on standard error (never headers, bodies or
    /// secrets).
    #[arg(long, short, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    /// The command group.
    pub command: Top,
}

/// The command groups.
#[derive(Debug, Subcommand)]
pub enum Top {
    /// Manage connections (the Connections API).
    Connection {
        #[command(subcommand)]
        command: Box<ConnectionCommand>,
    },
    /// Manage statements: create, list, describe, delete, stop, resume, read results.
    Statement {
        #[command(subcommand)]
        command: StatementCommand,
    },
    /// Run a bounded query: submit it, wait, read all its results and print them.
    Query(QueryArgs),
}

/// The statement commands.
#[derive(Debug, Subcommand)]
pub enum StatementCommand {
    /// Create a statement (prints it as created, or as last read with --wait).
    Create {
        /// The statement's name (made up when not given).
        name: Option<String>,
        /// The SQL to run.
        #[arg(long)]
        sql: String,
        #[command(flatten)]
        placement: Placement,
        /// The service account it runs as (`spec.principal`).
        #[arg(long, value_name = "ID")]
        service_account: Option<String>,
        /// A statement property, `key=value` (repeatable).
        #[arg(long = "property", value_name = "KEY=VALUE")]
        properties: Vec<String>,
        /// Wait until the statement is running or done (fails if it fails).
        #[arg(long)]
        wait: bool,
        #[arg(long, short, value_enum, default_value_t = Output::Human)]
        output: Output,
    },
    /// List the statements of the environment.
    List {
        /// Only statements of this compute pool.
        #[arg(long, value_name = "ID")]
        compute_pool: Option<String>,
        /// Only statements in this phase (any case: running, completed, failed, ...).
        #[arg(long, value_name = "PHASE")]
        status: Option<String>,
        #[arg(long, short, value_enum, default_value_t = Output::Human)]
        output: Output,
    },
    /// Show one statement.
    Describe {
        name: String,
        #[arg(long, short, value_enum, default_value_t = Output::Human)]
        output: Output,
    },
    /// Delete statements (asks first on a terminal, unless --force).
    Delete {
        #[arg(required = true)]
        names: Vec<String>,
        /// Delete without asking.
        #[arg(long)]
        force: bool,
    },
    /// Stop a statement.
    Stop { name: String },
    /// Resume a stopped statement.
    Resume {
        name: String,
        /// The principal it runs as from now on (`spec.principal`).
        #[arg(long, value_name = "ID")]
        principal: Option<String>,
        /// The compute pool that runs it from now on.
        #[arg(long, value_name = "ID")]
        compute_pool: Option<String>,
    },
    /// A statement's exceptions.
    Exception {
        #[command(subcommand)]
        command: ExceptionCommand,
    },
    /// Print a statement's results as they arrive (bounded or not).
    Results {
        name: String,
        /// How rows are printed.
        #[arg(long, value_enum, default_value_t = ResultFormat::Table)]
        format: ResultFormat,
        /// Print every change with its operation (+I, -U, +U, -D) instead of the table
        /// the changes describe.
        #[arg(long)]
        changelog: bool,
        /// How long to wait after an empty page of a running statement, in ms.
        #[arg(long, value_name = "MS", default_value_t = 1000)]
        poll_interval: u64,
    },
}

/// The exception commands.
#[derive(Debug, Subcommand)]
pub enum ExceptionCommand {
    /// List a statement's exceptions, newest first.
    List {
        name: String,
        #[arg(long, short, value_enum, default_value_t = Output::Human)]
        output: Output,
    },
}

/// Where a statement runs.
#[derive(Debug, Args, Default)]
pub struct Placement {
    /// The compute pool that runs it (the environment's default without one).
    #[arg(long, value_name = "ID")]
    pub compute_pool: Option<String>,
    /// The database (Kafka cluster) names are resolved in.
    #[arg(long, value_name = "NAME")]
    pub database: Option<String>,
}

/// `flink query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The SQL to run.
    #[arg(long, conflicts_with = "file", required_unless_present = "file")]
    pub sql: Option<String>,
    /// A file holding the SQL to run (`-` for standard input).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Where it runs.
    #[command(flatten)]
    pub placement: Placement,
    /// How the results are printed.
    #[arg(long, short, value_enum, default_value_t = Output::Human)]
    pub output: Output,
}

/// How `statement results` prints rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResultFormat {
    /// A table that fits the terminal.
    Table,
    /// One JSON object per line and row.
    Json,
    /// Comma-separated values, with a header line.
    Csv,
}
