//! Org settings: issuer identity, signing keys and API keys.

use leptos::prelude::*;

use super::types::{NewApiKey, SettingsView};
use crate::error::AppError;

#[server(endpoint = "get_settings")]
pub async fn get_settings(org_id: String) -> Result<SettingsView, AppError> {
    use super::types::{ApiKeyView, SigningKeyView};
    use crate::ssr;
    use issuance::orgs::{Action, organizations};
    use issuance::{api_keys, did, keys};

    let (_, membership) = ssr::authorize(&org_id, Action::ViewOrg).await?;
    let state = ssr::state()?;
    let org = organizations::get(&state.db, &org_id).await?;
    let did = did::org_did(&state.public_url, &org_id);
    let can_manage_api_keys = membership.role.allows(Action::ManageApiKeys);
    let api_keys = if can_manage_api_keys { api_keys::list(&state.db, &org_id).await? } else { Vec::new() };
    let rules = issuance::identity::rules::get(&state.db, &org_id).await?;
    Ok(SettingsView {
        identity_min_age: rules.min_age,
        identity_failed_rule: rules.failed_rule,
        identity_retention_days: rules.retention_days,
        can_change_rules: membership.role.allows(Action::ManageSettings),
        time_zone: issuance::orgs::time_zone::get(&state.db, &org_id).await?,
        did_document_url: format!("{}/organizations/{org_id}/did.json", state.public_url),
        approved: org.approved,
        keys: keys::public_keys(&state.db, &org_id)
            .await?
            .into_iter()
            .map(|k| SigningKeyView {
                kid: did::key_url(&did, &k.key_id),
                key_id: k.key_id,
                created_at: k.created_at,
                retired_at: k.retired_at,
            })
            .collect(),
        did,
        can_rotate: membership.role.allows(Action::ManageSettings) && org.approved,
        can_manage_api_keys,
        api_keys: api_keys
            .into_iter()
            .map(|k| ApiKeyView {
                scopes: k.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
                id: k.id,
                name: k.name,
                hint: k.hint,
                created_at: k.created_at,
                last_used_at: k.last_used_at,
                revoked: k.revoked_at.is_some(),
                imported: k.imported,
            })
            .collect(),
    })
}

#[server(endpoint = "rotate_signing_key")]
pub async fn rotate_signing_key(org_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageSettings).await?;
    let state = ssr::state()?;
    issuance::keys::rotate(&state.db, &state.master_key, &org_id, Some(&user.id)).await?;
    ssr::done(&format!("/organizations/{org_id}/settings"), model::Notice::KeyRotated);
    Ok(())
}

/// Checkbox fields arrive as `Some("on")` when ticked.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(
    org_id: String,
    name: String,
    credentials_read: Option<String>,
    credentials_write: Option<String>,
    keys_read: Option<String>,
    keys_write: Option<String>,
    webhooks_read: Option<String>,
    webhooks_write: Option<String>,
    audit_read: Option<String>,
    identity_read: Option<String>,
    identity_write: Option<String>,
) -> Result<NewApiKey, AppError> {
    use crate::ssr;
    use issuance::api_keys::{self, Scope};
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageApiKeys).await?;
    let scopes: Vec<Scope> = [
        (credentials_read, Scope::CredentialsRead),
        (credentials_write, Scope::CredentialsWrite),
        (keys_read, Scope::KeysRead),
        (keys_write, Scope::KeysWrite),
        (webhooks_read, Scope::WebhooksRead),
        (webhooks_write, Scope::WebhooksWrite),
        (audit_read, Scope::AuditRead),
        (identity_read, Scope::IdentityRead),
        (identity_write, Scope::IdentityWrite),
    ]
    .into_iter()
    .filter_map(|(ticked, scope)| ticked.map(|_| scope))
    .collect();
    let state = ssr::state()?;
    let issued = api_keys::create(&state.db, &org_id, &name, &scopes, Some(&user.id)).await?;
    Ok(NewApiKey { name: issued.key.name, secret: issued.secret })
}

#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(org_id: String, key_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageApiKeys).await?;
    let state = ssr::state()?;
    issuance::api_keys::revoke(&state.db, &org_id, &key_id, Some(&user.id)).await?;
    ssr::done(&format!("/organizations/{org_id}/settings"), model::Notice::ApiKeyRevoked);
    Ok(())
}

/// Changes the identity rules. Owners only (organisation-wide settings).
#[server(endpoint = "save_identity_rules")]
pub async fn save_identity_rules(
    org_id: String,
    min_age: String,
    failed_rule: String,
    retention_days: String,
) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::identity::rules::{self, Rules};
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageSettings).await?;
    let number = |field: &str, v: &str| {
        v.trim()
            .parse::<i64>()
            .map_err(|_| AppError::Invalid(vec![(field.into(), format!("“{v}” is not a whole number"))]))
    };
    let failed_rule = failed_rule.parse().map_err(|m| AppError::Invalid(vec![("failed_rule".into(), m)]))?;
    let r = Rules {
        min_age: number("min_age", &min_age)?,
        failed_rule,
        retention_days: number("retention_days", &retention_days)?,
    };
    rules::save(&ssr::state()?.db, &org_id, &r, Some(&user.id)).await?;
    Ok(())
}

/// Sets the organisation's time zone, in which its people schedule jobs.
/// Owner and Admin.
#[server(endpoint = "save_time_zone")]
pub async fn save_time_zone(org_id: String, time_zone: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    ssr::authorize(&org_id, Action::ManageSettings).await?;
    issuance::orgs::time_zone::set(&ssr::state()?.db, &org_id, &time_zone).await?;
    Ok(())
}
