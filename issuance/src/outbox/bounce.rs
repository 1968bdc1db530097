//! What comes back about a sent e-mail, as the relay posts it to `POST
//! /inbound/email/dsn`:
//! - a bounce: a recipient's server that took nothing, or gave up later,
//!   sends a delivery-status notification (RFC 3464). The e-mail is marked
//!   `bounced`, with the reason, on the job's rows, in its failed-rows CSV
//!   and in the audit log.
//! - a complaint: a mailbox provider's feedback report (RFC 5965) says the
//!   recipient marked it as spam. The org e-mails that address no more
//!   (as if they had unsubscribed), and the audit log says so.
//!
//! Either quotes the returned message's headers, whose Message-ID is the
//! outbox row's (see [`super::compose`]), and names the recipient; both
//! must match a row for it to count.

use mail_parser::{MessageParser, MimeHeaders};

use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};

/// One recipient the DSN says could not be reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The returned message's id, without `<>` and host: an outbox id.
    pub message_id: String,
    pub recipient: String,
    /// The enhanced status code, e.g. `5.1.1`.
    pub status: String,
    /// What the recipient's server said, when the DSN quotes it.
    pub diagnostic: Option<String>,
}

impl Failure {
    /// The reason shown on the row: the status code and what was said.
    pub fn reason(&self) -> String {
        match &self.diagnostic {
            Some(d) => format!("Bounced ({}): {d}", self.status),
            None => format!("Bounced ({})", self.status),
        }
    }
}

/// A recipient who reported the message as spam.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Complaint {
    pub message_id: String,
    /// `Original-Rcpt-To`, when the report names it.
    pub recipient: Option<String>,
    /// `abuse`, `fraud`, …
    pub feedback_type: String,
}

/// What a posted report says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    /// The recipients a DSN reports as `failed`; `delayed`, `delivered`,
    /// `relayed` and `expanded` reports are not failures and are left out.
    Bounces(Vec<Failure>),
    Complaint(Complaint),
}

/// Reads a DSN or a feedback report; the error says what the message
/// lacks.
pub fn parse(raw: &[u8]) -> Result<Report, String> {
    // mail-parser asserts, in debug builds only, on some malformed nestings
    // of message/rfc822 parts (release builds read on): a report it cannot
    // take apart is refused rather than panicking the request.
    let message = std::panic::catch_unwind(|| MessageParser::default().parse(raw))
        .map_err(|_| "the body's MIME parts are nested in a way that cannot be read".to_owned())?
        .ok_or("the body is not an e-mail message")?;
    let mut status_part = None;
    let mut feedback_part = None;
    let mut original_id = None;
    for part in &message.parts {
        let Some(ct) = part.content_type() else { continue };
        let kind = (ct.ctype().to_ascii_lowercase(), ct.subtype().map(str::to_ascii_lowercase));
        match (kind.0.as_str(), kind.1.as_deref()) {
            ("message", Some("delivery-status" | "global-delivery-status")) => status_part = Some(part.contents()),
            ("message", Some("feedback-report")) => feedback_part = Some(part.contents()),
            ("text", Some("rfc822-headers")) => {
                original_id = MessageParser::default()
                    .parse_headers(part.contents())
                    .and_then(|m| m.message_id().map(str::to_owned));
            }
            ("message", Some("rfc822" | "global")) if original_id.is_none() => {
                original_id = part.message().and_then(|m| m.message_id().map(str::to_owned));
            }
            _ => {}
        }
    }
    if status_part.is_none() && feedback_part.is_none() {
        return Err("no message/delivery-status part (RFC 3464) nor message/feedback-report part (RFC 5965)".into());
    }
    let original_id =
        original_id.ok_or("the report quotes no Message-ID of the returned message (text/rfc822-headers)")?;
    let message_id = original_id.split('@').next().unwrap_or_default().trim_matches(['<', '>']).to_owned();

    if let Some(feedback) = feedback_part {
        let text = String::from_utf8_lossy(feedback).replace("\r\n", "\n");
        let fields = fields(&text);
        let field = |name: &str| fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
        return Ok(Report::Complaint(Complaint {
            message_id,
            recipient: field("Original-Rcpt-To"),
            feedback_type: field("Feedback-Type").ok_or("the feedback report has no Feedback-Type field")?,
        }));
    }
    let status_part = status_part.unwrap_or_default();

    let text = String::from_utf8_lossy(status_part).replace("\r\n", "\n");
    let mut failures = Vec::new();
    // The first group is about the message; each after it, one recipient.
    for group in text.split("\n\n").skip(1).filter(|g| !g.trim().is_empty()) {
        let fields = fields(group);
        let field = |name: &str| fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
        if !field("Action").is_some_and(|a| a.eq_ignore_ascii_case("failed")) {
            continue;
        }
        let recipient = field("Final-Recipient")
            .or_else(|| field("Original-Recipient"))
            .ok_or("a failed recipient has no Final-Recipient field")?;
        // `rfc822; jane@example.com`: the address type, then the address.
        let recipient = recipient.split_once(';').map_or(recipient.as_str(), |(_, a)| a).trim().to_owned();
        let diagnostic = field("Diagnostic-Code")
            .map(|d| d.split_once(';').map_or(d.as_str(), |(_, t)| t).trim().to_owned())
            .filter(|d| !d.is_empty());
        failures.push(Failure {
            message_id: message_id.clone(),
            recipient,
            status: field("Status").unwrap_or_else(|| "5.0.0".into()),
            diagnostic,
        });
    }
    Ok(Report::Bounces(failures))
}

