//! What happens to a credential e-mail after the credential is issued: the
//! job's delivery phase, bounces posted back by the relay, resending, the
//! org's own wording with its Reply-To, and one-click unsubscribe. Against
//! aiosmtpd on loopback, whose Python e-mail parser reads every message
//! (see `email_delivery`), and the Standard Webhooks receiver.

use std::time::{Duration, Instant};

use issuance::api_keys::Scope;
use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use crate::audit_streams::{Receiver, stream};
use crate::email_delivery::{SmtpServer, read_messages, submit_bulk};
use crate::helpers::{INBOUND_EMAIL_TOKEN, TestApp, error_text, free_port, json, spawn_app_with, wait_for_job};

/// An app whose mail goes to `127.0.0.1:port`, retried after 1 s.
async fn app_mailing_to(port: u16) -> TestApp {
    spawn_app_with(|c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.smtp_retry_secs = 1;
    })
    .await
}

/// An approved org with an admin, a badge and a key for credentials,
/// webhooks and the audit log: `(org, key, badge_id)`.
async fn org_with_badge(app: &TestApp) -> (String, String, String) {
    let org = app.org("Acme Academy", Plan::Professional).await;
    app.member(&org, "admin@acme.test", Role::Admin).await;
    let key = app
        .api_key(
            &org,
            &[
                Scope::CredentialsRead,
                Scope::CredentialsWrite,
                Scope::WebhooksRead,
                Scope::WebhooksWrite,
                Scope::AuditRead,
            ],
        )
        .await;
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
    (org, key, b["id"].as_str().unwrap().to_owned())
}

