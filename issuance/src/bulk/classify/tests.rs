use std::collections::{HashMap, HashSet};

use super::*;

const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;

fn row(n: usize, name: &str, email: &str) -> UploadedRow {
    UploadedRow {
        row: n,
        line: n as u64 + 1,
        name: name.into(),
        email: email.into(),
        award: Default::default(),
        badge: String::new(),
    }
}

fn held(id: &str, revoked: bool, expires_at: Option<i64>, issued_at: i64) -> Held {
    Held { credential_id: id.into(), revoked, expires_at, issued_at }
}

fn run(
    rows: &[UploadedRow],
    held: HashMap<String, Vec<Held>>,
    counted: &[&str],
    remaining: i64,
) -> (Vec<ReviewRow>, Totals, i64) {
    run_with(DuplicatePolicy::default(), rows, held, counted, remaining)
}

fn run_with(
    policy: DuplicatePolicy,
    rows: &[UploadedRow],
    held: HashMap<String, Vec<Held>>,
    counted: &[&str],
    remaining: i64,
) -> (Vec<ReviewRow>, Totals, i64) {
    let counted: HashSet<String> = counted.iter().map(|s| s.to_string()).collect();
    let held = held.into_iter().map(|(email, h)| ((BADGE.to_owned(), email), h)).collect();
    let badges = vec![Ok(BADGE.to_owned()); rows.len()];
    let c = classify(
        rows,
        &badges,
        &History { held: &held, counted_this_month: &counted, quota_remaining: remaining, now: NOW, policy },
    );
    (c.rows, c.totals, c.uses)
}

const BADGE: &str = "bdg_one";

/// Two holders (one time-bound, one non-expiring), one newcomer; the
/// holders not yet counted this month.
fn holders_and_a_newcomer() -> (Vec<UploadedRow>, HashMap<String, Vec<Held>>) {
    let rows = vec![
        row(1, "Bound Holder", "bound@example.com"),
        row(2, "Forever Holder", "forever@example.com"),
        row(3, "Newcomer", "new@example.com"),
    ];
    let held = HashMap::from([
        ("bound@example.com".to_owned(), vec![held("cred_b", false, Some(NOW + DAY), NOW - DAY)]),
        ("forever@example.com".to_owned(), vec![held("cred_f", false, None, NOW - DAY)]),
    ]);
    (rows, held)
}

#[test]
fn by_expiry_reissues_a_time_bound_holder_and_skips_a_non_expiring_one() {
    let (rows, held) = holders_and_a_newcomer();
    let (out, totals, uses) = run_with(DuplicatePolicy::ByExpiry, &rows, held, &[], 10);
    assert_eq!(out.iter().map(|r| r.issuable).collect::<Vec<_>>(), [true, false, true]);
    assert!(out[0].reason.as_deref().unwrap().ends_with("it will be revoked and a new one issued."), "{out:?}");
    assert!(out[1].reason.as_deref().unwrap().contains("skipped"), "{out:?}");
    assert_eq!((totals.issuable, totals.holders(), uses), (2, 2, 2));
    assert_eq!(out[1].status.label(DuplicatePolicy::ByExpiry), "Active (non-expiring): skipped");
}

#[test]
fn skip_issues_nothing_to_anyone_holding_the_badge_and_spends_no_quota_on_them() {
    let (rows, held) = holders_and_a_newcomer();
    let (out, totals, uses) = run_with(DuplicatePolicy::Skip, &rows, held, &[], 10);
    assert_eq!(out.iter().map(|r| r.issuable).collect::<Vec<_>>(), [false, false, true]);
    assert_eq!(out[0].status, RowStatus::ActiveTimeBound, "the status says what they hold");
    assert!(out[0].reason.as_deref().unwrap().contains("skipped so as not to issue a duplicate (as chosen"));
    assert_eq!(out[0].status.label(DuplicatePolicy::Skip), "Active (time-bound): skipped");
    assert_eq!((totals.issuable, uses), (1, 1));
}

#[test]
fn replace_revokes_and_reissues_whatever_they_hold_even_what_never_expires() {
    let (rows, held) = holders_and_a_newcomer();
    let (out, totals, _) = run_with(DuplicatePolicy::Replace, &rows, held, &[], 10);
    assert_eq!(out.iter().map(|r| r.issuable).collect::<Vec<_>>(), [true, true, true]);
    assert_eq!(out[1].existing_credential_id.as_deref(), Some("cred_f"), "the credential to revoke");
    assert!(out[1].reason.as_deref().unwrap().contains("it will be revoked and a new one issued (as chosen"));
    assert_eq!(out[1].status.label(DuplicatePolicy::Replace), "Active (non-expiring): reissue");
    assert_eq!(totals.issuable, 3);
}

