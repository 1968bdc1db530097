//! The Identity API over HTTP, in JSON:API: an account, a session, a
//! passport whose MRZ PyPI's `mrz` generated and whose photo Pillow drew,
//! its image `PUT` to the signed link, and the verification's checks.

use std::process::Command;
use std::time::{Duration, Instant};

use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const MEDIA: &str = "application/vnd.api+json";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/identity_fixtures.py");

/// A passport's MRZ from PyPI's `mrz` generator.
fn td3(surname: &str, given: &str, number: &str, birth: &str, expiry: &str) -> String {
    mrz("td3", surname, given, number, birth, expiry)
}

fn mrz(format: &str, surname: &str, given: &str, number: &str, birth: &str, expiry: &str) -> String {
    let out = Command::new("python3")
        .args([FIXTURES, format, surname, given, number, "SWE", birth, "F", expiry])
        .output()
        .expect("python3 runs (scripts/test installs PyPI's mrz and Pillow)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The back of a US licence: a PDF417 (PyPI's pdf417gen) of AAMVA data.
fn licence_back(number: &str, surname: &str, first: &str, born: &str, expires: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("back.png");
    let out = Command::new("python3")
        .args([FIXTURES, "dl-back", &path.display().to_string(), number, surname, first, born, expires])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::read(path).unwrap()
}

/// A document photo drawn by Pillow; `blur` as a shaking hand takes it.
fn photo(blur: bool) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photo.jpg");
    let mut args = vec![FIXTURES.to_owned(), "image".into(), path.display().to_string()];
    if blur {
        args.push("blur".into());
    }
    let out = Command::new("python3").args(&args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::read(path).unwrap()
}

struct Api<'a> {
    app: &'a TestApp,
    key: String,
    org: String,
}

impl Api<'_> {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut r = self.app.client.request(method, self.app.url(path)).header("x-api-key", &self.key);
        if let Some(body) = body {
            r = r.header("content-type", MEDIA).body(body.to_string());
        }
        let r = r.send().await.unwrap();
        let status = r.status();
        if status != StatusCode::NO_CONTENT {
            assert_eq!(r.headers()["content-type"], MEDIA, "{path}");
        }
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }
}

async fn setup(app: &TestApp) -> Api<'_> {
    let org = app.org("Acme Bank", Plan::Professional).await;
    let key = app
        .api_key(&org, &[Scope::IdentityRead, Scope::IdentityWrite, Scope::CredentialsWrite, Scope::AuditRead])
        .await;
    Api { app, key, org }
}

