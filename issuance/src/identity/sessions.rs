//! Sessions: where a person's details are collected, entered by hand and
//! read from documents (both kept, each extracted value with its source),
//! and where the decision lands: `created` → `pending` (submitted, checks
//! running) → `approved` | `declined` | `needs_review`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{accounts, page};
use crate::db::Db;
use crate::error::{CoreError, CoreResult, FieldError};
use model::{AccountStatus, SessionStatus};

/// The person's details, as entered. Every field is optional until the
/// checks need it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attributes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_first: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_middle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_last: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_street_1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_street_2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_subdivision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}

impl Attributes {
    /// Checks each field's form; the errors name the attribute.
    pub fn check(&self, today: &str) -> CoreResult<()> {
        let mut errors = Vec::new();
        if let Some(b) = &self.birthdate {
            match time::Date::parse(b, time::macros::format_description!("[year]-[month]-[day]")) {
                Err(_) => errors.push(FieldError::new("birthdate", format!("expected YYYY-MM-DD, got “{b}”"))),
                Ok(_) if b.as_str() > today => errors.push(FieldError::new("birthdate", "is in the future")),
                Ok(_) => {}
            }
        }
        if let Some(c) = &self.country_code
            && (c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_uppercase()))
        {
            errors
                .push(FieldError::new("country_code", format!("expected two capital letters (ISO 3166-1), got “{c}”")));
        }
        if let Some(e) = &self.email_address
            && e.parse::<lettre::Address>().is_err()
        {
            errors.push(FieldError::new("email_address", format!("“{e}” is not an e-mail address")));
        }
        let texts = [
            ("name_first", &self.name_first),
            ("name_middle", &self.name_middle),
            ("name_last", &self.name_last),
            ("address_street_1", &self.address_street_1),
            ("address_street_2", &self.address_street_2),
            ("address_city", &self.address_city),
            ("address_subdivision", &self.address_subdivision),
            ("address_postal_code", &self.address_postal_code),
            ("phone_number", &self.phone_number),
        ];
        for (field, value) in texts {
            if value.as_ref().is_some_and(|v| v.chars().count() > 255) {
                errors.push(FieldError::new(field, "is longer than 255 characters"));
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(CoreError::Validation(errors)) }
    }

    /// `other`'s fields, where it has them, over these.
    fn merge(&mut self, other: Attributes) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f; } )* };
        }
        take!(
            name_first,
            name_middle,
            name_last,
            birthdate,
            address_street_1,
            address_street_2,
            address_city,
            address_subdivision,
            address_postal_code,
            country_code,
            email_address,
            phone_number
        );
    }

    /// The given names as one string: first and middle.
    pub fn given_names(&self) -> Option<String> {
        let names: Vec<&str> =
            [&self.name_first, &self.name_middle].into_iter().flatten().map(String::as_str).collect();
        (!names.is_empty()).then(|| names.join(" "))
    }
}

/// A value read from a document, and which.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extracted {
    pub value: String,
    /// `mrz` or `barcode`, with the document: `mrz:doc_…`.
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: String,
    pub org_id: String,
    pub account_id: String,
    pub status: SessionStatus,
    pub entered: Attributes,
    pub extracted: BTreeMap<String, Extracted>,
    pub decision_note: Option<String>,
    pub credential_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub decided_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    org_id: String,
    account_id: String,
    status: SessionStatus,
    entered_json: String,
    extracted_json: String,
    decision_note: Option<String>,
    credential_id: Option<String>,
    created_at: i64,
    updated_at: i64,
    submitted_at: Option<i64>,
    decided_at: Option<i64>,
}

impl TryFrom<Row> for Session {
    type Error = CoreError;
    fn try_from(r: Row) -> CoreResult<Session> {
        Ok(Session {
            entered: serde_json::from_str(&r.entered_json).map_err(anyhow::Error::from)?,
            extracted: serde_json::from_str(&r.extracted_json).map_err(anyhow::Error::from)?,
            id: r.id,
            org_id: r.org_id,
            account_id: r.account_id,
            status: r.status,
            decision_note: r.decision_note,
            credential_id: r.credential_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
            submitted_at: r.submitted_at,
            decided_at: r.decided_at,
        })
    }
}

