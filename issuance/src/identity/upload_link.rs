//! The links a document's images are `PUT` to, without an API key (a phone
//! or a browser uploads straight to Laurel): the document, the side and an
//! expiry, signed with a key derived from the master key. A link works
//! until it expires, for that document and side only.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{CoreError, CoreResult};
use crate::keys::MasterKey;
use model::DocumentSide;

/// How long an upload link works.
pub const TTL_SECS: i64 = 15 * 60;

#[derive(Clone)]
pub struct UploadKey([u8; 32]);

impl std::fmt::Debug for UploadKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UploadKey(..)")
    }
}

impl UploadKey {
    pub fn new(master: &MasterKey) -> Self {
        UploadKey(master.derive("document upload links"))
    }

    fn signature(&self, document_id: &str, side: DocumentSide, expires: i64) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(format!("{document_id}\n{side}\n{expires}").as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// The link for one side, working for [`TTL_SECS`] from `now`.
    pub fn url(&self, public_url: &str, document_id: &str, side: DocumentSide, now: i64) -> String {
        let expires = now + TTL_SECS;
        format!(
            "{public_url}/v1/uploads/{document_id}/{side}?expires={expires}&signature={}",
            self.signature(document_id, side, expires)
        )
    }

    /// Whether a link is genuine and still works.
    pub fn check(
        &self,
        document_id: &str,
        side: DocumentSide,
        expires: i64,
        signature: &str,
        now: i64,
    ) -> CoreResult<()> {
        let expected = self.signature(document_id, side, expires);
        if !bool::from(expected.as_bytes().ct_eq(signature.as_bytes())) {
            return Err(CoreError::forbidden("This upload link is not valid: ask for a new one (GET the document)."));
        }
        if now > expires {
            return Err(CoreError::forbidden("This upload link has expired: ask for a new one (GET the document)."));
        }
        Ok(())
    }
}