/// `Name: value` fields of one group, folded lines joined.
fn fields(group: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in group.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    out
}

/// What posting a DSN did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Outbox ids newly marked bounced.
    pub marked: Vec<String>,
    /// Outbox ids whose recipient complained (their address newly
    /// suppressed).
    pub complained: Vec<String>,
    /// Failures that matched no e-mail we sent (another sender's, or a
    /// recipient the row was not sent to).
    pub unmatched: usize,
}

/// Marks each failure's e-mail `bounced` (once: a repeated DSN changes
/// nothing) and records an `email.bounced` audit event in its org.
pub async fn record(db: &Db, failures: &[Failure], now: i64) -> CoreResult<Recorded> {
    let mut out = Recorded::default();
    let mut tx = crate::db::begin(db).await?;
    for f in failures {
        #[derive(sqlx::FromRow)]
        struct Marked {
            org_id: String,
            job_id: Option<String>,
            credential_id: Option<String>,
            to_email: String,
        }
        // Only what was handed to the relay can come back.
        let marked: Option<Marked> = sqlx::query_as(
            "UPDATE outbox SET status = 'bounced', bounced_at = $1, last_error = $2
             WHERE id = $3 AND LOWER(to_email) = LOWER($4) AND status = 'sent'
             RETURNING org_id, job_id, credential_id, to_email",
        )
        .bind(now)
        .bind(f.reason())
        .bind(&f.message_id)
        .bind(&f.recipient)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(m) = marked else {
            out.unmatched += 1;
            continue;
        };
        let summary = format!("The e-mail to {} bounced: {}", m.to_email, f.reason());
        let data = serde_json::json!({
            "message_id": f.message_id, "to": m.to_email, "status": f.status, "diagnostic": f.diagnostic,
            "job_id": m.job_id, "credential_id": m.credential_id,
        });
        let subject = m.credential_id.as_deref().or(m.job_id.as_deref());
        let entry = Entry::new(Actor::system(), AuditAction::EmailBounced, subject, summary).with(data);
        audit::record(&mut *tx, &m.org_id, entry).await?;
        out.marked.push(f.message_id.clone());
    }
    tx.commit().await?;
    Ok(out)
}

/// Stops the org's e-mails to a recipient who reported one as spam, and
/// records an `email.complained` audit event (once per address).
pub async fn record_complaint(db: &Db, c: &Complaint, now: i64) -> CoreResult<Recorded> {
    let mut out = Recorded::default();
    let row: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT org_id, to_email, credential_id FROM outbox WHERE id = $1 AND status IN ('sent', 'bounced')",
    )
    .bind(&c.message_id)
    .fetch_optional(db)
    .await?;
    let Some((org_id, to, credential_id)) =
        row.filter(|(_, to, _)| c.recipient.as_deref().is_none_or(|r| r.eq_ignore_ascii_case(to)))
    else {
        out.unmatched = 1;
        return Ok(out);
    };
    let mut tx = crate::db::begin(db).await?;
    if super::unsubscribe::suppress(&mut tx, &org_id, &to, super::unsubscribe::Reason::Complained, now).await? {
        let summary =
            format!("{to} reported a credential e-mail as spam ({}); they are e-mailed no more", c.feedback_type);
        let data = serde_json::json!({"message_id": c.message_id, "to": to, "feedback_type": c.feedback_type});
        let subject = credential_id.as_deref().unwrap_or(&c.message_id);
        let entry = Entry::new(Actor::system(), AuditAction::EmailComplained, Some(subject), summary).with(data);
        audit::record(&mut *tx, &org_id, entry).await?;
        out.complained.push(c.message_id.clone());
    }
    tx.commit().await?;
    Ok(out)
}

