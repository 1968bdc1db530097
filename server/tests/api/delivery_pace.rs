//! Delivery that keeps up: a relay on loopback (aiosmtpd) that answers each
//! message after 50 ms, as a remote relay does, and can refuse one domain
//! with "421 try again later". The sender runs several sessions at once and
//! paces each recipient domain on its own.

use std::collections::{HashMap, HashSet};
use std::process::Stdio;
use std::time::{Duration, Instant};

use issuance::orgs::{Plan, Role};
use tempfile::TempDir;
use tokio::process::{Child, Command};

use crate::helpers::{TestApp, org_with_badge, spawn_app_with, submit_csv};

/// Logs `accepted <address> <message-id>` for each recipient of each
/// message it takes (after `delay` seconds) and `refused <address>` for
/// each it turns away because its domain is `busy`. A client that goes away
/// before the answer leaves nothing logged: aiosmtpd cancels the handler.
const RELAY: &str = r#"
import asyncio, re, sys, time
from aiosmtpd.controller import Controller

port, log, delay, busy = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
out = open(log, "a", buffering=1)

class Relay:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if busy and address.lower().endswith("@" + busy):
            out.write(f"refused {address}\n")
            return "421 4.7.0 Too many messages, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(delay)
        found = re.search(rb"^Message-ID:\s*(\S+)", envelope.content, re.I | re.M)
        mid = found.group(1).decode() if found else "-"
        for address in envelope.rcpt_tos:
            out.write(f"accepted {address} {mid}\n")
        return "250 OK"

controller = Controller(Relay(), hostname="127.0.0.1", port=port)
controller.start()
while True:
    time.sleep(3600)
"#;

struct Relay {
    dir: TempDir,
    port: u16,
    _child: Child,
}

impl Relay {
    async fn start(delay: f64, busy_domain: &str) -> Relay {
        let port = crate::helpers::free_port();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("relay.py"), RELAY).unwrap();
        let child = Command::new("python3")
            .arg(dir.path().join("relay.py"))
            .arg(port.to_string())
            .arg(dir.path().join("relay.log"))
            .arg(delay.to_string())
            .arg(busy_domain)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 with aiosmtpd starts (scripts/test installs it)");
        let deadline = Instant::now() + Duration::from_secs(15);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(Instant::now() < deadline, "the relay did not listen on {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Relay { dir, port, _child: child }
    }

    /// How many times each address was accepted, and how many refusals.
    fn log(&self) -> (HashMap<String, usize>, usize) {
        let (accepted, refused) = self.messages();
        let mut counts = HashMap::new();
        for (address, _) in accepted {
            *counts.entry(address).or_default() += 1;
        }
        (counts, refused)
    }

    /// Every message accepted, as (address, Message-ID), and the refusals.
    fn messages(&self) -> (Vec<(String, String)>, usize) {
        let text = std::fs::read_to_string(self.dir.path().join("relay.log")).unwrap_or_default();
        let mut accepted = Vec::new();
        let mut refused = 0;
        for line in text.lines() {
            let mut words = line.split(' ');
            match (words.next(), words.next(), words.next()) {
                (Some("accepted"), Some(address), Some(id)) => accepted.push((address.to_owned(), id.to_owned())),
                (Some("refused"), ..) => refused += 1,
                _ => {}
            }
        }
        (accepted, refused)
    }
}

async fn app_sending_to(relay: &Relay) -> TestApp {
    let url = format!("smtp://127.0.0.1:{}", relay.port);
    spawn_app_with(|c| {
        c.smtp_url = Some(url);
        c.smtp_retry_secs = 1;
    })
    .await
}

fn people(n: usize, domain: &str) -> String {
    (0..n).map(|i| format!("Person {i},person{i}@{domain}\n")).collect()
}

