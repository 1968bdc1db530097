use std::process::Command;

use issuance::orgs::{Membership, Plan, Role, organizations};

/// Runs the real `laurel` binary against a database file.
/// Runs `laurel args...` on the database at `db_url`. Awaited, never
/// blocking: the test's runtime also serves the in-process app, and a
/// frozen runtime could hold an SQLite write open while the CLI waits for it.
async fn laurel(db_url: &str, data_dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_laurel"))
        .args(args)
        .env("LAUREL_DATABASE_URL", db_url)
        .env("LAUREL_DATA_DIR", data_dir)
        .env_remove("LAUREL_MASTER_KEY")
        .env("RUST_LOG", "error")
        .output()
        .await
        .expect("laurel runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_admin_commands_create_approve_and_populate_an_org() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;

    let (ok, out, err) =
        laurel(&url, dir.path(), &["admin", "create-org", "--name", "Acme Academy", "--plan", "enterprise"]).await;
    assert!(ok, "{err}");
    let org_id = out.trim().to_owned();
    assert!(org_id.starts_with("org_"), "{out}");

    let (ok, _, err) = laurel(&url, dir.path(), &["admin", "approve-org", &org_id]).await;
    assert!(ok, "{err}");
    let (ok, _, err) = laurel(
        &url,
        dir.path(),
        &[
            "admin",
            "create-user",
            "--org",
            &org_id,
            "--email",
            "Grace@Example.com",
            "--password",
            "long enough pass",
            "--role",
            "admin",
        ],
    )
    .await;
    assert!(ok, "{err}");
    let (ok, _, err) = laurel(&url, dir.path(), &["admin", "set-quota", "--org", &org_id, "--quota", "1234"]).await;
    assert!(ok, "{err}");

    let db = issuance::db::connect(&url).await.unwrap();
    let org = organizations::get(&db, &org_id).await.unwrap();
    assert_eq!(org.plan, Plan::Enterprise);
    assert!(org.approved);
    assert_eq!(org.monthly_quota, 1234);
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signing_keys WHERE org_id = $1")
        .bind(&org_id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(keys, 1, "approval creates the org's signing key");
    let sealed: String = sqlx::query_scalar("SELECT private_key_enc FROM signing_keys WHERE org_id = $1")
        .bind(&org_id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(sealed.starts_with("v1."), "the private key is stored sealed");
    assert!(dir.path().join("master.key").exists(), "the embedded default generates a master key file");

    let user = issuance::accounts::users::find_by_email(
        &db,
        &issuance::email::EmailAddress::parse("grace@example.com").unwrap(),
    )
    .await
    .unwrap()
    .expect("the user exists");
    assert_eq!(Membership::of(&db, &user.id, &org_id).await.unwrap().role, Role::Admin);
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(&user.id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("long enough pass"));
}

#[tokio::test]
async fn bad_arguments_are_refused_with_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let (ok, _, err) = laurel(&url, dir.path(), &["admin", "create-org", "--name", "X", "--plan", "gold"]).await;
    assert!(!ok);
    assert!(err.contains("'free' | 'professional' | 'enterprise'"), "{err}");
    let (ok, _, err) = laurel(&url, dir.path(), &["admin", "approve-org", "org_missing"]).await;
    assert!(!ok);
    assert!(err.contains("no organisation with id org_missing"), "{err}");
}

/// What the demo seed leaves: orgs, users, keys, badges, images,
/// credentials (revoked among them), jobs and their failed rows.
async fn demo_counts(db: &issuance::db::Db) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM organizations",
        "SELECT COUNT(*) FROM users",
        "SELECT COUNT(*) FROM signing_keys",
        "SELECT COUNT(*) FROM badges",
        "SELECT COUNT(*) FROM badge_images",
        "SELECT COUNT(*) FROM credentials",
        "SELECT COUNT(*) FROM credentials WHERE status = 'revoked'",
        "SELECT COUNT(*) FROM jobs WHERE status = 'completed'",
        "SELECT CAST(COALESCE(SUM(failed), 0) AS BIGINT) FROM jobs",
    ] {
        counts.push(sqlx::query_scalar(sql).fetch_one(db).await.unwrap());
    }
    counts
}

#[tokio::test]
async fn seeding_the_demo_twice_changes_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let (ok, out, err) = laurel(&url, dir.path(), &["admin", "seed-demo"]).await;
    assert!(ok, "{err}");
    assert!(out.contains(laurel::admin::DEMO_OWNER_EMAIL) && out.contains(laurel::admin::DEMO_OWNER_PASSWORD));
    let db = issuance::db::connect(&url).await.unwrap();
    let first = demo_counts(&db).await;
    let (ok, _, err) = laurel(&url, dir.path(), &["admin", "seed-demo"]).await;
    assert!(ok, "{err}");
    let second = demo_counts(&db).await;
    assert_eq!(first, second);
    let [orgs, users, keys, badges, images, credentials, revoked, jobs, failed] = first[..] else { unreachable!() };
    assert_eq!((orgs, users, keys, badges, images, jobs, failed), (2, 2, 2, 4, 4, 1, 2));
    assert!(credentials > 200 && revoked > 2, "{credentials} credentials, {revoked} revoked");
    assert_eq!(organizations::get(&db, laurel::admin::DEMO_ORG).await.unwrap().plan, Plan::Professional);
}