const COLUMNS: &str = "id, org_id, account_id, status, entered_json, extracted_json, decision_note, credential_id,
                       created_at, updated_at, submitted_at, decided_at";

fn today(now: i64) -> String {
    crate::clock::rfc3339(now).get(..10).unwrap_or_default().to_owned()
}

/// Starts a session for the org's account (not a blocked one).
pub async fn create(db: &Db, org_id: &str, account_id: &str, entered: Attributes, now: i64) -> CoreResult<Session> {
    entered.check(&today(now))?;
    let account = match accounts::get(db, org_id, account_id).await {
        Err(CoreError::NotFound) => {
            return Err(CoreError::field("relationships/account", format!("no account {account_id} here")));
        }
        other => other?,
    };
    if account.status == AccountStatus::Blocked {
        return Err(CoreError::field("relationships/account", format!("account {account_id} is blocked")));
    }
    let id = crate::ids::new_id("ses");
    sqlx::query(
        "INSERT INTO identity_sessions (id, org_id, account_id, status, entered_json, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(account_id)
    .bind(SessionStatus::Created)
    .bind(serde_json::to_string(&entered).map_err(anyhow::Error::from)?)
    .bind(now)
    .execute(db)
    .await?;
    get(db, org_id, &id).await
}

pub async fn get(db: &Db, org_id: &str, id: &str) -> CoreResult<Session> {
    let row: Row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM identity_sessions WHERE id = $1 AND org_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    row.try_into()
}

/// The org's sessions after the cursor, optionally of one account or status.
pub async fn list(
    db: &Db,
    org_id: &str,
    account_id: Option<&str>,
    status: Option<SessionStatus>,
    page: &page::Page,
) -> CoreResult<Vec<Session>> {
    let mut q = crate::db::Builder::new(format!("SELECT {COLUMNS} FROM identity_sessions WHERE org_id = "));
    q.push_bind(org_id);
    if let Some(a) = account_id {
        q.push(" AND account_id = ").push_bind(a);
    }
    if let Some(s) = status {
        q.push(" AND status = ").push_bind(s);
    }
    page.push(&mut q);
    let rows: Vec<Row> = q.build_query_as().fetch_all(db).await?;
    rows.into_iter().map(Session::try_from).collect()
}

/// Changes what was entered, while the session collects.
pub async fn update(db: &Db, org_id: &str, id: &str, changes: Attributes, now: i64) -> CoreResult<Session> {
    changes.check(&today(now))?;
    let mut session = get(db, org_id, id).await?;
    if session.status != SessionStatus::Created {
        return Err(CoreError::conflict(format!(
            "This session is {}; only a session still collecting (created) can be changed.",
            session.status
        )));
    }
    session.entered.merge(changes);
    sqlx::query("UPDATE identity_sessions SET entered_json = $1, updated_at = $2 WHERE id = $3 AND org_id = $4")
        .bind(serde_json::to_string(&session.entered).map_err(anyhow::Error::from)?)
        .bind(now)
        .bind(id)
        .bind(org_id)
        .execute(db)
        .await?;
    get(db, org_id, id).await
}

/// How long a session may collect before it expires unsubmitted.
pub const EXPIRES_AFTER_SECS: i64 = 7 * 86_400;

/// Expires sessions that were never submitted within
/// [`EXPIRES_AFTER_SECS`]; returns how many.
pub async fn expire_stale(db: &Db, now: i64) -> CoreResult<u64> {
    // Asked with a read first: the sweep is a write, and run every few
    // seconds it would queue with the jobs' writes for nothing.
    let anything: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM identity_sessions WHERE status = $1 AND created_at < $2 LIMIT 1")
            .bind(SessionStatus::Created)
            .bind(now - EXPIRES_AFTER_SECS)
            .fetch_optional(db)
            .await?;
    if anything.is_none() {
        return Ok(0);
    }
    let mut tx = crate::db::begin(db).await?;
    let done = sqlx::query(
        "UPDATE identity_sessions SET status = $1, decided_at = $2, updated_at = $2
         WHERE status = $3 AND created_at < $4",
    )
    .bind(SessionStatus::Expired)
    .bind(now)
    .bind(SessionStatus::Created)
    .bind(now - EXPIRES_AFTER_SECS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
