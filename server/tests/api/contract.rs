//! The `/v1` API against its own OpenAPI document, judged by PyPI's
//! schemathesis (property-based: it generates requests from the document,
//! including ones no one here thought of) on the real binary: every
//! operation, no 5xx, only documented status codes, and every response,
//! its content type and headers matching the document.

use std::time::Duration;

use issuance::api_keys::Scope;
use issuance::orgs::{Plan, organizations};
use tokio::process::Command;

use crate::helpers::{TEST_MASTER_KEY, free_port, laurel_serve, until_serving};

/// Generated requests per operation and phase: bounded so the suite stays
/// within CI's time (about 4,000 requests in all, half a minute).
const EXAMPLES: &str = "25";

#[tokio::test]
async fn the_v1_api_holds_to_its_openapi_document_under_schemathesis() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let db = issuance::db::connect(&url).await.unwrap();
    let master = issuance::keys::MasterKey::from_base64(TEST_MASTER_KEY).unwrap();
    let org = organizations::create(&db, "Contract Co", Plan::Enterprise).await.unwrap().id;
    organizations::approve(&db, &master, &org).await.unwrap();
    let scopes = [
        Scope::CredentialsRead,
        Scope::CredentialsWrite,
        Scope::KeysRead,
        Scope::KeysWrite,
        Scope::WebhooksRead,
        Scope::WebhooksWrite,
        Scope::AuditRead,
        Scope::IdentityRead,
        Scope::IdentityWrite,
    ];
    let key = issuance::api_keys::create(&db, &org, "schemathesis", &scopes, None).await.unwrap().secret;
    let port = free_port();
    let _server = laurel_serve(dir.path(), &url, port, &[("LAUREL_WEBHOOKS_ALLOW_PRIVATE", "false")]);
    let base = format!("http://127.0.0.1:{port}");
    until_serving(&base).await;

    let run = Command::new("python3")
        .args(["-c", "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())"])
        .args(["run", &format!("{base}/v1/openapi.json")])
        .args(["--header", &format!("X-Api-Key: {key}")])
        .args(["--max-examples", EXAMPLES, "--workers", "2", "--seed", "1"])
        // Auth is tested by the suite's own tests; mangled keys here would
        // only lock this address out (the key-guessing throttle) and leave
        // the rest untested. Revoking the key would end the run likewise.
        .args(["--generation-with-security-parameters", "false", "--exclude-operation-id", "revokeKey"])
        // What the document promises of every answer. Left out: whether the
        // API accepts all the document allows and refuses all it does not,
        // since its rules (a CSV's content, a cursor, an archived badge)
        // go beyond what a schema can say.
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,\
             response_headers_conformance,unsupported_method",
        ])
        .args(["--request-timeout", "30"])
        // Seeded and with no example database, so a run repeats exactly
        // and leaves nothing in the clone.
        .args(["--generation-database", "none"])
        .env("NO_COLOR", "1")
        // Its caches go to the test's own directory, not the clone.
        .current_dir(dir.path())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(600), run)
        .await
        .expect("schemathesis finishes within 10 minutes")
        .expect("python3 runs schemathesis (scripts/test installs it)");
    let report = String::from_utf8_lossy(&out.stdout);
    let summary = report.rsplit("SUMMARY").next().unwrap_or_default();
    eprintln!("schemathesis:{summary}");
    assert!(out.status.success(), "{report}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(summary.contains("Tested: 59"), "every operation but revokeKey was tested: {summary}");
    assert!(!summary.contains("Failures:"), "{report}");
}

#[tokio::test]
async fn a_nul_character_anywhere_in_a_json_body_is_refused_naming_its_json_pointer() {
    // Found by schemathesis on PostgreSQL, which refuses U+0000 in text:
    // a key import with one in `actor_id` answered 500.
    let (app, org, key) = crate::helpers::setup().await;
    let keys = app.api_key(&org, &[Scope::KeysRead, Scope::KeysWrite]).await;
    let (status, e) = crate::helpers::json(
        app.post_json(
            "/v1/keys/batch-import",
            &keys,
            serde_json::json!([{"raw_key": "lrl_x", "name": "ok", "actor_id": "a\u{0}b", "scopes": ["read"]}]),
        )
        .await,
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["details"][0]["path"], "/0/actor_id", "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("NUL character"), "{e}");
    let mut body = crate::helpers::business();
    body["subject"]["na\u{0}me"] = serde_json::json!("x");
    let (status, e) = crate::helpers::json(app.post_json("/v1/credentials", &key, body).await).await;
    assert_eq!(
        (status, e["error"]["details"][0]["path"].as_str()),
        (reqwest::StatusCode::BAD_REQUEST, Some("/subject/na\u{0}me"))
    );
}

#[tokio::test]
async fn a_nul_character_in_a_query_parameter_is_refused_naming_the_parameter() {
    // Found by schemathesis on PostgreSQL: `badge_id=%00…` on the dry run
    // reached the badge lookup and answered 500.
    let (app, _, key) = crate::helpers::setup().await;
    let r = app.post_csv("/v1/bulk-issue/validate?badge_id=%00bdg&duplicate_policy=skip", &key, "name,email\n").await;
    let (status, e) = crate::helpers::json(r).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["details"][0]["path"], "badge_id", "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("NUL character"), "{e}");
    let (status, _) = crate::helpers::json(app.get_json("/v1/credentials?q=a%00b", &key).await).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    // In a path, an id holding one is no job of this organisation.
    let (status, e) =
        crate::helpers::json(app.post_json("/v1/bulk-issue/job%00x/cancel", &key, serde_json::json!({})).await).await;
    assert!(status.is_client_error(), "{status} {e}");
}
