//! API keys: how scripts authenticate (`X-Api-Key`). A key belongs to one
//! org and carries scopes. Only the SHA-256 of the secret is stored; the
//! secret is shown once, when the key is made. (A fast hash is right here:
//! secrets are 256 random bits, so there is nothing to guess.)

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::{clock, ids};

pub mod batch;
pub mod delegate;

pub use batch::{
    ImportItem, ImportReport, ImportResult, KEY_REJECTED, KeyVerification, MAX_BATCH_IMPORT, MAX_BATCH_VERIFY,
    MIN_IMPORTED_SECRET, batch_import, batch_verify,
};

/// Generated secrets start with this, so they are recognisable in logs and
/// secret scanners.
pub const SECRET_PREFIX: &str = "lrl_";

pub use model::scope::{Scope, join_scopes, parse_scopes};

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A key as listed: never its secret.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ApiKey {
    pub id: String,
    pub org_id: String,
    pub name: String,
    /// The secret's first characters, to tell keys apart.
    pub hint: String,
    pub scopes: Vec<Scope>,
    pub actor_id: Option<String>,
    pub imported: bool,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    org_id: String,
    name: String,
    hint: String,
    scopes: String,
    actor_id: Option<String>,
    /// 0 or 1: a flag is BIGINT on both backends, as SQLite has no boolean.
    imported: i64,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl From<Row> for ApiKey {
    fn from(r: Row) -> Self {
        ApiKey {
            scopes: r.scopes.split(' ').filter_map(|s| s.parse().ok()).collect(),
            id: r.id,
            org_id: r.org_id,
            name: r.name,
            hint: r.hint,
            actor_id: r.actor_id,
            imported: r.imported != 0,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

/// `imported` is cast because SQLite's column was declared BOOLEAN, a type
/// sqlx's `Any` driver cannot read; the value is 0 or 1 on both backends.
const COLUMNS: &str = "id, org_id, name, hint, scopes, actor_id, CAST(imported AS BIGINT) AS imported, created_at, last_used_at, revoked_at";

/// A new key and its secret, which is never shown again.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct IssuedKey {
    #[serde(flatten)]
    pub key: ApiKey,
    pub secret: String,
}

pub(crate) fn parse_name(name: &str) -> CoreResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::field("name", "is required"));
    }
    if name.chars().count() > 100 {
        return Err(CoreError::field("name", "must be at most 100 characters"));
    }
    Ok(name.to_owned())
}

pub async fn create(
    db: &Db,
    org_id: &str,
    name: &str,
    scopes: &[Scope],
    created_by: Option<&str>,
) -> CoreResult<IssuedKey> {
    let made = NewKey { name, scopes, actor_id: None, created_by };
    create_as(db, org_id, made, crate::audit::Actor::user(created_by)).await
}

/// A key to create, and who it is for.
pub struct NewKey<'a> {
    pub name: &'a str,
    pub scopes: &'a [Scope],
    /// Whom the key acts for, as the caller names them (`--actor`).
    pub actor_id: Option<&'a str>,
    /// The member who created it, when a member did.
    pub created_by: Option<&'a str>,
}

/// Creates a key with a fresh secret, recording `actor` as who did it.
pub async fn create_as(
    db: &Db,
    org_id: &str,
    new: NewKey<'_>,
    actor: crate::audit::Actor<'_>,
) -> CoreResult<IssuedKey> {
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let secret = format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(raw));
    let name = parse_name(new.name)?;
    let key = insert(db, org_id, &name, &secret, new.scopes, new.actor_id, false, new.created_by).await?;
    let entry = crate::audit::Entry::new(
        actor,
        crate::audit::AuditAction::ApiKeyCreated,
        Some(&key.id),
        format!("API key “{}” created", key.name),
    )
    .with(serde_json::json!({"scopes": key.scopes}));
    crate::audit::record(db, org_id, entry).await?;
    Ok(IssuedKey { key, secret })
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert(
    db: &Db,
    org_id: &str,
    name: &str,
    secret: &str,
    scopes: &[Scope],
    actor_id: Option<&str>,
    imported: bool,
    created_by: Option<&str>,
) -> CoreResult<ApiKey> {
    if scopes.is_empty() {
        return Err(CoreError::field("scopes", "give at least one scope"));
    }
    let key = ApiKey {
        id: ids::new_id("key"),
        org_id: org_id.to_owned(),
        name: name.to_owned(),
        hint: secret.chars().take(8).collect(),
        scopes: scopes.to_vec(),
        actor_id: actor_id.map(str::to_owned),
        imported,
        created_at: clock::now(),
        last_used_at: None,
        revoked_at: None,
    };
    let done = sqlx::query(
        "INSERT INTO api_keys (id, org_id, name, secret_hash, hint, scopes, actor_id, imported, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (secret_hash) DO NOTHING",
    )
    .bind(&key.id)
    .bind(org_id)
    .bind(&key.name)
    .bind(hash(secret))
    .bind(&key.hint)
    .bind(join_scopes(scopes))
    .bind(&key.actor_id)
    .bind(i64::from(imported))
    .bind(created_by)
    .bind(key.created_at)
    .execute(db)
    .await?;
    if done.rows_affected() == 0 {
        return Err(CoreError::conflict("a key with this secret exists already"));
    }
    Ok(key)
}

