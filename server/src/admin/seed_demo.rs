//! `laurel admin seed-demo`: the two demo organisations, with enough
//! history that a first look shows everything Laurel does. Uploading
//! `examples/recipients.csv` for the badge *Data Literacy* gives every
//! review status (see `examples/README.md`), the overview has three months
//! of issuing to chart, and there is a finished job with failed rows.
//!
//! Everything goes through the core, as real work would: credentials are
//! issued by `credentials::issue` at back-dated times, revoked by
//! `store::revoke`, the job is a real upload run by the engine's steps.
//! Running it again changes nothing: an org that already has the demo's
//! first badge keeps its history as it is.

use issuance::badges::{self, BadgePatch, NewBadge};
use issuance::credentials::issue::{self, Issuer};
use issuance::credentials::request::IssueRequest;
use issuance::credentials::store;
use issuance::db::Db;
use issuance::jobs::lease::ClaimLimits;
use issuance::jobs::submit;
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, Role, organizations};
use serde_json::json;

use super::{DEMO_ORG, DEMO_OWNER_EMAIL, DEMO_OWNER_PASSWORD, DEMO_SANDBOX_ORG, create_user};

/// The badge the sample file is for.
pub const SAMPLE_BADGE: &str = "Data Literacy";
const DAY: i64 = 86_400;

/// New recipients the Free sandbox has already issued to this month, so
/// that the sample file runs over its quota of 50.
const SANDBOX_USED_THIS_MONTH: usize = 44;

