//! Revoking the credentials a person selected in the list: every active
//! credential matching the list's filter, by a revocation job of its own
//! ([`super::revoke`]), at most [`MAX_SELECTED`] at once.

use model::{CredentialStatus, JobSource};

use super::read::{Job, get_in};
use super::revoke::{self, NewRevocation, Origin};
use crate::audit::{self, AuditAction, Entry};
use crate::credentials::store::{Filter, listing};
use crate::db::{Backend, Builder, Db, Explain};
use crate::error::{CoreError, CoreResult};
use crate::orgs::organizations;

/// The most credentials one selection revokes; more is refused whole, with
/// how many matched, so the filter can be narrowed.
pub const MAX_SELECTED: usize = 10_000;

/// Items per INSERT: 2 parameters each.
const ITEMS_PER_INSERT: usize = 5_000;

/// The active credentials matching `filter`, up to one past
/// [`MAX_SELECTED`] (so "too many" can be told). Revoked ones are not
/// selected; expired ones are (they are still active in the store, and a
/// revoked credential no longer verifies even if its expiry were extended).
/// The list's own statuses split "active" in two, so with no status chosen
/// both halves are read, each through the list's query.
async fn matching(conn: &mut crate::db::Conn, org_id: &str, filter: &Filter, now: i64) -> CoreResult<Vec<String>> {
    let halves = match filter.status {
        Some(CredentialStatus::Revoked) => return Ok(Vec::new()),
        Some(status) => vec![status],
        None => vec![CredentialStatus::Active, CredentialStatus::Expired],
    };
    let backend = Backend::of_conn(conn);
    let mut ids = Vec::new();
    for status in halves {
        let half = Filter { status: Some(status), ..filter.clone() };
        let mut q = listing(backend, Explain::No, "id", org_id, &half, MAX_SELECTED as i64, None, now);
        ids.extend(q.build_query_scalar::<String>().fetch_all(&mut *conn).await?);
    }
    ids.truncate(MAX_SELECTED + 1);
    Ok(ids)
}

/// How many credentials revoking the selection would revoke now: what the
/// confirmation says (`MAX_SELECTED + 1` means more than may be revoked).
pub async fn count(db: &Db, org_id: &str, filter: &Filter, now: i64) -> CoreResult<usize> {
    Ok(matching(&mut *db.acquire().await?, org_id, filter, now).await?.len())
}

/// Starts revoking every active credential matching `filter`. Refused when
/// none matches or more than [`MAX_SELECTED`] do.
pub async fn start(
    db: &Db,
    org_id: &str,
    filter: &Filter,
    reason: Option<&str>,
    origin: &Origin<'_>,
    now: i64,
) -> CoreResult<Job> {
    let reason = revoke::check_reason(reason)?;
    if *filter == Filter::default() {
        return Err(CoreError::field(
            "filter",
            "name at least one of type, status, subject, badge_id, job_id or q: everything is not a selection",
        ));
    }
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, org_id).await?;
    let ids = matching(&mut tx, org_id, filter, now).await?;
    if ids.is_empty() {
        return Err(CoreError::Unprocessable("No active credential matches this selection: nothing to revoke.".into()));
    }
    if ids.len() > MAX_SELECTED {
        return Err(CoreError::Unprocessable(format!(
            "More than {MAX_SELECTED} active credentials match; revoke at most {MAX_SELECTED} at once. Narrow the \
             selection (by badge, job or search) and revoke each part."
        )));
    }
    let source = if origin.api_key_id.is_some() { JobSource::Api } else { JobSource::Dashboard };
    let new = NewRevocation {
        org_id,
        badge_id: filter.badge_id.as_deref(),
        source,
        total: ids.len() as i64,
        undoes_job_id: None,
        reason,
        notify_recipients: false,
    };
    let job_id = revoke::insert_job(&mut tx, &new, origin, now).await?;
    let indexed: Vec<(i64, &str)> = ids.iter().enumerate().map(|(i, id)| (i as i64, id.as_str())).collect();
    for chunk in indexed.chunks(ITEMS_PER_INSERT) {
        let mut q = Builder::on(Backend::of_conn(&tx), "WITH v (idx, id) AS (");
        q.push_values(chunk, |mut b, (idx, id)| {
            b.push_bind(*idx).push_bind(*id);
        });
        q.push(
            ") INSERT INTO job_items (job_id, idx, line, name, email, classification, state, credential_id,
                                     status_list_id, status_list_index)
             SELECT ",
        )
        .push_bind(&job_id)
        .push(
            ", v.idx, v.idx + 1, COALESCE(c.recipient_name, c.subject_id, ''), COALESCE(c.recipient_email, ''),
               'new', 'pending', c.id, c.status_list_id, c.status_list_index
             FROM v JOIN credentials c ON c.id = v.id",
        );
        q.build().execute(&mut *tx).await?;
    }
    let summary = format!("Revocation of {} selected credentials started", ids.len());
    let entry = Entry::new(origin.actor(), AuditAction::CredentialsRevokeStarted, Some(&job_id), summary)
        .with(serde_json::json!({"credentials": ids.len(), "reason": reason, "filter": filter}));
    audit::record(&mut *tx, org_id, entry).await?;
    let job = get_in(&mut tx, org_id, &job_id).await?;
    tx.commit().await?;
    super::engine::wake();
    Ok(job)
}
