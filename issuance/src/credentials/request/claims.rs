//! The claims each credential type must carry, as the reference API
//! (seed 001) defines them: required fields, their enumerations, the
//! wallet delegation rule, one sub-schema per attestation type.

use serde_json::{Map, Value};

use crate::credentials::check::{Checker, join};
use crate::email::EmailAddress;

const REVIEW_STATUS: [&str; 4] = ["approved", "pending", "declined", "manual_review"];
const TRUST_LEVELS: [&str; 4] = ["self_attested", "liveness_verified", "idv_verified", "enterprise_verified"];
const CHECK_RESULTS: [&str; 3] = ["passed", "failed", "not_performed"];
const CONDITION_OPS: [&str; 8] = ["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in"];
const PERIODS: [&str; 4] = ["per_transaction", "daily", "weekly", "monthly"];

pub(super) fn business_claims(c: &mut Checker, claims: &Map<String, Value>) {
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

pub(super) fn user_claims(c: &mut Checker, claims: &Map<String, Value>) {
    c.one_of(claims, "claims", "kyc_status", &REVIEW_STATUS);
    c.one_of(claims, "claims", "trust_level", &TRUST_LEVELS);
    c.datetime(claims, "claims", "verified_at", false);
}

pub(super) fn agent_claims(c: &mut Checker, claims: &Map<String, Value>) {
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
pub(super) fn is_iso_duration(d: &str) -> bool {
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

pub(super) fn outcome_claims(c: &mut Checker, claims: &Map<String, Value>, attestation_type: &str) {
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
