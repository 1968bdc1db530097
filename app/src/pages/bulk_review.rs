use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::org_frame::use_org_id;
use crate::api::bulk::{SetDuplicatePolicy, SubmitBulkUpload, get_bulk_review};
use crate::api::types::{BadgeGroupView, BulkReviewView, DuplicatePolicy, PolicyEffect, RowStatus};
use crate::components::error_view::FormError;
use crate::components::form::action;
use crate::components::loaded;
use crate::format::{month, thousands};

/// Step two: how every row will be treated, with totals, what it takes of
/// the quota, and Submit.
#[component]
pub fn BulkReviewPage() -> impl IntoView {
    let org_id = use_org_id();
    let params = use_params_map();
    let query = use_query_map();
    let upload_id = move || params.read().get("upload_id").unwrap_or_default();
    let submit = action::<SubmitBulkUpload>();
    let choose = action::<SetDuplicatePolicy>();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                org_id.get(),
                upload_id(),
                q.get("status"),
                q.get("page").and_then(|p| p.parse().ok()),
                q.get("badge"),
                (submit.version().get(), choose.version().get()),
            )
        },
        |(org, upload, status, page, badge, _)| get_bulk_review(org, upload, status, page, badge),
    );
    view! {
        <Title text="Review upload"/>
        {loaded(data, move |r| view! { <Review r org_id=org_id.get_untracked() submit choose/> })}
    }
}

