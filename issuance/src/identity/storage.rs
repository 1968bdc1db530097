//! Where document images are kept: out of the database, behind a small
//! trait a later S3-compatible store can implement. The one store today
//! writes each file under `LAUREL_DATA_DIR/identity-files/`, encrypted with
//! AES-256-GCM under a key derived from the master key (as signing keys are
//! sealed), the file's name bound in as associated data so one file cannot
//! stand in for another.

use std::path::PathBuf;
use std::sync::Arc;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;

use crate::error::CoreResult;
use crate::keys::MasterKey;

/// Stores opaque files by key (`doc_…/front`).
#[async_trait::async_trait]
pub trait FileStore: Send + Sync {
    async fn put(&self, key: &str, bytes: &[u8]) -> CoreResult<()>;
    /// `None` when there is no such file (never stored, or deleted).
    async fn get(&self, key: &str) -> CoreResult<Option<Vec<u8>>>;
    async fn delete(&self, key: &str) -> CoreResult<()>;
}

pub type Files = Arc<dyn FileStore>;

/// Encrypted files in a local folder.
pub struct LocalEncrypted {
    dir: PathBuf,
    key: [u8; 32],
}

impl LocalEncrypted {
    pub fn new(dir: impl Into<PathBuf>, master: &MasterKey) -> Self {
        LocalEncrypted { dir: dir.into(), key: master.derive("identity document files") }
    }

    /// Keys are ids Laurel made (`doc_…/front`); anything else is refused
    /// rather than turned into a path.
    fn path(&self, key: &str) -> CoreResult<PathBuf> {
        let safe = !key.is_empty()
            && key.split('/').all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            });
        if !safe {
            return Err(anyhow::anyhow!("not a file key: {key:?}").into());
        }
        Ok(self.dir.join(format!("{}.enc", key.replace('/', "."))))
    }

    fn cipher(&self) -> CoreResult<Aes256Gcm> {
        Ok(Aes256Gcm::new_from_slice(&self.key).map_err(|e| anyhow::anyhow!("{e}"))?)
    }
}

#[async_trait::async_trait]
impl FileStore for LocalEncrypted {
    async fn put(&self, key: &str, bytes: &[u8]) -> CoreResult<()> {
        let path = self.path(key)?;
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher()?
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: bytes, aad: key.as_bytes() })
            .map_err(|_| anyhow::anyhow!("encrypting {key} failed"))?;
        let mut out = Vec::with_capacity(12 + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        tokio::fs::create_dir_all(&self.dir).await.map_err(|e| anyhow::anyhow!("creating {:?}: {e}", self.dir))?;
        // Written aside and renamed: a reader never sees half a file.
        let partial = path.with_extension("part");
        tokio::fs::write(&partial, &out).await.map_err(|e| anyhow::anyhow!("writing {partial:?}: {e}"))?;
        tokio::fs::rename(&partial, &path).await.map_err(|e| anyhow::anyhow!("renaming {partial:?}: {e}"))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> CoreResult<Option<Vec<u8>>> {
        let path = self.path(key)?;
        let sealed = match tokio::fs::read(&path).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(anyhow::anyhow!("reading {path:?}: {e}").into()),
        };
        if sealed.len() < 12 {
            return Err(anyhow::anyhow!("{path:?} is too short to be a sealed file").into());
        }
        let (nonce, body) = sealed.split_at(12);
        let plain = self
            .cipher()?
            .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad: key.as_bytes() })
            .map_err(|_| anyhow::anyhow!("{path:?} does not open with this master key"))?;
        Ok(Some(plain))
    }

    async fn delete(&self, key: &str) -> CoreResult<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(anyhow::anyhow!("deleting {key}: {e}").into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_is_stored_encrypted_read_back_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalEncrypted::new(dir.path(), &MasterKey::generate());
        store.put("doc_1/front", b"JPEG bytes").await.unwrap();
        let on_disk = std::fs::read(dir.path().join("doc_1.front.enc")).unwrap();
        assert!(!on_disk.windows(10).any(|w| w == b"JPEG bytes"), "not in the clear");
        assert_eq!(store.get("doc_1/front").await.unwrap().as_deref(), Some(&b"JPEG bytes"[..]));
        // Moved under another name, it does not open.
        std::fs::copy(dir.path().join("doc_1.front.enc"), dir.path().join("doc_2.front.enc")).unwrap();
        assert!(store.get("doc_2/front").await.is_err());
        store.delete("doc_1/front").await.unwrap();
        assert_eq!(store.get("doc_1/front").await.unwrap(), None);
        assert!(store.put("../etc/passwd", b"x").await.is_err());
    }
}
