//! Parsing an issue request: untrusted JSON in, a typed request out, or
//! every problem with its field path. The rules per credential type follow
//! the reference API (seed 001): required subject shape, required claims
//! and their enumerations, the wallet delegation rule, and one claims
//! sub-schema per attestation type.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::check::{Checker, join};
use crate::email::EmailAddress;
use crate::error::{CoreError, CoreResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialType {
    Business,
    User,
    AgentAuthorization,
    OutcomeAttestation,
    Badge,
}

impl CredentialType {
    pub const ALL: [CredentialType; 5] = [
        CredentialType::Business,
        CredentialType::User,
        CredentialType::AgentAuthorization,
        CredentialType::OutcomeAttestation,
        CredentialType::Badge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialType::Business => "business",
            CredentialType::User => "user",
            CredentialType::AgentAuthorization => "agent_authorization",
            CredentialType::OutcomeAttestation => "outcome_attestation",
            CredentialType::Badge => "badge",
        }
    }

    /// The VC `type` besides `VerifiableCredential`.
    pub fn vc_type(self) -> &'static str {
        match self {
            CredentialType::Business => "BusinessCredential",
            CredentialType::User => "UserCredential",
            CredentialType::AgentAuthorization => "AgentAuthorizationCredential",
            CredentialType::OutcomeAttestation => "OutcomeAttestationCredential",
            CredentialType::Badge => "OpenBadgeCredential",
        }
    }
}

impl fmt::Display for CredentialType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CredentialType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        CredentialType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("expected {}, got '{s}'", choices(&CredentialType::ALL.map(|t| t.as_str()))))
    }
}

fn choices(all: &[&str]) -> String {
    all.iter().map(|a| format!("'{a}'")).collect::<Vec<_>>().join(" | ")
}

pub const ATTESTATION_TYPES: [&str; 6] = [
    "transaction_attested",
    "stripe_payment_authorized",
    "kyb_outcome",
    "document_validation",
    "identity_verification",
    "email_risk",
];

const REVIEW_STATUS: [&str; 4] = ["approved", "pending", "declined", "manual_review"];
const TRUST_LEVELS: [&str; 4] = ["self_attested", "liveness_verified", "idv_verified", "enterprise_verified"];
const CHECK_RESULTS: [&str; 3] = ["passed", "failed", "not_performed"];
const CONDITION_OPS: [&str; 8] = ["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in"];
const PERIODS: [&str; 4] = ["per_transaction", "daily", "weekly", "monthly"];

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
    c.only(root, "", &["credential_type", "badge_id", "recipient", "expires_at"]);
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
    })
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

fn business_claims(c: &mut Checker, claims: &Map<String, Value>) {
    c.one_of(claims, "claims", "kyb_status", &REVIEW_STATUS);
    c.datetime(claims, "claims", "verified_at", false);
    if let Some(j) = c.opt_string(claims, "claims", "jurisdiction")
        && !is_jurisdiction(j)
    {
        c.fail("claims.jurisdiction", format!("expected an ISO 3166 code such as 'US' or 'US-DE', got '{j}'"));
    }
}

