//! Organisation signing keys, encrypted at rest.
//!
//! Each approved org has its own P-256 key. The private scalar is sealed
//! with AES-256-GCM under the deployment's master key; the key id and org id
//! are bound in as associated data, so a sealed key copied onto another
//! org's row fails to open.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use p256::ecdsa::SigningKey;
use p256::elliptic_curve::Generate;
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::{clock, ids};

/// The deployment's 256-bit key-encryption key.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// Parses a base64 (standard alphabet) encoding of 32 bytes.
    pub fn from_base64(encoded: &str) -> CoreResult<Self> {
        let bytes = STANDARD.decode(encoded.trim()).map_err(|e| anyhow::anyhow!("master key is not base64: {e}"))?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| anyhow::anyhow!("master key must be 32 bytes"))?;
        Ok(Self(key))
    }

    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self(key)
    }

    /// Reads the key file, or creates it (mode 0600) on first run. This is
    /// the embedded default; production sets `LAUREL_MASTER_KEY` instead.
    pub fn load_or_create(path: &Path) -> CoreResult<Self> {
        if path.exists() {
            let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("reading {path:?}: {e}"))?;
            return Self::from_base64(&text);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("creating {dir:?}: {e}"))?;
        }
        let key = Self::generate();
        write_private(path, STANDARD.encode(key.0).as_bytes())?;
        Ok(key)
    }

    /// A key for one purpose other than sealing, derived so that knowing it
    /// reveals neither the master key nor any other purpose's key.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(b"laurel derived key\0");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    pub(crate) fn seal(&self, plaintext: &[u8], aad: &str) -> CoreResult<String> {
        let cipher = Aes256Gcm::new_from_slice(&self.0).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: aad.as_bytes() })
            .map_err(|_| anyhow::anyhow!("sealing a signing key failed"))?;
        Ok(format!("v1.{}.{}", URL_SAFE_NO_PAD.encode(nonce), URL_SAFE_NO_PAD.encode(sealed)))
    }

    pub(crate) fn open(&self, sealed: &str, aad: &str) -> CoreResult<Vec<u8>> {
        let bad =
            || CoreError::Internal(anyhow::anyhow!("a sealed signing key is malformed or the master key is wrong"));
        let mut parts = sealed.split('.');
        let (Some("v1"), Some(nonce), Some(body), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let nonce = URL_SAFE_NO_PAD.decode(nonce).map_err(|_| bad())?;
        let body = URL_SAFE_NO_PAD.decode(body).map_err(|_| bad())?;
        if nonce.len() != 12 {
            return Err(bad());
        }
        let cipher = Aes256Gcm::new_from_slice(&self.0).map_err(|e| anyhow::anyhow!("{e}"))?;
        cipher.decrypt(Nonce::from_slice(&nonce), Payload { msg: &body, aad: aad.as_bytes() }).map_err(|_| bad())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> CoreResult<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| anyhow::anyhow!("creating {path:?}: {e}"))?;
    f.write_all(bytes).map_err(|e| anyhow::anyhow!("writing {path:?}: {e}"))?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> CoreResult<()> {
    std::fs::write(path, bytes).map_err(|e| anyhow::anyhow!("writing {path:?}: {e}").into())
}

/// A public key as a JWK (RFC 7517) for DID documents.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PublicJwk {
    pub kty: String,
    pub crv: String,
    pub x: String,
    pub y: String,
}

impl PublicJwk {
    pub fn of(key: &SigningKey) -> Self {
        let point = key.verifying_key().to_sec1_point(false);
        PublicJwk {
            kty: "EC".into(),
            crv: "P-256".into(),
            x: URL_SAFE_NO_PAD.encode(point.x().expect("uncompressed point has x")),
            y: URL_SAFE_NO_PAD.encode(point.y().expect("uncompressed point has y")),
        }
    }
}

fn aad(key_id: &str, org_id: &str) -> String {
    format!("{key_id}|{org_id}")
}

/// Creates a new signing key for `org_id` inside the caller's transaction.
pub async fn provision(tx: &mut crate::db::Conn, master: &MasterKey, org_id: &str) -> CoreResult<String> {
    let key_id = ids::new_id("key");
    let signing = SigningKey::generate();
    let sealed = master.seal(&signing.to_bytes(), &aad(&key_id, org_id))?;
    let jwk = serde_json::to_string(&PublicJwk::of(&signing)).map_err(anyhow::Error::from)?;
    sqlx::query(
        "INSERT INTO signing_keys (id, org_id, algorithm, public_jwk, private_key_enc, created_at)
         VALUES ($1, $2, 'ES256', $3, $4, $5)",
    )
    .bind(&key_id)
    .bind(org_id)
    .bind(jwk)
    .bind(sealed)
    .bind(clock::now())
    .execute(&mut *tx)
    .await?;
    Ok(key_id)
}

