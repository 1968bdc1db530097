//! The bulk-issue page and its review.

use leptos::prelude::*;

use super::types::{BulkPageView, BulkReviewView};
use crate::error::AppError;

pub const REVIEW_PAGE_SIZE: usize = 50;

/// The upload form, and why the last file could not be used: `upload`, a
/// draft whose file cannot be reviewed, or `refused`, an upload that never
/// became a draft (with the `badge` and `file` name it had).
#[server(endpoint = "get_bulk_page")]
pub async fn get_bulk_page(
    org_id: String,
    upload: Option<String>,
    refused: Option<String>,
    badge: Option<String>,
    file: Option<String>,
) -> Result<BulkPageView, AppError> {
    use super::types::FileProblemView;
    use crate::ssr;
    use issuance::bulk::uploads;
    use issuance::orgs::{Action, organizations};

    ssr::authorize(&org_id, Action::Issue).await?;
    let state = ssr::state()?;
    let db = state.db;
    let org = organizations::get(&db, &org_id).await?;
    let badges: Vec<_> = issuance::badges::list(&db, &org_id)
        .await?
        .into_iter()
        .filter(|b| b.archived_at.is_none())
        .map(super::badges::badge_view)
        .collect();
    let badge_name = |id: &str| badges.iter().find(|b| b.id == id).map(|b| b.name.clone());
    let mut badge_id = badge.filter(|b| b == model::review::BADGE_NAMED_IN_FILE || badge_name(b).is_some());
    let mut problem = None;
    if let Some(upload_id) = upload.filter(|u| !u.is_empty()) {
        let (upload, review) = uploads::review(&db, &org_id, &upload_id, state.clock.now()).await?;
        if let Err(e) = review {
            problem = Some(FileProblemView {
                upload_id: Some(upload.id),
                badge_name: upload.badge_id.as_deref().and_then(badge_name),
                filename: upload.filename,
                code: e.code.as_str().to_owned(),
                message: e.message,
                columns: e.columns,
                guess_name: e.guess.name,
                guess_email: e.guess.email,
            });
            badge_id = Some(upload.badge_id.unwrap_or_else(|| model::review::BADGE_NAMED_IN_FILE.to_owned()));
        }
    } else if let Some(why) = refused.and_then(|r| r.parse::<model::UploadRefusal>().ok()) {
        problem = Some(FileProblemView {
            upload_id: None,
            badge_name: badge_id.as_deref().and_then(badge_name),
            filename: file.filter(|f| !f.is_empty()),
            code: why.as_str().to_owned(),
            message: why.message().to_owned(),
            columns: Vec::new(),
            guess_name: None,
            guess_email: None,
        });
    }
    Ok(BulkPageView { badges, plan: org.plan, plan_allows_submit: org.plan.allows_bulk_issue(), badge_id, problem })
}

/// Says which columns of the upload's file hold the name and the e-mail;
/// the organisation's next files with these headers read at once.
#[server(endpoint = "map_columns")]
pub async fn map_columns(
    org_id: String,
    upload_id: String,
    name_column: String,
    email_column: String,
) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::bulk::{column_aliases, uploads};
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::Issue).await?;
    let state = ssr::state()?;
    let (_, review) = uploads::review(&state.db, &org_id, &upload_id, state.clock.now()).await?;
    let columns = match review {
        Err(e) if !e.columns.is_empty() => e.columns,
        // Already readable (mapped in another tab, say): straight to it.
        _ => Vec::new(),
    };
    if !columns.is_empty() {
        column_aliases::remember(&state.db, &org_id, &columns, &name_column, &email_column, &user.id).await?;
    }
    ssr::done(&format!("/organizations/{org_id}/credentials/bulk-issue/{upload_id}"), model::Notice::ColumnsRemembered);
    Ok(())
}

