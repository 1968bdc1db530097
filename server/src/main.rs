//! `laurel`: the server and its operator commands.

use std::io::Read;

use clap::{Parser, Subcommand};
use issuance::orgs::{Plan, Role, organizations};
use laurel::config::Config;
use laurel::startup::Application;
use laurel::{admin, telemetry};

#[derive(Parser)]
#[command(name = "laurel", version, about = "Issue verifiable credentials in bulk.")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Operator commands that act directly on the database.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an organisation (pending approval); prints its id.
    CreateOrg {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_plan)]
        plan: Plan,
    },
    /// Approve an organisation and create its signing key.
    ApproveOrg { id: String },
    /// Add a member to an organisation, creating the account if needed.
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
    SetQuota {
        #[arg(long)]
        org: String,
        #[arg(long)]
        quota: i64,
    },
    /// Move an organisation to another plan (the quota follows the plan).
    SetPlan {
        #[arg(long)]
        org: String,
        #[arg(long, value_parser = parse_plan)]
        plan: Plan,
    },
    /// Create the demo organisations and accounts (safe to repeat).
    SeedDemo,
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
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(config.clone()).await?;
            tracing::info!(addr = %app.local_addr(), url = %config.public_url, "Laurel is serving");
            println!("Laurel is serving at {}", config.public_url);
            app.run_until_stopped().await
        }
        Command::Admin(cmd) => {
            let db = issuance::db::connect(&config.database_url).await?;
            admin_command(&config, &db, cmd).await
        }
    }
}

async fn admin_command(config: &Config, db: &issuance::db::Db, cmd: AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::CreateOrg { name, plan } => {
            println!("{}", admin::create_org(db, &name, plan).await?);
        }
        AdminCommand::ApproveOrg { id } => {
            admin::approve_org(db, &config.master_key()?, &id).await?;
            println!("approved {id}");
        }
        AdminCommand::CreateUser { org, email, password, password_stdin, role, name } => {
            let password = match (password, password_stdin) {
                (_, true) => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    s.trim_end_matches(['\r', '\n']).to_owned()
                }
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
        AdminCommand::SeedDemo => {
            admin::seed_demo(db, &config.master_key()?).await?;
            println!("Demo organisation ready: {}/organizations/{}", config.public_url, admin::DEMO_ORG);
            println!("Sign in at {}/login", config.public_url);
            println!("  e-mail:   {}", admin::DEMO_OWNER_EMAIL);
            println!("  password: {}", admin::DEMO_OWNER_PASSWORD);
        }
    }
    Ok(())
}
