//! Open Badges 3.0 conformance, judged by code nobody here wrote: PyPI
//! `openbadgeslib`'s `OB3Verifier` (did:web key resolution, the VC-JWT and
//! OB 3.0 §8.2 claim rules, the Bitstring Status List) and 1EdTech's own
//! JSON Schema (vendored under `tests/fixtures/ob_schemas/`), applied by
//! PyPI `jsonschema`. `scripts/test` installs both.

use std::path::PathBuf;

use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, json, spawn_app, wait_for_job};

/// Verifies each token with openbadgeslib (status list included) and
/// validates each payload, and each achievement document, against the
/// schema. did:web and every public URL of `http://laurel.test` are served
/// by the app on loopback, over plain http: the `download` hook maps them.
const CHECK: &str = r##"
import base64, copy, json, sys, urllib.request
from jsonschema import Draft201909Validator
from openbadgeslib.ob3.verifier import OB3Verifier

public, local, schema_path, items_path = sys.argv[1:5]
schema = json.load(open(schema_path))
credential_schema = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)
achievement_schema = Draft201909Validator(
    {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/Achievement"},
    format_checker=Draft201909Validator.FORMAT_CHECKER)

def download(url, *args, **kwargs):
    host = public.split("://", 1)[1]
    for prefix in ("https://" + host, "http://" + host):
        if url.startswith(prefix):
            url = local + url[len(prefix):]
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return r.read()

def errors(validator, document):
    return ["%s: %s" % ("/".join(map(str, e.path)) or "<root>", e.message)
            for e in sorted(validator.iter_errors(document), key=lambda e: list(e.path))]

out = []
for item in json.load(open(items_path)):
    if "token" in item:
        part = item["token"].split(".")[1]
        payload = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        try:
            verifier = OB3Verifier.for_issuer_did(payload["iss"], download=download)
            verifier.verify(item["token"], check_status=True, download=download)
            verdict = "valid"
        except Exception as e:
            verdict = "refused: %s" % e
        achievement = json.loads(download(payload["credentialSubject"]["achievement"]["id"]))
        out.append({"name": item["name"], "verdict": verdict,
                    "schema_errors": errors(credential_schema, payload),
                    "achievement_errors": errors(achievement_schema, achievement)})
    else:
        out.append({"name": item["name"], "schema_errors": errors(credential_schema, item["payload"])})
print(json.dumps(out))
"##;

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ob_schemas/ob_v3p0_achievementcredential_schema.json")
}

/// Runs [`CHECK`] over `items`; returns its verdicts by name.
async fn outside_verdicts(app: &TestApp, items: &Value) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let (script, list) = (dir.path().join("check.py"), dir.path().join("items.json"));
    std::fs::write(&script, CHECK).unwrap();
    std::fs::write(&list, items.to_string()).unwrap();
    let out = tokio::process::Command::new("python3")
        .arg(&script)
        .args([&app.public_url, &app.address])
        .arg(schema_path())
        .arg(&list)
        .output()
        .await
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the checker failed; it needs openbadgeslib and jsonschema from PyPI (scripts/test installs them): {stderr}"
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

