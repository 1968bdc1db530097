//! Batch operations on keys, one result per item in request order: a bad
//! item never fails the batch (verify up to 100 secrets, import up to 1000
//! from a system being replaced).

use serde::{Deserialize, Serialize};

use super::{KeyProblem, Scope, find, insert, parse_name, parse_scopes};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};

pub const MAX_BATCH_VERIFY: usize = 100;
pub const MAX_BATCH_IMPORT: usize = 1000;

/// One result of a batch verification, in request order.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct KeyVerification {
    pub is_valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<Scope>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
}

/// Verifies up to 100 secrets for `org_id`. A key of another org is
/// reported as not found, so orgs learn nothing of each other's keys.
pub async fn batch_verify(db: &Db, org_id: &str, secrets: &[String]) -> CoreResult<Vec<KeyVerification>> {
    if secrets.is_empty() || secrets.len() > MAX_BATCH_VERIFY {
        return Err(CoreError::field("keys", format!("give 1 to {MAX_BATCH_VERIFY} keys, got {}", secrets.len())));
    }
    let mut out = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let invalid = |p: KeyProblem| KeyVerification {
            is_valid: false,
            error_code: Some(p.code().into()),
            key_id: None,
            name: None,
            scopes: None,
            actor_id: None,
        };
        out.push(match find(db, secret).await? {
            Ok(k) if k.org_id == org_id => KeyVerification {
                is_valid: true,
                error_code: None,
                key_id: Some(k.id),
                name: Some(k.name),
                scopes: Some(k.scopes),
                actor_id: k.actor_id,
            },
            Ok(_) => invalid(KeyProblem::KeyNotFound),
            Err(p) => invalid(p),
        });
    }
    Ok(out)
}

/// A legacy key to import.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ImportItem {
    pub raw_key: String,
    pub name: String,
    #[serde(default)]
    pub actor_id: Option<String>,
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ImportResult {
    pub index: usize,
    pub success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ImportReport {
    pub results: Vec<ImportResult>,
    pub success_count: usize,
    pub failure_count: usize,
}

/// Legacy secrets shorter than this are refused as guessable.
pub const MIN_IMPORTED_SECRET: usize = 12;

/// Why an imported secret is refused when it clashes with a key that exists
/// (in this org or any other). One answer for every clash, so a caller
/// cannot learn that a guessed secret is another org's key.
pub const KEY_REJECTED: &str = "key_rejected";

/// Imports up to 1000 existing secrets (from a system being replaced) so
/// they keep working. Each item succeeds or fails on its own. Imported keys
/// get `credentials:read` unless the item names scopes, and never a scope
/// outside `grantable` (the importing key's own scopes: a key cannot mint a
/// stronger one).
pub async fn batch_import(
    db: &Db,
    org_id: &str,
    items: &[ImportItem],
    created_by: Option<&str>,
    grantable: &[Scope],
) -> CoreResult<ImportReport> {
    if items.is_empty() || items.len() > MAX_BATCH_IMPORT {
        return Err(CoreError::field("keys", format!("give 1 to {MAX_BATCH_IMPORT} keys, got {}", items.len())));
    }
    let mut results = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let fail = |code: &str, message: String| ImportResult {
            index,
            success: false,
            key_id: None,
            error_code: Some(code.into()),
            message: Some(message),
        };
        let scopes = match &item.scopes {
            None => Ok(vec![Scope::CredentialsRead]),
            Some(list) => parse_scopes(&list.join(",")),
        };
        let beyond = scopes.as_ref().ok().and_then(|s| s.iter().find(|s| !grantable.contains(s)).copied());
        let result = match (scopes, parse_name(&item.name), beyond) {
            (Err(m), ..) => fail("invalid_scope", format!("[{index}].scopes: {m}")),
            (_, _, Some(scope)) => fail(
                "scope_not_held",
                format!("[{index}].scopes: '{scope}' is not a scope of the key making this request"),
            ),
            (_, Err(e), _) => fail("validation_failed", format!("[{index}].{e}")),
            _ if item.raw_key.trim().len() < MIN_IMPORTED_SECRET => {
                fail("key_too_short", format!("[{index}].raw_key: must be at least {MIN_IMPORTED_SECRET} characters"))
            }
            (Ok(scopes), Ok(name), None) => {
                match insert(
                    db,
                    org_id,
                    &name,
                    item.raw_key.trim(),
                    &scopes,
                    item.actor_id.as_deref(),
                    true,
                    created_by,
                )
                .await
                {
                    Ok(key) => {
                        ImportResult { index, success: true, key_id: Some(key.id), error_code: None, message: None }
                    }
                    Err(CoreError::Conflict(_)) => fail(
                        KEY_REJECTED,
                        format!("[{index}].raw_key: this key cannot be imported; issue a new key instead"),
                    ),
                    Err(e) => return Err(e),
                }
            }
        };
        results.push(result);
    }
    let success_count = results.iter().filter(|r| r.success).count();
    Ok(ImportReport { failure_count: results.len() - success_count, success_count, results })
}
