//! Load and soak: the release `laurel serve` on loopback (SQLite), held by
//! 50 signed-in dashboard clients and 20 API clients issuing single
//! credentials, while 10,000-row jobs run one after another. Prints p50,
//! p95 and p99 per route, errors, the jobs' pace, and the server's memory
//! (RSS) over the run.
//!
//!   cargo bench -p laurel --bench load                 # 60 s
//!   LOAD_SECS=600 cargo bench -p laurel --bench load   # the 10-minute soak
//!
//! Bounded in time and count, and against loopback only. Each dashboard
//! client loads a page a second (a person reading), each API client issues
//! two credentials a second; `LOAD_THINK_MS` and `LOAD_API_THINK_MS`
//! change that, and `LOAD_JOB_RATE` caps the jobs (credentials a second).
//! The server logs statements slower than `LOAD_SLOW_MS` (50 by default;
//! `LAUREL_DB_SLOW_MS`), and the run ends with the slowest by total time.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use issuance::api_keys::{self, Scope};
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, Role, organizations};
use tokio::process::{Child, Command};

const MASTER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const DASHBOARD_CLIENTS: usize = 50;
const API_CLIENTS: usize = 20;
const JOB_ROWS: usize = 10_000;
const PASSWORD: &str = "a long enough password";

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Per route: latencies in microseconds, and errors.
#[derive(Default)]
struct Stats {
    routes: BTreeMap<&'static str, (Vec<u32>, u64)>,
}

impl Stats {
    fn record(&mut self, route: &'static str, took: Duration, ok: bool) {
        let entry = self.routes.entry(route).or_default();
        entry.0.push(took.as_micros().min(u32::MAX as u128) as u32);
        if !ok {
            entry.1 += 1;
        }
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let secs = env_u64("LOAD_SECS", 60);
    let think = Duration::from_millis(env_u64("LOAD_THINK_MS", 1000));
    let api_think = Duration::from_millis(env_u64("LOAD_API_THINK_MS", 500));
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("laurel.db").display());
    let db = issuance::db::connect(&url).await.unwrap();
    let master = MasterKey::from_base64(MASTER_KEY).unwrap();
    let org = organizations::create(&db, "Load Co", Plan::Enterprise).await.unwrap().id;
    organizations::approve(&db, &master, &org).await.unwrap();
    organizations::set_quota(&db, &org, 100_000_000).await.unwrap();
    laurel::admin::create_user(&db, &org, "owner@load.test", None, PASSWORD, Role::Owner).await.unwrap();
    let new = issuance::badges::NewBadge { name: "Load".into(), validity_days: Some(365), ..Default::default() };
    let badge = issuance::badges::create(&db, &org, new, None).await.unwrap().id;
    let scopes = [Scope::CredentialsRead, Scope::CredentialsWrite];
    let key = api_keys::create(&db, &org, "load", &scopes, None).await.unwrap().secret;

    let (mut server, base) = serve(&url, dir.path()).await;
    let pid = server.id().unwrap();
    println!(
        "load: {DASHBOARD_CLIENTS} dashboard clients (a page every {} ms each), {API_CLIENTS} API clients (an issue every {} ms each), {JOB_ROWS}-row jobs back to back, {secs} s, release build, {} cores, SQLite",
        think.as_millis(),
        api_think.as_millis(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );

    let stats = Arc::new(Mutex::new(Stats::default()));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let latest_job = Arc::new(Mutex::new(None::<String>));
    let mut tasks = Vec::new();

    // Jobs, back to back.
    let jobs_done = Arc::new(Mutex::new(0usize));
    {
        let (base, key, badge, db) = (base.clone(), key.clone(), badge.clone(), db.clone());
        let (latest_job, jobs_done) = (latest_job.clone(), jobs_done.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut n = 0usize;
            while Instant::now() < deadline {
                let mut csv = String::from("name,email\n");
                for i in 0..JOB_ROWS {
                    csv.push_str(&format!("Person {n}-{i},person{n}.{i}@load.test\n"));
                }
                let r = client
                    .post(format!("{base}/v1/bulk-issue?badge_id={badge}"))
                    .header("x-api-key", &key)
                    .header("content-type", "text/csv")
                    .body(csv)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 202, "submitting a job: {}", r.text().await.unwrap());
                let job = r.json::<serde_json::Value>().await.unwrap()["job_id"].as_str().unwrap().to_owned();
                *latest_job.lock().unwrap() = Some(job.clone());
                loop {
                    let status: String = sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1")
                        .bind(&job)
                        .fetch_one(&db)
                        .await
                        .unwrap();
                    if status == "completed" {
                        *jobs_done.lock().unwrap() += 1;
                        break;
                    }
                    if Instant::now() >= deadline {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                n += 1;
            }
        }));
    }

