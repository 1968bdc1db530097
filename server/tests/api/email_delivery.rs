//! E-mail delivery against a real SMTP server on loopback: aiosmtpd (from
//! PyPI; `scripts/test` installs it), run by the test itself, saves each
//! message it receives. The server under test issues a bulk job and its
//! mail sender delivers the outbox.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::process::{Child, Command};

use crate::helpers::{TestApp, json, spawn_app_with, wait_for_job, wait_for_status};
use issuance::jobs::JobStatus;

/// Saves each message as `N.eml` and, once written, `N.json` with the
/// envelope and the message as Python's e-mail parser reads it (headers
/// decoded, every text part decoded to a string).
const SMTP_SERVER: &str = r#"
import email, email.policy, itertools, json, os, sys, time
from aiosmtpd.controller import Controller

port, out = int(sys.argv[1]), sys.argv[2]
counter = itertools.count()

class Save:
    async def handle_DATA(self, server, session, envelope):
        n = next(counter)
        raw = envelope.original_content or envelope.content
        with open(os.path.join(out, f"{n}.eml"), "wb") as f:
            f.write(raw)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {}
        for part in msg.walk():
            if not part.is_multipart():
                parts.setdefault(part.get_content_type(), part.get_content())
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "reply_to": msg["Reply-To"] and str(msg["Reply-To"]),
            "list_unsubscribe": msg["List-Unsubscribe"] and str(msg["List-Unsubscribe"]),
            "list_unsubscribe_post": msg["List-Unsubscribe-Post"] and str(msg["List-Unsubscribe-Post"]),
            "content_type": msg.get_content_type(),
            "parts": parts,
        }
        with open(os.path.join(out, f".{n}.json"), "w") as f:
            json.dump(record, f)
        os.rename(os.path.join(out, f".{n}.json"), os.path.join(out, f"{n}.json"))
        return "250 OK"