#[test]
fn allow_issues_another_and_leaves_what_they_hold_valid() {
    let (rows, held) = holders_and_a_newcomer();
    let (out, totals, uses) = run_with(DuplicatePolicy::Allow, &rows, held, &[], 10);
    assert_eq!(out.iter().map(|r| r.issuable).collect::<Vec<_>>(), [true, true, true]);
    assert!(out[0].reason.as_deref().unwrap().contains("another will be issued and cred_b stays valid"));
    assert_eq!(out[0].status.treatment(DuplicatePolicy::Allow), Treatment::IssueAnother);
    assert_eq!(out[0].status.label(DuplicatePolicy::Allow), "Active (time-bound): issue another");
    assert_eq!((totals.issuable, uses), (3, 3));
}

#[test]
fn a_policy_that_issues_to_holders_counts_them_against_the_quota_like_anyone_else() {
    let (rows, held) = holders_and_a_newcomer();
    let (out, totals, uses) = run_with(DuplicatePolicy::Allow, &rows, held, &["forever@example.com"], 1);
    // The forever holder counts already this month; one more fits.
    assert_eq!(
        out.iter().map(|r| r.status).collect::<Vec<_>>(),
        [RowStatus::ActiveTimeBound, RowStatus::ActiveNonExpiring, RowStatus::OverQuota]
    );
    assert_eq!((totals.issuable, totals.over_quota, uses), (2, 1, 1));
}

#[test]
fn each_history_gives_its_status() {
    let rows = vec![
        row(1, "New Person", "new@example.com"),
        row(2, "Expired Person", "expired@example.com"),
        row(3, "Active Person", "active@example.com"),
        row(4, "Forever Person", "forever@example.com"),
        row(5, "Revoked Person", "revoked@example.com"),
        row(6, "", "nameless@example.com"),
    ];
    let held = HashMap::from([
        ("expired@example.com".to_owned(), vec![held("cred_e", false, Some(NOW - DAY), NOW - 100 * DAY)]),
        ("active@example.com".to_owned(), vec![held("cred_a", false, Some(NOW + DAY), NOW - DAY)]),
        ("forever@example.com".to_owned(), vec![held("cred_f", false, None, NOW - DAY)]),
        ("revoked@example.com".to_owned(), vec![held("cred_r", true, Some(NOW + DAY), NOW - DAY)]),
    ]);
    let (out, totals, uses) = run(&rows, held, &[], 100);
    let statuses: Vec<RowStatus> = out.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        vec![
            RowStatus::New,
            RowStatus::Renewal,
            RowStatus::ActiveTimeBound,
            RowStatus::ActiveNonExpiring,
            RowStatus::Revoked,
            RowStatus::Invalid
        ]
    );
    assert_eq!(out[1].existing_credential_id.as_deref(), Some("cred_e"));
    assert!(out[2].reason.as_deref().unwrap().contains("will be revoked"));
    assert!(out[3].reason.as_deref().unwrap().contains("does not expire"));
    assert_eq!(out[5].reason.as_deref(), Some("Name is missing."));
    assert_eq!(
        (totals.rows, totals.valid, totals.issuable, totals.invalid, totals.active_non_expiring),
        (6, 5, 4, 1, 1)
    );
    assert_eq!(uses, 4, "the skipped row takes no quota");
    assert!(!out[3].issuable && out[2].issuable);
}

#[test]
fn an_active_credential_decides_over_a_later_expired_or_revoked_one() {
    let h = vec![
        held("old_active", false, Some(NOW + 30 * DAY), NOW - 60 * DAY),
        held("newer_revoked", true, Some(NOW + 90 * DAY), NOW - DAY),
    ];
    assert_eq!(
        decisive(&h, NOW).map(|(s, c)| (s, c.credential_id.as_str())),
        Some((RowStatus::ActiveTimeBound, "old_active"))
    );
    let h =
        vec![held("expired", false, Some(NOW - 10 * DAY), NOW - 100 * DAY), held("revoked", true, None, NOW - 5 * DAY)];
    assert_eq!(decisive(&h, NOW).map(|(s, _)| s), Some(RowStatus::Revoked), "the most recent decides");
    let h = vec![held("t", false, Some(NOW + DAY), NOW), held("forever", false, None, NOW - DAY)];
    assert_eq!(decisive(&h, NOW).map(|(s, _)| s), Some(RowStatus::ActiveNonExpiring));
    assert_eq!(decisive(&[], NOW), None);
}