    // Dashboard clients, each with a connection of its own, on one session:
    // the sign-in throttle would refuse fifty sign-ins from one address.
    let cookie = {
        let r = reqwest::Client::new()
            .post(format!("{base}/api/login"))
            .header("origin", "http://laurel.bench")
            .form(&[("email", "owner@load.test"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "sign-in: {}", r.status());
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
            .collect::<Vec<_>>()
            .join("; ")
    };
    for c in 0..DASHBOARD_CLIENTS {
        let (base, org, stats, latest_job) = (base.clone(), org.clone(), stats.clone(), latest_job.clone());
        let cookie = cookie.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let pages: [(&'static str, String); 3] = [
                ("GET overview", format!("/organizations/{org}")),
                ("GET credentials", format!("/organizations/{org}/credentials")),
                ("GET jobs", format!("/organizations/{org}/jobs")),
            ];
            // Spread the clients over the first second.
            tokio::time::sleep(think.mul_f64(c as f64 / DASHBOARD_CLIENTS as f64)).await;
            let mut i = c;
            while Instant::now() < deadline {
                let job = latest_job.lock().unwrap().clone();
                let (route, path) = match (i % 4, job) {
                    (3, Some(job)) => ("GET a running job", format!("/organizations/{org}/jobs/{job}")),
                    (k, _) => (pages[k % 3].0, pages[k % 3].1.clone()),
                };
                let started = Instant::now();
                let request =
                    client.get(format!("{base}{path}")).header("accept", "text/html").header("cookie", &cookie);
                let ok = match request.send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                stats.lock().unwrap().record(route, started.elapsed(), ok);
                i += 1;
                tokio::time::sleep(think).await;
            }
        }));
    }

    // API clients issuing single credentials to new recipients.
    for c in 0..API_CLIENTS {
        let (base, key, badge, stats) = (base.clone(), key.clone(), badge.clone(), stats.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            tokio::time::sleep(api_think.mul_f64(c as f64 / API_CLIENTS as f64)).await;
            let mut n = 0;
            while Instant::now() < deadline {
                let body = serde_json::json!({
                    "credential_type": "badge", "badge_id": badge,
                    "recipient": {"name": format!("Api {c}-{n}"), "email": format!("api{c}.{n}@load.test")},
                });
                let started = Instant::now();
                let ok = match client
                    .post(format!("{base}/v1/credentials"))
                    .header("x-api-key", &key)
                    .json(&body)
                    .send()
                    .await
                {
                    Ok(r) => r.status().as_u16() == 201,
                    Err(_) => false,
                };
                stats.lock().unwrap().record("POST /v1/credentials", started.elapsed(), ok);
                n += 1;
                tokio::time::sleep(api_think).await;
            }
        }));
    }

    // The server's memory, every five seconds.
    let mut memory = Vec::new();
    let started = Instant::now();
    while Instant::now() < deadline {
        memory.push((started.elapsed().as_secs(), rss_mb(pid)));
        tokio::time::sleep(Duration::from_secs(5).min(deadline.saturating_duration_since(Instant::now()))).await;
    }
    memory.push((started.elapsed().as_secs(), rss_mb(pid)));
    for t in tasks {
        t.await.unwrap();
    }

    println!("{:<24} {:>9} {:>7} {:>8} {:>8} {:>8}", "route", "requests", "errors", "p50 ms", "p95 ms", "p99 ms");
    let mut errors = 0;
    for (route, (mut lat, errs)) in std::mem::take(&mut stats.lock().unwrap().routes) {
        lat.sort_unstable();
        errors += errs;
        println!(
            "{route:<24} {:>9} {errs:>7} {:>8.1} {:>8.1} {:>8.1}",
            lat.len(),
            percentile(&lat, 0.50),
            percentile(&lat, 0.95),
            percentile(&lat, 0.99)
        );
    }
    let jobs = *jobs_done.lock().unwrap();
    let credentials: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials").fetch_one(&db).await.unwrap();
    println!("errors: {errors}; jobs completed: {jobs} of {JOB_ROWS} rows; credentials issued in all: {credentials}");
    let series: Vec<String> = memory.iter().map(|(t, mb)| format!("{t}s {mb:.0}")).collect();
    println!("server RSS (MB) every 5 s: {}", series.join(", "));
    // Flat: the last third against the middle third (the first fills caches).
    let third = memory.len() / 3;
    if third > 0 {
        let avg = |s: &[(u64, f64)]| s.iter().map(|(_, m)| m).sum::<f64>() / s.len() as f64;
        let (middle, last) = (avg(&memory[third..2 * third]), avg(&memory[2 * third..]));
        println!(
            "memory: middle third {middle:.0} MB, last third {last:.0} MB ({:+.1}%)",
            (last / middle - 1.0) * 100.0
        );
    }
    server.kill().await.ok();
    slow_statements(&dir.path().join("server.log"));
}

