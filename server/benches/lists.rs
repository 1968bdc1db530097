//! Every dashboard page and list API against a large org, through the real
//! router on loopback: the cost of a page must not grow with the org.
//!
//! `cargo bench -p laurel --bench lists [-- SIZE ...]` (default `10000
//! 1000000`). For each SIZE it fills a database with one org of SIZE
//! credentials through `laurel admin generate-demo` (kept under
//! `$LAUREL_BENCH_DATA`, default `target/bench-data`, and reused by later
//! runs: a million takes a few minutes), boots the server on it without
//! workers, signs in as the org's owner, and for each page and list prints
//! p50 and p95 for one client (100 requests after 10 to warm up), then for
//! 20 concurrent clients (25 requests each), with the aggregate rate.
//! Targets on 2 cores: p95 under 50 ms for one client everywhere, search
//! included, and 500 Credentials pages a second at 20 clients.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use laurel::admin::generate_demo;
use laurel::startup::Application;
use reqwest::header::{ACCEPT, ORIGIN};
use serde_json::Value;
use support::PUBLIC_URL;

mod support;

const CLIENTS: usize = 20;
const PER_CLIENT: usize = 25;
const SINGLE: usize = 100;

struct Target {
    name: &'static str,
    path: String,
    api: bool,
    /// What the answer must hold, so a fast error page cannot pass for
    /// a fast list.
    expect: &'static str,
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![10_000, 1_000_000] } else { sizes };
    let data = std::env::var_os("LAUREL_BENCH_DATA").map(PathBuf::from).unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| "target".into());
        target.join("bench-data")
    });
    for size in sizes {
        run(&data.join(format!("lists-{size}")), size).await;
    }
}

