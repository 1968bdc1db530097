//! Issued credentials in the database: reading, listing, revoking.

use model::{CredentialStatus, CredentialType};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::{Backend, Db, Explain};
use crate::error::{CoreError, CoreResult};
use crate::{clock, did};

/// A stored credential, as the API and the dashboard show it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Credential {
    pub id: String,
    pub org_id: String,
    pub credential_type: CredentialType,
    pub attestation_type: Option<String>,
    pub subject: Value,
    pub claims: Value,
    pub recipient_email: Option<String>,
    pub recipient_name: Option<String>,
    pub badge_id: Option<String>,
    pub issuer_did: String,
    pub key_id: String,
    pub signed_payload: String,
    /// `Active` or `Revoked`, as stored; see [`Credential::status_at`].
    pub stored_status: CredentialStatus,
    pub revoked_at: Option<i64>,
    pub revocation_reason: Option<String>,
    pub status_list_id: String,
    pub status_list_index: i64,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Credential {
    /// Where it stands at `now`: revoked, expired or active.
    pub fn status_at(&self, now: i64) -> CredentialStatus {
        CredentialStatus::at(self.is_revoked(), self.expires_at, now)
    }

    pub fn is_revoked(&self) -> bool {
        self.stored_status == CredentialStatus::Revoked
    }

    pub fn kid(&self) -> String {
        did::key_url(&self.issuer_did, &self.key_id)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    org_id: String,
    credential_type: CredentialType,
    attestation_type: Option<String>,
    subject_json: String,
    claims_json: String,
    recipient_email: Option<String>,
    recipient_name: Option<String>,
    badge_id: Option<String>,
    issuer_did: String,
    key_id: String,
    signed_payload: String,
    status: CredentialStatus,
    revoked_at: Option<i64>,
    revocation_reason: Option<String>,
    status_list_id: String,
    status_list_index: i64,
    issued_at: i64,
    expires_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<Row> for Credential {
    type Error = CoreError;
    fn try_from(r: Row) -> CoreResult<Credential> {
        let json =
            |s: &str| serde_json::from_str::<Value>(s).map_err(|e| anyhow::anyhow!("stored JSON of {}: {e}", r.id));
        Ok(Credential {
            subject: json(&r.subject_json)?,
            claims: json(&r.claims_json)?,
            id: r.id,
            org_id: r.org_id,
            credential_type: r.credential_type,
            attestation_type: r.attestation_type,
            recipient_email: r.recipient_email,
            recipient_name: r.recipient_name,
            badge_id: r.badge_id,
            issuer_did: r.issuer_did,
            key_id: r.key_id,
            signed_payload: r.signed_payload,
            stored_status: r.status,
            revoked_at: r.revoked_at,
            revocation_reason: r.revocation_reason,
            status_list_id: r.status_list_id,
            status_list_index: r.status_list_index,
            issued_at: r.issued_at,
            expires_at: r.expires_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

pub(crate) const COLUMNS: &str = "id, org_id, credential_type, attestation_type, subject_json, claims_json, \
     recipient_email, recipient_name, badge_id, issuer_did, key_id, signed_payload, status, revoked_at, \
     revocation_reason, status_list_id, status_list_index, issued_at, expires_at, created_at, updated_at";

pub(crate) async fn insert(tx: &mut crate::db::Conn, c: &Credential) -> CoreResult<()> {
    sqlx::query(&format!(
        "INSERT INTO credentials ({COLUMNS}, subject_id) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
    ))
    .bind(&c.id)
    .bind(&c.org_id)
    .bind(c.credential_type)
    .bind(&c.attestation_type)
    .bind(c.subject.to_string())
    .bind(c.claims.to_string())
    .bind(&c.recipient_email)
    .bind(&c.recipient_name)
    .bind(&c.badge_id)
    .bind(&c.issuer_did)
    .bind(&c.key_id)
    .bind(&c.signed_payload)
    .bind(c.stored_status)
    .bind(c.revoked_at)
    .bind(&c.revocation_reason)
    .bind(&c.status_list_id)
    .bind(c.status_list_index)
    .bind(c.issued_at)
    .bind(c.expires_at)
    .bind(c.created_at)
    .bind(c.updated_at)
    .bind(c.subject.get("id").and_then(Value::as_str))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The org's credential `id`; another org's is `NotFound`.
pub async fn get(db: &Db, org_id: &str, id: &str) -> CoreResult<Credential> {
    sqlx::query_as::<_, Row>(&format!("SELECT {COLUMNS} FROM credentials WHERE id = $1 AND org_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)?
        .try_into()
}

/// Any credential by id, for the public credential page and verification.
pub async fn get_any(db: &Db, id: &str) -> CoreResult<Credential> {
    sqlx::query_as::<_, Row>(&format!("SELECT {COLUMNS} FROM credentials WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)?
        .try_into()
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Filter {
    pub credential_type: Option<CredentialType>,
    pub status: Option<CredentialStatus>,
    /// Exact subject id or recipient e-mail.
    pub subject: Option<String>,
    pub badge_id: Option<String>,
    /// Words (or their beginnings) of the recipient's name or e-mail or the
    /// subject id, any case or accent.
    pub search: Option<String>,
    /// The bulk job that issued it.
    pub job_id: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Page {
    pub items: Vec<Credential>,
    /// Pass as `after` to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

pub const MAX_PAGE: i64 = 200;

/// Newest first (expired ones: most recently expired first), `limit` at a
/// time; `after` is the previous page's cursor.
/// Every credential whole, as the API lists them.
pub async fn list(
    db: &Db,
    org_id: &str,
    filter: &Filter,
    limit: i64,
    after: Option<&str>,
    now: i64,
) -> CoreResult<Page> {
    let limit = limit.clamp(1, MAX_PAGE);
    let mut rows: Vec<Row> = listing(Backend::of(db), Explain::No, COLUMNS, org_id, filter, limit, after, now)
        .build_query_as()
        .fetch_all(db)
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let items = rows.into_iter().map(Credential::try_from).collect::<CoreResult<Vec<_>>>()?;
    Ok(Page { next_cursor: if more { items.last().map(|c| c.id.clone()) } else { None }, items })
}

/// A credential as a list shows it: who and what it is about, and where it
/// stands; not its claims nor its signed payload (kilobytes a row).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, sqlx::FromRow)]
pub struct Listed {
    pub id: String,
    pub credential_type: CredentialType,
    pub subject_json: String,
    pub recipient_email: Option<String>,
    pub recipient_name: Option<String>,
    pub status: CredentialStatus,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
}

impl Listed {
    pub fn status_at(&self, now: i64) -> CredentialStatus {
        CredentialStatus::at(self.status == CredentialStatus::Revoked, self.expires_at, now)
    }

    pub fn subject(&self) -> Value {
        serde_json::from_str(&self.subject_json).unwrap_or_default()
    }
}

const LISTED_COLUMNS: &str =
    "id, credential_type, subject_json, recipient_email, recipient_name, status, issued_at, expires_at";

/// Like [`list`], reading only what a list row shows (the dashboard's).
pub async fn list_brief(
    db: &Db,
    org_id: &str,
    filter: &Filter,
    limit: i64,
    after: Option<&str>,
    now: i64,
) -> CoreResult<(Vec<Listed>, Option<String>)> {
    let limit = limit.clamp(1, MAX_PAGE);
    let mut rows: Vec<Listed> =
        listing(Backend::of(db), Explain::No, LISTED_COLUMNS, org_id, filter, limit, after, now)
            .build_query_as()
            .fetch_all(db)
            .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more { rows.last().map(|c| c.id.clone()) } else { None };
    Ok((rows, next))
}

/// The list query: one page plus one row (to know whether there is more),
/// newest first from the cursor. Each filter has an index in id order
/// (migration 20261129000006), so a page reads about a page of index
/// entries whatever the org's size. A subject or a search first finds its
/// few matches through their own index and sorts those, never the org.
#[allow(clippy::too_many_arguments)]
pub(crate) fn listing<'a>(
    backend: Backend,
    explain: Explain,
    columns: &str,
    org_id: &'a str,
    filter: &'a Filter,
    limit: i64,
    after: Option<&'a str>,
    now: i64,
) -> crate::db::Builder<'a> {
    let mut q = crate::db::Builder::new(format!("{explain}SELECT {columns} FROM credentials WHERE org_id = "));
    q.push_bind(org_id);
    if let Some(t) = &filter.credential_type {
        q.push(" AND credential_type = ").push_bind(t);
    }
    if let Some(s) = &filter.subject {
        q.push(" AND id IN (SELECT id FROM credentials WHERE org_id = ").push_bind(org_id);
        q.push(" AND subject_id = ").push_bind(s.as_str());
        q.push(" UNION ALL SELECT id FROM credentials WHERE org_id = ").push_bind(org_id);
        q.push(" AND recipient_email = ").push_bind(s.to_lowercase()).push(")");
    }
    if let Some(b) = &filter.badge_id {
        q.push(" AND badge_id = ").push_bind(b.as_str());
    }
    if let Some(j) = &filter.job_id {
        q.push(" AND job_id = ").push_bind(j.as_str());
    }
    if let Some(typed) = filter.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        backend.push_credential_search(&mut q, typed);
    }
    // Expired is not stored: it is an active credential past its expiry.
    // Expired ones are listed most recently expired first, walking the
    // index on expiry back from now: in id order, finding a page of them
    // could mean walking past every unexpired credential of the org.
    let by_expiry = filter.status == Some(CredentialStatus::Expired);
    match filter.status {
        None => {}
        Some(CredentialStatus::Revoked) => {
            q.push(" AND status = ").push_bind(CredentialStatus::Revoked);
        }
        Some(CredentialStatus::Expired) => {
            q.push(" AND status = ").push_bind(CredentialStatus::Active);
            q.push(" AND expires_at IS NOT NULL AND expires_at <= ").push_bind(now);
        }
        Some(CredentialStatus::Active) => {
            q.push(" AND status = ").push_bind(CredentialStatus::Active);
            q.push(" AND (expires_at IS NULL OR expires_at > ").push_bind(now).push(")");
        }
    }
    match (after, by_expiry) {
        (None, _) => {}
        (Some(cursor), false) => {
            q.push(" AND id < ").push_bind(cursor);
        }
        (Some(cursor), true) => {
            q.push(" AND (expires_at, id) < (SELECT expires_at, id FROM credentials WHERE id = ")
                .push_bind(cursor)
                .push(" AND org_id = ")
                .push_bind(org_id)
                .push(")");
        }
    }
    if by_expiry {
        q.push(" ORDER BY expires_at DESC, id DESC LIMIT ").push_bind(limit + 1);
    } else {
        q.push(" ORDER BY id DESC LIMIT ").push_bind(limit + 1);
    }
    q
}

/// Where a credential came from and what became of it: the bulk job that
/// issued it, the credential it replaced, and the one that replaced it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Lineage {
    pub job_id: Option<String>,
    pub replaces: Option<String>,
    pub superseded_by: Option<String>,
}

/// The credential that `$2` replaced (the index on `superseded_by` finds
/// it; scanning the org for it made a credential's page grow with the org).
pub(crate) const REPLACED_BY: &str = "SELECT id FROM credentials WHERE org_id = $1 AND superseded_by = $2 LIMIT 1";

/// The [`Lineage`] of the org's credential `id`; another org's is `NotFound`.
pub async fn lineage(db: &Db, org_id: &str, id: &str) -> CoreResult<Lineage> {
    let (job_id, superseded_by): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT job_id, superseded_by FROM credentials WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org_id)
            .fetch_optional(db)
            .await?
            .ok_or(CoreError::NotFound)?;
    let replaces: Option<String> = sqlx::query_scalar(REPLACED_BY).bind(org_id).bind(id).fetch_optional(db).await?;
    Ok(Lineage { job_id, replaces, superseded_by })
}

/// Revokes the org's credential `id`: its status bit flips in the next
/// status list anyone fetches, and its e-mail, if still queued, is
/// cancelled in the same transaction. Revoking twice is refused.
pub async fn revoke(
    db: &Db,
    org_id: &str,
    id: &str,
    reason: Option<&str>,
    actor: Option<&str>,
) -> CoreResult<Credential> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 500) {
        return Err(CoreError::field("reason", "must be at most 500 characters"));
    }
    let mut tx = crate::db::begin(db).await?;
    let now = clock::now();
    let done = sqlx::query(
        "UPDATE credentials SET status = 'revoked', revoked_at = $1, revocation_reason = $2, updated_at = $1
         WHERE id = $3 AND org_id = $4 AND status = 'active'",
    )
    .bind(now)
    .bind(reason)
    .bind(id)
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        let exists: Option<String> = sqlx::query_scalar("SELECT status FROM credentials WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match exists {
            Some(_) => CoreError::conflict(format!("Credential {id} is already revoked.")),
            None => CoreError::NotFound,
        });
    }
    crate::outbox::cancel_for_credentials(&mut tx, org_id, &[id]).await?;
    let data = serde_json::json!({"credential_id": id, "reason": reason, "revoked_at": clock::rfc3339(now)});
    crate::webhooks::emit(&mut tx, org_id, crate::webhooks::EventType::CredentialRevoked, data, now).await?;
    let summary = format!("Credential {id} was revoked{}", reason.map(|r| format!(": {r}")).unwrap_or_default());
    let entry = Entry::new(Actor::user(actor), AuditAction::CredentialRevoked, Some(id), summary)
        .with(serde_json::json!({"reason": reason}));
    audit::record(&mut *tx, org_id, entry).await?;
    tx.commit().await?;
    get(db, org_id, id).await
}