/// The job as the API shows it, once `ready` holds (up to 30 s).
async fn job_when(app: &TestApp, key: &str, job: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, v) = json(app.get_json(&format!("/v1/bulk-issue/{job}"), key).await).await;
        if ready(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "the job never got there: {v}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A delivery-status notification for the message `message_id` (as its
/// header gave it, `<…>`) to `recipient`, as Postfix writes one.
fn dsn(message_id: &str, recipient: &str) -> String {
    format!(
        "From: MAILER-DAEMON@relay.example\r\nTo: bounces@laurel.test\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\r\n\r\n\
         --R\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --R\r\nContent-Type: message/delivery-status\r\n\r\n\
         Reporting-MTA: dns; relay.example\r\n\r\n\
         Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: User unknown\r\n\r\n\
         --R\r\nContent-Type: text/rfc822-headers\r\n\r\n\
         Message-ID: {message_id}\r\nTo: {recipient}\r\nSubject: Forklift Safety\r\n\r\n--R--\r\n"
    )
}

async fn post_dsn(app: &TestApp, token: Option<&str>, body: String) -> reqwest::Response {
    let mut r = app.client.post(app.url("/inbound/email/dsn")).header("content-type", "message/rfc822").body(body);
    if let Some(token) = token {
        r = r.bearer_auth(token);
    }
    r.send().await.unwrap()
}

#[tokio::test]
async fn a_job_is_issued_then_e_mailing_and_completes_with_its_webhook_only_once_every_e_mail_is_accepted() {
    // Nothing listens on the relay's port yet: the e-mails wait, retried.
    let port = free_port();
    let app = app_mailing_to(port).await;
    let (_, key, badge) = org_with_badge(&app).await;
    let (mut receiver, mut stdin) = Receiver::start(0).await;
    let (_, secret) = stream(&app, &key, &receiver.url, json!(["credential.batch_completed"])).await;
    stdin.write_all(format!("{secret}\n").as_bytes()).await.unwrap();

    let job = submit_bulk(&app, &key, &badge, "name,email\nAda,ada@one.test\nBob,bob@two.test\nCy,cy@one.test\n").await;
    let issued = job_when(&app, &key, &job, |v| v["status"] == "delivering").await;
    assert_eq!(issued["succeeded"], 3, "{issued}");
    assert!(issued["issued_at"].is_string() && issued["completed_at"].is_null(), "{issued}");
    assert_eq!(issued["delivery_completed_at"], Value::Null);
    assert_eq!(issued["emails"]["sent"], 0, "{issued}");

    let relay = SmtpServer::start(port).await;
    let done = job_when(&app, &key, &job, |v| v["status"] == "completed").await;
    assert_eq!(done["emails"]["sent"], 3, "{done}");
    // RFC 3339 in UTC, to the second: ordered as text.
    assert!(done["completed_at"].as_str().unwrap() >= done["issued_at"].as_str().unwrap(), "{done}");
    assert_eq!(done["delivery_completed_at"], done["completed_at"]);

    let event = receiver.next().await;
    assert_eq!(event["verified"], true, "{event}");
    assert_eq!(event["payload"]["type"], "credential.batch_completed");
    assert_eq!(event["payload"]["data"]["job_id"], job.as_str());
    assert_eq!(event["payload"]["data"]["emails"]["sent"], 3, "fired after delivery: {event}");
    assert_eq!(read_messages(&relay.mail_dir()).len(), 3, "every e-mail was accepted before the webhook");
}

#[tokio::test]
async fn without_smtp_a_job_completes_at_once_and_its_e_mails_wait_in_the_outbox() {
    let app = spawn_app_with(|_| {}).await;
    let (_, key, badge) = org_with_badge(&app).await;
    let job = submit_bulk(&app, &key, &badge, "name,email\nAda,ada@one.test\n").await;
    assert_eq!(wait_for_job(&app.db, &job).await, "completed");
    let (_, v) = json(app.get_json(&format!("/v1/bulk-issue/{job}"), &key).await).await;
    assert_eq!((v["emails"]["queued"].as_i64(), v["emails"]["sent"].as_i64()), (Some(1), Some(0)), "{v}");
    assert_eq!(v["delivery_completed_at"], Value::Null, "nobody was e-mailed: {v}");
}

#[tokio::test]
async fn a_bounce_posted_back_marks_the_right_row_bounced_and_it_can_be_resent() {
    let port = free_port();
    let relay = SmtpServer::start(port).await;
    let app = app_mailing_to(port).await;
    let (org, key, badge) = org_with_badge(&app).await;
    let job = submit_bulk(&app, &key, &badge, "name,email\nAda,ada@one.test\nBob,bob@two.test\nCy,cy@one.test\n").await;
    job_when(&app, &key, &job, |v| v["status"] == "completed").await;
    let messages = relay.messages(3).await;
    let to_bob = messages.iter().find(|m| m["to"].as_str().unwrap().contains("bob@two.test")).unwrap();
    let bob_message_id = to_bob["message_id"].as_str().unwrap().to_owned();

    // The endpoint wants the relay's token, and a real report.
    let bounce = dsn(&bob_message_id, "bob@two.test");
    assert_eq!(post_dsn(&app, None, bounce.clone()).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(post_dsn(&app, Some("wrong"), bounce.clone()).await.status(), StatusCode::UNAUTHORIZED);
    let r = post_dsn(&app, Some(INBOUND_EMAIL_TOKEN), "Subject: hello\r\n\r\nnot a report\r\n".into()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("no message/delivery-status part"));
    // A report naming another recipient of that message changes nothing.
    let (status, v) = json(post_dsn(&app, Some(INBOUND_EMAIL_TOKEN), dsn(&bob_message_id, "ada@one.test")).await).await;
    assert_eq!((status, v["unmatched"].as_i64()), (StatusCode::OK, Some(1)), "{v}");

    let (status, v) = json(post_dsn(&app, Some(INBOUND_EMAIL_TOKEN), bounce.clone()).await).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["bounced"].as_array().unwrap().len(), 1, "{v}");
    let (_, again) = json(post_dsn(&app, Some(INBOUND_EMAIL_TOKEN), bounce).await).await;
    assert_eq!(again["bounced"], json!([]), "a repeated report marks nothing twice");

    // The row, the counts, the failed-rows file and the audit log say so.
    let (_, items) = json(app.get_json(&format!("/v1/bulk-issue/{job}/items"), &key).await).await;
    let states: Vec<(&str, &str)> = items["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["email"].as_str().unwrap(), i["email_status"].as_str().unwrap()))
        .collect();
    assert_eq!(states, [("ada@one.test", "sent"), ("bob@two.test", "bounced"), ("cy@one.test", "sent")]);
    let bob = &items["data"][1];
    assert!(bob["email_error"].as_str().unwrap().contains("5.1.1"), "{bob}");
    let (_, v) = json(app.get_json(&format!("/v1/bulk-issue/{job}"), &key).await).await;
    assert_eq!((v["emails"]["sent"].as_i64(), v["emails"]["bounced"].as_i64()), (Some(2), Some(1)), "{v}");
    let admin = app.signed_in("admin@acme.test").await;
    let csv = admin.get(app.url(&format!("/organizations/{org}/jobs/{job}/failed.csv"))).send().await.unwrap();
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].starts_with("Bob,bob@two.test,2,E-mail not delivered: Bounced (5.1.1)"), "{csv}");
    let (_, audit) = json(app.get_json("/v1/audit/events?action=email.bounced", &key).await).await;
    assert_eq!(audit["data"].as_array().unwrap().len(), 1, "{audit}");
    assert_eq!(audit["data"][0]["data"]["to"], "bob@two.test");

    // Resent from the job page: the same message goes out again.
    let r = app.call_as(&admin, "resend_job_emails", &[("org_id", &org), ("job_id", &job)]).await;
    assert!(r.status().is_success(), "{}", error_text(r).await);
    let all = relay.messages(4).await;
    assert_eq!(all[3]["message_id"], bob_message_id.as_str());
    let v = job_when(&app, &key, &job, |v| v["emails"]["sent"] == 3 && v["delivery_completed_at"].is_string()).await;
    assert_eq!(v["emails"]["bounced"], 0, "{v}");
    // Nothing is left to resend.
    let r = app.call_as(&admin, "resend_job_emails", &[("org_id", &org), ("job_id", &job)]).await;
    assert!(error_text(r).await.contains("nothing to resend"));
    // Another org's member cannot.
    let other = app.org("Other", Plan::Professional).await;
    app.member(&other, "eve@other.test", Role::Admin).await;
    let eve = app.signed_in("eve@other.test").await;
    let r = app.call_as(&eve, "resend_job_emails", &[("org_id", &other), ("job_id", &job)]).await;
    assert!(error_text(r).await.contains("Not found"));
}