async fn run(dir: &std::path::Path, size: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let config = support::config(dir, false);
    let app = Application::build(config).await.expect("the server starts");
    let base = format!("http://{}", app.local_addr());
    let state = app.state().clone();
    let db = &state.db;

    let marker = dir.join("org-id");
    let org = match std::fs::read_to_string(&marker) {
        Ok(id) => id.trim().to_owned(),
        Err(_) => {
            eprintln!("generating an org of {size} credentials in {}", dir.display());
            let made = generate_demo::generate(db, &state.master_key, PUBLIC_URL, "Scale Demo", size).await.unwrap();
            eprintln!("generated in {:.0} s", made.elapsed.as_secs_f64());
            std::fs::write(&marker, &made.org_id).unwrap();
            made.org_id
        }
    };
    tokio::spawn(app.run_until_stopped());

    let scopes = [issuance::api_keys::Scope::CredentialsRead, issuance::api_keys::Scope::AuditRead];
    let key = issuance::api_keys::create(db, &org, "bench", &scopes, None).await.unwrap().secret;
    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let signed_in = browser
        .post(format!("{base}/api/login"))
        .header(ORIGIN, PUBLIC_URL)
        .form(&[("email", laurel::admin::DEMO_OWNER_EMAIL), ("password", laurel::admin::DEMO_OWNER_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(signed_in.status().is_success(), "sign-in: {}", signed_in.status());

    // Things to point at: a job, a badge, a cursor halfway down the list.
    let (count, job, badge): (i64, String, String) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM credentials WHERE org_id = $1),
                (SELECT id FROM jobs WHERE org_id = $1 ORDER BY id LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM jobs WHERE org_id = $1)),
                (SELECT id FROM badges WHERE org_id = $1 ORDER BY id LIMIT 1)",
    )
    .bind(&org)
    .fetch_one(db)
    .await
    .unwrap();
    let middle: String =
        sqlx::query_scalar("SELECT id FROM credentials WHERE org_id = $1 ORDER BY id LIMIT 1 OFFSET $2")
            .bind(&org)
            .bind(count / 2)
            .fetch_one(db)
            .await
            .unwrap();
    let one: String = sqlx::query_scalar("SELECT id FROM credentials WHERE org_id = $1 AND job_id = $2 LIMIT 1")
        .bind(&org)
        .bind(&job)
        .fetch_one(db)
        .await
        .unwrap();

    let o = format!("/organizations/{org}");
    let page = |name, path: String, expect| Target { name, path, api: false, expect };
    let api = |name, path: String| Target { name, path, api: true, expect: "\"data\":[{" };
    let list = "data-testid=\"credential-link\"";
    let targets = vec![
        page("overview", o.clone(), "data-testid=\"plan\""),
        page("credentials", format!("{o}/credentials"), list),
        page("credentials, halfway down", format!("{o}/credentials?after={middle}"), list),
        page("credentials, revoked", format!("{o}/credentials?status=revoked"), list),
        page("credentials, expired", format!("{o}/credentials?status=expired"), list),
        page("credentials, one badge", format!("{o}/credentials?badge={badge}"), list),
        page("credentials, one job", format!("{o}/credentials?job={job}"), list),
        page("credentials, search", format!("{o}/credentials?q=nadia+okaf"), list),
        page("credential", format!("{o}/credentials/{one}"), "data-testid=\"credential-summary\""),
        page("jobs", format!("{o}/jobs"), "data-testid=\"jobs\""),
        page("job", format!("{o}/jobs/{job}"), "data-testid=\"job-rows\""),
        page("outbox", format!("{o}/outbox"), "data-testid=\"outbox-totals\""),
        page("activity", format!("{o}/activity"), "data-testid=\"events\""),
        page("members", format!("{o}/members"), "data-testid=\"members\""),
        page("badges", format!("{o}/badges"), "data-testid=\"badges\""),
        api("GET /v1/credentials", "/v1/credentials".into()),
        api("GET /v1/credentials halfway", format!("/v1/credentials?after={middle}")),
        api("GET /v1/credentials?status=revoked", "/v1/credentials?status=revoked".into()),
        api("GET /v1/credentials?job_id", format!("/v1/credentials?job_id={job}")),
        api("GET /v1/credentials?q=", "/v1/credentials?q=nadia+okaf".into()),
        api("GET /v1/bulk-issue", "/v1/bulk-issue".into()),
        api("GET /v1/audit/events", "/v1/audit/events".into()),
    ];

    println!("\n{count} credentials in one org ({})", dir.display());
    println!("{:<36} {:>9} {:>9} | {:>9} {:>9} {:>10}", "", "1: p50", "p95", "20: p50", "p95", "per second");
    for t in &targets {
        let send = |client: &reqwest::Client| {
            let url = format!("{base}{}", t.path);
            let request = if t.api {
                client.get(url).header("x-api-key", &key)
            } else {
                client.get(url).header(ACCEPT, "text/html")
            };
            async move {
                let started = Instant::now();
                let r = request.send().await.unwrap();
                let status = r.status();
                let body = r.bytes().await.unwrap();
                let took = started.elapsed();
                assert!(status.is_success(), "{}: {status}: {}", t.path, String::from_utf8_lossy(&body));
                let text = String::from_utf8_lossy(&body);
                assert!(text.contains(t.expect), "{} does not hold {}: {:.400}", t.path, t.expect, text);
                if t.api {
                    let _: Value = serde_json::from_slice(&body).unwrap();
                }
                took
            }
        };
        for _ in 0..10 {
            send(&browser).await;
        }
        let mut single = Vec::with_capacity(SINGLE);
        for _ in 0..SINGLE {
            single.push(send(&browser).await);
        }
        let started = Instant::now();
        let clients = (0..CLIENTS).map(|_| async {
            let mut took = Vec::with_capacity(PER_CLIENT);
            for _ in 0..PER_CLIENT {
                took.push(send(&browser).await);
            }
            took
        });
        let mut many: Vec<Duration> = futures::future::join_all(clients).await.into_iter().flatten().collect();
        let rate = many.len() as f64 / started.elapsed().as_secs_f64();
        println!(
            "{:<36} {:>9} {:>9} | {:>9} {:>9} {:>10.0}",
            t.name,
            ms(pct(&mut single, 50)),
            ms(pct(&mut single, 95)),
            ms(pct(&mut many, 50)),
            ms(pct(&mut many, 95)),
            rate
        );
    }
}

fn pct(v: &mut [Duration], p: usize) -> Duration {
    v.sort();
    v[(v.len() * p / 100).min(v.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
