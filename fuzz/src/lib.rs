//! What more than one fuzz target shares: the issue-request oracle, and a
//! JSON value the fuzzer builds from bytes with the request vocabulary.

use arbitrary::{Arbitrary, Unstructured};
use issuance::CoreError;
use issuance::credentials::request::IssueRequest;
use serde_json::{Map, Value, json};

/// Parses `body` and checks the answer: a request that parses must come
/// back the same when written out again as a request and parsed; a refusal
/// must name at least one problem, each with a message.
pub fn check_issue_request(body: &Value) {
    match IssueRequest::parse(body) {
        Ok(request) => {
            let again = to_body(&request);
            match IssueRequest::parse(&again) {
                Ok(reparsed) => assert_eq!(reparsed, request, "{again}"),
                Err(e) => panic!("a parsed request written out again is refused: {e}\n{again}"),
            }
            // What the issuer signs must be JSON that writes out.
            serde_json::to_vec(&request.subject).expect("subject serialises");
            serde_json::to_vec(&request.claims).expect("claims serialise");
        }
        Err(CoreError::Validation(errors)) => {
            assert!(!errors.is_empty(), "refused without a reason");
            assert!(errors.iter().all(|e| !e.message.is_empty()), "{errors:?}");
        }
        Err(other) => panic!("an issue request is refused only as invalid, not {other:?}"),
    }
}

/// The request body that says what `request` says.
fn to_body(request: &IssueRequest) -> Value {
    let mut body = Map::new();
    body.insert("credential_type".into(), request.credential_type.as_str().into());
    if let Some(at) = request.expires_at {
        let at = time::OffsetDateTime::from_unix_timestamp(at).expect("a parsed expiry is a real time");
        let text = at.format(&time::format_description::well_known::Rfc3339).expect("RFC 3339 formats");
        body.insert("expires_at".into(), text.into());
    }
    match &request.recipient {
        Some(r) => {
            body.insert("badge_id".into(), request.badge_id.clone().into());
            body.insert("recipient".into(), json!({"name": r.name, "email": r.email.to_string()}));
        }
        None => {
            if let Some(t) = &request.attestation_type {
                body.insert("attestation_type".into(), t.clone().into());
            }
            body.insert("subject".into(), request.subject.clone().into());
            body.insert("claims".into(), request.claims.clone().into());
        }
    }
    Value::Object(body)
}

/// The keys and strings a request is made of, to draw from: random bytes
/// would almost never spell `kyb_status` or `approved`.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "credential_type", "business", "user", "agent_authorization", "outcome_attestation", "badge", "badge_id",
    "recipient", "name", "email", "expires_at", "subject", "claims", "id", "type", "organisation", "organization",
    "person", "agent", "check", "first", "last", "attestation_type", "transaction_attested",
    "stripe_payment_authorized", "kyb_outcome", "document_validation", "identity_verification", "email_risk",
    "kyb_status", "kyc_status", "trust_level", "verified_at", "jurisdiction", "approved", "pending", "declined",
    "manual_review", "self_attested", "liveness_verified", "idv_verified", "enterprise_verified", "permissions",
    "resource_type", "resource_id", "actions", "conditions", "field", "op", "value", "eq", "ne", "lt", "lte", "gt",
    "gte", "in", "not_in", "wallet", "delegated_by_subject_id", "role", "spend_limit", "amount", "currency",
    "period", "per_transaction", "daily", "weekly", "monthly", "max_idle_duration", "PT30M", "P1D", "risk_score",
    "signals", "verdict", "passed", "failed", "not_performed", "inconclusive", "transaction_id", "attested_at",
    "payment_intent_id", "pi_123", "authorized_at", "provider", "result", "reason_codes", "document_type",
    "document_check", "liveness_check", "extracted_fields", "fraud_signals", "verification_id", "tier",
    "human_present", "approved_by_user", "2026-05-20T00:00:00Z", "2027-05-20T00:00:00+02:00", "US", "US-DE",
    "jane@example.com", "Jane Doe", "USD", "*", "read", "",
];

/// A word from [`WORDS`] most of the time, else any string.
#[derive(Debug)]
pub struct Word(String);

impl<'a> Arbitrary<'a> for Word {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let pick = u8::arbitrary(u)?;
        Ok(Word(match WORDS.get(usize::from(pick)) {
            Some(w) => (*w).to_owned(),
            None => String::arbitrary(u)?,
        }))
    }
}

/// Any JSON value, its strings and keys mostly from the vocabulary.
#[derive(Debug, Arbitrary)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Word),
    Array(Vec<Json>),
    Object(Vec<(Word, Json)>),
}

impl Json {
    pub fn into_value(self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => b.into(),
            Json::Int(n) => n.into(),
            // NaN and the infinities are not JSON: serde_json makes them null.
            Json::Float(x) => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
            Json::Str(Word(s)) => s.into(),
            Json::Array(items) => items.into_iter().map(Json::into_value).collect(),
            Json::Object(members) => {
                Value::Object(members.into_iter().map(|(Word(k), v)| (k, v.into_value())).collect())
            }
        }
    }
}

/// A request body: an object whose `credential_type` is most often a real
/// one, with any other members.
#[derive(Debug)]
pub struct JsonRequest(Map<String, Value>);

impl<'a> Arbitrary<'a> for JsonRequest {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut body = Map::new();
        let kind = ["business", "user", "agent_authorization", "outcome_attestation", "badge"];
        body.insert("credential_type".into(), (*u.choose(&kind)?).into());
        for (Word(k), v) in Vec::<(Word, Json)>::arbitrary(u)? {
            body.insert(k, v.into_value());
        }
        Ok(JsonRequest(body))
    }
}

impl JsonRequest {
    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

/// The private scalar of the key the JWS target verifies against and its
/// seed tokens are signed with. Fixed, so the seeds stay valid.
pub const JWS_KEY: [u8; 32] = *b"laurel fuzz signing key, fixed!!";

pub fn jws_key() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&JWS_KEY).expect("a fixed valid scalar")
}