fn is_jurisdiction(j: &str) -> bool {
    let (country, region) = j.split_once('-').map_or((j, None), |(a, b)| (a, Some(b)));
    country.len() == 2
        && country.chars().all(|c| c.is_ascii_uppercase())
        && region.is_none_or(|r| (1..=3).contains(&r.len()) && r.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn user_claims(c: &mut Checker, claims: &Map<String, Value>) {
    c.one_of(claims, "claims", "kyc_status", &REVIEW_STATUS);
    c.one_of(claims, "claims", "trust_level", &TRUST_LEVELS);
    c.datetime(claims, "claims", "verified_at", false);
}

fn agent_claims(c: &mut Checker, claims: &Map<String, Value>) {
    let mut wallet = false;
    if let Some(permissions) = c.array(claims, "claims", "permissions", true, 1) {
        for (i, p) in permissions.iter().enumerate() {
            let at = format!("claims.permissions[{i}]");
            let Value::Object(p) = p else {
                c.fail(at, "expected an object");
                continue;
            };
            c.only(p, &at, &["resource_type", "resource_id", "actions", "conditions"]);
            if c.string(p, &at, "resource_type") == Some("wallet") {
                wallet = true;
            }
            c.string(p, &at, "resource_id");
            c.strings(p, &at, "actions", true, 1);
            if let Some(conditions) = c.array(p, &at, "conditions", false, 0) {
                for (j, cond) in conditions.iter().enumerate() {
                    let at = format!("{at}.conditions[{j}]");
                    let Value::Object(cond) = cond else {
                        c.fail(at, "expected an object");
                        continue;
                    };
                    c.only(cond, &at, &["field", "op", "value"]);
                    c.string(cond, &at, "field");
                    c.one_of(cond, &at, "op", &CONDITION_OPS);
                    if cond.get("value").is_none_or(Value::is_null) {
                        c.fail(join(&at, "value"), "is required");
                    }
                }
            }
        }
    }
    let delegated = c.opt_string(claims, "claims", "delegated_by_subject_id");
    if wallet && delegated.is_none() {
        c.fail(
            "claims.delegated_by_subject_id",
            "is required when a permission has resource_type 'wallet': give the subject.id of the verified user delegating this agent",
        );
    }
    c.strings(claims, "claims", "role", false, 0);
    if let Some(limit) = claims.get("spend_limit") {
        match limit {
            Value::Object(l) => {
                c.only(l, "claims.spend_limit", &["amount", "currency", "period"]);
                c.amount(l, "claims.spend_limit", "amount", true);
                c.currency(l, "claims.spend_limit", "currency", true);
                c.one_of(l, "claims.spend_limit", "period", &PERIODS);
            }
            _ => c.fail("claims.spend_limit", "expected an object with amount, currency and period"),
        }
    }
    if let Some(d) = c.opt_string(claims, "claims", "max_idle_duration")
        && !is_iso_duration(d)
    {
        c.fail("claims.max_idle_duration", format!("expected an ISO 8601 duration such as 'PT15M', got '{d}'"));
    }
    c.boolean(claims, "claims", "human_present", false);
}

/// `P[nY][nM][nW][nD][T[nH][nM][nS]]` with at least one part.
fn is_iso_duration(d: &str) -> bool {
    let Some(rest) = d.strip_prefix('P') else {
        return false;
    };
    let (date, time) = rest.split_once('T').map_or((rest, None), |(a, b)| (a, Some(b)));
    let parts_ok = |s: &str, units: &str| -> Option<usize> {
        let mut count = 0;
        let mut digits = String::new();
        let mut last_unit = None;
        for ch in s.chars() {
            if ch.is_ascii_digit() || ch == '.' {
                digits.push(ch);
            } else {
                let pos = units.find(ch)?;
                if digits.is_empty() || last_unit.is_some_and(|l| pos <= l) {
                    return None;
                }
                digits.clear();
                last_unit = Some(pos);
                count += 1;
            }
        }
        digits.is_empty().then_some(count)
    };
    match (parts_ok(date, "YMWD"), time.map(|t| parts_ok(t, "HMS"))) {
        (Some(d), None) => d > 0,
        (Some(_), Some(Some(t))) => t > 0,
        _ => false,
    }
}

fn outcome_claims(c: &mut Checker, claims: &Map<String, Value>, attestation_type: &str) {
    let at = "claims";
    match attestation_type {
        "transaction_attested" => {
            c.string(claims, at, "transaction_id");
            c.amount(claims, at, "amount", true);
            c.currency(claims, at, "currency", true);
            c.boolean(claims, at, "approved_by_user", true);
            c.datetime(claims, at, "attested_at", true);
        }
        "stripe_payment_authorized" => {
            if let Some(pi) = c.string(claims, at, "payment_intent_id")
                && !pi.starts_with("pi_")
            {
                c.fail(
                    "claims.payment_intent_id",
                    format!("expected a Stripe PaymentIntent id starting 'pi_', got '{pi}'"),
                );
            }
            c.string(claims, at, "verification_id");
            c.amount(claims, at, "amount", true);
            c.currency(claims, at, "currency", true);
            c.datetime(claims, at, "authorized_at", false);
        }
        "kyb_outcome" => {
            c.one_of(claims, at, "verdict", &["approved", "declined", "manual_review"]);
            c.opt_string(claims, at, "tier");
            c.strings(claims, at, "reason_codes", false, 0);
        }
        "document_validation" => {
            c.string(claims, at, "document_type");
            c.one_of(claims, at, "result", &["passed", "failed", "inconclusive"]);
            c.strings(claims, at, "fraud_signals", false, 0);
            if let Some(v) = claims.get("extracted_fields")
                && !v.is_object()
            {
                c.fail("claims.extracted_fields", "expected an object");
            }
        }
        "identity_verification" => {
            c.string(claims, at, "provider");
            c.one_of(claims, at, "liveness_check", &CHECK_RESULTS);
            c.one_of(claims, at, "document_check", &CHECK_RESULTS);
            c.one_of(claims, at, "trust_level", &TRUST_LEVELS);
        }
        "email_risk" => {
            if let Some(e) = c.string(claims, at, "email")
                && let Err(m) = EmailAddress::parse(e)
            {
                c.fail("claims.email", m);
            }
            c.number(claims, at, "risk_score", true, 0.0, 1.0);
            c.strings(claims, at, "signals", false, 0);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