#[test]
fn a_credential_expiring_exactly_now_counts_as_expired() {
    let h = vec![held("c", false, Some(NOW), NOW - DAY)];
    assert_eq!(decisive(&h, NOW).map(|(s, _)| s), Some(RowStatus::Renewal));
}

#[test]
fn duplicates_differing_in_case_and_whitespace_are_their_own_status_and_name_the_first_row() {
    let rows = vec![
        row(1, "Jane", "jane@example.com"),
        row(2, "Sam", "sam@example.com"),
        row(3, "Jane again", "  JANE@Example.COM "),
    ];
    let (out, totals, _) = run(&rows, HashMap::new(), &[], 100);
    assert_eq!(out[0].status, RowStatus::New, "the first occurrence stays valid");
    assert_eq!(out[2].status, RowStatus::Duplicate);
    assert!(!out[2].issuable);
    assert_eq!(out[2].reason.as_deref(), Some("Duplicate in file: issued once, with row 1 (same e-mail)."));
    assert_eq!(out[2].email, "jane@example.com");
    assert_eq!((totals.invalid, totals.duplicate, totals.valid), (0, 1, 3), "a duplicate is neutral, not invalid");
}

#[test]
fn malformed_and_missing_emails_say_why() {
    let rows = vec![row(1, "A", "a.example.com"), row(2, "B", ""), row(3, "", "")];
    let (out, _, _) = run(&rows, HashMap::new(), &[], 100);
    assert_eq!(out[0].reason.as_deref(), Some("Email 'a.example.com' has no '@'."));
    assert_eq!(out[1].reason.as_deref(), Some("Email is missing."));
    assert_eq!(out[2].reason.as_deref(), Some("Name is missing; email is missing."));
    assert!(out.iter().all(|r| r.status == RowStatus::Invalid));
}

#[test]
fn a_name_longer_than_the_cap_is_invalid_and_the_cap_itself_is_fine() {
    let at_cap = "n".repeat(MAX_RECIPIENT_NAME);
    let over = "n".repeat(MAX_RECIPIENT_NAME + 1);
    let rows = vec![row(1, &at_cap, "a@example.com"), row(2, &over, "b@example.com")];
    let (out, _, _) = run(&rows, HashMap::new(), &[], 100);
    assert_eq!(out[0].status, RowStatus::New);
    assert_eq!(out[1].status, RowStatus::Invalid);
    assert_eq!(out[1].reason.as_deref(), Some("Name is longer than 200 characters."));
}

#[test]
fn the_quota_admits_exactly_the_remaining_new_recipients_and_refuses_one_more() {
    let rows: Vec<UploadedRow> = (1..=4).map(|i| row(i, "P", &format!("p{i}@example.com"))).collect();
    let (out, totals, uses) = run(&rows, HashMap::new(), &[], 4);
    assert_eq!((totals.over_quota, uses), (0, 4), "exactly at the limit");
    assert!(out.iter().all(|r| r.status == RowStatus::New));

    let (out, totals, uses) = run(&rows, HashMap::new(), &[], 3);
    assert_eq!((totals.over_quota, uses), (1, 3), "one over");
    assert_eq!(out[3].status, RowStatus::OverQuota);
    assert!(!out[3].issuable);
    assert!(out[3].reason.as_deref().unwrap().contains("quota"));
}

#[test]
fn recipients_already_counted_this_month_take_no_quota() {
    let rows = vec![row(1, "Known", "known@example.com"), row(2, "Fresh", "fresh@example.com")];
    let (out, _, uses) = run(&rows, HashMap::new(), &["known@example.com"], 1);
    assert_eq!((out[0].status, out[1].status, uses), (RowStatus::New, RowStatus::New, 1));
    let (out, _, _) = run(&rows, HashMap::new(), &["known@example.com"], 0);
    assert_eq!((out[0].status, out[1].status), (RowStatus::New, RowStatus::OverQuota));
}

