//! The bulk dry run against a real SQLite file: history, quota and months.

mod support;

use issuance::bulk::{RowStatus, review};
use issuance::credentials::{self, IssueRequest, Issuer};
use issuance::orgs::{Plan, organizations};
use serde_json::json;
use support::{PUBLIC_URL, Sandbox};

const DAY: i64 = 86_400;
/// 2026-10-20T00:00:00Z, well inside October.
const OCT_20: i64 = 1_792_454_400;
/// 2026-11-02T00:00:00Z.
const NOV_2: i64 = 1_793_577_600;

struct Fixture {
    sandbox: Sandbox,
    org: String,
    badge: String,
}

async fn fixture(plan: Plan, validity_days: Option<i64>) -> Fixture {
    let sandbox = Sandbox::new().await;
    let org = sandbox.org("Acme", plan).await;
    let badge = sandbox.badge(&org, "Safety", validity_days).await;
    Fixture { sandbox, org, badge }
}

impl Fixture {
    async fn issue(&self, email: &str, expires_at: Option<i64>, now: i64) -> String {
        let mut body =
            json!({"credential_type": "badge", "badge_id": self.badge, "recipient": {"name": "X", "email": email}});
        if let Some(at) = expires_at {
            body["expires_at"] = json!(issuance::clock::rfc3339(at));
        }
        let issuer =
            Issuer { db: &self.sandbox.db, master: &self.sandbox.master, public_url: PUBLIC_URL, api_key_id: None };
        credentials::issue(issuer, &self.org, IssueRequest::parse(&body).unwrap(), now).await.unwrap().id
    }

    async fn review(&self, csv: &str, now: i64) -> issuance::bulk::Review {
        review(
            &self.sandbox.db,
            &self.org,
            Some(&self.badge),
            csv.as_bytes(),
            Some("people.csv"),
            Default::default(),
            now,
        )
        .await
        .unwrap()
        .unwrap()
    }
}

#[tokio::test]
async fn every_row_is_classified_against_what_the_badge_holders_already_have() {
    let f = fixture(Plan::Professional, None).await;
    let now = OCT_20;
    f.issue("forever@example.com", None, now - 10 * DAY).await;
    f.issue("timed@example.com", Some(now + 30 * DAY), now - 10 * DAY).await;
    f.issue("lapsed@example.com", Some(now - DAY), now - 10 * DAY).await;
    let revoked = f.issue("revoked@example.com", Some(now + 30 * DAY), now - 10 * DAY).await;
    credentials::store::revoke(&f.sandbox.db, &f.org, &revoked, Some("test"), None).await.unwrap();

    let csv = "name,email\n\
               New,new@example.com\n\
               Forever,FOREVER@example.com\n\
               Timed,timed@example.com\n\
               Lapsed,lapsed@example.com\n\
               Revoked,revoked@example.com\n\
               Broken,broken.example.com\n";
    let r = f.review(csv, now).await;
    let statuses: Vec<RowStatus> = r.rows.iter().map(|row| row.status).collect();
    assert_eq!(
        statuses,
        vec![
            RowStatus::New,
            RowStatus::ActiveNonExpiring,
            RowStatus::ActiveTimeBound,
            RowStatus::Renewal,
            RowStatus::Revoked,
            RowStatus::Invalid
        ]
    );
    assert_eq!(r.rows[4].existing_credential_id.as_deref(), Some(revoked.as_str()));
    assert_eq!((r.totals.issuable, r.totals.valid, r.totals.invalid), (4, 5, 1));
    assert!(r.can_submit());
    let untouched: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials").fetch_one(&f.sandbox.db).await.unwrap();
    assert_eq!(untouched, 4, "a dry run writes nothing");
}

#[tokio::test]
async fn the_quota_counts_this_month_only_and_stops_at_the_limit() {
    let f = fixture(Plan::Professional, Some(365)).await;
    organizations::set_quota(&f.sandbox.db, &f.org, 3).await.unwrap();
    // Two recipients counted in October.
    f.issue("oct1@example.com", None, OCT_20).await;
    f.issue("oct2@example.com", None, OCT_20).await;

    let csv = "name,email\nA,oct1@example.com\nB,new1@example.com\nC,new2@example.com\n";
    let october = f.review(csv, OCT_20 + DAY).await;
    assert_eq!((october.quota.used, october.quota.remaining, october.quota.uses), (2, 1, 1));
    assert_eq!(october.rows[0].status, RowStatus::ActiveTimeBound, "oct1 is already counted: no quota needed");
    assert_eq!(october.rows[1].status, RowStatus::New, "exactly at the limit");
    assert_eq!(october.rows[2].status, RowStatus::OverQuota, "one over");

    // In November the count starts again.
    let november = f.review(csv, NOV_2).await;
    assert_eq!((november.quota.month.as_str(), november.quota.used, november.quota.uses), ("2026-11", 0, 3));
    assert_eq!(november.totals.over_quota, 0);
}

#[tokio::test]
async fn a_free_org_may_validate_but_not_submit() {
    let f = fixture(Plan::Free, None).await;
    let r = f.review("name,email\nA,a@example.com\n", OCT_20).await;
    assert_eq!(r.totals.issuable, 1);
    assert!(!r.can_submit());
    assert!(r.submit_blocker().unwrap().contains("Upgrade to Professional or Enterprise"));
}

#[tokio::test]
async fn file_problems_and_unknown_badges_are_reported_before_any_row() {
    let f = fixture(Plan::Professional, None).await;
    let file_error =
        review(&f.sandbox.db, &f.org, Some(&f.badge), b"name,email\n", Some("x.csv"), Default::default(), OCT_20)
            .await
            .unwrap()
            .unwrap_err();
    assert_eq!(file_error.code, "no_rows");
    let not_csv = review(
        &f.sandbox.db,
        &f.org,
        Some(&f.badge),
        b"name,email\nA,a@example.com\n",
        Some("x.xlsx"),
        Default::default(),
        OCT_20,
    )
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(not_csv.code, "not_csv");
    let err = review(&f.sandbox.db, &f.org, Some("bdg_nope"), b"name,email\n", None, Default::default(), OCT_20)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("badge_id: no badge 'bdg_nope'"), "{err}");
}