/// Parses and records a posted report: a malformed one is refused whole.
pub async fn receive(db: &Db, raw: &[u8], now: i64) -> CoreResult<Recorded> {
    match parse(raw).map_err(|e| CoreError::field("body", e))? {
        Report::Bounces(failures) => record(db, &failures, now).await,
        Report::Complaint(c) => record_complaint(db, &c, now).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of RFC 3464's example, as Postfix writes it.
    pub(crate) fn dsn(message_id: &str, recipient: &str, action: &str) -> String {
        format!(
            "From: MAILER-DAEMON@relay.example\r\n\
             To: bounces@laurel.example\r\n\
             Subject: Undelivered Mail Returned to Sender\r\n\
             MIME-Version: 1.0\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\
             \r\n\
             --B\r\n\
             Content-Type: text/plain\r\n\
             \r\n\
             I'm sorry to have to inform you that your message could not be delivered.\r\n\
             --B\r\n\
             Content-Type: message/delivery-status\r\n\
             \r\n\
             Reporting-MTA: dns; relay.example\r\n\
             Arrival-Date: Mon, 30 Nov 2026 01:00:00 +0000\r\n\
             \r\n\
             Final-Recipient: rfc822; {recipient}\r\n\
             Original-Recipient: rfc822;{recipient}\r\n\
             Action: {action}\r\n\
             Status: 5.1.1\r\n\
             Remote-MTA: dns; mx.university.example\r\n\
             Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address\r\n    rejected: User unknown\r\n\
             \r\n\
             --B\r\n\
             Content-Type: text/rfc822-headers\r\n\
             \r\n\
             Message-ID: <{message_id}@laurel.example>\r\n\
             From: Laurel <noreply@laurel.example>\r\n\
             To: {recipient}\r\n\
             Subject: Demo awarded you a badge\r\n\
             \r\n\
             --B--\r\n"
        )
    }

    #[test]
    fn a_failed_recipient_is_read_with_its_status_and_what_its_server_said() {
        let Report::Bounces(failures) =
            parse(dsn("msg_01ABC", "jane@university.example", "failed").as_bytes()).unwrap()
        else {
            panic!("a DSN is bounces")
        };
        assert_eq!(
            failures,
            [Failure {
                message_id: "msg_01ABC".into(),
                recipient: "jane@university.example".into(),
                status: "5.1.1".into(),
                diagnostic: Some(
                    "550 5.1.1 <jane@university.example>: Recipient address rejected: User unknown".into()
                ),
            }]
        );
        assert_eq!(
            failures[0].reason(),
            "Bounced (5.1.1): 550 5.1.1 <jane@university.example>: Recipient address rejected: User unknown"
        );
    }

    #[test]
    fn a_delay_report_is_not_a_bounce() {
        assert_eq!(
            parse(dsn("msg_1", "jane@university.example", "delayed").as_bytes()).unwrap(),
            Report::Bounces(vec![])
        );
    }

    #[test]
    fn a_message_that_is_not_a_report_is_refused_saying_why() {
        let e = parse(b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n").unwrap_err();
        assert!(e.contains("no message/delivery-status part"), "{e}");
    }

    #[test]
    fn a_message_whose_mime_nesting_trips_the_mail_parser_is_refused_without_a_panic() {
        // Found by fuzz/fuzz_targets/bounce_report.rs.
        let raw = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz_regressions/bounce_report-nested-rfc822.eml"
        ));
        match parse(raw) {
            Err(e) => assert!(!e.is_empty()),
            Ok(report) if cfg!(debug_assertions) => panic!("debug builds refuse it, got {report:?}"),
            // Release builds of mail-parser read on without asserting.
            Ok(_) => {}
        }
    }

    #[test]
    fn a_feedback_report_is_a_complaint_about_the_quoted_message() {
        let arf = "From: fbl@mailbox.example\r\nTo: fbl@laurel.example\r\nMIME-Version: 1.0\r\n\
                   Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\r\n\r\n\
                   --F\r\nContent-Type: text/plain\r\n\r\nThis is an abuse report.\r\n\
                   --F\r\nContent-Type: message/feedback-report\r\n\r\n\
                   Feedback-Type: abuse\r\nUser-Agent: Mailbox/1.0\r\nVersion: 1\r\n\
                   Original-Rcpt-To: jane@mailbox.example\r\n\r\n\
                   --F\r\nContent-Type: text/rfc822-headers\r\n\r\n\
                   Message-ID: <msg_9@laurel.example>\r\nSubject: Your badge\r\n\r\n--F--\r\n";
        assert_eq!(
            parse(arf.as_bytes()).unwrap(),
            Report::Complaint(Complaint {
                message_id: "msg_9".into(),
                recipient: Some("jane@mailbox.example".into()),
                feedback_type: "abuse".into(),
            })
        );
    }
}
