//! Parsing an issue request: untrusted JSON in, a typed request out, or
//! every problem with its field path. The rules per credential type follow
//! the reference API (seed 001): required subject shape, required claims
//! and their enumerations, the wallet delegation rule, and one claims
//! sub-schema per attestation type.

use serde_json::{Map, Value};

use super::award::{self, Award, AwardField, AwardInput};
use super::check::Checker;
use crate::email::EmailAddress;
use crate::error::{CoreError, CoreResult};
use claims::{agent_claims, business_claims, outcome_claims, user_claims};

pub use model::CredentialType;

pub const ATTESTATION_TYPES: [&str; 6] = [
    "transaction_attested",
    "stripe_payment_authorized",
    "kyb_outcome",
    "document_validation",
    "identity_verification",
    "email_risk",
];

/// The longest recipient name accepted, in characters: enough for any real
/// name, and it keeps e-mails, pages and credentials of sane size.
pub const MAX_RECIPIENT_NAME: usize = 200;

/// A badge recipient, from a CSV row or an API call.
#[derive(Clone, Debug, PartialEq)]
pub struct Recipient {
    pub name: String,
    pub email: EmailAddress,
}

/// A request that passed every check.
#[derive(Clone, Debug, PartialEq)]
pub struct IssueRequest {
    pub credential_type: CredentialType,
    pub attestation_type: Option<String>,
    /// `{id, type, name}` as given (for badges: the recipient).
    pub subject: Map<String, Value>,
    pub claims: Map<String, Value>,
    pub expires_at: Option<i64>,
    pub badge_id: Option<String>,
    pub recipient: Option<Recipient>,
    /// A badge's narrative, evidence and award date (empty otherwise).
    pub award: Award,
}

impl IssueRequest {
    /// What the quota counts: the recipient's e-mail for badges, the subject
    /// id otherwise.
    pub fn recipient_key(&self) -> String {
        match &self.recipient {
            Some(r) => r.email.to_string(),
            None => format!("subject:{}", self.subject.get("id").and_then(Value::as_str).unwrap_or_default()),
        }
    }

    pub fn subject_id(&self) -> Option<&str> {
        self.subject.get("id").and_then(Value::as_str)
    }

    /// Parses a JSON request body. Every problem is reported, each with its
    /// field path.
    pub fn parse(body: &Value) -> CoreResult<IssueRequest> {
        let mut c = Checker::default();
        let Value::Object(root) = body else {
            return Err(CoreError::field("", "the request body must be a JSON object"));
        };
        let Some(kind) = c.string(root, "", "credential_type") else {
            return Err(CoreError::Validation(c.errors));
        };
        let kind = match kind.parse::<CredentialType>() {
            Ok(k) => k,
            Err(m) => {
                c.fail("credential_type", m);
                return Err(CoreError::Validation(c.errors));
            }
        };
        let expires_at = c.datetime(root, "", "expires_at", false);
        let request = match kind {
            CredentialType::Badge => parse_badge(&mut c, root, expires_at),
            _ => parse_subject_claims(&mut c, root, kind, expires_at),
        };
        match request {
            Some(r) if c.ok() => Ok(r),
            _ => Err(CoreError::Validation(c.errors)),
        }
    }
}

fn parse_badge(c: &mut Checker, root: &Map<String, Value>, expires_at: Option<i64>) -> Option<IssueRequest> {
    let mut known = vec!["credential_type", "badge_id", "recipient", "expires_at"];
    known.extend(AWARD_FIELDS);
    c.only(root, "", &known);
    let award = parse_award(c, root);
    let badge_id = c.string(root, "", "badge_id").map(str::to_owned);
    let recipient = c.object(root, "", "recipient").and_then(|r| {
        c.only(r, "recipient", &["name", "email"]);
        let name = c.string(r, "recipient", "name").map(|n| n.trim().to_owned()).and_then(|n| {
            if n.chars().count() > MAX_RECIPIENT_NAME {
                c.fail("recipient.name", format!("must be at most {MAX_RECIPIENT_NAME} characters"));
                return None;
            }
            Some(n)
        });
        let email = c.string(r, "recipient", "email").and_then(|e| match EmailAddress::parse(e) {
            Ok(e) => Some(e),
            Err(m) => {
                c.fail("recipient.email", m);
                None
            }
        });
        Some(Recipient { name: name?, email: email? })
    });
    let recipient = recipient?;
    let mut subject = Map::new();
    subject.insert("type".into(), "person".into());
    subject.insert("name".into(), recipient.name.clone().into());
    subject.insert("email".into(), recipient.email.to_string().into());
    Some(IssueRequest {
        credential_type: CredentialType::Badge,
        attestation_type: None,
        subject,
        claims: Map::new(),
        expires_at,
        badge_id: Some(badge_id?),
        recipient: Some(recipient),
        award: award?,
    })
}

