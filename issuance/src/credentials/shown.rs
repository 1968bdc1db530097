//! A signed credential read back for people: the typed view of what its
//! payload says (an Open Badges 3.0 `OpenBadgeCredential` or one of the
//! reference API's types), so pages show fields by name instead of walking
//! JSON. It reads any credential we signed, old or new; what is absent is
//! `None`.

use serde::Deserialize;

use crate::error::{CoreError, CoreResult};
use crate::jws;

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Shown {
    #[serde(rename = "type", default)]
    pub types: Vec<String>,
    pub name: Option<String>,
    pub issuer: Option<IssuerShown>,
    #[serde(rename = "credentialSubject", default)]
    pub subject: SubjectShown,
    #[serde(rename = "credentialStatus")]
    pub status: Option<StatusShown>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct IssuerShown {
    pub id: Option<String>,
    pub name: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct SubjectShown {
    pub name: Option<String>,
    pub achievement: Option<AchievementShown>,
    #[serde(default)]
    pub identifier: Vec<IdentityShown>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct AchievementShown {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub criteria: Option<CriteriaShown>,
    pub image: Option<ImageShown>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct CriteriaShown {
    pub narrative: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct ImageShown {
    pub id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct IdentityShown {
    #[serde(rename = "identityType")]
    pub identity_type: Option<String>,
    #[serde(default)]
    pub hashed: bool,
    #[serde(rename = "identityHash")]
    pub identity_hash: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct StatusShown {
    #[serde(rename = "statusListCredential")]
    pub list_url: Option<String>,
    #[serde(rename = "statusListIndex")]
    pub index: Option<String>,
}

impl Shown {
    /// Reads the payload of a stored token (its signature was checked when
    /// it was made; this is for display).
    pub fn of_token(token: &str) -> CoreResult<Shown> {
        let decoded = jws::decode(token).map_err(|e| CoreError::Internal(anyhow::anyhow!("stored token: {e}")))?;
        serde_json::from_value(decoded.payload)
            .map_err(|e| CoreError::Internal(anyhow::anyhow!("stored credential payload: {e}")))
    }

    /// The credential's own type, past `VerifiableCredential`.
    pub fn kind(&self) -> Option<&str> {
        self.types.iter().map(String::as_str).find(|t| *t != "VerifiableCredential")
    }

    /// Open Badges carries the recipient's name as an unhashed identifier;
    /// other credentials name their subject.
    pub fn recipient_name(&self) -> Option<&str> {
        self.subject
            .identifier
            .iter()
            .find(|i| i.identity_type.as_deref() == Some("name") && !i.hashed)
            .and_then(|i| i.identity_hash.as_deref())
            .or(self.subject.name.as_deref())
    }

    /// The badge's name, the credential's, or its subject's.
    pub fn title(&self) -> Option<&str> {
        self.achievement().and_then(|a| a.name.as_deref()).or(self.name.as_deref()).or(self.subject.name.as_deref())
    }

    pub fn achievement(&self) -> Option<&AchievementShown> {
        self.subject.achievement.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_payload_reads_by_name_and_a_bare_one_reads_as_absent() {
        let badge: Shown = serde_json::from_value(serde_json::json!({
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:web:x", "name": "Acme", "type": ["Profile"]},
            "credentialSubject": {
                "achievement": {"id": "https://x/badges/b", "name": "Safety", "criteria": {"narrative": "Pass"}},
                "identifier": [
                    {"identityType": "emailAddress", "hashed": true, "identityHash": "sha256$00"},
                    {"identityType": "name", "hashed": false, "identityHash": "Jane Doe"}
                ]
            },
            "credentialStatus": {"statusListCredential": "https://x/sl", "statusListIndex": "7"}
        }))
        .unwrap();
        assert_eq!(badge.kind(), Some("OpenBadgeCredential"));
        assert_eq!(badge.recipient_name(), Some("Jane Doe"));
        assert_eq!(badge.title(), Some("Safety"));
        assert_eq!(badge.status.unwrap().index.as_deref(), Some("7"));

        let bare: Shown =
            serde_json::from_value(serde_json::json!({"credentialSubject": {"name": "WidgetCorp"}})).unwrap();
        assert_eq!((bare.kind(), bare.recipient_name(), bare.title()), (None, Some("WidgetCorp"), Some("WidgetCorp")));
    }
}
