//! Revocation jobs: undoing a job (`POST /v1/bulk-issue/{job_id}/revoke`,
//! `POST /v1/credentials/batch-issue/{job_id}/revoke`) and revoking what a
//! filter selects (`POST /v1/credentials/batch-revoke`). Every credential is
//! revoked by a job of its own, that a SIGKILL mid-way does not make revoke
//! anything twice, and that an outside reader of the served status lists
//! sees revoked.

use std::time::{Duration, Instant};

use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, free_port, json, laurel_serve, until_serving, wait_for_job};

const ROWS: usize = 5_000;

/// Reads each status list as a verifier would, with its own code: fetches
/// the list credential the credential names, checks it is an ES256 JWS
/// signed by a key of the issuer's did:web document (PyPI `cryptography`),
/// and reads the credential's bit (base64url, gzip, the first bit the
/// highest of the first byte, as the Bitstring Status List spec says).
/// Prints how many of the given credentials are revoked, and how many not.
const READ_STATUS: &str = r##"
import base64, gzip, json, sys, urllib.request
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives import hashes

public, local, tokens_path = sys.argv[1:4]
def fetch(url):
    url = url.replace(public, local).split("#")[0]
    if "did:web:" in url:
        raise ValueError(url)
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"}), timeout=10) as r:
        return r.read()
def b64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
def did_key(kid):
    did, fragment = kid.split("#")
    host_path = did[len("did:web:"):].split(":")
    host = host_path[0].replace("%3A", ":")
    path = "/".join(host_path[1:]) + "/did.json" if len(host_path) > 1 else ".well-known/did.json"
    doc = json.loads(fetch(local + "/" + path))
    for m in doc["verificationMethod"]:
        if m["id"] in (kid, "#" + fragment):
            jwk = m["publicKeyJwk"]
            return ec.EllipticCurvePublicNumbers(int.from_bytes(b64(jwk["x"]), "big"),
                                                 int.from_bytes(b64(jwk["y"]), "big"), ec.SECP256R1()).public_key()
    raise ValueError("no key " + kid)
lists = {}
def bits_of(url):
    if url not in lists:
        head, body, sig = fetch(url).decode().strip().split(".")
        header = json.loads(b64(head))
        assert header["alg"] == "ES256", header
        raw = b64(sig)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        did_key(header["kid"]).verify(der, (head + "." + body).encode(), ec.ECDSA(hashes.SHA256()))
        subject = json.loads(b64(body))["credentialSubject"]
        assert subject["statusPurpose"] == "revocation"
        encoded = subject["encodedList"]
        lists[url] = gzip.decompress(b64(encoded[1:] if encoded.startswith("u") else encoded))
    return lists[url]