/// Opens a sealed key from its row.
pub fn unseal(master: &MasterKey, key_id: &str, org_id: &str, sealed: &str) -> CoreResult<SigningKey> {
    let bytes = master.open(sealed, &aad(key_id, org_id))?;
    SigningKey::from_slice(&bytes).map_err(|e| CoreError::Internal(anyhow::anyhow!("sealed key: {e}")))
}

/// The key new credentials of `org_id` are signed with, unsealed.
pub async fn active(tx: &mut crate::db::Conn, master: &MasterKey, org_id: &str) -> CoreResult<(String, SigningKey)> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT id, private_key_enc FROM signing_keys
         WHERE org_id = $1 AND retired_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(org_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (key_id, sealed) = row.ok_or_else(|| {
        CoreError::Unprocessable(
            "This organisation has no signing key yet: it must be approved before it can issue.".into(),
        )
    })?;
    let key = unseal(master, &key_id, org_id, &sealed)?;
    Ok((key_id, key))
}

/// Retires the current key and creates a new one. Retired keys stay in the
/// DID document, so credentials they signed keep verifying.
pub async fn rotate(db: &crate::db::Db, master: &MasterKey, org_id: &str, actor: Option<&str>) -> CoreResult<String> {
    let mut tx = crate::db::begin(db).await?;
    sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE org_id = $2 AND retired_at IS NULL")
        .bind(clock::now())
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    let key_id = provision(&mut tx, master, org_id).await?;
    let entry = crate::audit::Entry::new(
        crate::audit::Actor::user(actor),
        crate::audit::AuditAction::SigningKeyRotated,
        Some(&key_id),
        format!("Signing key rotated; new key {key_id}"),
    );
    crate::audit::record(&mut *tx, org_id, entry).await?;
    tx.commit().await?;
    Ok(key_id)
}

/// A public key as the settings page and the DID document show it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PublicKeyInfo {
    pub key_id: String,
    pub jwk: PublicJwk,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

/// Every key the org has had, newest first.
pub async fn public_keys(db: &crate::db::Db, org_id: &str) -> CoreResult<Vec<PublicKeyInfo>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: String,
        public_jwk: String,
        created_at: i64,
        retired_at: Option<i64>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, public_jwk, created_at, retired_at FROM signing_keys WHERE org_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(org_id)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(PublicKeyInfo {
                jwk: serde_json::from_str(&r.public_jwk).map_err(|e| anyhow::anyhow!("stored JWK of {}: {e}", r.id))?,
                key_id: r.id,
                created_at: r.created_at,
                retired_at: r.retired_at,
            })
        })
        .collect()
}

impl PublicJwk {
    /// The verifying key this JWK describes.
    pub fn verifying_key(&self) -> Option<p256::ecdsa::VerifyingKey> {
        let x = URL_SAFE_NO_PAD.decode(&self.x).ok()?;
        let y = URL_SAFE_NO_PAD.decode(&self.y).ok()?;
        if self.kty != "EC" || self.crv != "P-256" || x.len() != 32 || y.len() != 32 {
            return None;
        }
        let mut sec1 = Vec::with_capacity(65);
        sec1.push(0x04);
        sec1.extend_from_slice(&x);
        sec1.extend_from_slice(&y);
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_for_its_own_key_and_org() {
        let master = MasterKey::generate();
        let key = SigningKey::generate();
        let sealed = master.seal(&key.to_bytes(), &aad("key_1", "org_a")).unwrap();
        let opened = unseal(&master, "key_1", "org_a", &sealed).unwrap();
        assert_eq!(opened.to_bytes(), key.to_bytes());
        assert!(unseal(&master, "key_1", "org_b", &sealed).is_err());
        assert!(unseal(&MasterKey::generate(), "key_1", "org_a", &sealed).is_err());
    }

    #[test]
    fn a_public_jwk_gives_back_the_verifying_key() {
        let key = SigningKey::generate();
        let jwk = PublicJwk::of(&key);
        assert_eq!(jwk.verifying_key().as_ref(), Some(key.verifying_key()));
        let broken = PublicJwk { x: "AAAA".into(), ..jwk };
        assert!(broken.verifying_key().is_none());
    }

    #[test]
    fn the_master_key_file_is_created_once_and_reread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/master.key");
        let first = MasterKey::load_or_create(&path).unwrap();
        let again = MasterKey::load_or_create(&path).unwrap();
        assert_eq!(first.0, again.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
