use std::collections::HashMap;

use issuance::api_keys::Scope;
use issuance::badges::{self, NewBadge};
use issuance::clock::Clock;
use issuance::credentials::{self, IssueRequest, Issuer};
use issuance::db::Db;
use issuance::jobs::engine::PlanCaps;
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, Role, organizations};
use laurel::config::Config;
use laurel::startup::Application;
use reqwest::header::{ACCEPT, HeaderMap, LOCATION, ORIGIN, REFERER, SET_COOKIE};
use reqwest::{Response, StatusCode, redirect};
use serde_json::{Value, json};
use tempfile::TempDir;

pub const PASSWORD: &str = "a long enough password";

pub struct TestApp {
    pub address: String,
    /// `LAUREL_PUBLIC_URL`: what pages' `Origin` is, for the origin guard.
    pub public_url: String,
    /// The database file, for running the CLI against this app.
    pub db_url: String,
    pub db: Db,
    pub master: MasterKey,
    /// The app's clock: tests move it on instead of sleeping.
    pub clock: Clock,
    pub client: reqwest::Client,
    _dir: TempDir,
}

/// Boots the application on a free loopback port against a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config {
        database_url: fresh_database_url(dir.path()).await,
        db: issuance::db::DbSettings::default(),
        addr: "127.0.0.1:0".parse().unwrap(),
        public_url: "http://laurel.test".into(),
        data_dir: dir.path().to_owned(),
        master_key: Some(TEST_MASTER_KEY.into()),
        site_root: dir.path().join("site").display().to_string(),
        rates: PlanCaps::default(),
        job_batch_rows: 1000,
        workers: true,
        smtp_url: None,
        mail_from: "Laurel Test <no-reply@laurel.test>".into(),
        smtp_retry_secs: 1,
        smtp_sessions: 16,
        smtp_lease_secs: 120,
        smtp_domain: issuance::outbox::pace::DomainPace::default(),
        inbound_email_token: Some(INBOUND_EMAIL_TOKEN.into()),
        // The receivers the webhook tests start listen on loopback.
        webhooks_allow_private: true,
        webhook_retry_ms: 100,
        webhook_timeout_ms: 10_000,
        clock: Clock::adjustable(),
    };
    adjust(&mut config);
    let db_url = config.database_url.clone();
    let public_url = config.public_url.clone();
    let clock = config.clock.clone();
    let app = Application::build(config).await.expect("app builds");
    let address = format!("http://{}", app.local_addr());
    let db = app.state().db.clone();
    let master = app.state().master_key.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp { client: client(), address, public_url, db_url, db, master, clock, _dir: dir }
}

/// A database of its own for one test: a SQLite file in `dir`, or, when
/// `LAUREL_TEST_POSTGRES_URL` names a PostgreSQL server (as `scripts/test`
/// sets it for the suite's second run), a new empty database there.
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    match std::env::var("LAUREL_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) {
        None => format!("sqlite://{}", dir.join("laurel.db").display()),
        Some(server) => {
            use sqlx::Connection;
            let name = format!("laurel_{}", issuance::ids::new_id("t").to_lowercase().replace('-', "_"));
            let mut admin = sqlx::postgres::PgConnection::connect(&server).await.expect("the test PostgreSQL answers");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create database");
            let (base, _) = server.rsplit_once('/').expect("LAUREL_TEST_POSTGRES_URL ends in /DATABASE");
            format!("{base}/{name}")
        }
    }
}

impl TestApp {
    /// The helpers of a test app, pointed at a `laurel serve` process the
    /// test started itself on `db_url` (whose database `db` opens).
    pub fn for_process(address: &str, db_url: &str, db: Db) -> TestApp {
        TestApp {
            address: address.to_owned(),
            public_url: "http://laurel.test".into(),
            db_url: db_url.to_owned(),
            db,
            master: MasterKey::from_base64(TEST_MASTER_KEY).unwrap(),
            clock: Clock::system(),
            client: client(),
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }
}

/// Base64 of the bytes 0..32: a fixed key, so tests need no key file.
pub const TEST_MASTER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// What the relay sends to post bounces to `/inbound/email/dsn`.
pub const INBOUND_EMAIL_TOKEN: &str = "inbound-test-token";

/// A browser-like client: keeps cookies, does not follow redirects (tests
/// look at them). A request that gets no answer in a minute fails instead
/// of stalling the suite: a page that never answers (as leptos issue #4773
/// once caused, see `startup::route_list`) must show as one failed test.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

impl TestApp {
    /// `LAUREL_DATA_DIR` of the app.
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Calls a server function the way the hydrated dashboard does.
    pub async fn call(&self, name: &str, form: &[(&str, &str)]) -> Response {
        self.call_as(&self.client, name, form).await
    }