pub async fn list(db: &Db, org_id: &str) -> CoreResult<Vec<ApiKey>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC"
    ))
    .bind(org_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(ApiKey::from).collect())
}

pub async fn revoke(db: &Db, org_id: &str, key_id: &str, actor: Option<&str>) -> CoreResult<()> {
    revoke_as(db, org_id, key_id, crate::audit::Actor::user(actor)).await
}

/// Revokes the org's active key `key_id`, recording `actor` as who did it.
pub(crate) async fn revoke_as(db: &Db, org_id: &str, key_id: &str, actor: crate::audit::Actor<'_>) -> CoreResult<()> {
    let done = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND org_id = $3 AND revoked_at IS NULL")
        .bind(clock::now())
        .bind(key_id)
        .bind(org_id)
        .execute(db)
        .await?;
    if done.rows_affected() == 0 {
        return Err(CoreError::NotFound);
    }
    let entry = crate::audit::Entry::new(
        actor,
        crate::audit::AuditAction::ApiKeyRevoked,
        Some(key_id),
        format!("API key {key_id} revoked"),
    );
    crate::audit::record(db, org_id, entry).await?;
    Ok(())
}

/// Why a presented secret is not a usable key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyProblem {
    KeyNotFound,
    KeyRevoked,
}

impl KeyProblem {
    pub fn code(self) -> &'static str {
        match self {
            KeyProblem::KeyNotFound => "key_not_found",
            KeyProblem::KeyRevoked => "key_revoked",
        }
    }
}

/// Looks a secret up without side effects.
pub async fn find(db: &Db, secret: &str) -> CoreResult<Result<ApiKey, KeyProblem>> {
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM api_keys WHERE secret_hash = $1"))
        .bind(hash(secret.trim()))
        .fetch_optional(db)
        .await?;
    Ok(match row.map(ApiKey::from) {
        None => Err(KeyProblem::KeyNotFound),
        Some(k) if k.revoked_at.is_some() => Err(KeyProblem::KeyRevoked),
        Some(k) => Ok(k),
    })
}

/// How often a key's `last_used_at` is brought up to date, at most.
const LAST_USED_EVERY_SECS: i64 = 60;

/// Authenticates a request's key and notes when it was last used.
pub async fn authenticate(db: &Db, secret: &str) -> CoreResult<ApiKey> {
    match find(db, secret).await? {
        Ok(key) => {
            let now = clock::now();
            // Coarse on purpose: at most one write a minute per key, and
            // none when the key says it was used within the minute. A
            // write waits its turn with the jobs' writes (`db::begin`);
            // run on every request, each one waited on SQLite's lock while
            // holding a pool connection that pages needed.
            if key.last_used_at.is_none_or(|at| at < now - LAST_USED_EVERY_SECS) {
                let mut tx = crate::db::begin(db).await?;
                sqlx::query(
                    "UPDATE api_keys SET last_used_at = $1
                     WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
                )
                .bind(now)
                .bind(&key.id)
                .bind(now - LAST_USED_EVERY_SECS)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
            Ok(key)
        }
        Err(KeyProblem::KeyRevoked) => Err(CoreError::Unauthenticated("This API key has been revoked.".into())),
        Err(KeyProblem::KeyNotFound) => {
            Err(CoreError::Unauthenticated("The X-Api-Key header does not hold a valid API key.".into()))
        }
    }
}

impl ApiKey {
    pub fn require(&self, scope: Scope) -> CoreResult<()> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(CoreError::forbidden(format!("This API key lacks the '{scope}' scope.")))
        }
    }
}
