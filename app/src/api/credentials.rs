//! Credentials: the org's list, one credential in detail, revoking, and
//! the public page anyone with a credential's link may see.

use leptos::prelude::*;

use super::types::{CredentialDetailView, CredentialsPageView, PublicCredentialView};
use crate::error::AppError;

pub const PAGE_SIZE: i64 = 50;

/// Who or what a credential is about, and the detail under it (e-mail or
/// subject id).
#[cfg(feature = "ssr")]
fn about(subject: &serde_json::Value, name: Option<&String>, email: Option<&String>) -> (String, String) {
    let subject_name = subject.get("name").map(|n| match n {
        serde_json::Value::String(s) => s.clone(),
        other => other
            .as_object()
            .map_or_else(String::new, |o| o.values().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(" ")),
    });
    let subject_id = subject.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    (name.cloned().or(subject_name).unwrap_or_else(|| subject_id.clone()), email.cloned().unwrap_or(subject_id))
}

/// The org's credentials, newest first, with the filters of the page:
/// status, type, badge, job and a search in name and e-mail.
#[server(endpoint = "list_credentials")]
#[allow(clippy::too_many_arguments)]
pub async fn list_credentials(
    org_id: String,
    status: Option<String>,
    credential_type: Option<String>,
    q: Option<String>,
    after: Option<String>,
    badge_id: Option<String>,
    job_id: Option<String>,
    confirm: Option<String>,
) -> Result<CredentialsPageView, AppError> {
    use super::types::{BadgeOption, CredentialRow, CredentialsView};
    use crate::ssr;
    use issuance::credentials::store;
    use issuance::orgs::Action;

    let (_, membership) = ssr::authorize(&org_id, Action::ViewOrg).await?;
    let db = ssr::state()?.db;
    let now = issuance::clock::now();
    let filter = ssr_filter(status, credential_type, q, badge_id, job_id)?;
    let job_id = filter.job_id.clone();
    let given = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    // Counted only when the revocation of the selection is being confirmed.
    let may_revoke = membership.role.allows(Action::Issue);
    let revoke_matching = match confirm.as_deref() {
        Some("revoke") if may_revoke => Some(issuance::jobs::revoke_selected::count(&db, &org_id, &filter, now).await?),
        _ => None,
    };
    let (items, next_cursor) =
        store::list_brief(&db, &org_id, &filter, PAGE_SIZE, given(after).as_deref(), now).await?;
    let badges = issuance::badges::list(&db, &org_id).await?;
    let totals = issuance::tallies::credentials(&db, &org_id).await?;
    let job_label = match &job_id {
        None => None,
        Some(id) => match issuance::jobs::read::get(&db, &org_id, id).await {
            Ok(job) => Some(job.filename.unwrap_or(job.id)),
            Err(issuance::CoreError::NotFound) => Some(id.clone()),
            Err(e) => return Err(e.into()),
        },
    };
    Ok(CredentialsPageView {
        list: CredentialsView {
            items: items
                .into_iter()
                .map(|c| {
                    let (about, detail) = about(&c.subject(), c.recipient_name.as_ref(), c.recipient_email.as_ref());
                    CredentialRow {
                        status: c.status_at(now).to_owned(),
                        about,
                        detail,
                        id: c.id,
                        credential_type: c.credential_type,
                        issued_at: c.issued_at,
                        expires_at: c.expires_at,
                    }
                })
                .collect(),
            next_cursor,
        },
        issued_total: totals.issued,
        revoked_total: totals.revoked,
        badges: badges.into_iter().map(|b| BadgeOption { id: b.id, name: b.name }).collect(),
        job_id,
        job_label,
        may_revoke,
        revoke_matching,
        revoke_limit: issuance::jobs::revoke_selected::MAX_SELECTED,
    })
}

/// The list's filters as the page's query gives them.
#[cfg(feature = "ssr")]
fn ssr_filter(
    status: Option<String>,
    credential_type: Option<String>,
    q: Option<String>,
    badge_id: Option<String>,
    job_id: Option<String>,
) -> Result<issuance::credentials::store::Filter, AppError> {
    let given = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(issuance::credentials::store::Filter {
        status: given(status)
            .map(|s| s.parse().map_err(|m: String| AppError::Invalid(vec![("status".into(), m)])))
            .transpose()?,
        credential_type: given(credential_type)
            .map(|t| t.parse().map_err(|m: String| AppError::Invalid(vec![("type".into(), m)])))
            .transpose()?,
        search: given(q),
        badge_id: given(badge_id),
        job_id: given(job_id),
        ..Default::default()
    })
}