async fn signed_payload(app: &TestApp, key: &str, id: &str) -> String {
    let (status, c) = json(app.get_json(&format!("/v1/credentials/{id}"), key).await).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    c["signed_payload"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn badges_issued_singly_and_in_bulk_pass_a_strict_outside_verifier_and_the_1edtech_schema() {
    let app = spawn_app().await;
    let org = app.org("Acme Academy", Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let (status, badge) = json(
        app.post_json(
            "/v1/badges",
            &key,
            json!({"name": "Forklift Safety", "description": "Operates a forklift safely.",
                   "criteria_narrative": "Passed the practical test.", "validity_days": 365,
                   "image_url": "https://images.example/forklift.png"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{badge}");
    let badge_id = badge["id"].as_str().unwrap();

    let (status, single) = json(
        app.post_json(
            "/v1/credentials",
            &key,
            json!({"credential_type": "badge", "badge_id": badge_id,
                   "recipient": {"name": "Jane Doe", "email": "jane@example.com"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{single}");
    let r = app
        .client
        .post(app.url(&format!("/v1/bulk-issue?badge_id={badge_id}")))
        .header("x-api-key", &key)
        .header("content-type", "text/csv")
        .body("name,email\nSam Smith,sam@example.com\n")
        .send()
        .await
        .unwrap();
    let (status, job) = json(r).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job_id = job["job_id"].as_str().unwrap();
    assert_eq!(wait_for_job(&app.db, job_id).await, "completed");
    let (_, job) = json(app.get_json(&format!("/v1/bulk-issue/{job_id}"), &key).await).await;
    let bulk_id = job["credential_ids"][0].as_str().unwrap().to_owned();

    let single_token = single["signed_payload"].as_str().unwrap().to_owned();
    let bulk_token = signed_payload(&app, &key, &bulk_id).await;
    let mut broken = crate::helpers::decode_part(&single_token, 1);
    broken.as_object_mut().unwrap().remove("issuer");
    broken["credentialSubject"]["type"] = json!("Nobody");
    let items = json!([
        {"name": "single", "token": single_token},
        {"name": "bulk", "token": bulk_token},
        {"name": "broken", "payload": broken},
    ]);
    let verdicts = outside_verdicts(&app, &items).await;
    for v in &verdicts[..2] {
        assert_eq!(v["verdict"], "valid", "{v}");
        assert_eq!(v["schema_errors"], json!([]), "{v}");
        assert_eq!(v["achievement_errors"], json!([]), "{v}");
    }
    assert!(
        !verdicts[2]["schema_errors"].as_array().unwrap().is_empty(),
        "the schema check can fail: a credential without an issuer is refused"
    );

    // Revoked, the same outside verifier refuses it.
    let (status, _) = json(
        app.post_json(&format!("/v1/credentials/{}/revoke", single["id"].as_str().unwrap()), &key, json!({})).await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let verdicts = outside_verdicts(&app, &json!([{"name": "single", "token": single_token}])).await;
    let verdict = verdicts[0]["verdict"].as_str().unwrap();
    assert!(verdict.starts_with("refused") && verdict.contains("'revocation' is set"), "{verdict}");
}

#[tokio::test]
async fn the_achievement_id_answers_json_to_clients_and_a_page_to_people() {
    let app = spawn_app().await;
    let (org, badge) = crate::helpers::org_with_badge(&app, Plan::Professional).await;
    let credential = crate::helpers::issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;
    let token: String = sqlx::query_scalar("SELECT signed_payload FROM credentials WHERE id = $1")
        .bind(&credential)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let payload = crate::helpers::decode_part(&token, 1);
    let achievement_id = payload["credentialSubject"]["achievement"]["id"].as_str().unwrap();
    assert_eq!(achievement_id, format!("http://laurel.test/badges/{badge}"));
    assert_eq!(payload["issuer"]["type"], json!(["Profile"]));
    assert_eq!(payload["jti"], payload["id"]);
    let path = achievement_id.trim_start_matches("http://laurel.test");

    let r = app.client.get(app.url(path)).header("accept", "application/json").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/ld+json");
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["id"], achievement_id);
    assert_eq!(doc["type"], json!(["Achievement"]));
    assert_eq!(doc["name"], "Safety");
    assert_eq!(doc["creator"]["id"], payload["issuer"]["id"]);
    assert_eq!(doc["criteria"], payload["credentialSubject"]["achievement"]["criteria"]);

    let page = app.get(path).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Safety") && html.contains("Acme") && html.contains("Passed the course."), "{html}");

    let missing = app.client.get(app.url("/badges/badge_nope")).header("accept", "application/json").send().await;
    assert_eq!(missing.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/badges/badge_nope").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_credential_issued_with_the_old_claims_still_verifies_here() {
    let app = spawn_app().await;
    let (org, badge) = crate::helpers::org_with_badge(&app, Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead]).await;
    let id = crate::helpers::issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;
    // Re-sign it as Laurel 0.1 did (`jti` the bare id) and store that token.
    let token: String = sqlx::query_scalar("SELECT signed_payload FROM credentials WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let header = crate::helpers::decode_part(&token, 0);
    let mut payload = crate::helpers::decode_part(&token, 1);
    payload["jti"] = json!(id);
    let (key_id, sealed): (String, String) =
        sqlx::query_as("SELECT id, private_key_enc FROM signing_keys WHERE org_id = $1")
            .bind(&org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let signing = issuance::keys::unseal(&app.master, &key_id, &org, &sealed).unwrap();
    let kid = header["kid"].as_str().unwrap();
    let old = issuance::jws::sign(
        &issuance::jws::Header { alg: "ES256", typ: "vc+jwt", kid },
        &serde_json::to_vec(&payload).unwrap(),
        &signing,
    );
    sqlx::query("UPDATE credentials SET signed_payload = $1 WHERE id = $2")
        .bind(&old)
        .bind(&id)
        .execute(&app.db)
        .await
        .unwrap();
    let (_, verdict) = json(app.post_json("/v1/credentials/verify", &key, json!({"signed_payload": old})).await).await;
    assert_eq!(verdict["is_valid"], true, "{verdict}");
    assert_eq!(verdict["credential_id"], id.as_str());
}

/// Polls a JSON batch until it ends.
async fn finished_batch(app: &TestApp, key: &str, job: &str) -> Value {
    for _ in 0..600 {
        let (_, v) = json(app.get_json(&format!("/v1/credentials/batch-issue/{job}"), key).await).await;
        if ["completed", "failed", "cancelled"].contains(&v["status"].as_str().unwrap_or_default()) {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("batch {job} did not finish");
}

#[tokio::test]
async fn a_narrative_evidence_award_date_and_expiry_per_recipient_are_carried_by_csv_json_batch_and_single_issue_alike()
{
    let app = spawn_app().await;
    let org = app.org("Acme Academy", Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let (_, badge) = json(
        app.post_json(
            "/v1/badges",
            &key,
            json!({"name": "Capstone", "description": "Completed the capstone.",
                   "criteria_narrative": "Delivered a project.", "validity_days": 365}),
        )
        .await,
    )
    .await;
    let badge_id = badge["id"].as_str().unwrap();
    let award = json!({"narrative": "Led the *capstone* team.", "evidence_url": "https://portfolio.example/work",
                       "evidence_name": "Capstone report", "issued_on": "2026-01-15"});

    // A CSV whose columns come in another order and case; the second row's
    // award date is in the future, the third's evidence is not a web address.
    let csv = "Issued_On,name,email,Evidence_Name,evidence_url,narrative,expires_at\n\
               2026-01-15,Sam Smith,sam@example.com,Capstone report,https://portfolio.example/work,Led the *capstone* team.,2030-06-30\n\
               2099-01-01,Late Comer,late@example.com,,,,\n\
               ,Ann Bell,ann@example.com,,portfolio,,\n";
    let post = |path: String| {
        app.client.post(app.url(&path)).header("x-api-key", &key).header("content-type", "text/csv").body(csv).send()
    };
    let (status, review) = json(post(format!("/v1/bulk-issue/validate?badge_id={badge_id}")).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    let rows = review["rows"].as_array().unwrap();
    assert_eq!(rows[0]["status"], "new", "{review}");
    assert_eq!(rows[0]["narrative"], "Led the *capstone* team.");
    assert_eq!(rows[0]["evidence_url"], "https://portfolio.example/work");
    assert_eq!(rows[0]["issued_on"], "2026-01-15T00:00:00Z");
    assert_eq!(rows[0]["expires_at"], "2030-06-30T23:59:59Z");
    assert_eq!(rows[1]["status"], "invalid");
    assert_eq!(rows[1]["reason"], "issued_on 2099-01-01T00:00:00Z is in the future; it must be today or earlier.");
    assert_eq!(rows[2]["status"], "invalid");
    assert_eq!(
        rows[2]["reason"],
        "evidence_url 'portfolio' is not a web address (expected e.g. https://example.com/portfolio)."
    );
    let (status, job) = json(app.post_csv(&format!("/v1/bulk-issue?badge_id={badge_id}"), &key, csv).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job_id = job["job_id"].as_str().unwrap();
    assert_eq!(wait_for_job(&app.db, job_id).await, "completed");
    let (_, job) = json(app.get_json(&format!("/v1/bulk-issue/{job_id}"), &key).await).await;
    assert_eq!(job["credential_ids"].as_array().unwrap().len(), 1, "{job}");
    let from_csv = signed_payload(&app, &key, job["credential_ids"][0].as_str().unwrap()).await;

    let mut single = json!({"credential_type": "badge", "badge_id": badge_id,
                            "recipient": {"name": "Jane Doe", "email": "jane@example.com"},
                            "expires_at": "2030-06-30T23:59:59Z"});
    single.as_object_mut().unwrap().extend(award.as_object().unwrap().clone());
    let (status, issued) = json(app.post_json("/v1/credentials", &key, single.clone()).await).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let from_single = issued["signed_payload"].as_str().unwrap().to_owned();

    let mut batch_item = single.clone();
    batch_item["recipient"] = json!({"name": "Bo Batch", "email": "bo@example.com"});
    let mut bad_item = batch_item.clone();
    bad_item["recipient"]["email"] = json!("bad@example.com");
    bad_item["evidence_url"] = json!("ftp://files.example/report");
    let (status, accepted) =
        json(app.post_json("/v1/credentials/batch-issue", &key, json!({"credentials": [batch_item, bad_item]})).await)
            .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let done = finished_batch(&app, &key, accepted["job_id"].as_str().unwrap()).await;
    assert_eq!(
        done["errors"][0]["message"],
        "evidence_url: 'ftp://files.example/report' must be an http or https address, not ftp:",
        "{done}"
    );
    let from_batch = signed_payload(&app, &key, done["credential_ids"][0].as_str().unwrap()).await;

    // A single issue refuses a future award date by field.
    let mut future = single.clone();
    future["issued_on"] = json!("2099-01-01");
    let (status, e) = json(app.post_json("/v1/credentials", &key, future).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["details"][0]["path"], "issued_on", "{e}");

    for token in [&from_csv, &from_single, &from_batch] {
        let p = crate::helpers::decode_part(token, 1);
        assert_eq!(p["credentialSubject"]["narrative"], "Led the *capstone* team.", "{p}");
        assert_eq!(
            p["evidence"],
            json!([{"id": "https://portfolio.example/work", "name": "Capstone report", "type": ["Evidence"]}])
        );
        assert_eq!(
            (p["awardedDate"].as_str(), p["validFrom"].as_str()),
            (Some("2026-01-15T00:00:00Z"), Some("2026-01-15T00:00:00Z"))
        );
        assert_eq!(p["nbf"], 1_768_435_200, "nbf is the award date");
        assert_eq!((p["validUntil"].as_str(), p["exp"].as_i64()), (Some("2030-06-30T23:59:59Z"), Some(1_909_094_399)));
    }
    let items = json!([
        {"name": "csv", "token": from_csv},
        {"name": "single", "token": from_single},
        {"name": "batch", "token": from_batch},
    ]);
    for v in outside_verdicts(&app, &items).await {
        assert_eq!(v["verdict"], "valid", "{v}");
        assert_eq!(v["schema_errors"], json!([]), "{v}");
    }
}