/// The review of an upload, one page of rows at a time, optionally only
/// the rows of one status.
#[server(endpoint = "get_bulk_review")]
pub async fn get_bulk_review(
    org_id: String,
    upload_id: String,
    status: Option<String>,
    page: Option<usize>,
    badge: Option<String>,
) -> Result<BulkReviewView, AppError> {
    use super::types::{BadgeGroupView, ReviewRowView, StatusCount};
    use crate::ssr;
    use issuance::bulk::{RowStatus, uploads};
    use issuance::orgs::Action;

    ssr::authorize(&org_id, Action::Issue).await?;
    let db = ssr::state()?.db;
    let (upload, review) = uploads::review(&db, &org_id, &upload_id, issuance::clock::now()).await?;
    let filter = status.as_deref().and_then(|s| s.parse::<RowStatus>().ok());
    let mut view = BulkReviewView {
        upload_id: upload.id,
        badge_name: String::new(),
        filename: upload.filename,
        submitted: upload.status == "submitted",
        job_id: upload.job_id,
        file_error: None,
        counts: Vec::new(),
        rows_total: 0,
        valid: 0,
        issuable: 0,
        quota_month: String::new(),
        quota_limit: 0,
        quota_used: 0,
        quota_remaining: 0,
        quota_uses: 0,
        warnings: Vec::new(),
        can_submit: false,
        plan_blocked: false,
        blocker: None,
        rows: Vec::new(),
        filter,
        filtered: 0,
        page: 1,
        pages: 1,
        duplicate_policy: upload.duplicate_policy,
        holders: (0, 0),
        time_zone: issuance::orgs::time_zone::get(&db, &org_id).await?,
        badge_groups: Vec::new(),
        badge_filter: None,
    };
    let review = match review {
        Ok(r) => r,
        Err(file_error) => {
            view.file_error = Some(file_error.message);
            return Ok(view);
        }
    };
    // A file of several badges is read badge by badge: rows that name no
    // usable badge first, then each badge's in the order the file names them.
    let group_of = |r: &issuance::bulk::ReviewRow| {
        r.badge_id.as_deref().and_then(|b| review.badges.iter().position(|g| g.badge_id == b)).map_or(0, |i| i + 1)
    };
    let several = review.badges.len() > 1;
    let badge_filter = badge.filter(|b| several && review.badges.iter().any(|g| &g.badge_id == b));
    let mut matching: Vec<_> = review
        .rows
        .iter()
        .filter(|r| filter.is_none_or(|f| r.status == f))
        .filter(|r| badge_filter.is_none() || r.badge_id == badge_filter)
        .collect();
    // Problems first: the rows a person must fix lead, each kind in file order.
    matching.sort_by_key(|r| (if several { group_of(r) } else { 0 }, !r.status.needs_attention(), r.row));
    let badge_name_of = |r: &issuance::bulk::ReviewRow| {
        let id = r.badge_id.as_deref()?;
        review.badges.iter().find(|g| g.badge_id == id).map(|g| g.badge_name.clone())
    };
    let pages = matching.len().div_ceil(REVIEW_PAGE_SIZE).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    view.rows = matching
        .iter()
        .skip((page - 1) * REVIEW_PAGE_SIZE)
        .take(REVIEW_PAGE_SIZE)
        .map(|r| ReviewRowView {
            row: r.row,
            name: r.name.clone(),
            email: r.email.clone(),
            status: r.status,
            issuable: r.issuable,
            reason: r.reason.clone(),
            details: row_details(r),
            evidence: r.award.evidence_url.clone().map(|url| {
                let name = r.award.evidence_name.clone().unwrap_or_else(|| "Evidence".to_owned());
                (name, url)
            }),
            badge_name: if review.badge_column { badge_name_of(r) } else { None },
        })
        .collect();
    view.filtered = matching.len();
    view.page = page;
    view.pages = pages;
    view.counts =
        RowStatus::ALL.iter().map(|&status| StatusCount { status, count: review.totals.of(status) }).collect();
    view.can_submit = review.can_submit() && !view.submitted;
    view.blocker = review.submit_blocker();
    view.plan_blocked = !review.plan_allows_submit;
    view.badge_name = review.badge_name;
    view.rows_total = review.totals.rows;
    view.valid = review.totals.valid;
    view.issuable = review.totals.issuable;
    view.quota_month = review.quota.month;
    view.quota_limit = review.quota.limit;
    view.quota_used = review.quota.used;
    view.quota_remaining = review.quota.remaining;
    view.quota_uses = review.quota.uses;
    view.warnings = review.warnings;
    view.holders = (review.totals.active_time_bound, review.totals.active_non_expiring);
    view.badge_filter = badge_filter;
    if review.badge_column {
        view.badge_groups = review
            .badges
            .iter()
            .map(|g| BadgeGroupView {
                badge_id: g.badge_id.clone(),
                badge_name: g.badge_name.clone(),
                rows: g.totals.rows,
                issuable: g.totals.issuable,
                holders: g.totals.holders(),
                invalid: g.totals.invalid,
                quota_uses: g.quota_uses,
            })
            .collect();
    }
    Ok(view)
}