#[tokio::test]
async fn a_5000_row_job_is_mailed_within_a_minute_through_a_relay_that_takes_50_ms_a_message() {
    const ROWS: usize = 5_000;
    let relay = Relay::start(0.05, "").await;
    let app = app_sending_to(&relay).await;
    let (org, badge) = org_with_badge(&app, Plan::Enterprise).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;

    let started = Instant::now();
    submit_csv(&app, &issuer, &org, &badge, &format!("name,email\n{}", people(ROWS, "uni.example"))).await;
    let deadline = started + Duration::from_secs(60);
    loop {
        let (accepted, _) = relay.log();
        if accepted.len() == ROWS {
            break;
        }
        assert!(Instant::now() < deadline, "{} of {ROWS} accepted 60 s after Submit", accepted.len());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let took = started.elapsed().as_secs_f64();
    println!("{ROWS} e-mails accepted {took:.1} s after Submit: {:.0} a second", ROWS as f64 / took);

    // Each recipient once, and the outbox says so.
    let (accepted, _) = relay.log();
    assert!(accepted.values().all(|n| *n == 1), "a message was sent twice");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE org_id = $1 AND status = 'sent'")
            .bind(&org)
            .fetch_one(&app.db)
            .await
            .unwrap();
        if sent == ROWS as i64 {
            break;
        }
        assert!(Instant::now() < deadline, "{sent} of {ROWS} recorded as sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_relay_that_answers_421_for_one_domain_slows_that_domain_only() {
    let relay = Relay::start(0.0, "busy.example").await;
    let app = app_sending_to(&relay).await;
    let (org, badge) = org_with_badge(&app, Plan::Enterprise).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let csv = format!("name,email\n{}{}", people(200, "busy.example"), people(200, "calm.example"));
    submit_csv(&app, &issuer, &org, &badge, &csv).await;

    // Every message to the calm domain arrives...
    let deadline = Instant::now() + Duration::from_secs(60);
    while relay.log().0.len() < 200 {
        assert!(Instant::now() < deadline, "the calm domain's messages did not all arrive");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (accepted, refused) = relay.log();
    assert!(accepted.keys().all(|a| a.ends_with("@calm.example")));
    // ...while the busy one was tried only by the few sessions it may have
    // at once, then left alone for its pause: not once per message.
    assert!(refused < 40, "the busy domain was tried {refused} times for 200 messages");
    let (queued, failed): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE status = 'queued'), COUNT(*) FILTER (WHERE status = 'failed')
         FROM outbox WHERE org_id = $1 AND to_email LIKE '%@busy.example'",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((queued, failed), (200, 0), "the busy domain's messages wait to be tried again");
}

/// The real `laurel serve` on `db_url`, sending through `relay`; e-mails it
/// leased are another's to send 3 s after it dies.
fn serve(dir: &std::path::Path, db_url: &str, relay: &Relay) -> Child {
    let smtp = format!("smtp://127.0.0.1:{}", relay.port);
    let env = [("LAUREL_SMTP_URL", smtp.as_str()), ("LAUREL_SMTP_LEASE_SECS", "3")];
    crate::helpers::laurel_serve(dir, db_url, crate::helpers::free_port(), &env)
}

#[tokio::test]
async fn a_sender_killed_mid_delivery_leaves_no_one_without_their_e_mail_nor_with_two_different_ones() {
    const ROWS: usize = 2_000;
    let relay = Relay::start(0.05, "").await;
    let dir = tempfile::tempdir().unwrap();
    let db_url = crate::helpers::fresh_database_url(dir.path()).await;
    let db = issuance::db::connect(&db_url).await.unwrap();
    let app = TestApp::for_process("http://unused", &db_url, db.clone());
    let (org, badge) = org_with_badge(&app, Plan::Enterprise).await;
    let owner = app.member(&org, "owner@example.com", Role::Owner).await;
    let csv = format!("name,email\n{}", people(ROWS, "uni.example"));
    let upload =
        issuance::bulk::uploads::create(&db, &org, Some(&badge), Some("p.csv"), csv.as_bytes(), &owner).await.unwrap();
    issuance::jobs::submit::submit(&db, &org, &upload, &owner, Default::default(), issuance::clock::now())
        .await
        .unwrap();

    let mut server = serve(dir.path(), &db_url, &relay);
    let deadline = Instant::now() + Duration::from_secs(60);
    while relay.log().0.len() < ROWS / 4 {
        assert!(Instant::now() < deadline, "delivery did not start");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.start_kill().expect("SIGKILL sent");
    server.wait().await.unwrap();
    let at_kill = relay.log().0.len();
    assert!(at_kill < ROWS, "killed mid-delivery");

    let mut server = serve(dir.path(), &db_url, &relay);
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE org_id = $1 AND status = 'sent'")
            .bind(&org)
            .fetch_one(&db)
            .await
            .unwrap();
        if sent == ROWS as i64 {
            break;
        }
        assert!(Instant::now() < deadline, "{sent} of {ROWS} sent after the restart");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.start_kill().unwrap();

    // Everyone has their e-mail. Sent twice can only be what the relay had
    // taken when the sender died, before it wrote so down: at most the
    // sessions in flight, and as the same message (one Message-ID), which
    // mailbox providers show once.
    let (accepted, _) = relay.messages();
    let mut ids: HashMap<String, HashSet<String>> = HashMap::new();
    for (address, id) in &accepted {
        ids.entry(address.clone()).or_default().insert(id.clone());
    }
    assert_eq!(ids.len(), ROWS, "every recipient got their e-mail");
    assert!(ids.values().all(|set| set.len() == 1), "a recipient got two different messages");
    let again = accepted.len() - ROWS;
    println!("killed after {at_kill} accepted; {again} sent again with the same Message-ID");
    assert!(again <= 16, "{again} sent twice: more than the sessions that were in flight");
}