/// An account and a session for Anna Eriksson, born 1974-08-12 (or as
/// `name_last` says): the session's id.
async fn new_session(api: &Api<'_>, name_last: &str) -> String {
    let (status, account) = api.post("/v1/accounts", json!({"data": {"type": "account", "attributes": {}}})).await;
    assert_eq!(status, StatusCode::CREATED, "{account}");
    let (status, s) = api
        .post(
            "/v1/sessions",
            json!({"data": {"type": "session",
                "attributes": {"name_first": "Anna", "name_last": name_last, "birthdate": "1974-08-12"},
                "relationships": {"account": {"data": {"type": "account", "id": account["data"]["id"]}}}}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    s["data"]["id"].as_str().unwrap().to_owned()
}

/// A passport with `mrz` in `session`, its photo uploaded: the document.
async fn passport(api: &Api<'_>, session: &str, mrz: &str, image: &[u8]) -> Value {
    let (status, doc) = api
        .post(
            "/v1/documents",
            json!({"data": {"type": "document/idv", "attributes": {"id_class": "pp", "country_code": "SE", "mrz": mrz},
                   "relationships": {"session": {"data": {"type": "session", "id": session}}}}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    let urls = doc["meta"]["upload_urls"].as_object().unwrap();
    assert_eq!(urls.keys().collect::<Vec<_>>(), ["front"], "a passport has one page to upload");
    let r = put_image(api.app, urls["front"].as_str().unwrap(), "image/jpeg", image.to_vec()).await;
    assert_eq!(r.status(), StatusCode::OK);
    doc
}

async fn put_image(app: &TestApp, url: &str, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    // The link names the public address; the test server listens elsewhere.
    let path = url.strip_prefix(&app.public_url).expect("a link to this site");
    app.client.put(app.url(path)).header("content-type", content_type).body(body).send().await.unwrap()
}

/// Submits the session and waits for its decision: the session and its
/// verification.
async fn decided(api: &Api<'_>, session: &str) -> (Value, Value) {
    let (status, s) = api.post(&format!("/v1/sessions/{session}/submit"), json!(null)).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["data"]["attributes"]["status"], "pending");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, s) = api.get(&format!("/v1/sessions/{session}?include=documents")).await;
        if s["data"]["attributes"]["status"] != "pending" {
            let doc = &s["data"]["relationships"]["documents"]["data"][0]["id"];
            let (_, list) = api.get(&format!("/v1/verifications?filter[document_id]={}", doc.as_str().unwrap())).await;
            return (s, list["data"][0].clone());
        }
        assert!(Instant::now() < deadline, "the session was not decided: {s}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn check<'v>(v: &'v Value, name: &str) -> &'v Value {
    v["attributes"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {v}"))
}

#[tokio::test]
async fn a_passport_with_a_valid_mrz_and_a_clear_photo_is_verified_and_its_session_approved() {
    let app = spawn_app().await;
    let api = setup(&app).await;
    let s = new_session(&api, "Eriksson").await;
    let mrz = td3("Eriksson", "Anna Maria", "L898902C3", "740812", "341231");
    passport(&api, &s, &mrz, &photo(false)).await;
    let (session, v) = decided(&api, &s).await;
    assert_eq!(session["data"]["attributes"]["status"], "approved", "{v}");
    assert_eq!(v["type"], "verification/idv");
    assert_eq!(v["attributes"]["status"], "passed", "{v}");
    for name in [
        "image_readable",
        "image_resolution",
        "image_sharpness",
        "image_exposure",
        "mrz_format",
        "mrz_check_digits",
        "document_expired",
        "age_minimum",
        "data_consistency",
        "duplicate_document",
    ] {
        assert_eq!(check(&v, name)["status"], "passed", "{name}: {v}");
    }
    assert_eq!(check(&v, "barcode_data")["status"], "not_applicable", "a passport has no barcode");
    assert_eq!(v["attributes"]["extracted"]["document_number"], "L898902C3");
    // What the MRZ said is kept on the session, with its source, beside
    // what was entered.
    let a = &session["data"]["attributes"];
    assert_eq!(a["name_last"], "Eriksson");
    assert_eq!(a["extracted"]["name_last"]["value"], "ERIKSSON");
    assert!(a["extracted"]["birthdate"]["source"].as_str().unwrap().starts_with("mrz:doc_"), "{a}");
    // ?include=documents brings the document along.
    assert_eq!(session["included"][0]["type"], "document/idv", "{session}");
    // What the session was decided on stays as it was.
    let doc = session["included"][0]["id"].as_str().unwrap();
    let (_, d) = api.get(&format!("/v1/documents/{doc}")).await;
    let r = put_image(&app, d["meta"]["upload_urls"]["front"].as_str().unwrap(), "image/jpeg", photo(true)).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_wrong_check_digit_an_expired_passport_a_name_mismatch_and_a_blurred_photo_each_fail_their_check() {
    let app = spawn_app().await;
    let api = setup(&app).await;
    let good = td3("Eriksson", "Anna Maria", "L898902C3", "740812", "341231");

    // One wrong check digit (the birthdate's).
    let s = new_session(&api, "Eriksson").await;
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    let digit = lines[1].as_bytes()[19] - b'0';
    lines[1].replace_range(19..20, &((digit + 1) % 10).to_string());
    passport(&api, &s, &lines.join("\n"), &photo(false)).await;
    let (session, v) = decided(&api, &s).await;
    assert_eq!(v["attributes"]["status"], "failed");
    assert_eq!(check(&v, "mrz_check_digits")["status"], "failed");
    assert!(check(&v, "mrz_check_digits")["reasons"][0].as_str().unwrap().contains("date of birth"), "{v}");
    assert_eq!(session["data"]["attributes"]["status"], "needs_review", "never approved with a failed check");
    let (status, e) = api.post(&format!("/v1/sessions/{s}/issue-credential"), json!(null)).await;
    assert_eq!(status, StatusCode::CONFLICT, "not before it is approved: {e}");
    // A person looks, and approves it; then the credential that proves it.
    let (status, reviewed) = api.post(&format!("/v1/sessions/{s}/approve"), json!(null)).await;
    assert_eq!((status, reviewed["data"]["attributes"]["status"].as_str()), (StatusCode::OK, Some("approved")));
    let (status, c) = api.post(&format!("/v1/sessions/{s}/issue-credential"), json!(null)).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let credential = &c["data"]["attributes"];
    assert_eq!(credential["credential_type"], "user", "{c}");
    assert_eq!(credential["claims"]["kyc_status"], "approved");
    assert_eq!(credential["claims"]["trust_level"], "idv_verified");
    assert_eq!(credential["subject"]["name"], json!({"first": "Anna Maria", "last": "Eriksson"}));
    let (status, _) = api.post(&format!("/v1/sessions/{s}/issue-credential"), json!(null)).await;
    assert_eq!(status, StatusCode::CONFLICT, "once per session");

    // Expired in 2020.
    let s = new_session(&api, "Eriksson").await;
    passport(&api, &s, &td3("Eriksson", "Anna Maria", "X1234567", "740812", "200101"), &photo(false)).await;
    let (_, v) = decided(&api, &s).await;
    assert_eq!(check(&v, "document_expired")["status"], "failed", "{v}");
    assert_eq!(check(&v, "mrz_check_digits")["status"], "passed");

    // The session says Svensson; the passport, Eriksson.
    let s = new_session(&api, "Svensson").await;
    passport(&api, &s, &td3("Eriksson", "Anna Maria", "Y7654321", "740812", "341231"), &photo(false)).await;
    let (_, v) = decided(&api, &s).await;
    assert_eq!(check(&v, "data_consistency")["status"], "failed");
    assert!(check(&v, "data_consistency")["reasons"][0].as_str().unwrap().contains("Svensson"), "{v}");

    // A blurred photo.
    let s = new_session(&api, "Eriksson").await;
    passport(&api, &s, &td3("Eriksson", "Anna Maria", "Z1111111", "740812", "341231"), &photo(true)).await;
    let (_, v) = decided(&api, &s).await;
    assert_eq!(check(&v, "image_sharpness")["status"], "failed", "{v}");
    assert_eq!(check(&v, "image_readable")["status"], "passed");
}

#[tokio::test]
async fn errors_point_at_the_member_that_is_wrong_and_another_org_gets_404_everywhere() {
    let app = spawn_app().await;
    let api = setup(&app).await;
    let (status, e) =
        api.post("/v1/accounts", json!({"data": {"type": "account", "attributes": {"external_id": "user-1"}}})).await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    let account = e["data"]["id"].as_str().unwrap().to_owned();
    let (status, e) =
        api.post("/v1/accounts", json!({"data": {"type": "account", "attributes": {"external_id": "user-1"}}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["errors"][0]["source"]["pointer"], "/data/attributes/external_id", "{e}");
    assert_eq!(e["errors"][0]["status"], "422");

    let (status, e) = api
        .post(
            "/v1/sessions",
            json!({"data": {"type": "session", "attributes": {"birthdate": "12/08/1974", "country_code": "sweden"},
                   "relationships": {"account": {"data": {"type": "account", "id": account}}}}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let pointers: Vec<&str> =
        e["errors"].as_array().unwrap().iter().map(|x| x["source"]["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, ["/data/attributes/birthdate", "/data/attributes/country_code"], "{e}");
    let (_, e) = api
        .post(
            "/v1/sessions",
            json!({"data": {"type": "session", "attributes": {"nickname": "Annie"},
               "relationships": {"account": {"data": {"type": "account", "id": account}}}}}),
        )
        .await;
    assert!(e["errors"][0]["detail"].as_str().unwrap().contains("nickname"), "{e}");
    assert_eq!(e["errors"][0]["source"]["pointer"], "/data/attributes/nickname", "{e}");
    let (status, e) = api.post("/v1/sessions", json!({"data": {"type": "session", "attributes": {}}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["errors"][0]["source"]["pointer"], "/data/relationships/account");
    let (status, e) = api.post("/v1/accounts", json!({"data": {"type": "session"}})).await;
    assert_eq!(status, StatusCode::CONFLICT, "JSON:API: a type that does not match is 409: {e}");
    let r = app
        .client
        .post(app.url("/v1/accounts"))
        .header("x-api-key", &api.key)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A blocked account starts no session.
    let (status, _) = api.post(&format!("/v1/accounts/{account}/block"), json!(null)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, e) = api
        .post(
            "/v1/sessions",
            json!({"data": {"type": "session",
               "relationships": {"account": {"data": {"type": "account", "id": account}}}}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["errors"][0]["detail"].as_str().unwrap().contains("blocked"));
    api.post(&format!("/v1/accounts/{account}/unblock"), json!(null)).await;

    let s = new_session(&api, "Eriksson").await;
    let doc = passport(&api, &s, &td3("Eriksson", "Anna", "L898902C3", "740812", "341231"), &photo(false)).await;
    let doc_id = doc["data"]["id"].as_str().unwrap();
    let (_, v) = api
        .post(
            "/v1/verifications",
            json!({"data": {"type": "verification/idv",
               "relationships": {"document": {"data": {"type": "document/idv", "id": doc_id}}}}}),
        )
        .await;
    let verification = v["data"]["id"].as_str().unwrap();

    // Another org sees none of it.
    let other = app.org("Other Bank", Plan::Professional).await;
    let eve = Api {
        app: &app,
        key: app.api_key(&other, &[Scope::IdentityRead, Scope::IdentityWrite]).await,
        org: other.clone(),
    };
    for path in [
        format!("/v1/accounts/{account}"),
        format!("/v1/sessions/{s}"),
        format!("/v1/documents/{doc_id}"),
        format!("/v1/verifications/{verification}"),
    ] {
        let (status, e) = eve.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {e}");
        assert_eq!(e["errors"][0]["code"], "not_found");
    }
    let (status, _) = eve.post(&format!("/v1/sessions/{s}/submit"), json!(null)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = eve.get("/v1/accounts").await;
    assert_eq!(list["data"], json!([]));
    // A key without the identity scopes is refused.
    let plain = Api { app: &app, key: app.api_key(&other, &[Scope::CredentialsRead]).await, org: other.clone() };
    let (status, e) = plain.get("/v1/accounts").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");

    // The filter and the cursor.
    let (_, found) = api.get("/v1/accounts?filter[external_id]=user-1").await;
    assert_eq!(found["data"].as_array().unwrap().len(), 1);
    let (_, first) = api.get("/v1/accounts?page[size]=1").await;
    assert_eq!(first["meta"]["has_more"], true);
    let next = first["links"]["next"].as_str().unwrap();
    let (_, second) = api.get(next).await;
    assert_ne!(second["data"][0]["id"], first["data"][0]["id"]);
}

#[tokio::test]
async fn an_upload_link_works_for_its_side_until_it_expires_and_takes_only_images() {
    let app = spawn_app().await;
    let api = setup(&app).await;
    let s = new_session(&api, "Eriksson").await;
    let (_, doc) = api
        .post(
            "/v1/documents",
            json!({"data": {"type": "document/idv", "attributes": {"id_class": "id", "country_code": "SE"},
                   "relationships": {"session": {"data": {"type": "session", "id": s}}}}}),
        )
        .await;
    let urls = &doc["meta"]["upload_urls"];
    let (front, back) = (urls["front"].as_str().unwrap(), urls["back"].as_str().unwrap());
    let r = put_image(&app, front, "text/plain", b"hello".to_vec()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["errors"][0]["source"]["header"], "Content-Type", "{e}");
    // The front's link does not open the back.
    let swapped = front.replace("/front?", "/back?");
    assert_eq!(put_image(&app, &swapped, "image/jpeg", photo(false)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(put_image(&app, back, "image/jpeg", photo(false)).await.status(), StatusCode::OK);

    app.clock.advance(16 * 60);
    let r = put_image(&app, front, "image/jpeg", photo(false)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let e: Value = r.json().await.unwrap();
    assert!(e["errors"][0]["detail"].as_str().unwrap().contains("expired"), "{e}");
}

#[tokio::test]
async fn a_us_driving_licence_s_pdf417_yields_its_aamva_fields_and_is_checked_against_the_session() {
    let app = spawn_app().await;
    let api = setup(&app).await;
    let (_, account) = api.post("/v1/accounts", json!({"data": {"type": "account"}})).await;
    let (_, s) = api
        .post(
            "/v1/sessions",
            json!({"data": {"type": "session",
                "attributes": {"name_first": "Michael", "name_last": "Sample", "birthdate": "1986-06-06"},
                "relationships": {"account": {"data": {"type": "account", "id": account["data"]["id"]}}}}}),
        )
        .await;
    let s = s["data"]["id"].as_str().unwrap().to_owned();
    let (status, doc) = api
        .post(
            "/v1/documents",
            json!({"data": {"type": "document/idv", "attributes": {"id_class": "dl", "country_code": "US"},
                   "relationships": {"session": {"data": {"type": "session", "id": s}}}}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    let urls = &doc["meta"]["upload_urls"];
    assert_eq!(
        put_image(&app, urls["front"].as_str().unwrap(), "image/jpeg", photo(false)).await.status(),
        StatusCode::OK
    );
    let back = licence_back("T64235789", "SAMPLE", "MICHAEL", "06061986", "12102034");
    assert_eq!(put_image(&app, urls["back"].as_str().unwrap(), "image/png", back).await.status(), StatusCode::OK);

    let (session, v) = decided(&api, &s).await;
    let barcode = check(&v, "barcode_data");
    assert_eq!(barcode["status"], "passed", "{v}");
    assert_eq!(barcode["details"]["document_number"], "T64235789");
    assert_eq!(barcode["details"]["birthdate"], "1986-06-06");
    assert_eq!(barcode["details"]["expiration_date"], "2034-12-10");
    assert_eq!(check(&v, "data_consistency")["status"], "passed", "{v}");
    assert_eq!(check(&v, "document_expired")["status"], "passed");
    assert_eq!(check(&v, "mrz_check_digits")["status"], "not_applicable", "a US licence has no MRZ");
    assert_eq!(v["attributes"]["status"], "passed", "{v}");
    assert_eq!(session["data"]["attributes"]["status"], "approved");
    let extracted = &session["data"]["attributes"]["extracted"];
    assert_eq!(extracted["document_number"]["value"], "T64235789");
    assert!(extracted["document_number"]["source"].as_str().unwrap().starts_with("barcode:doc_"), "{extracted}");
}

#[tokio::test]
async fn images_are_deleted_after_the_retention_period_and_the_results_stay_and_idle_sessions_expire() {
    let app = spawn_app().await;
    let api = setup(&app).await;
    let s = new_session(&api, "Eriksson").await;
    let doc = passport(&api, &s, &td3("Eriksson", "Anna Maria", "L898902C3", "740812", "341231"), &photo(false)).await;
    let doc_id = doc["data"]["id"].as_str().unwrap().to_owned();
    let (_, v) = decided(&api, &s).await;
    assert_eq!(v["attributes"]["status"], "passed");
    // Uploaded 91 days ago, under the default 90-day retention.
    sqlx::query("UPDATE identity_documents SET created_at = created_at - 91 * 86400 WHERE id = $1")
        .bind(&doc_id)
        .execute(&app.db)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let gone = loop {
        let (_, d) = api.get(&format!("/v1/documents/{doc_id}")).await;
        if d["data"]["attributes"]["images_deleted_at"].is_string() {
            break d;
        }
        assert!(Instant::now() < deadline, "the images were not deleted: {d}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(gone["meta"], Value::Null, "no upload links for a document whose images are gone: {gone}");
    let files = std::fs::read_dir(app_files(&app)).map(|d| d.count()).unwrap_or(0);
    assert_eq!(files, 0, "the encrypted file is deleted");
    let (_, v) = api.get(&format!("/v1/verifications/{}", v["id"].as_str().unwrap())).await;
    assert_eq!(v["data"]["attributes"]["status"], "passed", "the results stay");
    assert_eq!(check(&v["data"], "mrz_check_digits")["status"], "passed");
    let (_, audit) =
        crate::helpers::json(app.get_json("/v1/audit/events?action=identity_document.images_deleted", &api.key).await)
            .await;
    // A session never submitted expires after a week.
    let stale = new_session(&api, "Eriksson").await;
    sqlx::query("UPDATE identity_sessions SET created_at = created_at - 8 * 86400 WHERE id = $1")
        .bind(&stale)
        .execute(&app.db)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, s) = api.get(&format!("/v1/sessions/{stale}")).await;
        if s["data"]["attributes"]["status"] == "expired" {
            break;
        }
        assert!(Instant::now() < deadline, "the session did not expire: {s}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(audit["data"][0]["target"], doc_id.as_str(), "{audit}");
}

/// Where the app under test keeps document images.
fn app_files(app: &TestApp) -> std::path::PathBuf {
    app.data_dir().join("identity-files")
}

#[tokio::test]
async fn an_owner_s_rules_decline_a_failed_session_and_raise_the_minimum_age() {
    let app = spawn_app().await;
    let api = setup(&app).await;
    app.member(&api.org, "owner@bank.test", issuance::orgs::Role::Owner).await;
    app.member(&api.org, "issuer@bank.test", issuance::orgs::Role::Issuer).await;
    let rules = |age: &'static str, rule: &'static str| {
        [
            ("org_id", api.org.clone()),
            ("min_age", age.into()),
            ("failed_rule", rule.into()),
            ("retention_days", "30".into()),
        ]
    };
    let issuer = app.signed_in("issuer@bank.test").await;
    let form = rules("60", "decline");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.call_as(&issuer, "save_identity_rules", &form).await;
    assert!(!r.status().is_success(), "an issuer does not change the rules");
    let owner = app.signed_in("owner@bank.test").await;
    let bad = rules("200", "decline");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let e = crate::helpers::error_text(app.call_as(&owner, "save_identity_rules", &bad).await).await;
    assert!(e.contains("min_age"), "{e}");
    let r = app.call_as(&owner, "save_identity_rules", &form).await;
    assert!(r.status().is_success(), "{}", crate::helpers::error_text(r).await);

    // Anna, born 1974, is 52: under the new minimum of 60, and so declined.
    let s = new_session(&api, "Eriksson").await;
    passport(&api, &s, &td3("Eriksson", "Anna Maria", "L898902C3", "740812", "341231"), &photo(false)).await;
    let (session, v) = decided(&api, &s).await;
    assert_eq!(check(&v, "age_minimum")["status"], "failed", "{v}");
    assert!(check(&v, "age_minimum")["reasons"][0].as_str().unwrap().contains("60 or more"));
    assert_eq!(session["data"]["attributes"]["status"], "declined");
}

#[tokio::test]
async fn an_identity_card_s_three_line_td1_zone_is_read_and_checked_front_and_back() {
    let app = spawn_app().await;
    let api = setup(&app).await;
    let s = new_session(&api, "Eriksson").await;
    let zone = mrz("td1", "Eriksson", "Anna Maria", "D23145890", "740812", "341231");
    assert_eq!(zone.lines().count(), 3, "{zone}");
    let (status, doc) = api
        .post(
            "/v1/documents",
            json!({"data": {"type": "document/idv", "attributes": {"id_class": "id", "country_code": "SE", "mrz": zone},
                   "relationships": {"session": {"data": {"type": "session", "id": s}}}}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    for side in ["front", "back"] {
        let url = doc["meta"]["upload_urls"][side].as_str().unwrap();
        assert_eq!(put_image(&app, url, "image/jpeg", photo(false)).await.status(), StatusCode::OK);
    }
    let (session, v) = decided(&api, &s).await;
    assert_eq!(check(&v, "mrz_format")["details"]["format"], "TD1", "{v}");
    assert_eq!(check(&v, "mrz_check_digits")["status"], "passed", "{v}");
    assert_eq!(v["attributes"]["extracted"]["document_number"], "D23145890");
    assert_eq!(session["data"]["attributes"]["status"], "approved", "{v}");
}

/// Found while writing the Identity API into the OpenAPI document: refusals
/// that came as axum's plain text, a string with U+0000 (PostgreSQL's 500),
/// a body over the limit answered as an unreadable one, an `include` that
/// was silently ignored, a next page that dropped the list's filter, and a
/// proof of address listed on its session as a government ID.
#[tokio::test]
async fn refusals_are_json_api_documents_and_a_next_page_keeps_the_filter() {
    let app = spawn_app().await;
    let api = setup(&app).await;
    let (status, e) =
        api.post("/v1/accounts", json!({"data": {"type": "account", "attributes": {"reference": "a\u{0}b"}}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["source"]["pointer"], "/data/attributes/reference", "{e}");
    let huge = "x".repeat(laurel::rest::MAX_BODY);
    let (status, e) =
        api.post("/v1/accounts", json!({"data": {"type": "account", "attributes": {"reference": huge}}})).await;
    assert_eq!((status, e["errors"][0]["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));

    let s = new_session(&api, "Eriksson").await;
    let (status, doc) = api
        .post(
            "/v1/documents",
            json!({"data": {"type": "document/address",
                   "relationships": {"session": {"data": {"type": "session", "id": s}}}}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    let (_, session) = api.get(&format!("/v1/sessions/{s}?include=documents")).await;
    let linkage = &session["data"]["relationships"]["documents"]["data"][0];
    assert_eq!(linkage["type"], "document/address", "{session}");
    assert_eq!(session["included"][0]["type"], linkage["type"]);
    let (status, e) = api.get(&format!("/v1/sessions/{s}?include=account,owner")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["errors"][0]["source"]["parameter"], "include");

    let front = doc["meta"]["upload_urls"]["front"].as_str().unwrap();
    let unsigned = front.split('?').next().unwrap();
    let r = put_image(&app, unsigned, "image/png", photo(false)).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], MEDIA);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["errors"][0]["source"]["parameter"], "expires", "{e}");
    let too_big = vec![0u8; issuance::identity::documents::MAX_UPLOAD + 2048];
    let r = put_image(&app, front, "image/png", too_big).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.headers()["content-type"], MEDIA);

    // Two sessions of one account, one of another: the filtered list's
    // second page is still of the one account.
    let (_, account) = api.get(&format!("/v1/sessions/{s}")).await;
    let account = account["data"]["relationships"]["account"]["data"]["id"].as_str().unwrap().to_owned();
    let (status, _) = api
        .post(
            "/v1/sessions",
            json!({"data": {"type": "session",
                   "relationships": {"account": {"data": {"type": "account", "id": account}}}}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    new_session(&api, "Other").await;
    let (_, first) = api.get(&format!("/v1/sessions?filter[account_id]={account}&page[size]=1")).await;
    assert_eq!(first["meta"]["has_more"], true, "{first}");
    let (_, second) = api.get(first["links"]["next"].as_str().unwrap()).await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1, "{second}");
    assert_eq!(second["data"][0]["relationships"]["account"]["data"]["id"], account.as_str());
    assert_eq!(second["meta"]["has_more"], false, "the other account's session is not on it: {second}");
}
