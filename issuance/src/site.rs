//! This deployment, as every request handler needs it: the database, the
//! keys, and the address people reach it at. The dashboard's server
//! functions, the REST API and the plain HTTP handlers all hold one.

use crate::clock::Clock;
use crate::db::Db;
use crate::identity::storage::{Files, LocalEncrypted};
use crate::identity::upload_link::UploadKey;
use crate::keys::MasterKey;
use crate::orgs::invitations::LinkKey;

#[derive(Clone)]
pub struct Site {
    pub db: Db,
    pub master_key: MasterKey,
    /// Makes the secret links of invitation e-mails.
    pub invitation_links: LinkKey,
    /// The externally visible base URL, e.g. `http://127.0.0.1:3000`.
    pub public_url: String,
    /// Whether mail is sent (`LAUREL_SMTP_URL` is set); otherwise it waits in the outbox.
    pub smtp_configured: bool,
    /// "Now", for the handlers to pass to the core.
    pub clock: Clock,
    /// `LAUREL_WEBHOOKS_ALLOW_PRIVATE`: audit streams may use plain http
    /// and private addresses.
    pub webhooks_allow_private: bool,
    /// Where identity documents' images are kept.
    pub files: Files,
    /// Signs the links those images are uploaded to.
    pub upload_key: UploadKey,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site").field("public_url", &self.public_url).finish_non_exhaustive()
    }
}

impl Site {
    pub fn new(db: Db, master_key: MasterKey, public_url: impl Into<String>, smtp_configured: bool) -> Self {
        Site {
            invitation_links: LinkKey::new(&master_key),
            files: std::sync::Arc::new(LocalEncrypted::new("data/identity-files", &master_key)),
            upload_key: UploadKey::new(&master_key),
            db,
            master_key,
            public_url: public_url.into(),
            smtp_configured,
            clock: Clock::system(),
            webhooks_allow_private: false,
        }
    }

    /// Keeps identity documents' images under `data_dir`.
    pub fn with_data_dir(mut self, data_dir: &std::path::Path) -> Self {
        self.files = std::sync::Arc::new(LocalEncrypted::new(data_dir.join("identity-files"), &self.master_key));
        self
    }
}