#[component]
fn Review(
    r: BulkReviewView,
    org_id: String,
    submit: ServerAction<SubmitBulkUpload>,
    choose: ServerAction<SetDuplicatePolicy>,
) -> impl IntoView {
    let policy = r.duplicate_policy;
    let base = format!("/organizations/{org_id}/credentials/bulk-issue");
    let here = format!("{base}/{}", r.upload_id);
    let submit_error = Signal::derive(move || submit.value().get().and_then(Result::err));
    let title = format!("{} · {}", r.badge_name, r.filename.clone().unwrap_or_else(|| "upload".into()));
    // File-level problems are said on the upload page, with the file name
    // and badge kept (and the column choice when that is all it takes).
    if r.file_error.is_some() {
        return view! { <Redirect path=format!("{base}?upload={}", r.upload_id)/> }.into_any();
    }
    let invalid = r.counts.iter().find(|c| c.status == RowStatus::Invalid).map_or(0, |c| c.count);
    let per_row_badge = !r.badge_groups.is_empty();
    let several_badges = r.badge_groups.len() > 1;
    let total = r.rows_total.max(1);
    view! {
        <div class="page-head">
            <h1>"Review"</h1>
            <a class="button secondary" href=base.clone()>"Upload another file"</a>
        </div>
        <p class="muted">{title}</p>
        {r.warnings.iter().map(|w| view! { <p class="notice" role="note">{w.clone()}</p> }).collect_view()}
        <section class="card" data-testid="totals">
            <h2>{format!("{} rows", thousands(r.rows_total as i64))}</h2>
            <div class="dist" role="img" aria-label="Rows by status">
                {r.counts.iter().filter(|c| c.count > 0).map(|c| view! {
                    <span class=format!("seg st-{}", c.status) style=format!("width: {:.2}%", c.count as f64 * 100.0 / total as f64) title=format!("{}: {}", c.status.label(policy), c.count)></span>
                }).collect_view()}
            </div>
            <ul class="legend">
                <li class="legend-sum"><strong data-testid="total-valid">{r.valid}</strong>" valid · "<strong data-testid="total-issuable">{r.issuable}</strong>" to issue"</li>
                {r.counts.iter().map(|c| {
                    let href = format!("{here}?status={}", c.status);
                    let active = r.filter == Some(c.status);
                    view! {
                        <li>
                            <a href=href class=if active { "chip active" } else { "chip" } data-status=c.status.as_str()>
                                <span class=format!("dot st-{}", c.status)></span>{c.status.label(policy)}" "<strong data-testid=format!("count-{}", c.status)>{c.count}</strong>
                            </a>
                        </li>
                    }
                }).collect_view()}
                {r.filter.is_some().then(|| view! { <li><a class="chip" href=here.clone()>"Show all"</a></li> })}
            </ul>
            <div class="meter">
                <div class="meter-head">
                    <span class="meter-title">"Quota · " {month(&r.quota_month)}</span>
                    <span class="meter-figures" data-testid="quota-use">{format!("uses {} of {} left this month", thousands(r.quota_uses), thousands(r.quota_remaining))}</span>
                </div>
                <div class="meter-bar" role="progressbar" aria-label="Quota after this upload" aria-valuemin="0"
                    aria-valuemax=r.quota_limit.to_string() aria-valuenow=(r.quota_used + r.quota_uses).to_string()>
                    <span style=format!("width: {:.1}%", pct(r.quota_used, r.quota_limit))></span>
                    <span class="meter-add" style=format!("width: {:.1}%", pct(r.quota_uses, r.quota_limit))></span>
                </div>
            </div>
        </section>
        {(r.badge_groups.len() > 1).then(|| view! {
            <BadgeGroups groups=r.badge_groups.clone() here=here.clone() chosen=r.badge_filter.clone()/>
        })}
        {(r.holders.0 + r.holders.1 > 0).then(|| view! {
            <Duplicates org_id=org_id.clone() upload_id=r.upload_id.clone() policy holders=r.holders submitted=r.submitted
                several_badges=several_badges choose/>
        })}
        <section class="card">
            {if r.submitted {
                let job = r.job_id.clone().map(|job| format!("/organizations/{org_id}/jobs/{job}"));
                view! {
                    <div class="notice notice-ok" role="status" data-testid="submitted">
                        <p><strong>"Submitted."</strong>" This upload became a bulk job; its page shows the progress and what became of every row."</p>
                        {job.map(|href| view! { <p><a class="button" href=href data-testid="job-link">"Open the job"</a></p> })}
                    </div>
                }.into_any()
            } else {
                let upload_id = r.upload_id.clone();
                let org_id = org_id.clone();
                let plans = format!("/organizations/{org_id}/plan");
                view! {
                    <ActionForm action=submit attr:class="row submit-row">
                        <input type="hidden" name="org_id" value=org_id/>
                        <input type="hidden" name="upload_id" value=upload_id/>
                        <button type="submit" class="button" disabled=!r.can_submit data-testid="submit">
                            {format!("Submit {} credential{}", r.issuable, if r.issuable == 1 { "" } else { "s" })}
                        </button>
                        // A pilot: a few rows issued and e-mailed first (with a
                        // copy to the submitter), the rest only once released.
                        {(r.can_submit && r.issuable > 1).then(|| view! {
                            <label class="option">
                                <span>"Pilot first"</span>
                                <input type="number" name="pilot" min="1" max=(r.issuable - 1).to_string() inputmode="numeric"
                                    placeholder="all" data-testid="pilot" aria-describedby="pilot-help"/>
                                <small class="muted" id="pilot-help">"rows, then pause until released"</small>
                            </label>
                        })}
                        {r.can_submit.then(|| view! {
                            <label class="option">
                                <span>"Start at"</span>
                                <input type="datetime-local" name="start_at" data-testid="start-at" aria-describedby="start-help"/>
                                <small class="muted" id="start-help">{format!("{} time; empty starts now", r.time_zone)}</small>
                            </label>
                        })}
                        {r.blocker.clone().map(|b| view! { <span class="muted" data-testid="submit-blocked">{b}</span> })}
                        {r.plan_blocked.then(|| view! {
                            <a class="button secondary" href=plans data-testid="see-plans">"Compare plans and upgrade"</a>
                        })}
                    </ActionForm>
                    <FormError error=submit_error/>
                }.into_any()
            }}
            {(invalid > 0).then(|| view! {
                <p><a href=format!("{here}/invalid.csv") download="invalid-rows.csv">{format!("Download the {invalid} invalid row{} as CSV", if invalid == 1 { "" } else { "s" })}</a>
                " to fix them and upload again."</p>
            })}
        </section>
        <section class="card">
            {(r.filter.is_none() && r.counts.iter().any(|c| c.status.needs_attention() && c.count > 0)).then(|| view! {
                <p class="muted" data-testid="problems-first">"Rows to fix come first; the rest follow in file order."</p>
            })}
            <table class="table" data-testid="review">
                <thead><tr>
                    <th>"Row"</th>
                    {per_row_badge.then(|| view! { <th>"Badge"</th> })}
                    <th>"Name"</th><th>"E-mail"</th><th>"Status"</th><th>"Reason"</th>
                </tr></thead>
                <tbody>
                    {r.rows.into_iter().map(|row| view! {
                        <tr data-status=row.status.as_str()>
                            <td>{row.row}</td>
                            {per_row_badge.then(|| view! { <td data-testid="row-badge">{row.badge_name.clone().unwrap_or_else(|| "—".into())}</td> })}
                            <td>
                                {row.name}
                                {(!row.details.is_empty() || row.evidence.is_some()).then(|| view! {
                                    <ul class="award" data-testid="award">
                                        {row.details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
                                        {row.evidence.map(|(name, url)| view! {
                                            <li><a href=url rel="noopener noreferrer nofollow" target="_blank">{name}</a></li>
                                        })}
                                    </ul>
                                })}
                            </td>
                            <td>{row.email}</td>
                            <td><span class=format!("pill st-{}", row.status)>{row.status.label(policy)}</span></td>
                            <td><small>{row.reason.unwrap_or_default()}</small></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <Pager here=here.clone() filter=r.filter.map(|f| f.as_str().to_owned()) badge=r.badge_filter.clone() page=r.page pages=r.pages filtered=r.filtered/>
        </section>
    }
    .into_any()
}

/// The choice of what to do for recipients who hold the badge already,
/// each option with what it would do to them in this file.
#[component]
fn Duplicates(
    org_id: String,
    upload_id: String,
    policy: DuplicatePolicy,
    holders: (usize, usize),
    submitted: bool,
    several_badges: bool,
    choose: ServerAction<SetDuplicatePolicy>,
) -> impl IntoView {
    let count = holders.0 + holders.1;
    let heading = format!(
        "{count} recipient{} already hold{} {}",
        if count == 1 { "" } else { "s" },
        if count == 1 { "s" } else { "" },
        if several_badges { "the badge their row names" } else { "this badge" }
    );
    let options = DuplicatePolicy::ALL
        .iter()
        .map(|&p| {
            let effect = PolicyEffect::of(p, holders).summary();
            view! {
                <label class="choice" data-policy=p.as_str()>
                    <input type="radio" name="duplicate_policy" value=p.as_str() checked=p == policy disabled=submitted/>
                    <span>
                        <strong>{p.label()}</strong>
                        {(p == DuplicatePolicy::ByExpiry).then_some(" (default)")}
                        <small class="muted">" " {p.explain()}</small>
                        <small class="effect" data-testid=format!("effect-{p}")>{effect}</small>
                    </span>
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="duplicates">
            <h2>{heading}</h2>
            <ActionForm action=choose>
                <input type="hidden" name="org_id" value=org_id/>
                <input type="hidden" name="upload_id" value=upload_id/>
                <fieldset class="choices" disabled=submitted>
                    <legend>"What to do for them"</legend>
                    {options}
                </fieldset>
                {(!submitted).then(|| view! {
                    <button type="submit" class="button secondary" data-testid="apply-policy">"Apply to the review"</button>
                })}
            </ActionForm>
        </section>
    }
}

/// A file of several badges, badge by badge: what each badge's rows come
/// to, each badge a link to its rows alone.
#[component]
fn BadgeGroups(groups: Vec<BadgeGroupView>, here: String, chosen: Option<String>) -> impl IntoView {
    view! {
        <section class="card" data-testid="badge-groups">
            <h2>{format!("{} badges in this file", groups.len())}</h2>
            <table class="table">
                <thead><tr>
                    <th>"Badge"</th><th>"Rows"</th><th>"To issue"</th><th>"Already hold it"</th><th>"Invalid"</th>
                    <th title="New recipients these rows add to this month's quota">"New this month"</th>
                </tr></thead>
                <tbody>
                    {groups.into_iter().map(|g| {
                        let active = chosen.as_deref() == Some(g.badge_id.as_str());
                        let share = g.issuable as f64 * 100.0 / g.rows.max(1) as f64;
                        view! {
                            <tr data-badge=g.badge_id.clone() class:active=active>
                                <td><a href=format!("{here}?badge={}", g.badge_id)>{g.badge_name}</a></td>
                                <td>{thousands(g.rows as i64)}</td>
                                <td>
                                    <span class="share" role="img" aria-label=format!("{share:.0}% of the rows to issue")>
                                        <span style=format!("width: {share:.1}%")></span>
                                    </span>
                                    " " <strong data-testid="group-issuable">{thousands(g.issuable as i64)}</strong>
                                </td>
                                <td>{thousands(g.holders as i64)}</td>
                                <td>{thousands(g.invalid as i64)}</td>
                                <td>{thousands(g.quota_uses)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {chosen.is_some().then(|| view! { <p><a class="chip" href=here.clone()>"Show every badge"</a></p> })}
        </section>
    }
}

#[component]
fn Pager(
    here: String,
    filter: Option<String>,
    badge: Option<String>,
    page: usize,
    pages: usize,
    filtered: usize,
) -> impl IntoView {
    let link = move |p: usize| {
        let mut to = format!("{here}?page={p}");
        if let Some(f) = &filter {
            to.push_str(&format!("&status={f}"));
        }
        if let Some(b) = &badge {
            to.push_str(&format!("&badge={b}"));
        }
        to
    };
    view! {
        <p class="pager">
            <span class="muted">{format!("{} rows · page {page} of {pages} ", thousands(filtered as i64))}</span>
            {(page > 1).then(|| view! { <a class="button secondary small" href=link(page - 1)>"← Previous"</a> })}
            " "
            {(page < pages).then(|| view! { <a class="button secondary small" href=link(page + 1)>"Next →"</a> })}
        </p>
    }
}

fn pct(n: i64, of: i64) -> f64 {
    if of <= 0 { 0.0 } else { (n as f64 * 100.0 / of as f64).clamp(0.0, 100.0) }
}
