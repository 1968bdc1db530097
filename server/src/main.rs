//! `laurel`: the server and its operator commands.

use std::io::Read;

use clap::{Parser, Subcommand};
use issuance::orgs::{Plan, Role, organizations};
use laurel::client::commands::{self, CredentialsCommand, JobsCommand, KeysCommand, Remote, RemoteArgs};
use laurel::config::Config;
use laurel::startup::Application;
use laurel::{admin, client, telemetry};

#[derive(Parser)]
#[command(name = "laurel", version, about = "Issue verifiable credentials in bulk.")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    ///
    /// Example:
    ///   LAUREL_PUBLIC_URL=https://laurel.example LAUREL_ADDR=0.0.0.0:3000 laurel serve
    Serve,
    /// Operator commands that act directly on the database.
    ///
    /// Example:
    ///   laurel admin create-org --name "Acme Academy" --plan professional
    #[command(subcommand)]
    Admin(AdminCommand),
    /// API keys of an organisation: on the database with `--org ORG_ID`
    /// (for bootstrapping the first key), else through a server's API
    /// (`-e URL`, `LAUREL_API_KEY`, a key with `keys:read` / `keys:write`).
    ///
    /// Example:
    ///   laurel keys issue "first key" --org ORG_ID --scopes keys:read,keys:write,read,write
    Keys {
        #[command(flatten)]
        remote: RemoteArgs,
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Issue, read, revoke and verify credentials through a Laurel
    /// server's API (`--url`, `LAUREL_API_KEY`).
    ///
    /// Example:
    ///   laurel credentials batch-issue -e https://laurel.example --file credentials.json --wait
    Credentials {
        #[command(flatten)]
        remote: RemoteArgs,
        #[command(subcommand)]
        command: CredentialsCommand,
    },
    /// The organisation's jobs (CSV uploads and JSON batches), through the
    /// API.
    ///
    /// Example:
    ///   laurel jobs list -e https://laurel.example --format table
    Jobs {
        #[command(flatten)]
        remote: RemoteArgs,
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Print a shell completion script.
    ///
    /// Example:
    ///   laurel completions bash > /etc/bash_completion.d/laurel
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an organisation (pending approval); prints its id.
    ///
    /// Example:
    ///   laurel admin create-org --name "Acme Academy" --plan professional
    CreateOrg {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_plan)]
        plan: Plan,
    },
    /// Approve an organisation and create its signing key.
    ///
    /// Example:
    ///   laurel admin approve-org org_01J…
    ApproveOrg { id: String },
    /// Add a member to an organisation, creating the account if needed.
    ///
    /// Example:
    ///   laurel admin create-user --org org_01J… --email ada@example.com --role owner --password-stdin < pw.txt
    CreateUser {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// The new account's password (ignored for an existing account).
        #[arg(long, required_unless_present = "password_stdin")]
        password: Option<String>,
        /// Read the password from standard input instead, keeping it out of
        /// the process list and shell history.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Display name; defaults to the part of the e-mail before '@'.
        #[arg(long)]
        name: Option<String>,
    },
    /// Set an organisation's monthly unique-recipient quota.
    ///
    /// Example:
    ///   laurel admin set-quota --org org_01J… --quota 20000
    SetQuota {
        #[arg(long)]
        org: String,
        #[arg(long)]
        quota: i64,
    },
    /// Move an organisation to another plan (the quota follows the plan).
    ///
    /// Example:
    ///   laurel admin set-plan --org org_01J… --plan enterprise
    SetPlan {
        #[arg(long)]
        org: String,
        #[arg(long, value_parser = parse_plan)]
        plan: Plan,
    },
    /// Create the demo organisations and accounts (safe to repeat).
    ///
    /// Example:
    ///   laurel admin seed-demo
    SeedDemo,
    /// Create one large Enterprise org, its credentials issued through real
    /// jobs (signed, with job rows, e-mails and audit events), some revoked
    /// or expired; the demo owner is its Owner. For seeing and measuring
    /// Laurel at scale.
    ///
    /// Example:
    ///   laurel admin generate-demo --credentials 1000000
    GenerateDemo {
        /// How many credentials to issue.
        #[arg(long)]
        credentials: usize,
        #[arg(long, default_value = "Scale Demo")]
        name: String,
    },
    /// Back up an embedded (SQLite) server while it runs: one archive of the
    /// database (a consistent snapshot) and the identity documents' images,
    /// without the master key. On PostgreSQL, use pg_dump (this says how).
    ///
    /// Example:
    ///   laurel admin backup --out laurel-2026-11-30.tar.gz
    Backup {
        /// The archive to write; it must not exist.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restore a backup into a new data directory, check it, and bring its
    /// schema up to this version. Serve it with the master key of the server
    /// that made it (LAUREL_MASTER_KEY, or its master.key copied into the
    /// directory), or new credentials cannot be signed.
    ///
    /// Example:
    ///   laurel admin restore --from laurel-2026-11-30.tar.gz --to /srv/laurel/data
    Restore {
        #[arg(long)]
        from: std::path::PathBuf,
        /// A data directory without a database in it.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Give an organisation a new signing key; old keys stay published.
    ///
    /// Example:
    ///   laurel admin rotate-key --org org_01J…
    RotateKey {
        #[arg(long)]
        org: String,
    },
    /// Set an account's password (read from standard input, never an
    /// argument); ends all its sessions and lifts any sign-in lock.
    ///
    /// Example:
    ///   laurel admin reset-password --email ada@example.com < pw.txt
    ResetPassword {
        #[arg(long)]
        email: String,
    },
}

fn parse_plan(s: &str) -> Result<Plan, String> {
    s.parse()
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

#[tokio::main]
async fn main() {
    telemetry::init();
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Credentials { remote, command }) => {
            std::process::exit(commands::run(remote, Remote::Credentials(command)).await.code())
        }
        Some(Command::Jobs { remote, command }) => {
            std::process::exit(commands::run(remote, Remote::Jobs(command)).await.code())
        }
        Some(Command::Keys { remote, command }) if command.org().is_none() => {
            std::process::exit(commands::run(remote, Remote::Keys(command)).await.code())
        }
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "laurel",
                &mut std::io::stdout(),
            );
            return Ok(());
        }
        _ => {}
    }
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(config.clone()).await?;
            tracing::info!(addr = %app.local_addr(), url = %config.public_url, "Laurel is serving");
            println!("Laurel is serving at {}", config.public_url);
            app.run_until_stopped().await
        }
        // A restore writes a database of its own: the configured one is
        // not opened (nor created).
        Command::Admin(AdminCommand::Restore { from, to }) => restore_command(&config, &from, &to).await,
        Command::Admin(cmd) => {
            let db = issuance::db::connect_with(&config.database_url, config.db).await?;
            admin_command(&config, &db, cmd).await
        }
        Command::Keys { remote, command } => {
            let db = issuance::db::connect_with(&config.database_url, config.db).await?;
            keys_command(&db, command, client::output::Format::or_default(remote.format)).await
        }
        Command::Credentials { .. } | Command::Jobs { .. } | Command::Completions { .. } => {
            unreachable!("answered above, without the server's configuration")
        }
    }
}

