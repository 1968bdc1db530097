//! A session's decision: submitting it starts a verification of each of its
//! government IDs; when the last finishes, every check passed means
//! `approved`, and any failed (or an image to take again) means `declined`
//! or `needs_review`, as the org's rule says. Never `approved` with a
//! failed check. A member decides a `needs_review` session by hand.

use super::checks::barcode::Licence;
use super::checks::mrz::Zone;
use super::sessions::{self, Extracted, Session};
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::{Conn, Db};
use crate::error::{CoreError, CoreResult};
use model::{FailedCheckRule, SessionStatus, VerificationStatus};

/// Submits a collecting session: its documents are checked now.
pub async fn submit(db: &Db, org_id: &str, id: &str, now: i64) -> CoreResult<Session> {
    let session = sessions::get(db, org_id, id).await?;
    if session.status != SessionStatus::Created {
        return Err(CoreError::conflict(format!(
            "This session is {} already; a session is submitted once.",
            session.status
        )));
    }
    let documents: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM identity_documents WHERE session_id = $1 AND org_id = $2 AND kind = 'document/idv' ORDER BY id",
    )
    .bind(id)
    .bind(org_id)
    .fetch_all(db)
    .await?;
    if documents.is_empty() {
        return Err(CoreError::Unprocessable(
            "This session has no government ID (document/idv) to verify: create one with the session as its relationship."
                .into(),
        ));
    }
    let mut tx = crate::db::begin(db).await?;
    sqlx::query("UPDATE identity_sessions SET status = $1, submitted_at = $2, updated_at = $2 WHERE id = $3")
        .bind(SessionStatus::Pending)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for doc in &documents {
        super::verifications::insert(&mut tx, org_id, doc, now).await?;
    }
    tx.commit().await?;
    super::worker::wake();
    sessions::get(db, org_id, id).await
}

/// Keeps what a document said on its session, each value with its source.
pub(crate) async fn record_extracted(
    tx: &mut Conn,
    session: &Session,
    document_id: &str,
    zone: Option<&Zone>,
    licence: Option<&Licence>,
    now: i64,
) -> CoreResult<()> {
    if zone.is_none() && licence.is_none() {
        return Ok(());
    }
    let mut extracted = session.extracted.clone();
    let mut put = |source: &str, field: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            extracted.insert(field.into(), Extracted { value: v.into(), source: format!("{source}:{document_id}") });
        }
    };
    if let Some(l) = licence {
        put("barcode", "name_first", Some(&l.person.given_names));
        put("barcode", "name_last", Some(&l.person.surname));
        put("barcode", "birthdate", l.person.birthdate.as_deref());
        put("barcode", "document_number", Some(&l.number));
        put("barcode", "expiration_date", l.expires_on.as_deref());
        put("barcode", "address_subdivision", l.jurisdiction.as_deref());
    }
    // Where both exist the MRZ wins: its fields carry check digits.
    if let Some(z) = zone {
        put("mrz", "name_first", Some(&z.person.given_names));
        put("mrz", "name_last", Some(&z.person.surname));
        put("mrz", "birthdate", z.person.birthdate.as_deref());
        put("mrz", "document_number", Some(&z.document_number));
        put("mrz", "nationality", Some(&z.nationality));
        put("mrz", "expiration_date", z.expires_on.as_deref());
    }
    sqlx::query("UPDATE identity_sessions SET extracted_json = $1, updated_at = $2 WHERE id = $3")
        .bind(serde_json::to_string(&extracted).map_err(anyhow::Error::from)?)
        .bind(now)
        .bind(&session.id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Decides a pending session once none of its verifications runs.
pub(crate) async fn decide_if_done(tx: &mut Conn, org_id: &str, session_id: &str, now: i64) -> CoreResult<()> {
    let statuses: Vec<VerificationStatus> = sqlx::query_scalar(
        "SELECT v.status FROM identity_verifications v JOIN identity_documents d ON d.id = v.document_id
         WHERE d.session_id = $1 AND v.org_id = $2",
    )
    .bind(session_id)
    .bind(org_id)
    .fetch_all(&mut *tx)
    .await?;
    if statuses.is_empty() || statuses.iter().any(|s| !s.is_finished()) {
        return Ok(());
    }
    let rule: FailedCheckRule = sqlx::query_scalar("SELECT identity_failed_rule FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_one(&mut *tx)
        .await?;
    let status = if statuses.iter().all(|s| *s == VerificationStatus::Passed) {
        SessionStatus::Approved
    } else {
        match rule {
            FailedCheckRule::Decline => SessionStatus::Declined,
            FailedCheckRule::Review => SessionStatus::NeedsReview,
        }
    };
    let decided = (status != SessionStatus::NeedsReview).then_some(now);
    sqlx::query(
        "UPDATE identity_sessions SET status = $1, decided_at = $2, updated_at = $3 WHERE id = $4 AND status = $5",
    )
    .bind(status)
    .bind(decided)
    .bind(now)
    .bind(session_id)
    .bind(SessionStatus::Pending)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A member's decision on a session held for review.
pub async fn review(
    db: &Db,
    org_id: &str,
    id: &str,
    approve: bool,
    note: Option<&str>,
    actor: Option<&str>,
    now: i64,
) -> CoreResult<Session> {
    let status = if approve { SessionStatus::Approved } else { SessionStatus::Declined };
    let mut tx = crate::db::begin(db).await?;
    let done = sqlx::query(
        "UPDATE identity_sessions SET status = $1, decided_at = $2, updated_at = $2, decided_by = $3, decision_note = $4
         WHERE id = $5 AND org_id = $6 AND status = $7",
    )
    .bind(status)
    .bind(now)
    .bind(actor)
    .bind(note)
    .bind(id)
    .bind(org_id)
    .bind(SessionStatus::NeedsReview)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        drop(tx);
        let session = sessions::get(db, org_id, id).await?;
        return Err(CoreError::conflict(format!(
            "This session is {}; only a session that needs review is decided by hand.",
            session.status
        )));
    }
    let verb = if approve { "approved" } else { "declined" };
    let entry = Entry::new(
        Actor::user(actor),
        AuditAction::IdentitySessionReviewed,
        Some(id),
        format!("Session {id} {verb} on review"),
    )
    .with(serde_json::json!({"status": status, "note": note}));
    audit::record(&mut *tx, org_id, entry).await?;
    tx.commit().await?;
    sessions::get(db, org_id, id).await
}
