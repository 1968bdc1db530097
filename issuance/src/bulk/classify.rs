//! What happens to each row of an upload, given what its recipients
//! already hold of the row's badge. Pure: the caller loads the history, so
//! the whole file is judged with a couple of queries, never one per row.
//! A file may name several badges; holdings and in-file duplicates are
//! judged per badge, the month's quota per person.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::csv_file::UploadedRow;
use crate::clock::rfc3339;
use crate::credentials::award::{self, Award};
use crate::credentials::request::MAX_RECIPIENT_NAME;
use crate::email::EmailAddress;

pub use model::{DuplicatePolicy, RowStatus, Treatment};

/// A credential of the badge already held by a recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub credential_id: String,
    pub revoked: bool,
    pub expires_at: Option<i64>,
    pub issued_at: i64,
}

/// Of everything a recipient holds of this badge, the credential that
/// decides their row: an active one first (non-expiring before
/// time-bound), otherwise the most recent.
pub fn decisive(held: &[Held], now: i64) -> Option<(RowStatus, &Held)> {
    let active = |h: &&Held| !h.revoked && h.expires_at.is_none_or(|e| e > now);
    if let Some(h) = held.iter().filter(active).max_by_key(|h| (h.expires_at.is_none(), h.expires_at, h.issued_at)) {
        let status = if h.expires_at.is_none() { RowStatus::ActiveNonExpiring } else { RowStatus::ActiveTimeBound };
        return Some((status, h));
    }
    let last = held.iter().max_by_key(|h| (h.issued_at, h.credential_id.clone()))?;
    Some((if last.revoked { RowStatus::Revoked } else { RowStatus::Renewal }, last))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub row: usize,
    pub line: u64,
    pub name: String,
    pub email: String,
    pub status: RowStatus,
    pub issuable: bool,
    pub reason: Option<String>,
    /// The credential the decision rests on (to be revoked or superseded).
    pub existing_credential_id: Option<String>,
    /// The row's narrative, evidence and award date, checked.
    #[serde(default, skip_serializing_if = "Award::is_empty")]
    pub award: Award,
    /// The row's own expiry, instead of the badge's validity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// The badge the row is for; `None` when its `badge` cell names none.
    #[serde(default)]
    pub badge_id: Option<String>,
}

/// The badge a row is for, as the review resolved its `badge` cell: the
/// badge's id, or why the cell names no badge that can be issued.
pub type RowBadge = Result<String, String>;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub rows: usize,
    /// Rows with a usable name and e-mail (everything but `invalid`;
    /// in-file duplicates included).
    pub valid: usize,
    pub issuable: usize,
    pub new: usize,
    pub renewal: usize,
    pub active_time_bound: usize,
    pub active_non_expiring: usize,
    pub revoked: usize,
    pub invalid: usize,
    pub duplicate: usize,
    pub over_quota: usize,
}

impl Totals {
    pub(crate) fn count(&mut self, status: RowStatus, policy: DuplicatePolicy) {
        self.rows += 1;
        let slot = match status {
            RowStatus::New => &mut self.new,
            RowStatus::Renewal => &mut self.renewal,
            RowStatus::ActiveTimeBound => &mut self.active_time_bound,
            RowStatus::ActiveNonExpiring => &mut self.active_non_expiring,
            RowStatus::Revoked => &mut self.revoked,
            RowStatus::Invalid => &mut self.invalid,
            RowStatus::Duplicate => &mut self.duplicate,
            RowStatus::OverQuota => &mut self.over_quota,
        };
        *slot += 1;
        if status != RowStatus::Invalid {
            self.valid += 1;
        }
        if status.issuable(policy) {
            self.issuable += 1;
        }
    }

    /// Recipients who already hold an active credential of the badge:
    /// the rows the duplicate policy decides.
    pub fn holders(&self) -> usize {
        self.active_time_bound + self.active_non_expiring
    }

    pub fn of(&self, status: RowStatus) -> usize {
        match status {
            RowStatus::New => self.new,
            RowStatus::Renewal => self.renewal,
            RowStatus::ActiveTimeBound => self.active_time_bound,
            RowStatus::ActiveNonExpiring => self.active_non_expiring,
            RowStatus::Revoked => self.revoked,
            RowStatus::Invalid => self.invalid,
            RowStatus::Duplicate => self.duplicate,
            RowStatus::OverQuota => self.over_quota,
        }
    }
}

/// What the history says about the recipients of one upload.
pub struct History<'a> {
    /// Credentials held, by badge id and recipient e-mail (lower-case).
    pub held: &'a HashMap<(String, String), Vec<Held>>,
    /// Recipients already counted against this month's quota.
    pub counted_this_month: &'a HashSet<String>,
    /// New recipients the quota still allows this month.
    pub quota_remaining: i64,
    pub now: i64,
    /// What to do for those who hold an active credential already.
    pub policy: DuplicatePolicy,
}

/// One badge's share of a file: its rows' totals, and how many new
/// recipients they add to the month (a person given two badges counts
/// once, with the first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeTally {
    pub badge_id: String,
    pub totals: Totals,
    pub uses: i64,
}

/// The verdict on every row, with the totals.
pub struct Classified {
    pub rows: Vec<ReviewRow>,
    pub totals: Totals,
    /// New recipients the issuable rows add to this month's count.
    pub uses: i64,
    /// Per badge, in the order the file first names them.
    pub badges: Vec<BadgeTally>,
}