async fn restore_command(config: &Config, from: &std::path::Path, to: &std::path::Path) -> anyhow::Result<()> {
    let master = match &config.master_key {
        Some(_) => Some(config.master_key()?),
        // Only a key that exists: `master_key()` would make a new one.
        None if to.join("master.key").exists() => {
            Some(issuance::keys::MasterKey::load_or_create(&to.join("master.key"))?)
        }
        None => None,
    };
    let done = admin::backup::restore(from, to, master.as_ref()).await?;
    let m = &done.manifest;
    println!(
        "Restored into {}: {} organisations, {} credentials, {} jobs, {} document files (backup of {}, Laurel {})",
        to.display(),
        m.organizations,
        m.credentials,
        m.jobs,
        m.identity_files,
        m.created_at,
        m.laurel_version
    );
    match done.keys_opened {
        Some((opened, of)) if opened == of => {
            println!("The master key opens the signing keys of all {of} organisations.")
        }
        Some((opened, of)) => eprintln!(
            "warning: the master key in use opens the signing keys of only {opened} of {of} organisations: serve with \
             the master key of the server that made the backup, or those organisations cannot issue"
        ),
        None => eprintln!(
            "warning: no master key is set: serve with LAUREL_MASTER_KEY (or copy master.key into {}) from the \
             server that made the backup; without it credentials still verify, but none can be signed",
            to.display()
        ),
    }
    println!(
        "Serve it with: LAUREL_DATA_DIR={} LAUREL_DATABASE_URL=sqlite://{}/laurel.db laurel serve",
        to.display(),
        to.display()
    );
    Ok(())
}