/// The server's slow-statement warnings, grouped by statement: how many,
/// and the time they took in all, largest first.
fn slow_statements(log: &std::path::Path) {
    // Colours, if the log has them, would split each field from its name.
    let raw = std::fs::read_to_string(log).unwrap_or_default();
    let mut text = String::with_capacity(raw.len());
    let mut rest = raw.as_str();
    while let Some(at) = rest.find('\x1b') {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        rest = rest.find('m').map_or("", |m| &rest[m + 1..]);
    }
    text.push_str(rest);
    let field = |line: &str, name: &str| -> Option<String> {
        let start = line.find(&format!(" {name}="))? + name.len() + 2;
        let rest = &line[start..];
        let value = match rest.strip_prefix('"') {
            // A quoted value ends at the first quote not escaped.
            Some(quoted) => {
                let mut end = 0;
                let mut escaped = false;
                for (i, c) in quoted.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            end = i;
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                &quoted[..end]
            }
            None => rest.split_whitespace().next().unwrap_or_default(),
        };
        Some(value.to_owned())
    };
    let mut by_statement: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    for line in text.lines().filter(|l| l.contains("slow statement")) {
        let statement = field(line, "db.statement").filter(|s| !s.is_empty()).or_else(|| field(line, "summary"));
        let secs = field(line, "elapsed_secs").and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
        let statement = statement.unwrap_or_default().replace("\\n", " ");
        let statement: String = statement.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(150).collect();
        let entry = by_statement.entry(statement).or_default();
        entry.0 += 1;
        entry.1 += secs;
    }
    let mut rows: Vec<_> = by_statement.into_iter().collect();
    rows.sort_by(|a, b| b.1.1.total_cmp(&a.1.1));
    let total: u64 = rows.iter().map(|(_, (n, _))| n).sum();
    println!("slow statements: {total}");
    for (statement, (n, secs)) in rows.iter().take(12) {
        println!("{n:>7} {secs:>8.1} s  {statement}");
    }
}

fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

async fn serve(url: &str, dir: &std::path::Path) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_laurel"))
        .arg("serve")
        .env("LAUREL_DATABASE_URL", url)
        .env("LAUREL_ADDR", format!("127.0.0.1:{port}"))
        .env("LAUREL_PUBLIC_URL", "http://laurel.bench")
        .env("LAUREL_DATA_DIR", dir)
        .env("LAUREL_MASTER_KEY", MASTER_KEY)
        // The jobs' pace: unlimited by default, or `LOAD_JOB_RATE` a second.
        .env("LAUREL_RATE_ENTERPRISE", std::env::var("LOAD_JOB_RATE").unwrap_or_else(|_| "unlimited".into()))
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("LAUREL_DB_SLOW_MS", std::env::var("LOAD_SLOW_MS").unwrap_or_else(|_| "50".into()))
        .env("RUST_LOG", "warn")
        .stdout(std::fs::File::create(dir.join("server.log")).unwrap())
        .kill_on_drop(true)
        .spawn()
        .expect("the laurel binary starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    while !client.get(format!("{base}/v1/openapi.json")).send().await.is_ok_and(|r| r.status().is_success()) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (child, base)
}