    pub async fn call_as(&self, client: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/api/{name}")))
            .header(ORIGIN, &self.public_url)
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.login_as(&self.client, email, password).await
    }

    pub async fn login_as(&self, client: &reqwest::Client, email: &str, password: &str) -> Response {
        self.call_as(client, "login", &[("email", email), ("password", password)]).await
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).header(ACCEPT, "text/html").send().await.expect("request sent")
    }

    /// A plain HTML form post, as a browser without JavaScript sends it.
    pub async fn form_post(&self, name: &str, form: &[(&str, &str)], referer: &str) -> Response {
        self.client
            .post(self.url(&format!("/api/{name}")))
            .header(ORIGIN, &self.public_url)
            .header(REFERER, format!("{}{referer}", self.public_url))
            .header(ACCEPT, "text/html,application/xhtml+xml")
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn org(&self, name: &str, plan: Plan) -> String {
        let org = organizations::create(&self.db, name, plan).await.unwrap();
        organizations::approve(&self.db, &self.master, &org.id).await.unwrap();
        org.id
    }

    /// Adds a member with the shared test password; returns their user id.
    pub async fn member(&self, org_id: &str, email: &str, role: Role) -> String {
        laurel::admin::create_user(&self.db, org_id, email, None, PASSWORD, role).await.unwrap().0
    }

    /// What makes invitation links: the tests read the e-mail's link from
    /// it, as the invited person's mailbox would.
    pub fn invitation_links(&self) -> issuance::orgs::invitations::LinkKey {
        issuance::orgs::invitations::LinkKey::new(&self.master)
    }

    /// A fresh client signed in as `email`.
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let c = client();
        let r = self.login_as(&c, email, PASSWORD).await;
        assert!(r.status().is_success(), "login of {email} failed: {}", r.status());
        c
    }
}

impl TestApp {
    /// An API key of `org_id` with `scopes`; returns its secret.
    pub async fn api_key(&self, org_id: &str, scopes: &[issuance::api_keys::Scope]) -> String {
        issuance::api_keys::create(&self.db, org_id, "test key", scopes, None).await.unwrap().secret
    }

    /// A JSON request to the REST API with an API key.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        key: &str,
        body: Option<serde_json::Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path)).header("x-api-key", key);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.expect("request sent")
    }

    pub async fn post_json(&self, path: &str, key: &str, body: serde_json::Value) -> Response {
        self.api(reqwest::Method::POST, path, key, Some(body)).await
    }

    pub async fn get_json(&self, path: &str, key: &str) -> Response {
        self.api(reqwest::Method::GET, path, key, None).await
    }

    /// A CSV body (`text/csv`) posted with the API key, as to
    /// `/v1/bulk-issue?badge_id=…`.
    pub async fn post_csv(&self, path: &str, key: &str, csv: impl Into<reqwest::Body>) -> Response {
        self.client
            .post(self.url(path))
            .header("x-api-key", key)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap()
    }
}

/// A page as a browser would load it with `client`, as text.
pub async fn html(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    client.get(app.url(path)).header(ACCEPT, "text/html").send().await.unwrap().text().await.unwrap()
}

/// Reads a response as JSON, with its status.
pub async fn json(r: Response) -> (reqwest::StatusCode, serde_json::Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}")))
}

/// The attributes of the named Set-Cookie, lower-cased, by name.
pub fn cookie_attributes(headers: &HeaderMap, name: &str) -> Option<HashMap<String, String>> {
    headers.get_all(SET_COOKIE).iter().find_map(|v| {
        let v = v.to_str().ok()?;
        let mut parts = v.split(';').map(str::trim);
        let (n, value) = parts.next()?.split_once('=')?;
        if n != name {
            return None;
        }
        let mut attrs: HashMap<String, String> = parts
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.to_ascii_lowercase(), v.to_owned()),
                None => (p.to_ascii_lowercase(), String::new()),
            })
            .collect();
        attrs.insert("value".into(), value.to_owned());
        Some(attrs)
    })
}

/// The message of the error a server function answered with, as the
/// dashboard shows it.
pub async fn error_text(r: Response) -> String {
    let body = r.text().await.unwrap_or_default();
    match serde_json::from_str::<app::error::AppError>(&body) {
        Ok(e) => e.to_string(),
        Err(_) => body,
    }
}

/// A valid business credential request, as in the reference API.
pub fn business() -> Value {
    json!({
        "credential_type": "business",
        "subject": {"id": "biz_widgetcorp", "type": "organisation", "name": "WidgetCorp Ltd"},
        "claims": {"kyb_status": "approved", "verified_at": "2026-05-20T00:00:00Z", "jurisdiction": "US-DE"}
    })
}

/// An app with an approved Professional org and a read-write API key.
pub async fn setup() -> (TestApp, String, String) {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    (app, org, key)
}