/// Revokes every active credential the list's filters select, by a job of
/// its own, whose page the browser goes to. Issuer and above.
#[server(endpoint = "revoke_matching")]
#[allow(clippy::too_many_arguments)]
pub async fn revoke_matching(
    org_id: String,
    status: Option<String>,
    credential_type: Option<String>,
    q: Option<String>,
    badge_id: Option<String>,
    job_id: Option<String>,
    reason: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::jobs::{revoke::Origin, revoke_selected};
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::Issue).await?;
    let filter = ssr_filter(status, credential_type, q, badge_id, job_id)?;
    let origin = Origin { created_by: Some(&user.id), api_key_id: None };
    let db = ssr::state()?.db;
    let job = revoke_selected::start(&db, &org_id, &filter, reason.as_deref(), &origin, issuance::clock::now()).await?;
    ssr::done(&format!("/organizations/{org_id}/jobs/{}", job.id), model::Notice::RevocationStarted);
    Ok(())
}

/// One credential of the org, with its decoded JWT and its e-mails.
#[server(endpoint = "get_credential")]
pub async fn get_credential(org_id: String, credential_id: String) -> Result<CredentialDetailView, AppError> {
    use crate::ssr;
    use issuance::credentials::{store, vc};
    use issuance::orgs::Action;

    let (_, membership) = ssr::authorize(&org_id, Action::ViewOrg).await?;
    let state = ssr::state()?;
    let db = &state.db;
    let now = issuance::clock::now();
    let c = store::get(db, &org_id, &credential_id).await?;
    let lineage = store::lineage(db, &org_id, &credential_id).await?;
    let emails = issuance::outbox::for_credential(db, &org_id, &credential_id).await?;
    let badge = match &c.badge_id {
        Some(id) => issuance::badges::get(db, &org_id, id).await.ok(),
        None => None,
    };
    let badge_image_url = badge.as_ref().map(|b| crate::format::badge_image_src(&b.id, b.image_url.as_deref()));
    let badge_name = badge.map(|b| b.name);
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let (header_json, claims_json) = match issuance::jws::decode(&c.signed_payload) {
        Ok(d) => (pretty(&d.header), pretty(&d.payload)),
        Err(e) => {
            tracing::error!(credential_id = %c.id, error = %e, "a stored credential does not decode");
            (String::new(), String::new())
        }
    };
    let (about, _) = about(&c.subject, c.recipient_name.as_ref(), c.recipient_email.as_ref());
    Ok(CredentialDetailView {
        status: c.status_at(now).to_owned(),
        about,
        subject_id: c.subject.get("id").and_then(|v| v.as_str()).map(str::to_owned),
        public_url: vc::credential_url(&state.public_url, &c.id),
        kid: c.kid(),
        can_revoke: membership.role.allows(Action::Issue),
        header_json,
        claims_json,
        badge_name,
        badge_image_url,
        replaces: lineage.replaces,
        superseded_by: lineage.superseded_by,
        job_id: lineage.job_id,
        emails,
        id: c.id,
        credential_type: c.credential_type,
        recipient_email: c.recipient_email,
        badge_id: c.badge_id,
        revoked_at: c.revoked_at,
        revocation_reason: c.revocation_reason,
        issued_at: c.issued_at,
        expires_at: c.expires_at,
        issuer_did: c.issuer_did,
        jwt: c.signed_payload,
    })
}

/// Revokes one of the org's credentials, with an optional reason; Issuers
/// and above.
/// The reasons offered when revoking; "other" takes a typed one.
pub const REVOCATION_REASONS: &[&str] = &[
    "Issued in error",
    "The recipient did not meet the criteria",
    "Replaced by a corrected credential",
    "Requested by the recipient",
];