#[tokio::test]
async fn the_org_s_wording_reply_to_and_unsubscribe_link_reach_recipients_and_unsubscribing_stops_later_e_mails() {
    let port = free_port();
    let relay = SmtpServer::start(port).await;
    let app = app_mailing_to(port).await;
    let (org, key, badge) = org_with_badge(&app).await;
    let admin = app.signed_in("admin@acme.test").await;

    let save = |subject: &'static str, body: &'static str, reply_to: &'static str| {
        let (admin, org) = (admin.clone(), org.clone());
        let app = &app;
        async move {
            app.call_as(
                &admin,
                "save_email_settings",
                &[("org_id", &org), ("subject", subject), ("body", body), ("reply_to", reply_to)],
            )
            .await
        }
    };
    let refused = error_text(save("Hi", "Dear {first_name}", "").await).await;
    assert!(refused.contains("body") && refused.contains("{first_name}"), "{refused}");
    let refused = error_text(save("Hi", "Dear {recipient_name}", "not an address").await).await;
    assert!(refused.contains("reply_to"), "{refused}");
    let r = save(
        "{badge_name} for {recipient_name}",
        "Dear {recipient_name},\n\n{credential_url}\n\nFrom {org_name}; expires {expires_at}.",
        "registrar@acme.test",
    )
    .await;
    assert!(r.status().is_success(), "{}", error_text(r).await);

    let job = submit_bulk(&app, &key, &badge, "name,email\nZoë & Co,zoe@one.test\nBob,bob@two.test\n").await;
    job_when(&app, &key, &job, |v| v["status"] == "completed").await;
    let messages = relay.messages(2).await;
    let zoe = messages.iter().find(|m| m["to"].as_str().unwrap().contains("zoe@one.test")).unwrap();
    assert_eq!(zoe["subject"], "Forklift Safety for Zoë & Co");
    assert_eq!(zoe["reply_to"], "registrar@acme.test");
    let text = zoe["parts"]["text/plain"].as_str().unwrap().replace("\r\n", "\n");
    assert!(text.starts_with("Dear Zoë & Co,\n\nhttp://laurel.test/credentials/cred_"), "{text}");
    assert!(text.contains("From Acme Academy; expires 20"), "{text}");
    let html = zoe["parts"]["text/html"].as_str().unwrap();
    assert!(html.contains("Dear Zoë &amp; Co,"), "escaped in HTML: {html}");
    assert!(html.contains("href=\"http://laurel.test/credentials/cred_"), "the link is a button: {html}");

    // One-click unsubscribe (RFC 8058), as a mail provider sends it.
    assert_eq!(zoe["list_unsubscribe_post"], "List-Unsubscribe=One-Click");
    let link = zoe["list_unsubscribe"].as_str().unwrap().trim_matches(['<', '>']);
    let path = link.strip_prefix("http://laurel.test").expect("an absolute link to this site");
    let tampered = format!("{}x", path);
    let r = app.client.post(app.url(&tampered)).body("List-Unsubscribe=One-Click").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let page = app.client.get(app.url(path)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("zoe@one.test") && page.contains("Acme Academy"), "a GET only asks: {page}");
    let r = app
        .client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("will get no more e-mail"));

    // The next job still issues to Zoë, but e-mails only Bob.
    let second = submit_bulk(&app, &key, &badge, "name,email\nZoë & Co,ZOE@one.test\nBob,bob@two.test\n").await;
    let done = job_when(&app, &key, &second, |v| v["status"] == "completed").await;
    assert_eq!(done["succeeded"], 2);
    assert_eq!((done["emails"]["sent"].as_i64(), done["emails"]["cancelled"].as_i64()), (Some(1), Some(1)), "{done}");
    let (_, items) = json(app.get_json(&format!("/v1/bulk-issue/{second}/items"), &key).await).await;
    assert!(items["data"][0]["email_error"].as_str().unwrap().contains("unsubscribed"), "{items}");
    let (_, audit) = json(app.get_json("/v1/audit/events?action=email.unsubscribed", &key).await).await;
    assert_eq!(audit["data"].as_array().unwrap().len(), 1, "{audit}");

    // A test goes to the admin, in the saved wording with sample values.
    let r = app.call_as(&admin, "send_test_email", &[("org_id", &org)]).await;
    assert!(r.status().is_success(), "{}", error_text(r).await);
    let all = relay.messages(4).await;
    let test = all.iter().find(|m| m["to"].as_str().unwrap().contains("admin@acme.test")).expect("the test arrives");
    assert!(test["subject"].as_str().unwrap().starts_with("[Test] Sample badge for "), "{test}");
    assert_eq!(test["reply_to"], "registrar@acme.test");
    assert_eq!(test["list_unsubscribe"], Value::Null, "only credential e-mails carry the link");
}

