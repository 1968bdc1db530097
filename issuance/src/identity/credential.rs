//! From an approved session to the credential that proves it: the
//! reference API's `user` credential (`kyc_status: approved`,
//! `trust_level: idv_verified`, `verified_at`), its subject the session's
//! account and the person's name as the document gave it. Issued once per
//! session.

use serde_json::json;

use super::sessions::{self, Session};
use crate::credentials::issue::{Issuer, issue_locked};
use crate::credentials::request::IssueRequest;
use crate::error::{CoreError, CoreResult};
use model::SessionStatus;

/// The person's name: what the document said, else what was entered.
fn name(s: &Session) -> CoreResult<(String, String)> {
    let pick = |field: &str, entered: Option<&String>| {
        s.extracted.get(field).map(|e| titled(&e.value)).or_else(|| entered.cloned()).filter(|v| !v.trim().is_empty())
    };
    match (pick("name_first", s.entered.name_first.as_ref()), pick("name_last", s.entered.name_last.as_ref())) {
        (Some(first), Some(last)) => Ok((first, last)),
        _ => Err(CoreError::Unprocessable("The session names no person (first and last name) to issue to.".into())),
    }
}

/// `ERIKSSON` → `Eriksson`, as documents shout names.
fn titled(upper: &str) -> String {
    upper
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect()).unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// Issues the session's `user` credential, once: a second call answers
/// 409 naming the one issued.
pub async fn issue_for_session(
    issuer: Issuer<'_>,
    org_id: &str,
    id: &str,
    now: i64,
) -> CoreResult<crate::credentials::Credential> {
    let session = sessions::get(issuer.db, org_id, id).await?;
    if session.status != SessionStatus::Approved {
        return Err(CoreError::conflict(format!(
            "This session is {}; a credential is issued for an approved session only.",
            session.status
        )));
    }
    if let Some(existing) = &session.credential_id {
        return Err(CoreError::conflict(format!("This session's credential is issued already: {existing}.")));
    }
    let (first, last) = name(&session)?;
    let body = json!({
        "credential_type": "user",
        "subject": {"id": session.account_id, "type": "person", "name": {"first": first, "last": last}},
        "claims": {
            "kyc_status": "approved",
            "trust_level": "idv_verified",
            "verified_at": crate::clock::rfc3339(session.decided_at.unwrap_or(now)),
        },
    });
    let request = IssueRequest::parse(&body)?;
    let mut tx = crate::db::begin(issuer.db).await?;
    crate::orgs::organizations::lock(&mut tx, org_id).await?;
    // Under the org's lock: a second request waits here, then finds it set.
    let issued: Option<String> = sqlx::query_scalar("SELECT credential_id FROM identity_sessions WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if let Some(existing) = issued {
        return Err(CoreError::conflict(format!("This session's credential is issued already: {existing}.")));
    }
    let credential = issue_locked(&mut tx, &issuer, org_id, request, now).await?;
    sqlx::query("UPDATE identity_sessions SET credential_id = $1, updated_at = $2 WHERE id = $3")
        .bind(&credential.id)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(credential)
}