/// Chooses, before Submit, what the upload does for recipients who hold
/// the badge already; the review is then shown again under it.
#[server(endpoint = "set_duplicate_policy")]
pub async fn set_duplicate_policy(org_id: String, upload_id: String, duplicate_policy: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::bulk::{DuplicatePolicy, uploads};
    use issuance::orgs::Action;

    ssr::authorize(&org_id, Action::Issue).await?;
    let policy: DuplicatePolicy = duplicate_policy
        .parse()
        .map_err(|e| AppError::Invalid(vec![("duplicate_policy".into(), format!("choose one: {e}"))]))?;
    uploads::set_duplicate_policy(&ssr::state()?.db, &org_id, &upload_id, policy).await?;
    leptos_axum::redirect(&format!("/organizations/{org_id}/credentials/bulk-issue/{upload_id}"));
    Ok(())
}

/// Submits the upload: it becomes a job that the workers issue. Returns the
/// job's id and sends the browser to the job's page (a plain form post is
/// redirected there; the hydrated page navigates there).
/// With `pilot` (a number of rows, or empty), only that many are issued
/// before the job waits, paused, for someone to release the rest; with
/// `start_at` (a date and time in the org's time zone, or empty) the job
/// waits, scheduled, until then.
#[server(endpoint = "submit_bulk_upload")]
pub async fn submit_bulk_upload(
    org_id: String,
    upload_id: String,
    pilot: Option<String>,
    start_at: Option<String>,
) -> Result<String, AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::Issue).await?;
    let pilot = match pilot.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(
            p.parse::<u32>()
                .map_err(|_| AppError::Invalid(vec![("pilot".into(), format!("'{p}' is not a number of rows"))]))?,
        ),
    };
    let db = ssr::state()?.db;
    let scheduled_for = match start_at.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => {
            use issuance::orgs::time_zone;
            let zone = time_zone::zone(&time_zone::get(&db, &org_id).await?)?;
            Some(time_zone::parse(text, &zone, "start_at")?)
        }
    };
    let options = issuance::jobs::submit::Options { pilot, scheduled_for };
    let submitted =
        issuance::jobs::submit::submit(&db, &org_id, &upload_id, &user.id, options, issuance::clock::now()).await?;
    leptos_axum::redirect(&format!("/organizations/{org_id}/jobs/{}", submitted.job_id));
    Ok(submitted.job_id)
}

/// The row's own award date, expiry and narrative, as the review lists them.
#[cfg(feature = "ssr")]
fn row_details(r: &issuance::bulk::ReviewRow) -> Vec<String> {
    use issuance::clock::long_date;
    let mut out = Vec::new();
    if let Some(on) = r.award.issued_on {
        out.push(format!("Awarded {}", long_date(on)));
    }
    if let Some(at) = r.expires_at {
        out.push(format!("Expires {}", long_date(at)));
    }
    if let Some(n) = &r.award.narrative {
        let short: String = n.chars().take(120).collect();
        out.push(if short.len() < n.len() { format!("“{short}…”") } else { format!("“{short}”") });
    }
    out
}