/// The per-recipient fields a badge request may carry, named as the CSV
/// columns are; `expires_at` is the request's own (an RFC 3339 date-time).
const AWARD_FIELDS: [&str; 4] = ["narrative", "evidence_url", "evidence_name", "issued_on"];

fn parse_award(c: &mut Checker, root: &Map<String, Value>) -> Option<Award> {
    let mut input = AwardInput::default();
    for field in AWARD_FIELDS {
        if let Some(v) = c.opt_string(root, "", field) {
            input.set(field.parse::<AwardField>().expect("named in AwardField"), v.to_owned());
        }
    }
    match award::parse(&input) {
        Ok((award, _)) => Some(award),
        Err(errors) => {
            for e in errors {
                c.fail(e.field.as_str(), e.message);
            }
            None
        }
    }
}

fn parse_subject_claims(
    c: &mut Checker,
    root: &Map<String, Value>,
    kind: CredentialType,
    expires_at: Option<i64>,
) -> Option<IssueRequest> {
    let mut known = vec!["credential_type", "subject", "claims", "expires_at"];
    if kind == CredentialType::OutcomeAttestation {
        known.push("attestation_type");
    }
    c.only(root, "", &known);
    let attestation_type = if kind == CredentialType::OutcomeAttestation {
        c.one_of(root, "", "attestation_type", &ATTESTATION_TYPES).map(str::to_owned)
    } else {
        None
    };
    let subject = c.object(root, "", "subject");
    if let Some(subject) = subject {
        check_subject(c, subject, kind);
    }
    let claims = c.object(root, "", "claims");
    if let Some(claims) = claims {
        match kind {
            CredentialType::Business => business_claims(c, claims),
            CredentialType::User => user_claims(c, claims),
            CredentialType::AgentAuthorization => agent_claims(c, claims),
            CredentialType::OutcomeAttestation => {
                if let Some(t) = attestation_type.as_deref() {
                    outcome_claims(c, claims, t);
                }
            }
            CredentialType::Badge => {}
        }
    }
    Some(IssueRequest {
        credential_type: kind,
        attestation_type,
        subject: subject?.clone(),
        claims: claims?.clone(),
        expires_at,
        badge_id: None,
        recipient: None,
        award: Award::default(),
    })
}

fn check_subject(c: &mut Checker, subject: &Map<String, Value>, kind: CredentialType) {
    c.only(subject, "subject", &["id", "type", "name"]);
    c.string(subject, "subject", "id");
    let expected_type: &[&str] = match kind {
        // British spelling, as the reference schema has it.
        CredentialType::Business => &["organisation"],
        CredentialType::User => &["person"],
        CredentialType::AgentAuthorization => &["agent"],
        _ => &[],
    };
    if expected_type.is_empty() {
        c.string(subject, "subject", "type");
    } else if let Some(t) = c.string(subject, "subject", "type")
        && !expected_type.contains(&t)
    {
        let hint = if t == "organization" { " (British spelling: 'organisation')" } else { "" };
        c.fail("subject.type", format!("expected '{}', got '{t}'{hint}", expected_type[0]));
    }
    match (kind, subject.get("name")) {
        (CredentialType::User, Some(Value::Object(name))) => {
            c.only(name, "subject.name", &["first", "last"]);
            c.string(name, "subject.name", "first");
            c.string(name, "subject.name", "last");
        }
        (CredentialType::User, Some(_)) => c.fail("subject.name", "expected an object with 'first' and 'last'"),
        (CredentialType::Business | CredentialType::AgentAuthorization, _) => {
            c.string(subject, "subject", "name");
        }
        _ => {
            c.opt_string(subject, "subject", "name");
        }
    }
}

mod claims;
#[cfg(test)]
mod tests;
