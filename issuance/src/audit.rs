//! The audit log: every state change that matters, with who did it (a
//! member or an API key, never a secret), what it was done to, details,
//! and when. Written in the transaction of the change itself. A bulk job is
//! a few events (created, then completed, failed or cancelled, with its
//! counts), never one per credential. The overview's activity feed, the
//! Activity page and `GET /v1/audit/events` all read it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use model::AuditAction;

use crate::db::{Db, Explain};
use crate::error::CoreResult;
use crate::{clock, ids};

/// Who acted: a member, an API key, or neither (the system, the CLI).
#[derive(Clone, Copy, Debug, Default)]
pub struct Actor<'a> {
    pub user_id: Option<&'a str>,
    pub api_key_id: Option<&'a str>,
}

impl<'a> Actor<'a> {
    pub fn user(user_id: Option<&'a str>) -> Self {
        Actor { user_id, api_key_id: None }
    }

    pub fn api_key(api_key_id: Option<&'a str>) -> Self {
        Actor { user_id: None, api_key_id }
    }

    pub fn system() -> Self {
        Actor::default()
    }
}

/// One event to record.
pub struct Entry<'a> {
    pub actor: Actor<'a>,
    pub action: AuditAction,
    /// What it was done to: a credential, job, badge, member, key or
    /// stream id.
    pub target: Option<&'a str>,
    /// Details for machines (counts, roles, reasons).
    pub data: Value,
    /// The sentence people read.
    pub summary: String,
}

impl<'a> Entry<'a> {
    pub fn new(actor: Actor<'a>, action: AuditAction, target: Option<&'a str>, summary: impl Into<String>) -> Self {
        Entry { actor, action, target, data: Value::Null, summary: summary.into() }
    }

    pub fn with(mut self, data: Value) -> Self {
        self.data = data;
        self
    }
}

pub async fn record<'c, E>(executor: E, org_id: &str, entry: Entry<'_>) -> CoreResult<()>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO activity (id, org_id, actor_id, api_key_id, kind, target, data_json, summary, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(ids::new_id("evt"))
    .bind(org_id)
    .bind(entry.actor.user_id)
    .bind(entry.actor.api_key_id)
    .bind(entry.action)
    .bind(entry.target)
    .bind(if entry.data.is_null() { None } else { Some(entry.data.to_string()) })
    .bind(&entry.summary)
    .bind(clock::now())
    .execute(executor)
    .await?;
    Ok(())
}

/// An event as read back.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, sqlx::FromRow)]
pub struct Activity {
    pub id: String,
    pub kind: AuditAction,
    pub summary: String,
    /// The member's e-mail, when a member acted.
    pub actor_email: Option<String>,
    pub api_key_id: Option<String>,
    /// The key's name, when an API key acted.
    pub api_key_name: Option<String>,
    pub target: Option<String>,
    pub data_json: Option<String>,
    pub created_at: i64,
}

/// Which events to read: newest first, before the `before` cursor (an
/// event id), of one action or one target, since a time.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub action: Option<AuditAction>,
    pub target: Option<String>,
    pub since: Option<i64>,
    pub before: Option<String>,
    pub limit: i64,
}

pub async fn list(db: &Db, org_id: &str, f: &Filter) -> CoreResult<Vec<Activity>> {
    Ok(listing(Explain::No, org_id, f).build_query_as().fetch_all(db).await?)
}

/// The audit list query: the index `(org_id[, kind | target], id)` read
/// newest first from the cursor; `since` is checked on each event read, so
/// it bounds the answer but not the walk (a `since` later than every event
/// reads the filter's whole index, which is small for a target).
pub(crate) fn listing<'a>(explain: Explain, org_id: &'a str, f: &'a Filter) -> crate::db::Builder<'a> {
    let mut q = crate::db::Builder::new(format!(
        "{explain}SELECT a.id, a.kind, a.summary, u.email AS actor_email, a.api_key_id, k.name AS api_key_name, a.target,
                a.data_json, a.created_at
         FROM activity a LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN api_keys k ON k.id = a.api_key_id
         WHERE a.org_id = "
    ));
    q.push_bind(org_id);
    if let Some(action) = f.action {
        q.push(" AND a.kind = ").push_bind(action);
    }
    if let Some(target) = &f.target {
        q.push(" AND a.target = ").push_bind(target.as_str());
    }
    if let Some(since) = f.since {
        q.push(" AND a.created_at >= ").push_bind(since);
    }
    if let Some(before) = &f.before {
        q.push(" AND a.id < ").push_bind(before.as_str());
    }
    q.push(" ORDER BY a.id DESC LIMIT ").push_bind(f.limit.clamp(1, 201));
    q
}

/// The latest events, for the overview's feed.
pub async fn recent(db: &Db, org_id: &str, limit: i64) -> CoreResult<Vec<Activity>> {
    list(db, org_id, &Filter { limit, ..Filter::default() }).await
}
