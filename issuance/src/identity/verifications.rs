//! Verifications: the checks run on one document, asynchronously. Created
//! `initiated`; a worker ([`super::worker`]) leases it, runs every check
//! (see [`super::checks`]) and records them with what the document said.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::checks::{self, Check, consistency::Person};
use super::{documents, page, sessions, storage::Files};
use crate::db::{Backend, Db};
use crate::error::{CoreError, CoreResult};
use model::{CheckName, CheckStatus, DocumentKind, IdClass, VerificationStatus};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub id: String,
    pub org_id: String,
    pub document_id: String,
    pub status: VerificationStatus,
    pub checks: Vec<Check>,
    /// What the document said (`document_number`, `name_first`, …).
    pub extracted: serde_json::Value,
    pub created_at: i64,
    pub completed_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    org_id: String,
    document_id: String,
    status: VerificationStatus,
    checks_json: String,
    extracted_json: String,
    created_at: i64,
    completed_at: Option<i64>,
}

impl TryFrom<Row> for Verification {
    type Error = CoreError;
    fn try_from(r: Row) -> CoreResult<Self> {
        Ok(Verification {
            checks: serde_json::from_str(&r.checks_json).map_err(anyhow::Error::from)?,
            extracted: serde_json::from_str(&r.extracted_json).map_err(anyhow::Error::from)?,
            id: r.id,
            org_id: r.org_id,
            document_id: r.document_id,
            status: r.status,
            created_at: r.created_at,
            completed_at: r.completed_at,
        })
    }
}

const COLUMNS: &str = "id, org_id, document_id, status, checks_json, extracted_json, created_at, completed_at";

/// Starts a verification of the org's document.
pub async fn create(db: &Db, org_id: &str, document_id: &str, now: i64) -> CoreResult<Verification> {
    let doc = match documents::get(db, org_id, document_id).await {
        Err(CoreError::NotFound) => {
            return Err(CoreError::field("relationships/document", format!("no document {document_id} here")));
        }
        other => other?,
    };
    if doc.kind != DocumentKind::Idv {
        return Err(CoreError::field(
            "relationships/document",
            "a verification/idv checks a government ID (document/idv)",
        ));
    }
    let mut conn = db.acquire().await?;
    let id = insert(&mut conn, org_id, document_id, now).await?;
    drop(conn);
    super::worker::wake();
    get(db, org_id, &id).await
}