/// Revokes a credential from the dashboard, where a reason is required
/// (one of [`REVOCATION_REASONS`], or `other` with `reason_other`).
#[server(endpoint = "revoke_credential")]
pub async fn revoke_credential(
    org_id: String,
    credential_id: String,
    reason: Option<String>,
    reason_other: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::Issue).await?;
    let db = ssr::state()?.db;
    // Another org's credential is not found, whatever the form says.
    issuance::credentials::store::get(&db, &org_id, &credential_id).await?;
    let reason = match reason.as_deref().map(str::trim) {
        Some("other") => reason_other.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).ok_or_else(|| {
            AppError::Invalid(vec![("reason_other".into(), "Say why the credential is revoked.".into())])
        })?,
        Some(r) if REVOCATION_REASONS.contains(&r) => r.to_owned(),
        _ => return Err(AppError::Invalid(vec![("reason".into(), "Choose why the credential is revoked.".into())])),
    };
    issuance::credentials::store::revoke(&db, &org_id, &credential_id, Some(&reason), Some(&user.id)).await?;
    ssr::done(&format!("/organizations/{org_id}/credentials/{credential_id}"), model::Notice::CredentialRevoked);
    Ok(())
}

/// What anyone holding a credential's link may see: no session needed. It
/// shows only what the signed credential itself says (never the
/// recipient's e-mail address), and whether it still stands.
#[server(endpoint = "get_public_credential")]
pub async fn get_public_credential(credential_id: String) -> Result<PublicCredentialView, AppError> {
    use crate::ssr;
    use issuance::credentials::share::{Certification, linkedin_url, qr_svg};
    use issuance::credentials::shown::Shown;
    use issuance::credentials::store;

    let state = ssr::state()?;
    let c = store::get_any(&state.db, &credential_id).await?;
    let now = issuance::clock::now();
    let shown = Shown::of_token(&c.signed_payload).map_err(|e| {
        tracing::error!(credential_id = %c.id, "a stored credential does not read");
        AppError::from(e)
    })?;
    let kind = shown.kind().map(kind_label).unwrap_or_else(|| "Credential".into());
    let page_url = format!("{}/credentials/{}", state.public_url, c.id);
    let achievement = shown.achievement();
    let non_empty = |s: Option<&String>| s.filter(|d| !d.is_empty()).cloned();
    Ok(PublicCredentialView {
        status: c.status_at(now),
        revoked_at: c.revoked_at.filter(|_| c.is_revoked()),
        title: shown.title().map(str::to_owned).unwrap_or_else(|| kind.clone()),
        kind,
        badge_url: achievement.and_then(|a| a.id.clone()),
        description: non_empty(achievement.and_then(|a| a.description.as_ref())),
        criteria: non_empty(achievement.and_then(|a| a.criteria.as_ref()).and_then(|c| c.narrative.as_ref())),
        // A badge signed without an image still has Laurel's default one.
        image_url: achievement
            .and_then(|a| a.image.as_ref())
            .and_then(|i| i.id.clone())
            .or_else(|| c.badge_id.as_deref().map(|b| issuance::badges::image::url(&state.public_url, b))),
        recipient_name: shown.recipient_name().map(str::to_owned),
        issuer_name: shown.issuer.as_ref().and_then(|i| i.name.clone()).unwrap_or_else(|| c.issuer_did.clone()),
        issuer_did: c.issuer_did.clone(),
        issued_at: c.issued_at,
        expires_at: c.expires_at,
        status_list_url: shown.status.as_ref().and_then(|s| s.list_url.clone()),
        status_list_index: shown.status.as_ref().and_then(|s| s.index.clone()),
        did_document_url: format!("{}/organizations/{}/did.json", state.public_url, c.org_id),
        download_url: format!("/credentials/{}/credential.jwt", c.id),
        baked_url: c.badge_id.is_some().then(|| format!("/credentials/{}/badge.png", c.id)),
        certificate_url: format!("/credentials/{}/certificate.pdf", c.id),
        linkedin_url: linkedin_url(&Certification {
            name: shown.title().unwrap_or("Credential"),
            organization: shown.issuer.as_ref().and_then(|i| i.name.as_deref()).unwrap_or(&c.issuer_did),
            issued_at: c.issued_at,
            expires_at: c.expires_at,
            page_url: &page_url,
            credential_id: &c.id,
        }),
        qr_svg: qr_svg(&page_url, 160),
        page_url,
        id: c.id,
    })
}

/// `OpenBadgeCredential` as "Badge", `BusinessCredential` as "Business
/// credential".
#[cfg(feature = "ssr")]
fn kind_label(vc_type: &str) -> String {
    if vc_type == "OpenBadgeCredential" {
        return "Badge".into();
    }
    let mut out = String::new();
    for (i, ch) in vc_type.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}
