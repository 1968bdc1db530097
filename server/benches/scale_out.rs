//! The 10,000-row Enterprise job on SQLite and on PostgreSQL, run by one
//! and by two `laurel serve` processes on the same database, in one run:
//! credentials per second from submit to the job's completion.
//!
//! `scripts/bench-scale-out` starts a throwaway PostgreSQL on loopback and
//! runs this with `LAUREL_BENCH_POSTGRES_URL` set; without it, only SQLite
//! is measured.

use std::process::Stdio;
use std::time::{Duration, Instant};

use issuance::api_keys::{self, Scope};
use issuance::db::Db;
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, Role, organizations};
use sqlx::Connection;
use tokio::process::{Child, Command};

const ROWS: usize = 10_000;
const MASTER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

#[tokio::main]
async fn main() {
    let postgres = std::env::var("LAUREL_BENCH_POSTGRES_URL").ok().filter(|u| !u.is_empty());
    if postgres.is_none() {
        eprintln!("LAUREL_BENCH_POSTGRES_URL is not set: SQLite only (scripts/bench-scale-out sets it)");
    }
    println!("{ROWS}-row Enterprise job, submit to completed, {} cores", num_cpus());
    println!("{:<11} {:>9} {:>10} {:>14}", "backend", "processes", "seconds", "credentials/s");
    for processes in [1, 2] {
        for backend in ["sqlite", "postgres"] {
            let dir = tempfile::tempdir().unwrap();
            let url = match (backend, &postgres) {
                ("sqlite", _) => format!("sqlite://{}", dir.path().join("laurel.db").display()),
                (_, Some(server)) => fresh_postgres(server).await,
                (_, None) => continue,
            };
            let seconds = run(&url, dir.path(), processes).await;
            println!("{backend:<11} {processes:>9} {seconds:>10.2} {:>14.0}", ROWS as f64 / seconds);
        }
    }
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

async fn fresh_postgres(server: &str) -> String {
    let name = issuance::ids::new_id("laurel_bench").to_lowercase();
    let mut admin = sqlx::postgres::PgConnection::connect(server).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
    format!("{}/{name}", server.rsplit_once('/').unwrap().0)
}

/// Seconds from submitting the job (to the first process) to its completion.
async fn run(url: &str, dir: &std::path::Path, processes: usize) -> f64 {
    let db = issuance::db::connect(url).await.unwrap();
    let master = MasterKey::from_base64(MASTER_KEY).unwrap();
    let org = organizations::create(&db, "Bench Co", Plan::Enterprise).await.unwrap().id;
    organizations::approve(&db, &master, &org).await.unwrap();
    organizations::set_quota(&db, &org, 1_000_000).await.unwrap();
    laurel::admin::create_user(&db, &org, "owner@bench.test", None, "a long enough password", Role::Owner)
        .await
        .unwrap();
    let badge = issuance::badges::create(
        &db,
        &org,
        issuance::badges::NewBadge {
            name: "Bench".into(),
            description: "Measured.".into(),
            criteria_narrative: "Ran.".into(),
            image_url: None,
            validity_days: Some(365),
        },
        None,
    )
    .await
    .unwrap()
    .id;
    let key = api_keys::create(&db, &org, "bench", &[Scope::CredentialsWrite], None).await.unwrap().secret;

    let mut servers: Vec<(Child, String)> = Vec::new();
    for _ in 0..processes {
        servers.push(serve(url, dir).await);
    }
    let mut csv = String::from("name,email\n");
    for i in 0..ROWS {
        csv.push_str(&format!("Person {i},person{i}@bench.test\n"));
    }
    let started = Instant::now();
    let r = reqwest::Client::new()
        .post(format!("{}/v1/bulk-issue?badge_id={badge}", servers[0].1))
        .header("x-api-key", &key)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202, "{}", r.text().await.unwrap());
    let job = r.json::<serde_json::Value>().await.unwrap()["job_id"].as_str().unwrap().to_owned();
    wait_for(&db, &job).await;
    let seconds = started.elapsed().as_secs_f64();
    for (mut child, _) in servers {
        child.kill().await.ok();
    }
    seconds
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
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
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

async fn wait_for(db: &Db, job: &str) {
    loop {
        let status: String =
            sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1").bind(job).fetch_one(db).await.unwrap();
        if status != "pending" && status != "processing" {
            assert_eq!(status, "completed");
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