#[test]
fn a_row_s_bad_award_cells_make_it_invalid_with_each_column_named_and_good_ones_are_carried() {
    use crate::credentials::award::AwardField;
    let mut bad = row(1, "Ann", "ann@example.com");
    bad.award.set(AwardField::ExpiresAt, "2020-01-31".into());
    bad.award.set(AwardField::EvidenceUrl, "javascript:alert(1)".into());
    let mut good = row(2, "Bo", "bo@example.com");
    good.award.set(AwardField::Narrative, "Mentored the cohort.".into());
    good.award.set(AwardField::IssuedOn, "2026-12-01".into());
    good.award.set(AwardField::ExpiresAt, "2028-01-31".into());
    let (out, totals, _) = run(&[bad, good], HashMap::new(), &[], 10);
    assert_eq!(out[0].status, RowStatus::Invalid);
    assert_eq!(
        out[0].reason.as_deref(),
        Some(
            "evidence_url 'javascript:alert(1)' must be an http or https address, not javascript:; \
             expires_at 2020-01-31T23:59:59Z is in the past; it must be later than now."
        )
    );
    assert_eq!(out[1].status, RowStatus::New);
    assert_eq!(out[1].award.narrative.as_deref(), Some("Mentored the cohort."));
    assert_eq!(crate::clock::rfc3339(out[1].award.issued_on.unwrap()), "2026-12-01T00:00:00Z");
    assert_eq!(crate::clock::rfc3339(out[1].expires_at.unwrap()), "2028-01-31T23:59:59Z");
    assert_eq!((totals.invalid, totals.issuable), (1, 1));
}

/// `held` and `counted`, with room for ten more recipients this month.
fn roomy<'a>(held: &'a HashMap<(String, String), Vec<Held>>, counted: &'a HashSet<String>) -> History<'a> {
    History { held, counted_this_month: counted, quota_remaining: 10, now: NOW, policy: Default::default() }
}

/// Rows of a two-badge file, each given the badge its cell named.
fn two_badges(rows: &[(&str, &str, &str)]) -> (Vec<UploadedRow>, Vec<RowBadge>) {
    let uploaded = rows
        .iter()
        .enumerate()
        .map(|(i, (badge, name, email))| UploadedRow { badge: (*badge).to_owned(), ..row(i + 1, name, email) })
        .collect();
    let badges = rows.iter().map(|(badge, ..)| Ok(format!("bdg_{badge}"))).collect();
    (uploaded, badges)
}

#[test]
fn in_a_two_badge_file_holdings_and_duplicates_are_per_badge_and_a_person_counts_once_against_the_quota() {
    let (rows, badges) = two_badges(&[
        ("a", "Ada", "ada@example.com"),
        ("b", "Ada", "ada@example.com"),
        ("a", "Ada Again", "ada@example.com"),
        ("b", "Bo", "bo@example.com"),
        ("a", "Bo", "bo@example.com"),
    ]);
    // Bo holds badge b already, for good; nobody holds badge a.
    let held = HashMap::from([(
        ("bdg_b".to_owned(), "bo@example.com".to_owned()),
        vec![held("cred_bo_b", false, None, NOW - DAY)],
    )]);
    let counted = HashSet::new();
    let c = classify(&rows, &badges, &roomy(&held, &counted));
    let statuses: Vec<RowStatus> = c.rows.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [RowStatus::New, RowStatus::New, RowStatus::Duplicate, RowStatus::ActiveNonExpiring, RowStatus::New]
    );
    assert!(c.rows[2].reason.as_deref().unwrap().contains("with row 1 (same e-mail and badge)"), "{:?}", c.rows[2]);
    assert_eq!(c.rows[3].existing_credential_id.as_deref(), Some("cred_bo_b"));
    assert_eq!(c.rows[1].badge_id.as_deref(), Some("bdg_b"));
    // Ada counts once though she gets two badges; Bo once, for badge a.
    assert_eq!(c.uses, 2);
    let per_badge: Vec<(&str, usize, usize, i64)> =
        c.badges.iter().map(|t| (t.badge_id.as_str(), t.totals.rows, t.totals.issuable, t.uses)).collect();
    assert_eq!(per_badge, [("bdg_a", 3, 2, 2), ("bdg_b", 2, 1, 0)]);
    assert_eq!(c.totals.rows, 5);
}

#[test]
fn a_row_whose_badge_cell_names_no_badge_is_invalid_with_the_reason_and_counts_in_no_badge() {
    let rows = vec![row(1, "Ada", "ada@example.com"), row(2, "Bo", "bo@example.com")];
    let badges = vec![Ok("bdg_a".to_owned()), Err("badge 'Rocketry' is not a badge of this organisation".to_owned())];
    let held = HashMap::new();
    let counted = HashSet::new();
    let c = classify(&rows, &badges, &roomy(&held, &counted));
    assert_eq!(c.rows[1].status, RowStatus::Invalid);
    assert_eq!(c.rows[1].reason.as_deref(), Some("Badge 'Rocketry' is not a badge of this organisation."));
    assert_eq!(c.rows[1].badge_id, None);
    assert_eq!(c.badges.len(), 1);
    assert_eq!((c.totals.invalid, c.uses), (1, 1));
}
