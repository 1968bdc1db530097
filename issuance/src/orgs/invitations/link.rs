//! The secret link of an invitation e-mail. Its token is derived from the
//! master key and the invitation id, so it is written nowhere: the
//! database keeps only its SHA-256, to find the invitation by it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::keys::MasterKey;

/// Turns an invitation id into the secret token of its link. Derived, not
/// stored, so the sender can put the link in the e-mail without the token
/// ever resting anywhere.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(..)")
    }
}

impl LinkKey {
    pub fn new(master: &MasterKey) -> Self {
        LinkKey(master.derive("invitation links"))
    }

    pub fn token(&self, invitation_id: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(invitation_id.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// The path of the invitation's page, secret included: for the e-mail only.
    pub fn path(&self, invitation_id: &str) -> String {
        format!("/invitations/{}", self.token(invitation_id))
    }
}

pub(super) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::MasterKey;

    #[test]
    fn a_link_token_is_fixed_per_invitation_and_key_and_unguessable_without_the_key() {
        let master = MasterKey::generate();
        let links = LinkKey::new(&master);
        assert_eq!(links.token("inv_1"), links.token("inv_1"));
        assert_ne!(links.token("inv_1"), links.token("inv_2"));
        assert_ne!(links.token("inv_1"), LinkKey::new(&MasterKey::generate()).token("inv_1"));
        assert_eq!(URL_SAFE_NO_PAD.decode(links.token("inv_1")).unwrap().len(), 32);
        assert!(links.path("inv_1").starts_with("/invitations/"));
    }
}