controller = Controller(Save(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"#;

/// aiosmtpd on `127.0.0.1:port`, killed when dropped.
pub(crate) struct SmtpServer {
    dir: TempDir,
    _child: Child,
}

impl SmtpServer {
    pub(crate) async fn start(port: u16) -> SmtpServer {
        let check = Command::new("python3").args(["-c", "import aiosmtpd"]).output().await;
        match check {
            Ok(o) if o.status.success() => {}
            Ok(o) => panic!(
                "these tests need aiosmtpd, a Python SMTP server: pip install aiosmtpd (scripts/test installs it).\n{}",
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => panic!("these tests need python3 with aiosmtpd (pip install aiosmtpd): {e}"),
        }
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("smtp_server.py");
        std::fs::write(&script, SMTP_SERVER).unwrap();
        let mail = dir.path().join("mail");
        std::fs::create_dir(&mail).unwrap();
        let log = dir.path().join("smtp.log");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(port.to_string())
            .arg(&mail)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 starts");
        for _ in 0..300 {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the SMTP server exited ({status}): {}", std::fs::read_to_string(&log).unwrap_or_default());
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return SmtpServer { dir, _child: child };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the SMTP server did not listen on {port} within 15 s");
    }

    pub(crate) fn mail_dir(&self) -> PathBuf {
        self.dir.path().join("mail")
    }

    /// Waits (up to 30 s) for `n` messages; returns them in arrival order.
    pub(crate) async fn messages(&self, n: usize) -> Vec<Value> {
        for _ in 0..600 {
            let found = read_messages(&self.mail_dir());
            if found.len() >= n {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} messages, got {}", read_messages(&self.mail_dir()).len());
    }
}

pub(crate) fn read_messages(dir: &Path) -> Vec<Value> {
    let mut numbered: Vec<(u64, Value)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let n = name.strip_suffix(".json")?.parse().ok()?;
            let text = std::fs::read_to_string(dir.join(&name)).ok()?;
            Some((n, serde_json::from_str(&text).unwrap()))
        })
        .collect();
    numbered.sort_by_key(|(n, _)| *n);
    numbered.into_iter().map(|(_, v)| v).collect()
}

/// An approved org with a badge and a read-write key: `(key, badge_id)`.
async fn org_with_badge(app: &TestApp) -> (String, String) {
    let org = app.org("Acme Academy", Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let (status, b) = json(
        app.post_json(
            "/v1/badges",
            &key,
            json!({"name": "Forklift Safety", "description": "Operates a forklift safely",
                   "criteria_narrative": "Passed the practical test", "validity_days": 365}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    (key, b["id"].as_str().unwrap().to_owned())
}

/// Submits `csv` over `POST /v1/bulk-issue`, waits for the job; returns its id.
async fn issue_in_bulk(app: &TestApp, key: &str, badge_id: &str, csv: &str) -> String {
    let job_id = submit_bulk(app, key, badge_id, csv).await;
    assert_eq!(wait_for_job(&app.db, &job_id).await, "completed");
    job_id
}

/// Submits `csv` over `POST /v1/bulk-issue`; returns the job's id.
pub(crate) async fn submit_bulk(app: &TestApp, key: &str, badge_id: &str, csv: &str) -> String {
    let r = app
        .client
        .post(app.url(&format!("/v1/bulk-issue?badge_id={badge_id}")))
        .header("x-api-key", key)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    let (status, job) = json(r).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    job["job_id"].as_str().unwrap().to_owned()
}

#[derive(Debug, sqlx::FromRow)]
struct OutboxRow {
    id: String,
    credential_id: String,
    to_email: String,
    status: String,
    attempts: i64,
    last_error: Option<String>,
    next_attempt_at: i64,
    sent_at: Option<i64>,
}

async fn outbox(app: &TestApp, job_id: &str) -> Vec<OutboxRow> {
    sqlx::query_as(
        "SELECT id, credential_id, to_email, status, attempts, last_error, next_attempt_at, sent_at
         FROM outbox WHERE job_id = $1 ORDER BY to_email",
    )
    .bind(job_id)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// Waits (up to `secs`) until `done` holds for the job's outbox rows.
async fn wait_for_outbox(
    app: &TestApp,
    job_id: &str,
    secs: u64,
    done: impl Fn(&[OutboxRow]) -> bool,
) -> Vec<OutboxRow> {
    for _ in 0..secs * 20 {
        let rows = outbox(app, job_id).await;
        if done(&rows) {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the outbox did not get there within {secs} s: {:#?}", outbox(app, job_id).await);
}

#[tokio::test]
async fn a_bulk_job_mails_each_recipient_a_link_to_their_credential_over_smtp() {
    let port = crate::helpers::free_port();
    let smtp = SmtpServer::start(port).await;
    let app = spawn_app_with(|c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let (key, badge_id) = org_with_badge(&app).await;

    let job_id =
        issue_in_bulk(&app, &key, &badge_id, "name,email\nJane Doe,jane@example.com\nJoe Bloggs,joe@example.com\n")
            .await;
    let rows =
        wait_for_outbox(&app, &job_id, 30, |rows| rows.len() == 2 && rows.iter().all(|r| r.status == "sent")).await;
    for r in &rows {
        assert_eq!((r.attempts, r.last_error.as_deref()), (1, None), "{r:?}");
        assert!(r.sent_at.is_some());
    }
    let (_, job) = json(app.get_json(&format!("/v1/bulk-issue/{job_id}"), &key).await).await;
    assert_eq!(job["emails"], json!({"queued": 0, "sent": 2, "failed": 0, "cancelled": 0, "bounced": 0}));
    // The job completed with its last e-mail.
    let delivered = job["delivery_completed_at"].as_str().unwrap_or_else(|| panic!("delivery not done: {job}"));
    assert_eq!(delivered, job["completed_at"].as_str().unwrap(), "{job}");
    assert!(delivered >= job["issued_at"].as_str().unwrap(), "{job}");

    let messages = smtp.messages(2).await;
    assert_eq!(messages.len(), 2, "one message per recipient, none twice");
    for row in &rows {
        let m = messages
            .iter()
            .find(|m| m["rcpt_tos"] == json!([row.to_email]))
            .unwrap_or_else(|| panic!("no message to {}: {messages:#?}", row.to_email));
        assert_eq!(m["mail_from"], "no-reply@laurel.test");
        assert_eq!(m["from"], "Laurel Test <no-reply@laurel.test>");
        let to = m["to"].as_str().unwrap();
        assert!(to.contains(&row.to_email), "To: {to}");
        let subject = m["subject"].as_str().unwrap();
        assert!(subject.contains("Forklift Safety") && subject.contains("Acme Academy"), "Subject: {subject}");
        assert_eq!(m["content_type"], "multipart/alternative");
        // The same on every attempt: a message sent again after a crash (the
        // relay took it, the sender died before recording so) is one message
        // to the mailbox providers that collapse duplicates by Message-ID.
        assert_eq!(m["message_id"], format!("<{}@laurel.test>", row.id));
        let link = format!("http://laurel.test/credentials/{}", row.credential_id);
        for part in ["text/plain", "text/html"] {
            let body = m["parts"][part].as_str().unwrap_or_else(|| panic!("no {part} part: {m:#}"));
            assert!(body.contains(&link), "the {part} part lacks {link}:\n{body}");
        }
        let name = if row.to_email.starts_with("jane") { "Jane Doe" } else { "Joe Bloggs" };
        assert!(to.contains(name), "To: {to}");
        assert!(m["parts"]["text/plain"].as_str().unwrap().contains(&format!("Hello {name}")));
    }
}

#[tokio::test]
async fn an_unreachable_smtp_server_leaves_the_message_queued_for_a_retry_that_then_succeeds() {
    let port = crate::helpers::free_port();
    let app = spawn_app_with(|c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.smtp_retry_secs = 1;
    })
    .await;
    let (key, badge_id) = org_with_badge(&app).await;
    let job_id = submit_bulk(&app, &key, &badge_id, "name,email\nJane Doe,jane@example.com\n").await;
    // Issued, but not done: its recipient has not been e-mailed yet.
    wait_for_status(&app.db, &job_id, JobStatus::Delivering).await;

    // Retries come after 1 s, then 2 s: by the second failure the delay
    // has doubled, and the next attempt is still ahead.
    let rows = wait_for_outbox(&app, &job_id, 20, |rows| rows.len() == 1 && rows[0].attempts >= 2).await;
    let now = issuance::clock::now();
    let row = &rows[0];
    assert_eq!(row.status, "queued", "a refused connection is worth retrying: {row:?}");
    assert!(row.last_error.as_deref().is_some_and(|e| !e.is_empty()), "{row:?}");
    assert!(row.next_attempt_at > now, "the next attempt is in the future: {row:?}, now {now}");
    assert!(row.sent_at.is_none());

    let smtp = SmtpServer::start(port).await;
    let rows = wait_for_outbox(&app, &job_id, 30, |rows| rows[0].status == "sent").await;
    assert_eq!(wait_for_job(&app.db, &job_id).await, "completed");
    assert!(rows[0].attempts >= 3, "{:?}", rows[0]);
    assert_eq!(rows[0].last_error, None);
    let messages = smtp.messages(1).await;
    assert_eq!(messages[0]["rcpt_tos"], json!(["jane@example.com"]));
    let link = format!("http://laurel.test/credentials/{}", rows[0].credential_id);
    assert!(messages[0]["parts"]["text/plain"].as_str().unwrap().contains(&link));
}

#[tokio::test]
async fn an_invitation_arrives_by_e_mail_and_its_link_makes_the_account() {
    use issuance::orgs::{Membership, Role};

    let port = crate::helpers::free_port();
    let smtp = SmtpServer::start(port).await;
    let app = spawn_app_with(|c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let org = app.org("Acme Academy", Plan::Professional).await;
    app.member(&org, "owner@example.com", Role::Owner).await;
    let owner = app.signed_in("owner@example.com").await;
    let r = app
        .call_as(&owner, "invite_member", &[("org_id", &org), ("email", "new.person@example.com"), ("role", "issuer")])
        .await;
    let (status, answer) = json(r).await;
    assert_eq!((status, answer), (StatusCode::OK, json!({"email": "new.person@example.com", "emailed": true})));

    let mail = smtp.messages(1).await.remove(0);
    assert_eq!(mail["rcpt_tos"], json!(["new.person@example.com"]));
    assert_eq!(mail["subject"], "Join Acme Academy on Laurel");
    let text = mail["parts"]["text/plain"].as_str().unwrap();
    assert!(text.contains("invites you to join Acme Academy on Laurel as Issuer"), "{text}");
    let link = text.split_whitespace().find(|w| w.contains("/invitations/")).expect("the mail carries the link");
    assert!(link.starts_with("http://laurel.test/invitations/"), "{link}");
    assert!(mail["parts"]["text/html"].as_str().unwrap().contains(&format!("href=\"{link}\"")));

    let token = link.rsplit('/').next().unwrap();
    let newcomer = crate::helpers::client();
    let r = app
        .call_as(
            &newcomer,
            "accept_invitation",
            &[("token", token), ("name", "New Person"), ("password", crate::helpers::PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let user: String = sqlx::query_scalar("SELECT id FROM users WHERE email = 'new.person@example.com'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(Membership::of(&app.db, &user, &org).await.unwrap().role, Role::Issuer);
    let sent: String =
        sqlx::query_scalar("SELECT status FROM outbox WHERE kind = 'invitation'").fetch_one(&app.db).await.unwrap();
    assert_eq!(sent, "sent");
}