pub(crate) async fn insert(
    conn: &mut crate::db::Conn,
    org_id: &str,
    document_id: &str,
    now: i64,
) -> CoreResult<String> {
    let id = crate::ids::new_id("ver");
    sqlx::query(
        "INSERT INTO identity_verifications (id, org_id, document_id, status, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(document_id)
    .bind(VerificationStatus::Initiated)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn get(db: &Db, org_id: &str, id: &str) -> CoreResult<Verification> {
    let row: Row =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM identity_verifications WHERE id = $1 AND org_id = $2"))
            .bind(id)
            .bind(org_id)
            .fetch_optional(db)
            .await?
            .ok_or(CoreError::NotFound)?;
    row.try_into()
}

pub async fn list(
    db: &Db,
    org_id: &str,
    document_id: Option<&str>,
    page: &page::Page,
) -> CoreResult<Vec<Verification>> {
    let mut q = crate::db::Builder::new(format!("SELECT {COLUMNS} FROM identity_verifications WHERE org_id = "));
    q.push_bind(org_id);
    if let Some(d) = document_id {
        q.push(" AND document_id = ").push_bind(d);
    }
    page.push(&mut q);
    let rows: Vec<Row> = q.build_query_as().fetch_all(db).await?;
    rows.into_iter().map(Verification::try_from).collect()
}

/// Leases up to `limit` verifications that wait (or whose worker died).
pub(crate) async fn lease(db: &Db, limit: i64, now: i64, lease_secs: i64) -> CoreResult<Vec<(String, String)>> {
    let sql = format!(
        "UPDATE identity_verifications SET status = $1, lease_until = $2
         WHERE {} AND (status = $3 OR (status = $1 AND lease_until < $4))
         RETURNING id, org_id",
        Backend::of(db).picked(
            "id",
            "SELECT id FROM identity_verifications
             WHERE status = $3 OR (status = $1 AND lease_until < $4)
             ORDER BY created_at, id LIMIT $5"
        )
    );
    // Asked with a read first: the lease is a write, and polled every
    // moment it would queue with the jobs' writes for nothing.
    let anything: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM identity_verifications WHERE status = $1 OR (status = $2 AND lease_until < $3) LIMIT 1",
    )
    .bind(VerificationStatus::Initiated)
    .bind(VerificationStatus::Processing)
    .bind(now)
    .fetch_optional(db)
    .await?;
    if anything.is_none() {
        return Ok(Vec::new());
    }
    let mut tx = crate::db::begin(db).await?;
    let leased = sqlx::query_as(&sql)
        .bind(VerificationStatus::Processing)
        .bind(now + lease_secs)
        .bind(VerificationStatus::Initiated)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(leased)
}

/// The org's rules a verification applies.
#[derive(sqlx::FromRow)]
struct Rules {
    identity_min_age: i64,
}

/// Runs every check of one leased verification and records the outcome;
/// when it was its session's last, the session is decided.
pub(crate) async fn run(db: &Db, files: &Files, org_id: &str, id: &str, now: i64) -> CoreResult<()> {
    let v = get(db, org_id, id).await?;
    let doc = documents::get(db, org_id, &v.document_id).await?;
    let session = match &doc.session_id {
        Some(s) => Some(sessions::get(db, org_id, s).await?),
        None => None,
    };
    let rules: Rules =
        sqlx::query_as("SELECT identity_min_age FROM organizations WHERE id = $1").bind(org_id).fetch_one(db).await?;
    let class = doc.id_class.unwrap_or(IdClass::Id);

    let mut all = Vec::new();
    let mut missing_input = false;
    let mut back_image: Option<(String, Vec<u8>)> = None;
    for side in doc.sides() {
        let bytes = files.get(&doc.file_key(side)).await?;
        if let (model::DocumentSide::Back, Some(b), Some(t)) = (side, &bytes, doc.content_type(side)) {
            back_image = Some((t.to_owned(), b.clone()));
        }
        missing_input |= bytes.is_none();
        let content_type = doc.content_type(side).map(str::to_owned);
        // Decoding and measuring a photo takes a core for a moment.
        let side_checks = tokio::task::spawn_blocking(move || {
            checks::image::checks(side.as_str(), content_type.as_deref(), bytes.as_deref())
        })
        .await
        .map_err(|e| anyhow::anyhow!("image checks: {e}"))?;
        all.extend(side_checks);
    }
    // One entry per image check: the worse of the sides.
    let mut image_checks: Vec<Check> = Vec::new();
    for c in all {
        match image_checks.iter_mut().find(|k| k.name == c.name) {
            Some(k) if rank(c.status) > rank(k.status) => *k = c,
            Some(k) if c.status == CheckStatus::Failed => k.reasons.extend(c.reasons),
            Some(_) => {}
            None => image_checks.push(c),
        }
    }

    let (mrz_checks, zone) = checks::mrz::checks(class, doc.mrz.as_deref());
    let (barcode, licence) = if class == IdClass::Dl {
        let country = doc.country_code.clone();
        // Decoding the back and searching it for the barcode takes a core.
        tokio::task::spawn_blocking(move || {
            let gray = back_image.and_then(|(t, b)| {
                let format = checks::image::format_of(&t)?;
                image::load_from_memory_with_format(&b, format).ok().map(|i| i.to_luma8())
            });
            checks::barcode::check(country.as_deref(), gray.as_ref())
        })
        .await
        .map_err(|e| anyhow::anyhow!("barcode check: {e}"))?
    } else {
        (Check::not_applicable(CheckName::BarcodeData, format!("a {} carries no PDF417 barcode", class.label())), None)
    };
    let today = crate::clock::rfc3339(now).get(..10).unwrap_or_default().to_owned();
    let expires_on = zone
        .as_ref()
        .and_then(|z| z.expires_on.clone())
        .or_else(|| licence.as_ref().and_then(|l| l.expires_on.clone()));
    let expired = match expires_on.as_deref() {
        Some(until) if until < today.as_str() => Check::failed(
            CheckName::DocumentExpired,
            format!("the document expired on {until}"),
            json!({"expires_on": until}),
        ),
        Some(until) => Check::passed(CheckName::DocumentExpired, json!({"expires_on": until})),
        None => Check::not_applicable(CheckName::DocumentExpired, "no expiry date could be read from the document"),
    };
    let birthdate = zone
        .as_ref()
        .and_then(|z| z.person.birthdate.clone())
        .or_else(|| licence.as_ref().and_then(|l| l.person.birthdate.clone()))
        .or_else(|| session.as_ref().and_then(|s| s.entered.birthdate.clone()));
    let age = match birthdate.as_deref().and_then(|b| age_on(b, &today)) {
        Some(age) if age >= rules.identity_min_age => {
            Check::passed(CheckName::AgeMinimum, json!({"age": age, "minimum": rules.identity_min_age}))
        }
        Some(age) => Check::failed(
            CheckName::AgeMinimum,
            format!("the holder is {age}; this organisation verifies people aged {} or more", rules.identity_min_age),
            json!({"age": age, "minimum": rules.identity_min_age}),
        ),
        None => Check::not_applicable(CheckName::AgeMinimum, "no birthdate is known"),
    };

    let entered = session.as_ref().and_then(|s| {
        let e = &s.entered;
        (e.name_last.is_some() || e.birthdate.is_some()).then(|| Person {
            given_names: e.given_names().unwrap_or_default(),
            surname: e.name_last.clone().unwrap_or_default(),
            birthdate: e.birthdate.clone(),
        })
    });
    let mut sources: Vec<(&str, Person)> = zone.iter().map(|z| ("MRZ", z.person.clone())).collect();
    sources.extend(licence.iter().map(|l| ("barcode", l.person.clone())));
    let consistency = checks::consistency::check(entered.as_ref(), &sources);
    let number =
        zone.as_ref().map(|z| z.document_number.clone()).or_else(|| licence.as_ref().map(|l| l.number.clone()));
    let duplicate = duplicate(db, &doc, session.as_ref().map(|s| s.account_id.as_str()), number.clone()).await?;

    let mut all_checks = image_checks;
    all_checks.extend(mrz_checks);
    all_checks.extend([expired, age, barcode, consistency, duplicate]);
    let status = if missing_input
        || all_checks.iter().any(|c| c.name == CheckName::ImageReadable && c.status == CheckStatus::Failed)
    {
        VerificationStatus::RequiresRetry
    } else if all_checks.iter().any(|c| c.status == CheckStatus::Failed) {
        VerificationStatus::Failed
    } else {
        VerificationStatus::Passed
    };
    let extracted = match (&zone, &licence) {
        (Some(z), _) => json!({
            "source": "mrz", "format": z.format, "document_number": z.document_number,
            "issuing_country": z.issuing_country, "nationality": z.nationality,
            "name_first": z.person.given_names, "name_last": z.person.surname,
            "birthdate": z.person.birthdate, "expiration_date": z.expires_on, "sex": z.sex,
        }),
        (None, Some(l)) => json!({
            "source": "barcode", "document_number": l.number, "name_first": l.person.given_names,
            "name_last": l.person.surname, "birthdate": l.person.birthdate, "expiration_date": l.expires_on,
            "jurisdiction": l.jurisdiction, "country": l.country,
        }),
        (None, None) => json!({}),
    };

    let mut tx = crate::db::begin(db).await?;
    sqlx::query(
        "UPDATE identity_verifications SET status = $1, checks_json = $2, extracted_json = $3, completed_at = $4,
                lease_until = NULL
         WHERE id = $5",
    )
    .bind(status)
    .bind(serde_json::to_string(&all_checks).map_err(anyhow::Error::from)?)
    .bind(extracted.to_string())
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if let Some(number) = &number {
        sqlx::query("UPDATE identity_documents SET document_number = $1 WHERE id = $2")
            .bind(number)
            .bind(&doc.id)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(session) = &session {
        super::decide::record_extracted(&mut tx, session, &doc.id, zone.as_ref(), licence.as_ref(), now).await?;
        super::decide::decide_if_done(&mut tx, org_id, &session.id, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn rank(s: CheckStatus) -> u8 {
    match s {
        CheckStatus::Passed => 0,
        CheckStatus::NotApplicable => 1,
        CheckStatus::Failed => 2,
    }
}

/// Whole years from `birthdate` to `today` (both `YYYY-MM-DD`).
pub fn age_on(birthdate: &str, today: &str) -> Option<i64> {
    let part = |s: &str, r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<i64>().ok());
    let (by, bm, bd) = (part(birthdate, 0..4)?, part(birthdate, 5..7)?, part(birthdate, 8..10)?);
    let (ty, tm, td) = (part(today, 0..4)?, part(today, 5..7)?, part(today, 8..10)?);
    Some(ty - by - i64::from((tm, td) < (bm, bd)))
}

/// `duplicate_document`: another account of the org used the same
/// document number, or the very same front image.
async fn duplicate(
    db: &Db,
    doc: &documents::Document,
    account_id: Option<&str>,
    number: Option<String>,
) -> CoreResult<Check> {
    let number = number.or_else(|| doc.document_number.clone());
    if number.is_none() && doc.front_sha256.is_none() {
        return Ok(Check::not_applicable(
            CheckName::DuplicateDocument,
            "neither a document number nor an image to compare",
        ));
    }
    let others: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT d.id, s.account_id, d.document_number FROM identity_documents d
         LEFT JOIN identity_sessions s ON s.id = d.session_id
         WHERE d.org_id = $1 AND d.id <> $2
           AND ((d.document_number = $3 AND d.country_code = $4) OR d.front_sha256 = $5)",
    )
    .bind(&doc.org_id)
    .bind(&doc.id)
    .bind(&number)
    .bind(&doc.country_code)
    .bind(&doc.front_sha256)
    .fetch_all(db)
    .await?;
    // The same person may show the same document again.
    let elsewhere: Vec<&(String, Option<String>, Option<String>)> =
        others.iter().filter(|(_, account, _)| account.as_deref() != account_id || account_id.is_none()).collect();
    Ok(match elsewhere.first() {
        None => Check::passed(CheckName::DuplicateDocument, json!({"document_number": number})),
        Some((other, _, other_number)) => {
            let what = if other_number.is_some() && *other_number == number { "document number" } else { "image" };
            Check::failed(
                CheckName::DuplicateDocument,
                format!("the same {what} was used by another account (document {other})"),
                json!({"other_document": other}),
            )
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn age_counts_whole_years_and_the_birthday_itself() {
        assert_eq!(super::age_on("2008-11-30", "2026-11-30"), Some(18));
        assert_eq!(super::age_on("2008-12-01", "2026-11-30"), Some(17));
        assert_eq!(super::age_on("not a date", "2026-11-30"), None);
    }
}
