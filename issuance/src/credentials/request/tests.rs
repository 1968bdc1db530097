use serde_json::{Value, json};

use super::claims::is_iso_duration;
use super::*;

fn errors(body: Value) -> Vec<String> {
    match IssueRequest::parse(&body) {
        Err(CoreError::Validation(errs)) => errs.into_iter().map(|e| e.to_string()).collect(),
        Ok(r) => panic!("expected errors, parsed {r:?}"),
        Err(other) => panic!("expected validation errors, got {other:?}"),
    }
}

fn valid(body: Value) -> IssueRequest {
    IssueRequest::parse(&body).unwrap_or_else(|e| panic!("expected valid: {e}"))
}

fn business() -> Value {
    json!({
        "credential_type": "business",
        "subject": {"id": "biz_widgetcorp", "type": "organisation", "name": "WidgetCorp Ltd"},
        "claims": {"kyb_status": "approved", "verified_at": "2026-05-20T00:00:00Z", "jurisdiction": "US-DE"},
        "expires_at": "2027-05-20T00:00:00Z"
    })
}

#[test]
fn a_business_credential_from_the_reference_parses() {
    let r = valid(business());
    assert_eq!(r.credential_type, CredentialType::Business);
    assert_eq!(r.subject_id(), Some("biz_widgetcorp"));
    assert_eq!(r.expires_at, Some(1_810_771_200));
    assert_eq!(r.recipient_key(), "subject:biz_widgetcorp");
}

#[test]
fn a_wrong_kyb_status_is_named_with_its_path_and_the_choices() {
    let mut body = business();
    body["claims"]["kyb_status"] = json!("verified");
    assert_eq!(
        errors(body),
        ["claims.kyb_status: expected 'approved' | 'pending' | 'declined' | 'manual_review', got 'verified'"]
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let body = json!({
        "credential_type": "business",
        "subject": {"id": "", "type": "organization"},
        "claims": {"jurisdiction": "Delaware"},
        "expires_at": "next year",
        "expiresAt": "2027-01-01T00:00:00Z"
    });
    let errs = errors(body);
    let paths: Vec<&str> = errs.iter().map(|e| e.split(':').next().unwrap()).collect();
    for p in [
        "subject.id",
        "subject.type",
        "subject.name",
        "claims.kyb_status",
        "claims.jurisdiction",
        "expires_at",
        "expiresAt",
    ] {
        assert!(paths.contains(&p), "{p} missing from {errs:?}");
    }
    assert!(errs.iter().any(|e| e.contains("British spelling: 'organisation'")), "{errs:?}");
}

#[test]
fn an_unknown_credential_type_lists_the_known_ones() {
    let errs = errors(json!({"credential_type": "diploma"}));
    assert_eq!(errs.len(), 1);
    assert!(errs[0].starts_with("credential_type: expected 'business' | 'user'"), "{errs:?}");
}

#[test]
fn a_user_credential_needs_a_first_and_last_name_and_a_known_trust_level() {
    let ok = json!({
        "credential_type": "user",
        "subject": {"id": "user_jane_doe_001", "type": "person", "name": {"first": "Jane", "last": "Doe"}},
        "claims": {"kyc_status": "approved", "trust_level": "idv_verified", "verified_at": "2026-05-20T00:00:00Z"}
    });
    valid(ok.clone());
    let mut bad = ok;
    bad["subject"]["name"] = json!("Jane Doe");
    bad["claims"]["trust_level"] = json!("very_trusted");
    let errs = errors(bad);
    assert!(errs.iter().any(|e| e.starts_with("subject.name: expected an object")), "{errs:?}");
    assert!(errs.iter().any(|e| e.starts_with("claims.trust_level: expected 'self_attested'")), "{errs:?}");
}

fn agent() -> Value {
    json!({
        "credential_type": "agent_authorization",
        "subject": {"id": "agent_widgetcorp_assistant", "type": "agent", "name": "WidgetCorp Customer Assistant"},
        "claims": {
            "delegated_by_subject_id": "usr_01HXYZ",
            "role": ["payment_agent"],
            "permissions": [{
                "resource_type": "wallet",
                "resource_id": "*",
                "actions": ["payment_authorize", "checkout"],
                "conditions": [
                    {"field": "transaction_amount", "op": "lte", "value": 50000},
                    {"field": "transaction_currency", "op": "eq", "value": "usd"}
                ]
            }],
            "spend_limit": {"amount": 50000, "currency": "usd", "period": "daily"},
            "max_idle_duration": "PT15M",
            "human_present": true
        }
    })
}

#[test]
fn an_agent_authorization_from_the_reference_parses() {
    valid(agent());
}

#[test]
fn a_wallet_permission_requires_the_delegating_user() {
    let mut body = agent();
    body["claims"].as_object_mut().unwrap().remove("delegated_by_subject_id");
    let errs = errors(body.clone());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("claims.delegated_by_subject_id: is required when a permission has resource_type 'wallet'")
    );

    // Without a wallet permission the delegation is optional.
    body["claims"]["permissions"][0]["resource_type"] = json!("calendar");
    valid(body);
}