#[tokio::test]
async fn the_sample_file_shows_every_review_status_on_the_seeded_free_org() {
    use issuance::bulk::{RowStatus, uploads};
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let (ok, _, err) = laurel(&url, dir.path(), &["admin", "seed-demo"]).await;
    assert!(ok, "{err}");
    let db = issuance::db::connect(&url).await.unwrap();
    let sample = include_bytes!("../../../examples/recipients.csv");
    for (org, over_quota) in [(laurel::admin::DEMO_SANDBOX_ORG, 3), (laurel::admin::DEMO_ORG, 0)] {
        let badges = issuance::badges::list(&db, org).await.unwrap();
        let badge = badges.iter().find(|b| b.name == laurel::admin::seed_demo::SAMPLE_BADGE).unwrap();
        let owner: String = sqlx::query_scalar("SELECT user_id FROM memberships WHERE org_id = $1 AND role = 'owner'")
            .bind(org)
            .fetch_one(&db)
            .await
            .unwrap();
        let upload = uploads::create(&db, org, Some(&badge.id), Some("recipients.csv"), sample, &owner).await.unwrap();
        let (_, review) = uploads::review(&db, org, &upload, issuance::clock::now()).await.unwrap();
        let review = review.unwrap();
        let t = &review.totals;
        assert_eq!(
            (
                t.new,
                t.renewal,
                t.active_time_bound,
                t.active_non_expiring,
                t.revoked,
                t.invalid,
                t.duplicate,
                t.over_quota
            ),
            (6 - over_quota, 1, 1, 1, 1, 2, 1, over_quota),
            "{org}"
        );
        let status_of = |email: &str| review.rows.iter().find(|r| r.email == email).map(|r| r.status);
        assert_eq!(status_of("dana.garcia@example.org"), Some(RowStatus::Renewal));
        assert_eq!(status_of("farah.haddad@example.org"), Some(RowStatus::ActiveNonExpiring));
    }
}

#[tokio::test]
async fn keys_issue_prints_a_json_key_whose_secret_works_once_shown() {
    let app = crate::helpers::spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = laurel(
        &app.db_url,
        dir.path(),
        &[
            "keys",
            "issue",
            "ci-bot",
            "--org",
            &org,
            "--scopes",
            "credentials:read,credentials:write",
            "--format",
            "json",
        ],
    )
    .await;
    assert!(ok, "{err}");
    let key: serde_json::Value = serde_json::from_str(&out).expect("JSON output");
    let secret = key["secret"].as_str().expect("a secret");
    assert!(key["id"].as_str().unwrap().starts_with("key_"));
    assert_eq!(key["scopes"], serde_json::json!(["credentials:read", "credentials:write"]));
    assert_eq!(app.get_json("/v1/credentials", secret).await.status(), reqwest::StatusCode::OK);

    let (ok, listed, _) = laurel(&app.db_url, dir.path(), &["keys", "list", "--org", &org, "--format", "json"]).await;
    assert!(ok);
    assert!(!listed.contains(secret), "listing never shows the secret");

    let (ok, _, err) =
        laurel(&app.db_url, dir.path(), &["keys", "issue", "x", "--org", &org, "--scopes", "credentials:everything"])
            .await;
    assert!(!ok);
    assert!(err.contains("'credentials:read' | 'credentials:write'"), "{err}");
}

#[tokio::test]
async fn reset_password_reads_stdin_ends_every_session_and_lifts_the_lock() {
    use std::process::Stdio;
    use tokio::io::AsyncWriteExt;

    let app = crate::helpers::spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "ada@example.com", Role::Owner).await;
    let session = app.signed_in("ada@example.com").await;
    for _ in 0..6 {
        app.login_as(&crate::helpers::client(), "ada@example.com", "wrong guess here").await;
    }

    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_laurel"))
        .args(["admin", "reset-password", "--email", "Ada@Example.com"])
        .env("LAUREL_DATABASE_URL", &app.db_url)
        .env("LAUREL_DATA_DIR", dir.path())
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"operator chosen password\n").await.unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("every session of ada@example.com has ended"));

    let overview = app.call_as(&session, "get_org_overview", &[("org_id", &org)]).await;
    assert_eq!(overview.status(), reqwest::StatusCode::UNAUTHORIZED, "the old session ended");
    let fresh = crate::helpers::client();
    let r = app.login_as(&fresh, "ada@example.com", "operator chosen password").await;
    assert!(r.status().is_success(), "the lock is lifted and the new password works: {}", r.status());

    // No password on standard input: refused, naming the rule.
    let (ok, _, err) =
        laurel(&app.db_url, dir.path(), &["admin", "reset-password", "--email", "ada@example.com"]).await;
    assert!(!ok);
    assert!(err.contains("password: must be at least 10 characters"), "{err}");
}

#[tokio::test]
async fn an_unknown_database_scheme_is_refused_at_start_instead_of_becoming_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = |url: &str| {
        Command::new(env!("CARGO_BIN_EXE_laurel"))
            .args(["admin", "seed-demo"])
            .current_dir(dir.path())
            .env("LAUREL_DATABASE_URL", url)
            .env("LAUREL_DATA_DIR", dir.path())
            .env("RUST_LOG", "error")
            .output()
            .expect("laurel runs")
    };
    let out = run("mysql://laurel:s3cret@127.0.0.1/laurel");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("unsupported scheme \"mysql\"") && !stderr.contains("s3cret"), "{stderr}");

    // A PostgreSQL that does not answer is an error at start, and the
    // password stays out of it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = run(&format!("postgres://laurel:s3cret@127.0.0.1:{closed}/laurel"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(!stderr.contains("s3cret") && !stderr.is_empty(), "{stderr}");

    let made: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!made.iter().any(|n| n.to_string_lossy().starts_with("mysql")), "{made:?}");
}