revoked = active = 0
for token in json.load(open(tokens_path)):
    status = json.loads(b64(token.split(".")[1]))["credentialStatus"]
    bits, index = bits_of(status["statusListCredential"]), int(status["statusListIndex"])
    if bits[index // 8] >> (7 - index % 8) & 1:
        revoked += 1
    else:
        active += 1
print(json.dumps({"revoked": revoked, "active": active, "lists": len(lists)}))
"##;

async fn outside_status(app: &TestApp, tokens: &[String]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let (script, list) = (dir.path().join("status.py"), dir.path().join("tokens.json"));
    std::fs::write(&script, READ_STATUS).unwrap();
    std::fs::write(&list, serde_json::to_vec(tokens).unwrap()).unwrap();
    let out = tokio::process::Command::new("python3")
        .arg(&script)
        .args([&app.public_url, &app.address])
        .arg(&list)
        .output()
        .await
        .expect("python3 runs");
    assert!(out.status.success(), "the status reader failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn job_counts(app: &TestApp, job: &str) -> (String, i64, i64, i64, i64) {
    sqlx::query_as("SELECT status, total, processed, succeeded, skipped FROM jobs WHERE id = $1")
        .bind(job)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn tokens_of(app: &TestApp, job: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT signed_payload FROM credentials WHERE job_id = $1")
        .bind(job)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn undoing_a_5000_row_job_revokes_every_credential_once_even_when_killed_mid_way_and_the_served_lists_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let db_url = crate::helpers::fresh_database_url(dir.path()).await;
    let db = issuance::db::connect(&db_url).await.unwrap();
    let port = free_port();
    // Small batches, so the undo can be caught part-way.
    let env = [("LAUREL_RATE_ENTERPRISE", "unlimited"), ("LAUREL_JOB_BATCH_ROWS", "100")];
    let mut server = laurel_serve(dir.path(), &db_url, port, &env);
    let app = TestApp::for_process(&format!("http://127.0.0.1:{port}"), &db_url, db);
    until_serving(&app.address).await;
    let org = app.org("Undo Academy", Plan::Enterprise).await;
    issuance::orgs::organizations::set_quota(&app.db, &org, 100_000).await.unwrap();
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let (_, badge) = json(
        app.post_json(
            "/v1/badges",
            &key,
            json!({"name": "Mistake", "description": "Sent by mistake.",
                                                 "criteria_narrative": "None.", "validity_days": 365}),
        )
        .await,
    )
    .await;
    let badge = badge["id"].as_str().unwrap().to_owned();
    let mut csv = String::from("name,email\n");
    for i in 0..ROWS {
        csv.push_str(&format!("Person {i},person{i}@undo.test\n"));
    }
    let (status, job) = json(app.post_csv(&format!("/v1/bulk-issue?badge_id={badge}"), &key, csv).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job = job["job_id"].as_str().unwrap().to_owned();
    assert_eq!(wait_for_job(&app.db, &job).await, "completed");
    // One credential revoked by hand first: the undo leaves it as it is.
    let first: String = sqlx::query_scalar("SELECT credential_id FROM job_items WHERE job_id = $1 AND idx = 0")
        .bind(&job)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (status, _) = json(app.post_json(&format!("/v1/credentials/{first}/revoke"), &key, json!({})).await).await;
    assert_eq!(status, StatusCode::OK);

    let r = app.post_json(&format!("/v1/bulk-issue/{job}/revoke"), &key, json!({"reason": "Wrong badge"})).await;
    let (status, undo) = json(r).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{undo}");
    assert_eq!(undo["undoes_job_id"], job.as_str());
    assert_eq!(undo["total"], (ROWS - 1) as i64, "the credential revoked by hand is not counted: {undo}");
    let undo = undo["job_id"].as_str().unwrap().to_owned();

    // Killed part-way: no shutdown, leases left behind.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, _, _, succeeded, _) = job_counts(&app, &undo).await;
        if succeeded >= 500 {
            server.start_kill().unwrap();
            server.wait().await.unwrap();
            break;
        }
        assert!(Instant::now() < deadline, "the undo made no progress");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (status, total, processed, ..) = job_counts(&app, &undo).await;
    assert_eq!(status, "processing", "killed mid-undo");
    assert!(processed < total, "rows were left at the kill ({processed} of {total})");

    let _server = laurel_serve(dir.path(), &db_url, port, &env);
    until_serving(&app.address).await;
    assert_eq!(wait_for_job(&app.db, &undo).await, "completed");
    let (_, total, processed, succeeded, skipped) = job_counts(&app, &undo).await;
    assert_eq!((total, processed, succeeded, skipped), ((ROWS - 1) as i64, (ROWS - 1) as i64, (ROWS - 1) as i64, 0));
    let (revoked, by_undo): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE revocation_reason = 'Wrong badge')
         FROM credentials WHERE job_id = $1 AND status = 'revoked'",
    )
    .bind(&job)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((revoked, by_undo), (ROWS as i64, (ROWS - 1) as i64));
    let events: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM activity WHERE org_id = $1 AND kind = 'job.undo_started'")
            .bind(&org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(events, 1);

    let seen = outside_status(&app, &tokens_of(&app, &job).await).await;
    assert_eq!((seen["revoked"].as_i64(), seen["active"].as_i64()), (Some(ROWS as i64), Some(0)), "{seen}");

    // The same job cannot be undone twice, nor an undo undone.
    let (status, e) = json(app.post_json(&format!("/v1/bulk-issue/{job}/revoke"), &key, json!({})).await).await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains(&undo), "{e}");
    let (status, _) = json(app.post_json(&format!("/v1/bulk-issue/{undo}/revoke"), &key, json!({})).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_json_batch_is_undone_at_its_own_address_and_other_tenants_and_jobs_get_not_found() {
    let (app, org, key) = crate::helpers::setup().await;
    let badge = crate::helpers::badge(&app, &org, "Pilot").await;
    let item = |n: usize| {
        json!({"credential_type": "badge", "badge_id": badge,
               "recipient": {"name": format!("P {n}"), "email": format!("p{n}@batch.test")}})
    };
    let (_, accepted) = json(
        app.post_json("/v1/credentials/batch-issue", &key, json!({"credentials": [item(1), item(2), item(3)]})).await,
    )
    .await;
    let batch = accepted["job_id"].as_str().unwrap().to_owned();
    assert_eq!(wait_for_job(&app.db, &batch).await, "completed");

    // Another organisation's key sees no such batch.
    let other = app.org("Elsewhere", Plan::Professional).await;
    let other_key = app.api_key(&other, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let r = app.post_json(&format!("/v1/credentials/batch-issue/{batch}/revoke"), &other_key, json!({})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A read-only key may not undo.
    let reader = app.api_key(&org, &[Scope::CredentialsRead]).await;
    let r = app.post_json(&format!("/v1/credentials/batch-issue/{batch}/revoke"), &reader, json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = app.post_json(&format!("/v1/credentials/batch-issue/{batch}/revoke"), &key, json!({})).await;
    let (status, undo) = json(r).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{undo}");
    assert_eq!((undo["status"].as_str(), undo["undoes_job_id"].as_str()), (Some("queued"), Some(batch.as_str())));
    let undo_id = undo["job_id"].as_str().unwrap().to_owned();
    assert_eq!(wait_for_job(&app.db, &undo_id).await, "completed");
    let (_, done) = json(app.get_json(&format!("/v1/credentials/batch-issue/{undo_id}"), &key).await).await;
    assert_eq!(done["credential_ids"].as_array().unwrap().len(), 3, "{done}");
    let (_, original) = json(app.get_json(&format!("/v1/credentials/batch-issue/{batch}"), &key).await).await;
    assert_eq!(original["undone_by_job_id"], undo_id.as_str());
    for id in original["credential_ids"].as_array().unwrap() {
        let (_, c) = json(app.get_json(&format!("/v1/credentials/{}", id.as_str().unwrap()), &key).await).await;
        assert_eq!(c["status"], "revoked", "{c}");
        assert_eq!(c["revocation_reason"], format!("Job {batch} was undone"), "{c}");
    }
    // Nothing left to undo, and the body must be `{"reason"}`.
    let r = app.post_json(&format!("/v1/bulk-issue/{batch}/revoke"), &key, json!({"why": 1})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_filter_s_selection_is_revoked_whole_and_nothing_outside_it_is_touched() {
    let (app, org, key) = crate::helpers::setup().await;
    let (keep, drop) =
        (crate::helpers::badge(&app, &org, "Keep").await, crate::helpers::badge(&app, &org, "Drop").await);
    let mut ids = Vec::new();
    for (badge, who) in [(&keep, "k1"), (&drop, "d1"), (&drop, "d2"), (&drop, "d3")] {
        ids.push(crate::helpers::issue_badge(&app, &org, badge, who, &format!("{who}@select.test")).await);
    }
    // One of the selection is revoked already: it is not counted again.
    let (status, _) = json(app.post_json(&format!("/v1/credentials/{}/revoke", ids[3]), &key, json!({})).await).await;
    assert_eq!(status, StatusCode::OK);

    let (status, e) = json(app.post_json("/v1/credentials/batch-revoke", &key, json!({"filter": {}})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "everything is not a selection: {e}");
    assert_eq!(e["error"]["details"][0]["path"], "filter", "{e}");
    let (status, e) =
        json(app.post_json("/v1/credentials/batch-revoke", &key, json!({"filter": {"status": "gone"}})).await).await;
    assert_eq!((status, e["error"]["details"][0]["path"].as_str()), (StatusCode::BAD_REQUEST, Some("filter.status")));
    // Another organisation's badge selects nothing here.
    let other = app.org("Elsewhere", Plan::Professional).await;
    let theirs = crate::helpers::badge(&app, &other, "Theirs").await;
    let body = json!({"filter": {"badge_id": theirs}});
    let (status, _) = json(app.post_json("/v1/credentials/batch-revoke", &key, body).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let body = json!({"filter": {"badge_id": drop}, "reason": "Badge withdrawn"});
    let (status, job) = json(app.post_json("/v1/credentials/batch-revoke", &key, body).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert_eq!((job["total"].as_i64(), job["undoes_job_id"].as_str()), (Some(2), None), "{job}");
    let job = job["job_id"].as_str().unwrap().to_owned();
    assert_eq!(wait_for_job(&app.db, &job).await, "completed");
    let (_, done) = json(app.get_json(&format!("/v1/bulk-issue/{job}"), &key).await).await;
    assert_eq!(done["succeeded"], 2, "{done}");
    let states: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, status, revocation_reason FROM credentials WHERE org_id = $1 ORDER BY recipient_email",
    )
    .bind(&org)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let by_id = |id: &str| states.iter().find(|(i, ..)| i == id).cloned().unwrap();
    assert_eq!(by_id(&ids[0]).1, "active", "the other badge's credential stays");
    assert_eq!((by_id(&ids[1]).1.as_str(), by_id(&ids[1]).2.as_deref()), ("revoked", Some("Badge withdrawn")));
    assert_eq!((by_id(&ids[2]).1.as_str(), by_id(&ids[2]).2.as_deref()), ("revoked", Some("Badge withdrawn")));
    assert_ne!(by_id(&ids[3]).2.as_deref(), Some("Badge withdrawn"), "revoked before: left as it was");
}

#[tokio::test]
async fn an_undo_that_asks_to_tell_the_recipients_e_mails_each_one_the_reason_and_one_that_does_not_e_mails_none() {
    use crate::email_delivery::SmtpServer;
    let port = free_port();
    let relay = SmtpServer::start(port).await;
    let app = crate::helpers::spawn_app_with(|c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.smtp_retry_secs = 1;
    })
    .await;
    let org = app.org("Acme Academy", Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let badge = crate::helpers::badge(&app, &org, "Forklift Safety").await;
    let submit = |csv: &'static str| {
        let (app, key, badge) = (&app, &key, &badge);
        async move {
            let (status, job) = json(app.post_csv(&format!("/v1/bulk-issue?badge_id={badge}"), key, csv).await).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{job}");
            let job = job["job_id"].as_str().unwrap().to_owned();
            assert_eq!(wait_for_job(&app.db, &job).await, "completed");
            job
        }
    };
    let told = submit("name,email\nAda,ada@one.test\nBo,bo@two.test\n").await;
    let untold = submit("name,email\nCy,cy@three.test\n").await;
    relay.messages(3).await;

    let bad = app.post_json(&format!("/v1/bulk-issue/{told}/revoke"), &key, json!({"notify_recipients": "yes"})).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "a flag is true or false");
    let body = json!({"reason": "Sent to the wrong cohort", "notify_recipients": true});
    let (status, undo) = json(app.post_json(&format!("/v1/bulk-issue/{told}/revoke"), &key, body).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{undo}");
    assert_eq!(wait_for_job(&app.db, undo["job_id"].as_str().unwrap()).await, "completed");
    let (status, quiet) =
        json(app.post_json(&format!("/v1/bulk-issue/{untold}/revoke"), &key, json!({"reason": "Test"})).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{quiet}");
    assert_eq!(wait_for_job(&app.db, quiet["job_id"].as_str().unwrap()).await, "completed");

    let notices: Vec<Value> = relay.messages(5).await.into_iter().skip(3).collect();
    let mut to: Vec<&str> = notices.iter().map(|m| m["rcpt_tos"][0].as_str().unwrap()).collect();
    to.sort();
    assert_eq!(to, ["ada@one.test", "bo@two.test"], "only the undo that asked tells, and each recipient once");
    for m in &notices {
        assert_eq!(m["subject"], "Your “Forklift Safety” credential from Acme Academy was revoked", "{m}");
        let text = m["parts"]["text/plain"].as_str().unwrap();
        assert!(text.contains("The reason given: Sent to the wrong cohort"), "{text}");
        assert!(text.contains("/credentials/cred_"), "a link to the credential's page: {text}");
        assert!(m["parts"]["text/html"].as_str().unwrap().contains("See the credential"), "{m}");
    }
    // The quiet undo queued nothing: a notice is written with its revocation.
    let queued: Vec<(String, String)> =
        sqlx::query_as("SELECT to_email, job_id FROM outbox WHERE kind = 'credential_revoked' ORDER BY to_email")
            .fetch_all(&app.db)
            .await
            .unwrap();
    let undo_id = undo["job_id"].as_str().unwrap().to_owned();
    assert_eq!(queued, [("ada@one.test".to_owned(), undo_id.clone()), ("bo@two.test".to_owned(), undo_id.clone())]);
    // The undo says it tells, and counts its notices as a job's e-mails.
    assert_eq!((undo["notify_recipients"].as_bool(), quiet["notify_recipients"].as_bool()), (Some(true), Some(false)));
    let mut sent = Value::Null;
    for _ in 0..600 {
        let (_, job) = json(app.get_json(&format!("/v1/bulk-issue/{undo_id}"), &key).await).await;
        sent = job["emails"]["sent"].clone();
        if sent == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sent, 2, "both notices counted as sent");
}