/// Classifies `rows`, each for the badge `badges` gives it (same length).
pub fn classify(rows: &[UploadedRow], badges: &[RowBadge], history: &History<'_>) -> Classified {
    debug_assert_eq!(rows.len(), badges.len());
    let mut first_row_of: HashMap<(String, String), usize> = HashMap::with_capacity(rows.len());
    let mut counted_now: HashSet<String> = HashSet::new();
    let mut remaining = history.quota_remaining;
    let mut uses = 0;
    let mut totals = Totals::default();
    let mut tallies: Vec<BadgeTally> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for (r, badge) in rows.iter().zip(badges) {
        let (status, reason, existing, email, (award, expires_at)) = judge(r, badge, history, &mut first_row_of);
        let issuable = status.issuable(history.policy);
        let mut adds = false;
        let (status, reason) =
            if issuable && !history.counted_this_month.contains(&email) && !counted_now.contains(&email) {
                if remaining > 0 {
                    remaining -= 1;
                    uses += 1;
                    adds = true;
                    counted_now.insert(email.clone());
                    (status, reason)
                } else {
                    (
                        RowStatus::OverQuota,
                        Some("Over the monthly recipient quota: no new recipient can be added this month.".to_owned()),
                    )
                }
            } else {
                (status, reason)
            };
        totals.count(status, history.policy);
        if let Ok(id) = badge {
            let at = match tallies.iter().position(|t| &t.badge_id == id) {
                Some(at) => at,
                None => {
                    tallies.push(BadgeTally { badge_id: id.clone(), ..Default::default() });
                    tallies.len() - 1
                }
            };
            tallies[at].totals.count(status, history.policy);
            tallies[at].uses += i64::from(adds);
        }
        out.push(ReviewRow {
            row: r.row,
            line: r.line,
            name: r.name.clone(),
            email: if email.is_empty() { r.email.clone() } else { email },
            status,
            issuable: status.issuable(history.policy),
            reason,
            existing_credential_id: existing,
            award,
            expires_at,
            badge_id: badge.as_ref().ok().cloned(),
        });
    }
    Classified { rows: out, totals, uses, badges: tallies }
}

type Verdict = (RowStatus, Option<String>, Option<String>, String, (Award, Option<i64>));

fn judge(
    r: &UploadedRow,
    badge: &RowBadge,
    history: &History<'_>,
    first_row_of: &mut HashMap<(String, String), usize>,
) -> Verdict {
    let invalid = |why: String| (RowStatus::Invalid, Some(why), None, String::new(), Default::default());
    let mut problems = Vec::new();
    if r.name.is_empty() {
        problems.push("name is missing".to_owned());
    } else if r.name.chars().count() > MAX_RECIPIENT_NAME {
        problems.push(format!("name is longer than {MAX_RECIPIENT_NAME} characters"));
    }
    let email = if r.email.is_empty() {
        problems.push("email is missing".to_owned());
        None
    } else {
        match EmailAddress::parse(&r.email) {
            Ok(e) => Some(e.to_string()),
            Err(m) => {
                problems.push(format!("email {m}"));
                None
            }
        }
    };
    if let Err(why) = badge {
        problems.push(why.clone());
    }
    let award = match award::check(&r.award, history.now) {
        Ok(award) => award,
        Err(errors) => {
            problems.extend(errors.iter().map(ToString::to_string));
            Default::default()
        }
    };
    if !problems.is_empty() {
        return invalid(capitalise(&problems.join("; ")));
    }
    let email = email.expect("checked above");
    let key = (badge.clone().expect("checked above"), email);
    if let Some(first) = first_row_of.get(&key) {
        let same = if r.badge.is_empty() { "same e-mail" } else { "same e-mail and badge" };
        return (
            RowStatus::Duplicate,
            Some(format!("Duplicate in file: issued once, with row {first} ({same}).")),
            None,
            key.1,
            award,
        );
    }
    first_row_of.insert(key.clone(), r.row);

    let held = history.held.get(&key).map(Vec::as_slice).unwrap_or_default();
    let email = key.1;
    match decisive(held, history.now) {
        None => (RowStatus::New, None, None, email, award),
        Some((status, h)) => {
            (status, Some(reason(status, h, history.policy)), Some(h.credential_id.clone()), email, award)
        }
    }
}

/// Why a row of someone who held `h` is treated as it is, in the
/// review's words; the job's row says the same if it is skipped.
pub fn reason(status: RowStatus, h: &Held, policy: DuplicatePolicy) -> String {
    let id = &h.credential_id;
    let until = || h.expires_at.map(rfc3339).unwrap_or_default();
    let holds = match status {
        RowStatus::ActiveNonExpiring => format!("Already holds {id}, which does not expire"),
        RowStatus::ActiveTimeBound => format!("Holds {id}, valid until {}", until()),
        RowStatus::Renewal => return format!("{id} expired on {}; the new credential supersedes it.", until()),
        _ => return format!("{id} was revoked; a fresh credential will be issued."),
    };
    let chosen = if policy == DuplicatePolicy::ByExpiry { "" } else { " (as chosen for this upload)" };
    match status.treatment(policy) {
        Treatment::Replace => format!("{holds}; it will be revoked and a new one issued{chosen}."),
        Treatment::IssueAnother => format!("{holds}; another will be issued and {id} stays valid{chosen}."),
        _ => format!("{holds}; skipped so as not to issue a duplicate{chosen}."),
    }
}

/// A sentence of `s`; one that starts with a column's name (`expires_at`)
/// keeps it as the file spells it.
fn capitalise(s: &str) -> String {
    if s.split_whitespace().next().is_some_and(|w| w.contains('_')) {
        return format!("{s}.");
    }
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str() + ".").unwrap_or_default()
}

#[cfg(test)]
mod tests;
