//! The command line shared by `flink connection` and `flink-connection`: the
//! connection commands, the configuration flags and the output formats (clap derive).

use clap::{Args, Subcommand, ValueEnum};

/// Overrides of the configuration variables.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The Flink REST endpoint (overrides FLINK_REST_ENDPOINT). Not `--endpoint`, which
    /// is the connection's own endpoint in `create`, as in the Confluent CLI.
    #[arg(long, global = true, value_name = "URL", conflicts_with_all = ["cloud", "region"])]
    pub rest_endpoint: Option<String>,

    /// The cloud of the public Flink endpoint, with --region (aws, gcp, azure).
    #[arg(long, global = true, requires = "region")]
    pub cloud: Option<String>,

    /// The region of the public Flink endpoint, with --cloud (us-east-1, ...).
    #[arg(long, global = true, requires = "cloud")]
    pub region: Option<String>,

    /// The organization id (overrides CONFLUENT_ORGANIZATION_ID).
    #[arg(long, global = true, value_name = "ID")]
    pub organization: Option<String>,

    /// The environment id (overrides CONFLUENT_ENVIRONMENT_ID).
    #[arg(long, global = true, value_name = "ID")]
    pub environment: Option<String>,
}

/// The connection commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the connections of the environment, page by page.
    List {
        /// Only connections of this type (the service's spelling, any case: openai).
        #[arg(long = "type", value_name = "TYPE")]
        connection_type: Option<String>,
        /// How many connections to ask for per request.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        page_size: Option<u32>,
        #[arg(long, short, value_enum, default_value_t = Output::Human)]
        output: Output,
    },
    /// Show one connection.
    Describe {
        name: String,
        #[arg(long, short, value_enum, default_value_t = Output::Human)]
        output: Output,
    },
    /// Create a connection.
    Create {
        name: String,
        /// The connection type (the service's spelling, any case: openai, bedrock).
        #[arg(long = "type", value_name = "TYPE")]
        connection_type: String,
        /// The endpoint the connection reaches (an absolute URL).
        #[arg(long, value_name = "URL")]
        endpoint: String,
        #[command(flatten)]
        secrets: SecretArgs,
        #[arg(long, short, value_enum, default_value_t = Output::Human)]
        output: Output,
    },
    /// Replace the secret of a connection (refused if it changed meanwhile).
    Update {
        name: String,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// Delete connections (asks first on a terminal, unless --force).
    Delete {
        #[arg(required = true)]
        names: Vec<String>,
        /// Delete without asking.
        #[arg(long)]
        force: bool,
    },
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// A table.
    Human,
    /// JSON, in the service's shape (a list prints an array).
    Json,
    /// YAML, in the service's shape (a list prints a sequence).
    Yaml,
}

/// The secret flags, as the Confluent CLI names them. A value may be `-` (read from
/// standard input) or `@PATH` (read from a file), besides the literal value.
#[derive(Debug, Args, Default)]
pub struct SecretArgs {
    /// API key (OPENAI, AZUREML, AZUREOPENAI, GOOGLEAI, PINECONE, ANTHROPIC, ...).
    #[arg(long, value_name = "SECRET")]
    pub api_key: Option<String>,
    /// AWS access key id (BEDROCK, SAGEMAKER, S3VECTORS), with --aws-secret-key.
    #[arg(long, value_name = "SECRET")]
    pub aws_access_key: Option<String>,
    /// AWS secret access key, with --aws-access-key.
    #[arg(long, value_name = "SECRET")]
    pub aws_secret_key: Option<String>,
    /// AWS session token of temporary credentials.
    #[arg(long, value_name = "SECRET")]
    pub aws_session_token: Option<String>,
    /// Google service account key, its JSON text (VERTEXAI).
    #[arg(long, value_name = "SECRET")]
    pub service_key: Option<String>,
    /// User name, with --password (MONGODB, COUCHBASE, CONFLUENT_JDBC, ELASTIC, REST, ...).
    #[arg(long, value_name = "SECRET")]
    pub username: Option<String>,
    /// Password, with --username.
    #[arg(long, value_name = "SECRET")]
    pub password: Option<String>,
    /// Bearer token (REST, A2A, MCP_SERVER).
    #[arg(long, value_name = "SECRET")]
    pub token: Option<String>,
    /// OAuth2 token endpoint, with --client-id, --client-secret and --scope.
    #[arg(long, value_name = "SECRET")]
    pub token_endpoint: Option<String>,
    /// OAuth2 client id.
    #[arg(long, value_name = "SECRET")]
    pub client_id: Option<String>,
    /// OAuth2 client secret.
    #[arg(long, value_name = "SECRET")]
    pub client_secret: Option<String>,
    /// OAuth2 scope.
    #[arg(long, value_name = "SECRET")]
    pub scope: Option<String>,
    /// MCP server SSE endpoint (with --transport-type sse).
    #[arg(long, value_name = "URL")]
    pub sse_endpoint: Option<String>,
    /// MCP server transport: sse or streamable_http.
    #[arg(long, value_name = "TRANSPORT", value_parser = ["sse", "streamable_http", "SSE", "STREAMABLE_HTTP"])]
    pub transport_type: Option<String>,
}