#[tokio::test]
async fn a_spam_complaint_stops_the_org_s_e_mails_to_that_recipient() {
    let port = free_port();
    let relay = SmtpServer::start(port).await;
    let app = app_mailing_to(port).await;
    let (_, key, badge) = org_with_badge(&app).await;
    let job = submit_bulk(&app, &key, &badge, "name,email\nAda,ada@one.test\n").await;
    job_when(&app, &key, &job, |v| v["status"] == "completed").await;
    let message_id = relay.messages(1).await[0]["message_id"].as_str().unwrap().to_owned();

    // A mailbox provider's feedback report (RFC 5965), as the relay passes it on.
    let arf = format!(
        "From: fbl@mailbox.example\r\nTo: fbl@laurel.test\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\r\n\r\n\
         --F\r\nContent-Type: text/plain\r\n\r\nThis is an e-mail abuse report.\r\n\
         --F\r\nContent-Type: message/feedback-report\r\n\r\n\
         Feedback-Type: abuse\r\nUser-Agent: Mailbox-FBL/1.0\r\nVersion: 1\r\nOriginal-Rcpt-To: ada@one.test\r\n\r\n\
         --F\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {message_id}\r\nTo: ada@one.test\r\n\r\n--F--\r\n"
    );
    let (status, v) = json(post_dsn(&app, Some(INBOUND_EMAIL_TOKEN), arf).await).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["complained"].as_array().map(Vec::len), Some(1), "{v}");
    let (_, audit) = json(app.get_json("/v1/audit/events?action=email.complained", &key).await).await;
    assert_eq!(audit["data"][0]["data"]["feedback_type"], "abuse", "{audit}");

    let second = submit_bulk(&app, &key, &badge, "name,email\nAda,ada@one.test\nBob,bob@two.test\n").await;
    let done = job_when(&app, &key, &second, |v| v["status"] == "completed").await;
    assert_eq!((done["emails"]["sent"].as_i64(), done["emails"]["cancelled"].as_i64()), (Some(1), Some(1)), "{done}");
    assert_eq!(relay.messages(2).await[1]["rcpt_tos"], json!(["bob@two.test"]));
}
