//! Operator commands behind `laurel admin ...`: they act directly on the
//! database, outside any session, so only someone with shell access to the
//! server can run them.

pub mod backup;
pub mod generate_demo;
pub mod seed_demo;

pub use seed_demo::seed_demo;

use issuance::accounts::password::NewPassword;
use issuance::accounts::users;
use issuance::db::Db;
use issuance::email::EmailAddress;
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, Role, members, organizations};

pub async fn create_org(db: &Db, name: &str, plan: Plan) -> anyhow::Result<String> {
    Ok(organizations::create(db, name, plan).await?.id)
}

pub async fn approve_org(db: &Db, master: &MasterKey, org_id: &str) -> anyhow::Result<()> {
    organizations::approve(db, master, org_id).await.map_err(|e| match e {
        issuance::CoreError::NotFound => anyhow::anyhow!("no organisation with id {org_id}"),
        other => other.into(),
    })?;
    Ok(())
}

/// Adds `email` to the org with `role`, creating the account if needed.
/// Returns the user id and whether the account is new.
pub async fn create_user(
    db: &Db,
    org_id: &str,
    email: &str,
    name: Option<&str>,
    password: &str,
    role: Role,
) -> anyhow::Result<(String, bool)> {
    organizations::get(db, org_id).await.map_err(|_| anyhow::anyhow!("no organisation with id {org_id}"))?;
    let email = EmailAddress::parse(email).map_err(|m| anyhow::anyhow!("--email: {m}"))?;
    let default_name = email.as_str().split('@').next().unwrap_or_default().to_owned();
    let (user, created) = users::find_or_create(db, &email, name.unwrap_or(&default_name), password).await?;
    members::upsert(db, org_id, &user.id, role).await?;
    Ok((user.id, created))
}

/// Sets a new password for the account of `email`; its sessions end.
pub async fn reset_password(db: &Db, email: &str, password: &str) -> anyhow::Result<users::User> {
    let email = EmailAddress::parse(email).map_err(|m| anyhow::anyhow!("--email: {m}"))?;
    let password = NewPassword::parse(password).map_err(|e| anyhow::anyhow!("{e}"))?;
    users::reset_password(db, &email, password).await.map_err(|e| match e {
        issuance::CoreError::NotFound => anyhow::anyhow!("no account for {email}"),
        other => other.into(),
    })
}

pub const DEMO_ORG: &str = "org_demo_academy";
pub const DEMO_SANDBOX_ORG: &str = "org_demo_sandbox";
pub const DEMO_OWNER_EMAIL: &str = "owner@demo.laurel.test";
pub const DEMO_OWNER_PASSWORD: &str = "laurel-demo-owner";