/// Part `n` of a compact JWS, decoded.
pub fn decode_part(token: &str, n: usize) -> Value {
    use base64::Engine;
    let part = token.split('.').nth(n).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// Waits (up to 30 s) for a job to finish and returns its status.
pub async fn wait_for_job(db: &Db, job_id: &str) -> String {
    for _ in 0..600 {
        let status: issuance::jobs::JobStatus =
            sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1").bind(job_id).fetch_one(db).await.unwrap();
        if status.is_finished() {
            return status.as_str().to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("job {job_id} did not finish within 30 s");
}

/// Waits (up to 30 s) until the job is `status`.
pub async fn wait_for_status(db: &Db, job_id: &str, status: issuance::jobs::JobStatus) {
    for _ in 0..600 {
        let now: issuance::jobs::JobStatus =
            sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1").bind(job_id).fetch_one(db).await.unwrap();
        if now == status {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("job {job_id} was not {status} within 30 s");
}

/// A badge of `org` named `name`, valid for 365 days; returns its id.
pub async fn badge(app: &TestApp, org: &str, name: &str) -> String {
    badges::create(
        &app.db,
        org,
        NewBadge {
            name: name.into(),
            description: format!("{name}: knows the drill."),
            criteria_narrative: "Passed the course.".into(),
            image_url: None,
            validity_days: Some(365),
        },
        None,
    )
    .await
    .unwrap()
    .id
}

/// An approved org "Acme" on `plan` with a badge "Safety"; returns
/// (org, badge).
pub async fn org_with_badge(app: &TestApp, plan: Plan) -> (String, String) {
    let org = app.org("Acme", plan).await;
    let badge = badge(app, &org, "Safety").await;
    (org, badge)
}

/// Issues `badge` of `org` to `name` <`email`> through the core; returns
/// the credential's id.
pub async fn issue_badge(app: &TestApp, org: &str, badge: &str, name: &str, email: &str) -> String {
    let request = IssueRequest::parse(&json!({
        "credential_type": "badge",
        "badge_id": badge,
        "recipient": {"name": name, "email": email},
    }))
    .unwrap();
    let issuer = Issuer { db: &app.db, master: &app.master, public_url: "http://laurel.test", api_key_id: None };
    credentials::issue(issuer, org, request, issuance::clock::now()).await.unwrap().id
}

/// Uploads `csv` as `people.csv` for `badge` through the bulk-issue page's
/// form, as `client`; returns the response (a redirect to the review).
pub async fn upload_csv(app: &TestApp, client: &reqwest::Client, org: &str, badge: &str, csv: &str) -> Response {
    let form = reqwest::multipart::Form::new().text("badge_id", badge.to_owned()).part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("people.csv").mime_str("text/csv").unwrap(),
    );
    client
        .post(app.url(&format!("/organizations/{org}/credentials/bulk-issue/uploads")))
        .header(ORIGIN, &app.public_url)
        .header(ACCEPT, "text/html")
        .multipart(form)
        .send()
        .await
        .expect("request sent")
}

/// Uploads `csv` as `client` and submits it as the hydrated review page
/// does; returns the job's id.
pub async fn submit_csv(app: &TestApp, client: &reqwest::Client, org: &str, badge: &str, csv: &str) -> String {
    let r = upload_csv(app, client, org, badge, csv).await;
    let upload_id = r.headers()[LOCATION].to_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let r = app.call_as(client, "submit_bulk_upload", &[("org_id", org), ("upload_id", &upload_id)]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    sqlx::query_scalar("SELECT id FROM jobs WHERE upload_id = $1").bind(&upload_id).fetch_one(&app.db).await.unwrap()
}

/// A loopback port nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The real `laurel serve` binary on `db_url`, listening on `port`, with
/// the test master key and public URL; `env` adds settings or overrides
/// these. Killed when dropped.
pub fn laurel_serve(dir: &std::path::Path, db_url: &str, port: u16, env: &[(&str, &str)]) -> tokio::process::Child {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_laurel"));
    command
        .arg("serve")
        .env("LAUREL_DATABASE_URL", db_url)
        .env("LAUREL_ADDR", format!("127.0.0.1:{port}"))
        .env("LAUREL_PUBLIC_URL", "http://laurel.test")
        .env("LAUREL_DATA_DIR", dir)
        .env("LAUREL_MASTER_KEY", TEST_MASTER_KEY)
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    command.spawn().expect("the laurel binary starts")
}

/// Waits (up to a minute) until the server at `base` answers.
pub async fn until_serving(base: &str) {
    let client = reqwest::Client::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !client.get(format!("{base}/v1/openapi.json")).send().await.is_ok_and(|r| r.status().is_success()) {
        assert!(std::time::Instant::now() < deadline, "{base} did not start serving");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