/// Creates the demo organisations and accounts, once; running it again
/// changes nothing.
pub async fn seed_demo(db: &Db, master: &MasterKey, public_url: &str) -> anyhow::Result<()> {
    for (id, name, plan) in
        [(DEMO_ORG, "Demo Academy", Plan::Professional), (DEMO_SANDBOX_ORG, "Demo Sandbox", Plan::Free)]
    {
        sqlx::query(
            "INSERT INTO organizations (id, name, plan, monthly_quota, approval_status, created_at)
             VALUES ($1, $2, $3, $4, 'pending', $5) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(name)
        .bind(plan.as_str())
        .bind(plan.default_monthly_quota())
        .bind(issuance::clock::now())
        .execute(db)
        .await?;
        organizations::approve(db, master, id).await?;
    }
    let (owner, _) =
        create_user(db, DEMO_ORG, DEMO_OWNER_EMAIL, Some("Olivia Owner"), DEMO_OWNER_PASSWORD, Role::Owner).await?;
    create_user(db, DEMO_SANDBOX_ORG, DEMO_OWNER_EMAIL, None, DEMO_OWNER_PASSWORD, Role::Owner).await?;
    create_user(db, DEMO_ORG, "issuer@demo.laurel.test", Some("Ian Issuer"), "laurel-demo-issuer", Role::Issuer)
        .await?;

    let issuer = Issuer { db, master, public_url, api_key_id: None };
    for org in [DEMO_ORG, DEMO_SANDBOX_ORG] {
        if badges::list(db, org).await?.iter().any(|b| b.name == SAMPLE_BADGE) {
            continue;
        }
        let [sample, mentor] = demo_badges(db, public_url, org, &owner).await?;
        sample_history(issuer, org, &sample, &owner).await?;
        if org == DEMO_ORG {
            months_of_issuing(issuer, org, [&sample, &mentor], &owner).await?;
            finished_job(db, master, public_url, org, &mentor, &owner).await?;
        } else {
            let now = issuance::clock::now();
            for i in 0..SANDBOX_USED_THIS_MONTH {
                let who = format!("sandbox.learner.{i}@example.org");
                issue(issuer, org, &mentor, &format!("Sandbox Learner {i}"), &who, now).await?;
            }
        }
    }
    Ok(())
}

/// The two demo badges, each with its image: one valid for a year (the
/// sample file's), one that never expires.
async fn demo_badges(db: &Db, public_url: &str, org: &str, owner: &str) -> anyhow::Result<[String; 2]> {
    let mut ids = Vec::new();
    for (name, description, criteria, image) in [
        (
            SAMPLE_BADGE,
            "Reads, questions and presents data with confidence.",
            "Completed the six-week Data Literacy course and its final project.",
            include_bytes!("../../../examples/badges/data-literacy.svg").as_slice(),
        ),
        (
            "Community Mentor",
            "Guided newcomers through their first term.",
            "Mentored at least three learners for a full term.",
            include_bytes!("../../../examples/badges/community-mentor.svg").as_slice(),
        ),
    ] {
        let new = NewBadge {
            name: name.into(),
            description: description.into(),
            criteria_narrative: criteria.into(),
            image_url: None,
            // Data Literacy gains its validity once its first, non-expiring
            // credential is out (see `sample_history`).
            validity_days: None,
        };
        let badge = badges::create(db, org, new, Some(owner)).await?;
        badges::image::upload(db, public_url, org, &badge.id, image, Some(owner)).await?;
        ids.push(badge.id);
    }
    Ok([ids[0].clone(), ids[1].clone()])
}

/// The people of `examples/recipients.csv` who already hold the sample
/// badge, each in the state that gives their row its status.
async fn sample_history(issuer: Issuer<'_>, org: &str, badge: &str, owner: &str) -> anyhow::Result<()> {
    let now = issuance::clock::now();
    // Issued while the badge had no validity: active, non-expiring.
    issue(issuer, org, badge, "Farah Haddad", "farah.haddad@example.org", now - 200 * DAY).await?;
    let year = BadgePatch { validity_days: Some(Some(365)), ..BadgePatch::default() };
    badges::update(issuer.db, org, badge, year, Some(owner)).await?;
    // A year's validity, ended 35 days ago: a renewal.
    issue(issuer, org, badge, "Dana García", "dana.garcia@example.org", now - 400 * DAY).await?;
    // Ten months left: active, time-bound.
    issue(issuer, org, badge, "Emeka Mensah", "emeka.mensah@example.org", now - 60 * DAY).await?;
    let revoked = issue(issuer, org, badge, "Gita Singh", "gita.singh@example.org", now - 120 * DAY).await?;
    store::revoke(issuer.db, org, &revoked, Some("Issued in error"), Some(owner)).await?;
    Ok(())
}

/// Three months of issuing, a few a day and fewer at weekends, so the
/// overview's chart has a shape; one in 25 revoked.
async fn months_of_issuing(issuer: Issuer<'_>, org: &str, badges: [&String; 2], owner: &str) -> anyhow::Result<()> {
    let now = issuance::clock::now();
    let mut n = 0usize;
    for days_ago in (1..=89i64).rev() {
        let at = now - days_ago * DAY;
        // 1970-01-01 was a Thursday: days 2 and 3 of the week are weekends.
        let weekend = matches!((at / DAY) % 7, 2 | 3);
        let count = if weekend { (days_ago % 2) as usize } else { 2 + (days_ago * 7 % 5) as usize };
        for _ in 0..count {
            let badge = badges[n % 2];
            let who = format!("learner.{n}@example.org");
            let id = issue(issuer, org, badge, &format!("Learner {n}"), &who, at + (n as i64 % 600) * 60).await?;
            if n % 25 == 24 {
                store::revoke(issuer.db, org, &id, Some("Left the programme"), Some(owner)).await?;
            }
            n += 1;
        }
    }
    Ok(())
}

/// A CSV job run to its end, with two rows that could not be issued. Its
/// e-mails wait in the outbox, as on any server without SMTP.
async fn finished_job(
    db: &Db,
    master: &MasterKey,
    public_url: &str,
    org: &str,
    badge: &str,
    owner: &str,
) -> anyhow::Result<()> {
    let mut csv = String::from("name,email\n");
    for i in 0..22 {
        csv.push_str(&format!("Mentor {i},mentor.{i}@example.org\n"));
    }
    csv.push_str("Pat Jones,pat.jones@example\nSam Lee,sam.lee(at)example.org\n");
    let upload =
        issuance::bulk::uploads::create(db, org, Some(badge), Some("mentors-autumn.csv"), csv.as_bytes(), owner)
            .await?;
    let now = issuance::clock::now();
    let job = submit::submit(db, org, &upload, owner, Default::default(), now).await?.job_id;
    let limits = ClaimLimits {
        max_items: 1000,
        lease: std::time::Duration::from_secs(600),
        per_sec: None,
        delivers_email: false,
    };
    super::generate_demo::run_here(db, master, public_url, &job, &limits, issuance::clock::now_ms(), 1).await?;
    Ok(())
}

async fn issue(issuer: Issuer<'_>, org: &str, badge: &str, name: &str, email: &str, at: i64) -> anyhow::Result<String> {
    let body = json!({
        "credential_type": "badge",
        "badge_id": badge,
        "recipient": {"name": name, "email": email},
    });
    let request = IssueRequest::parse(&body)?;
    Ok(issue::issue(issuer, org, request, at).await?.id)
}
