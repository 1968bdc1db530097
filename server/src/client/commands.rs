//! The client commands' arguments (`laurel credentials|jobs|keys …`) and
//! where each goes. `keys` with `--org` works on the local database
//! instead; the binary answers that itself.

use clap::Subcommand;

/// Where the server is and which key to use.
#[derive(clap::Args)]
pub struct RemoteArgs {
    /// The server's base URL.
    #[arg(long = "url", short = 'e', env = "LAUREL_URL", default_value = "http://127.0.0.1:3000", global = true)]
    pub url: String,
    /// A file holding the API key (else `LAUREL_API_KEY`; never an argument,
    /// which anyone can read in the process list).
    #[arg(long, global = true)]
    pub api_key_file: Option<std::path::PathBuf>,
    /// How many seconds to keep retrying a request across dropped
    /// connections, restarts and server errors before giving up.
    #[arg(long, global = true, default_value_t = super::remote::PATIENCE.as_secs())]
    pub retry_for: u64,
    /// How read commands print: `table` (the default on a terminal) or
    /// `json` (the default in a pipe).
    #[arg(long, global = true, value_enum)]
    pub format: Option<super::output::Format>,
}

#[derive(Subcommand)]
pub enum CredentialsCommand {
    /// Issue a JSON file of credentials as batch jobs of up to 10,000.
    ///
    /// Prints each job's id at once. Safe to run again after a crash or a
    /// dropped connection: it finds the jobs it created and issues nothing
    /// twice. Exits 0 when every item issued, 1 when any failed, 2 when it
    /// could not work (usage, the key, no server).
    ///
    /// Example:
    ///   LAUREL_API_KEY=lk_... laurel credentials batch-issue -e https://laurel.example \
    ///       --file credentials.json --wait --out results.jsonl
    BatchIssue {
        /// A JSON array of single-issue bodies, or `{"credentials": [...]}`;
        /// `-` reads standard input.
        #[arg(long)]
        file: String,
        /// Follow the jobs to the end, with progress, and report each item.
        #[arg(long)]
        wait: bool,
        /// With --wait: one JSON line per item (`index`, then
        /// `credential_id` or `error`).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// With --wait: how many times items that failed for a passing
        /// reason (a server error, a rate limit, a cancelled job) are
        /// submitted again.
        #[arg(long, default_value_t = 2)]
        retries: u32,
    },
    /// Issue a badge to the recipients of a CSV file (columns `name`,
    /// `email`), as the dashboard's bulk issue does: new, renewed and
    /// reissued rows are issued, rows already holding the badge skipped.
    ///
    /// Exits 0 when no row failed, 1 when any did (with --validate-only:
    /// when the file cannot be submitted), 2 when it could not work.
    ///
    /// Example:
    ///   laurel credentials bulk-issue --badge bdg_01J… --csv cohort.csv --wait
    BulkIssue {
        /// The badge to issue. A file with a `badge` column names each
        /// row's (by id or exact name) and may leave this out; then only
        /// rows whose cell is empty take it.
        #[arg(long)]
        badge: Option<String>,
        /// The CSV file; `-` reads standard input.
        #[arg(long)]
        csv: String,
        /// Follow the job to the end, with progress, and report each row.
        #[arg(long)]
        wait: bool,
        /// With --wait: one JSON line per row (`index`, then
        /// `credential_id`, `skipped` or `error`).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Only the dry run: print how each kind of row would be treated.
        #[arg(long, conflicts_with_all = ["wait", "out"])]
        validate_only: bool,
        /// For recipients who hold an active credential of the badge
        /// already: by_expiry (the default), skip, replace or allow.
        #[arg(long, value_name = "POLICY", default_value_t = model::DuplicatePolicy::default())]
        duplicates: model::DuplicatePolicy,
        /// Issue and e-mail only the first N rows to issue, then pause the
        /// job until it is released (`laurel jobs release`) or cancelled.
        #[arg(long, value_name = "N", conflicts_with_all = ["validate_only", "wait"])]
        pilot: Option<u32>,
        /// Start the job then, not now: RFC 3339 with an offset, or a
        /// wall-clock time (2027-03-01T09:00) in the organisation's time zone.
        #[arg(long, value_name = "TIME", conflicts_with = "validate_only")]
        start_at: Option<String>,
    },
    /// Issue one credential from a JSON file (a `POST /v1/credentials`
    /// body); running it again returns the same credential.
    ///
    /// Example:
    ///   laurel credentials issue --file one.json --format json | jq -r .credential_id
    Issue {
        /// The body; `-` reads standard input.
        #[arg(long)]
        file: String,
    },
    /// Show one credential.
    ///
    /// Example:
    ///   laurel credentials get cred_01J…
    Get { id: String },
    /// Revoke a credential (its status bit flips; a queued e-mail is
    /// cancelled).
    ///
    /// Example:
    ///   laurel credentials revoke cred_01J… --reason "issued in error"
    Revoke {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Verify a credential: exits 0 when valid, 1 when not.
    ///
    /// Example:
    ///   laurel credentials verify --jwt credential.jwt
    Verify {
        /// A file holding the compact JWT (`-`: standard input).
        #[arg(long, conflicts_with = "id", required_unless_present = "id")]
        jwt: Option<String>,
        /// The id of a credential of the key's organisation.
        #[arg(long)]
        id: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum JobsCommand {
    /// The organisation's jobs, newest first.
    ///
    /// Example:
    ///   laurel jobs list --limit 10
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// The previous page's cursor.
        #[arg(long)]
        after: Option<String>,
    },
    /// One job with its counts and failed rows.
    ///
    /// Example:
    ///   laurel jobs get job_01J…
    Get { id: String },
    /// Stop a queued or running job; what was issued stays.
    ///
    /// Example:
    ///   laurel jobs cancel job_01J…
    Cancel { id: String },
    /// Release a paused pilot: issue the rest of its rows.
    ///
    /// Example:
    ///   laurel jobs release job_01J…
    Release { id: String },
    /// Undo a finished job: revoke every credential it issued, by a job of
    /// its own (printed; follow it with `laurel jobs get`).
    ///
    /// Example:
    ///   laurel jobs revoke job_01J… --reason "Issued with the wrong badge"
    Revoke {
        id: String,
        /// Why; each credential's revocation reason.
        #[arg(long)]
        reason: Option<String>,
        /// E-mail each recipient that their credential was revoked.
        #[arg(long)]
        notify: bool,
    },
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create a key; its secret is printed this once and never stored.
    ///
    /// Example:
    ///   laurel keys issue "nightly sync" --actor hr_sync --scopes write --format json -e "$LAUREL_URL" | jq -r .secret
    Issue {
        /// A name to tell the key apart, e.g. "nightly sync".
        name: String,
        /// The organisation, on the local database; without it, the server's.
        #[arg(long)]
        org: Option<String>,
        /// Comma-separated: credentials:read, credentials:write, keys:read,
        /// keys:write, webhooks:read, webhooks:write, audit:read; `read` and
        /// `write` stand for credentials:read and credentials:write.
        #[arg(long, value_parser = parse_scope_list)]
        scopes: ScopeList,
        /// Whom the key acts for, as you name them (e.g. a service account).
        #[arg(long)]
        actor: Option<String>,
    },
    /// List an organisation's keys (never their secrets).
    ///
    /// Example:
    ///   laurel keys list --org ORG_ID
    List {
        #[arg(long)]
        org: Option<String>,
    },
    /// Revoke a key by id.
    ///
    /// Example:
    ///   laurel keys revoke key_01J… -e https://laurel.example
    Revoke {
        id: String,
        #[arg(long)]
        org: Option<String>,
    },
    /// Check up to 100 secrets; results in the order given.
    ///
    /// Example:
    ///   laurel keys batch-verify "$KEY1" "$KEY2" -e https://laurel.example
    BatchVerify {
        #[arg(long)]
        org: Option<String>,
        #[arg(required = true)]
        secrets: Vec<String>,
    },
    /// Import up to 1000 existing secrets from a JSON array of
    /// {"raw_key", "name", "actor_id", "scopes"} (`--file -` reads stdin).
    ///
    /// Example:
    ///   laurel keys batch-import --file legacy.json -e https://laurel.example
    BatchImport {
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        file: String,
    },
}

impl KeysCommand {
    /// `--org`: the command works on the local database.
    pub fn org(&self) -> Option<&str> {
        match self {
            KeysCommand::Issue { org, .. }
            | KeysCommand::List { org }
            | KeysCommand::Revoke { org, .. }
            | KeysCommand::BatchVerify { org, .. }
            | KeysCommand::BatchImport { org, .. } => org.as_deref(),
        }
    }
}

#[derive(Clone)]
pub struct ScopeList(pub Vec<issuance::api_keys::Scope>);

fn parse_scope_list(s: &str) -> Result<ScopeList, String> {
    issuance::api_keys::parse_scopes(s).map(ScopeList)
}

pub enum Remote {
    Credentials(CredentialsCommand),
    Jobs(JobsCommand),
    Keys(KeysCommand),
}

/// The client commands: they need no database nor master key, only a URL
/// and an API key.
pub async fn run(remote: RemoteArgs, command: Remote) -> super::Exit {
    use super::{batch_issue, bulk_issue, credentials, jobs, keys};
    let format = super::output::Format::or_default(remote.format);
    let result = async {
        let api = super::Remote::new(
            &remote.url,
            remote.api_key_file.as_deref(),
            std::time::Duration::from_secs(remote.retry_for),
        )?;
        match command {
            Remote::Credentials(CredentialsCommand::BatchIssue { file, wait, out, retries }) => {
                batch_issue::run(&api, batch_issue::Options { file, wait, out, retries }).await
            }
            Remote::Credentials(CredentialsCommand::BulkIssue {
                badge,
                csv,
                wait,
                out,
                validate_only,
                duplicates,
                pilot,
                start_at,
            }) => {
                let options = bulk_issue::Options { badge, csv, wait, out, validate_only, duplicates, pilot, start_at };
                bulk_issue::run(&api, options, format).await
            }
            Remote::Credentials(CredentialsCommand::Issue { file }) => credentials::issue(&api, &file, format).await,
            Remote::Credentials(CredentialsCommand::Get { id }) => credentials::get(&api, &id, format).await,
            Remote::Credentials(CredentialsCommand::Revoke { id, reason }) => {
                credentials::revoke(&api, &id, reason.as_deref(), format).await
            }
            Remote::Credentials(CredentialsCommand::Verify { jwt, id }) => {
                credentials::verify(&api, jwt.as_deref(), id.as_deref(), format).await
            }
            Remote::Jobs(JobsCommand::List { limit, after }) => jobs::list(&api, limit, after.as_deref(), format).await,
            Remote::Jobs(JobsCommand::Get { id }) => jobs::get(&api, &id, format).await,
            Remote::Jobs(JobsCommand::Cancel { id }) => jobs::cancel(&api, &id, format).await,
            Remote::Jobs(JobsCommand::Release { id }) => jobs::release(&api, &id, format).await,
            Remote::Jobs(JobsCommand::Revoke { id, reason, notify }) => {
                jobs::revoke(&api, &id, reason.as_deref(), notify, format).await
            }
            Remote::Keys(KeysCommand::Issue { name, scopes, actor, .. }) => {
                keys::issue(&api, &name, &scopes.0, actor.as_deref(), format).await
            }
            Remote::Keys(KeysCommand::List { .. }) => keys::list(&api, format).await,
            Remote::Keys(KeysCommand::Revoke { id, .. }) => keys::revoke(&api, &id).await,
            Remote::Keys(KeysCommand::BatchVerify { secrets, .. }) => keys::batch_verify(&api, &secrets).await,
            Remote::Keys(KeysCommand::BatchImport { file, .. }) => keys::batch_import(&api, &file).await,
        }
    }
    .await;
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        e.exit()
    })
}