async fn admin_command(config: &Config, db: &issuance::db::Db, cmd: AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::Backup { out } => {
            let written = admin::backup::backup(db, &config.data_dir, &out).await?;
            let m = &written.manifest;
            println!(
                "Backed up {} organisations, {} credentials, {} jobs and {} document files to {} ({} KB)",
                m.organizations,
                m.credentials,
                m.jobs,
                m.identity_files,
                out.display(),
                written.bytes / 1024
            );
            println!("The master key is not in it: keep LAUREL_MASTER_KEY (or master.key) safe, apart from backups.");
        }
        AdminCommand::Restore { .. } => unreachable!("answered before the database is opened"),
        AdminCommand::CreateOrg { name, plan } => {
            println!("{}", admin::create_org(db, &name, plan).await?);
        }
        AdminCommand::ApproveOrg { id } => {
            admin::approve_org(db, &config.master_key()?, &id).await?;
            println!("approved {id}");
        }
        AdminCommand::CreateUser { org, email, password, password_stdin, role, name } => {
            let password = match (password, password_stdin) {
                (_, true) => read_password()?,
                (Some(p), false) => p,
                (None, false) => anyhow::bail!("--password or --password-stdin is required"),
            };
            let (user_id, created) = admin::create_user(db, &org, &email, name.as_deref(), &password, role).await?;
            let what = if created { "created" } else { "existing account" };
            println!("{user_id} ({what}) is {role} of {org}");
        }
        AdminCommand::SetQuota { org, quota } => {
            organizations::set_quota(db, &org, quota).await?;
            println!("{org}: monthly quota {quota}");
        }
        AdminCommand::SetPlan { org, plan } => {
            organizations::set_plan(db, &org, plan).await?;
            println!("{org}: plan {plan}");
        }
        AdminCommand::ResetPassword { email } => {
            let user = admin::reset_password(db, &email, &read_password()?).await?;
            println!("{}: password set; every session of {} has ended", user.id, user.email);
        }
        AdminCommand::RotateKey { org } => {
            let key_id = issuance::keys::rotate(db, &config.master_key()?, &org, None).await?;
            println!("{org}: new signing key {key_id}");
        }
        AdminCommand::GenerateDemo { credentials, name } => {
            let master = config.master_key()?;
            let made = admin::generate_demo::generate(db, &master, &config.public_url, &name, credentials).await?;
            println!("{}", made.org_id);
            eprintln!(
                "{} credentials ({} revoked) in {} jobs, in {:.0} s: {}/organizations/{}",
                made.credentials,
                made.revoked,
                made.jobs,
                made.elapsed.as_secs_f64(),
                config.public_url,
                made.org_id
            );
        }
        AdminCommand::SeedDemo => {
            admin::seed_demo(db, &config.master_key()?, &config.public_url).await?;
            println!("Demo organisation ready: {}/organizations/{}", config.public_url, admin::DEMO_ORG);
            println!(
                "Try the sample file examples/recipients.csv on Bulk issue, badge \"{}\"",
                admin::seed_demo::SAMPLE_BADGE
            );
            println!("Sign in at {}/login", config.public_url);
            println!("  e-mail:   {}", admin::DEMO_OWNER_EMAIL);
            println!("  password: {}", admin::DEMO_OWNER_PASSWORD);
        }
    }
    Ok(())
}

/// A password from standard input, without its line ending.
fn read_password() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.trim_end_matches(['\r', '\n']).to_owned())
}

async fn keys_command(db: &issuance::db::Db, cmd: KeysCommand, format: client::output::Format) -> anyhow::Result<()> {
    use client::output::Format;
    use issuance::api_keys;
    let org = cmd.org().expect("local mode has --org").to_owned();
    organizations::get(db, &org).await.map_err(|_| anyhow::anyhow!("no organisation with id {org}"))?;
    match cmd {
        KeysCommand::Issue { name, scopes, actor, .. } => {
            let new = api_keys::NewKey { name: &name, scopes: &scopes.0, actor_id: actor.as_deref(), created_by: None };
            let issued = api_keys::create_as(db, &org, new, issuance::audit::Actor::system()).await?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&issued)?),
                Format::Table => {
                    let scopes = scopes.0.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
                    client::keys::print_new_key(&issued.key.id, &scopes, &issued.secret);
                }
            }
        }
        KeysCommand::List { .. } => {
            let keys = api_keys::list(db, &org).await?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&keys)?),
                Format::Table => {
                    for k in keys {
                        let state = if k.revoked_at.is_some() { "revoked" } else { "active" };
                        let scopes = k.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",");
                        println!("{}  {:8}  {}…  {:40}  {}", k.id, state, k.hint, scopes, k.name);
                    }
                }
            }
        }
        KeysCommand::Revoke { id, .. } => {
            api_keys::revoke(db, &org, &id, None).await.map_err(|_| anyhow::anyhow!("no active key {id} in {org}"))?;
            println!("revoked {id}");
        }
        KeysCommand::BatchVerify { secrets, .. } => {
            let results = api_keys::batch_verify(db, &org, &secrets).await?;
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "results": results }))?);
        }
        KeysCommand::BatchImport { file, .. } => {
            let text = if file == "-" {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                s
            } else {
                std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("{file}: {e}"))?
            };
            let items: Vec<api_keys::ImportItem> = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{file}: not a JSON array of keys to import: {e}"))?;
            // The operator at the database may grant any scope.
            let report = api_keys::batch_import(db, &org, &items, None, api_keys::Scope::ALL).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            if report.success_count == 0 {
                anyhow::bail!("no key was imported");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command's `--help` ends with an example to copy.
    #[test]
    fn every_command_explains_itself_with_an_example() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
                let path = format!("{path} {}", sub.get_name());
                let about = sub.get_long_about().map(|a| a.to_string()).unwrap_or_default();
                if !about.contains("Example:") {
                    missing.push(path.clone());
                }
                walk(sub, &path, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "laurel", &mut missing);
        assert!(missing.is_empty(), "no example in the help of: {missing:?}");
    }
}