#[test]
fn agent_permissions_are_checked_item_by_item() {
    let mut body = agent();
    body["claims"]["permissions"] = json!([
        {"resource_type": "wallet", "resource_id": "*", "actions": []},
        {"resource_type": "calendar", "actions": ["read"], "conditions": [{"field": "x", "op": "about"}]}
    ]);
    body["claims"]["max_idle_duration"] = json!("15 minutes");
    body["claims"]["spend_limit"]["currency"] = json!("dollars");
    let errs = errors(body);
    for needle in [
        "claims.permissions[0].actions: must have at least 1 item",
        "claims.permissions[1].resource_id: is required",
        "claims.permissions[1].conditions[0].op: expected 'eq'",
        "claims.permissions[1].conditions[0].value: is required",
        "claims.max_idle_duration: expected an ISO 8601 duration",
        "claims.spend_limit.currency: expected a three-letter",
    ] {
        assert!(errs.iter().any(|e| e.starts_with(needle)), "{needle} missing from {errs:?}");
    }
    let mut empty = agent();
    empty["claims"]["permissions"] = json!([]);
    assert!(errors(empty).iter().any(|e| e == "claims.permissions: must have at least 1 item"));
}

fn outcome(attestation_type: &str, claims: Value) -> Value {
    json!({
        "credential_type": "outcome_attestation",
        "attestation_type": attestation_type,
        "subject": {"id": "txn_9982311", "type": "transaction"},
        "claims": claims
    })
}

#[test]
fn each_attestation_type_accepts_its_claims_and_refuses_wrong_ones() {
    let cases = [
        (
            "transaction_attested",
            json!({"transaction_id": "txn_9982311", "amount": 25000, "currency": "usd", "approved_by_user": true, "attested_at": "2026-05-20T00:00:00Z"}),
            json!({"transaction_id": "txn_1", "amount": -5, "currency": "usd", "approved_by_user": "yes", "attested_at": "2026-05-20T00:00:00Z"}),
            vec!["claims.amount", "claims.approved_by_user"],
        ),
        (
            "stripe_payment_authorized",
            json!({"payment_intent_id": "pi_3Mt", "verification_id": "ver_1", "amount": 1000, "currency": "eur"}),
            json!({"payment_intent_id": "ch_3Mt", "amount": 1000, "currency": "eur"}),
            vec!["claims.payment_intent_id", "claims.verification_id"],
        ),
        (
            "kyb_outcome",
            json!({"verdict": "manual_review", "tier": "standard", "reason_codes": ["ubo_mismatch"]}),
            json!({"verdict": "maybe", "reason_codes": "ubo_mismatch"}),
            vec!["claims.verdict", "claims.reason_codes"],
        ),
        (
            "document_validation",
            json!({"document_type": "passport", "result": "passed", "fraud_signals": [], "extracted_fields": {"country": "GB"}}),
            json!({"result": "ok", "extracted_fields": "GB"}),
            vec!["claims.document_type", "claims.result", "claims.extracted_fields"],
        ),
        (
            "identity_verification",
            json!({"provider": "onfido", "liveness_check": "passed", "document_check": "passed", "trust_level": "idv_verified"}),
            json!({"provider": "onfido", "liveness_check": "yes", "document_check": "passed"}),
            vec!["claims.liveness_check", "claims.trust_level"],
        ),
        (
            "email_risk",
            json!({"email": "jane@example.com", "risk_score": 0.12, "signals": ["disposable_domain"]}),
            json!({"email": "jane@", "risk_score": 7}),
            vec!["claims.email", "claims.risk_score"],
        ),
    ];
    assert_eq!(cases.len(), ATTESTATION_TYPES.len(), "every attestation type is covered");
    for (kind, good, bad, bad_paths) in cases {
        let r = valid(outcome(kind, good));
        assert_eq!(r.attestation_type.as_deref(), Some(kind));
        let errs = errors(outcome(kind, bad));
        for p in bad_paths {
            assert!(errs.iter().any(|e| e.starts_with(&format!("{p}:"))), "{kind}: {p} missing from {errs:?}");
        }
    }
}

#[test]
fn an_outcome_attestation_needs_a_known_attestation_type() {
    let errs = errors(outcome("weather_report", json!({})));
    assert!(errs[0].starts_with("attestation_type: expected 'transaction_attested'"), "{errs:?}");
    let mut missing = outcome("email_risk", json!({"email": "a@example.com", "risk_score": 0.5}));
    missing.as_object_mut().unwrap().remove("attestation_type");
    assert!(errors(missing).iter().any(|e| e == "attestation_type: is required"));
}

#[test]
fn a_badge_needs_a_badge_and_a_recipient_with_a_valid_email() {
    let r = valid(json!({
        "credential_type": "badge",
        "badge_id": "bdg_1",
        "recipient": {"name": " Jane Doe ", "email": "Jane@Example.com"}
    }));
    let recipient = r.recipient.unwrap();
    assert_eq!(recipient.name, "Jane Doe");
    assert_eq!(recipient.email.as_str(), "jane@example.com");
    let errs = errors(json!({"credential_type": "badge", "recipient": {"name": "", "email": "jane at example"}}));
    for p in ["badge_id", "recipient.name", "recipient.email"] {
        assert!(errs.iter().any(|e| e.starts_with(&format!("{p}:"))), "{p} missing from {errs:?}");
    }
}

#[test]
fn iso_durations_are_recognised() {
    for ok in ["PT15M", "P1D", "P1DT2H", "PT0.5S", "P1Y2M3W4D"] {
        assert!(is_iso_duration(ok), "{ok}");
    }
    for bad in ["15M", "P", "PT", "PT15", "PM1", "P1DT", "PT1H1H"] {
        assert!(!is_iso_duration(bad), "{bad}");
    }
}
