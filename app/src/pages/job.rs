use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::job_rows::Rows;
use super::org_frame::use_org_id;
use crate::api::jobs::{
    CancelJob, ReleaseJob, RescheduleJob, ResendJobEmail, ResendJobEmails, UndoJob, get_job_page, get_job_rows,
    get_job_throughput,
};
use crate::api::types::{JobFailure, JobPageView, JobSnapshot, JobSource, JobStatus, ThroughputView};
use crate::components::chart::Bars;
use crate::components::confirm::{ConfirmDialog, ask_href, back_href, confirming};
use crate::components::error_view::FormError;
use crate::components::form::action;
use crate::components::loaded::{loaded, loaded_or_nothing};
use crate::format::{datetime, thousands};

/// One bulk job as it runs: counts, a progress bar, pace and time left,
/// e-mail delivery, failures with their reasons, and every row's result.
///
/// The page renders whole on the server from the job as it stands; once
/// hydrated it follows the job's server-sent events
/// (`/organizations/{org}/jobs/{job}/events`) and updates in place. The
/// rows table has data of its own, reloaded every few seconds while the
/// job runs and once when it finishes.
/// How often a running job's page reloads itself without JavaScript.
const NO_SCRIPT_REFRESH_SECS: u32 = 2;

#[component]
pub fn JobPage() -> impl IntoView {
    let org_id = use_org_id();
    let params = use_params_map();
    let query = use_query_map();
    let job_id = move || params.read().get("job_id").unwrap_or_default();
    let cancel = action::<CancelJob>();
    let resend = action::<ResendJobEmails>();
    let resend_one = action::<ResendJobEmail>();
    let release = action::<ReleaseJob>();
    let reschedule = action::<RescheduleJob>();
    let changed = move || {
        (
            cancel.version().get(),
            resend.version().get(),
            resend_one.version().get(),
            release.version().get(),
            reschedule.version().get(),
        )
    };
    // Bumped by the live updates to reload the rows (as is Cancel).
    let rows_stale = RwSignal::new(0u32);
    let data = Resource::new(move || (org_id.get(), job_id(), changed()), |(org, job, _)| get_job_page(org, job));
    let rows = Resource::new(
        move || {
            let q = query.read();
            (
                org_id.get(),
                job_id(),
                q.get("state").filter(|s| !s.is_empty()),
                q.get("after").and_then(|a| a.parse::<i64>().ok()),
                (rows_stale.get(), changed()),
            )
        },
        |(org, job, state, after, _)| get_job_rows(org, job, state, after),
    );
    // Reloaded with the rows: every few seconds while the job runs.
    let throughput = Resource::new(
        move || (org_id.get(), job_id(), rows_stale.get(), changed()),
        |(org, job, ..)| get_job_throughput(org, job),
    );
    view! {
        <Title text="Bulk job"/>
        {loaded(data, move |v| view! { <Job v org_id=org_id.get_untracked() cancel resend release reschedule rows_stale/> })}
        {loaded_or_nothing(throughput, |t| view! { <Throughput t/> })}
        // The job's own error is shown once, above; this part stays quiet.
        {loaded_or_nothing(rows, move |r| {
            let job = params.read_untracked().get("job_id").unwrap_or_default();
            let here = format!("/organizations/{}/jobs/{job}", org_id.get_untracked());
            view! { <Rows r here org_id=org_id.get_untracked() job_id=job resend=resend_one/> }
        })}
    }
}

#[component]
fn Job(
    v: JobPageView,
    org_id: String,
    cancel: ServerAction<CancelJob>,
    resend: ServerAction<ResendJobEmails>,
    release: ServerAction<ReleaseJob>,
    reschedule: ServerAction<RescheduleJob>,
    rows_stale: RwSignal<u32>,
) -> impl IntoView {
    let base = format!("/organizations/{org_id}/jobs/{}", v.job.id);
    let jobs = format!("/organizations/{org_id}/jobs");
    let live = RwSignal::new(v.snapshot.clone());
    let done = move || live.read().status.is_finished();
    let cancel_error = Signal::derive(move || cancel.value().get().and_then(Result::err));
    let undo = action::<UndoJob>();
    let reschedule_error = Signal::derive(move || reschedule.value().get().and_then(Result::err));
    let release_error = Signal::derive(move || release.value().get().and_then(Result::err));
    let undo_error = Signal::derive(move || undo.value().get().and_then(Result::err));
    let resend_error = Signal::derive(move || resend.value().get().and_then(Result::err));

    // After hydration only (effects do not run on the server): follow the
    // job until it finishes.
    let events = format!("{base}/events");
    let follow_it = !v.snapshot.status.is_finished();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if follow_it {
            follow(&events, live, rows_stale);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&events, follow_it, live, rows_stale);
    });

    let submitted = match (&v.job.submitted_by, v.job.source) {
        (Some(who), JobSource::Api | JobSource::ApiBatch) => {
            format!("{} submitted with the API key “{who}”, {}", v.job.source.label(), datetime(v.job.created_at))
        }
        (Some(who), _) => format!("Submitted by {who}, {}", datetime(v.job.created_at)),
        (None, _) => format!("Submitted {}", datetime(v.job.created_at)),
    };
    let title = match &v.job.filename {
        Some(f) => format!("{} · {f}", v.job.badge_name),
        None => v.job.badge_name.clone(),
    };
    let count = move |f: fn(&JobSnapshot) -> i64| move || thousands(f(&live.read()));
    let mail_width = move |f: fn(&JobSnapshot) -> i64| {
        move || {
            let s = live.read();
            format!("width: {:.2}%", pct(f(&s), mail_total(&s)))
        }
    };
    let width = move |f: fn(&JobSnapshot) -> i64| {
        move || {
            let s = live.read();
            format!("width: {:.2}%", pct(f(&s), s.total))
        }
    };
    // Without JavaScript nothing follows the job, so while it runs the
    // page reloads itself every few seconds. Inside <noscript> the browser
    // ignores it when scripts run; as inner HTML, hydration leaves it be.
    let reload_while_running = follow_it.then(|| {
        view! { <noscript inner_html=format!(r#"<meta http-equiv="refresh" content="{NO_SCRIPT_REFRESH_SECS}">"#)></noscript> }
    });
    let job_id = v.job.id.clone();
    let revokes = v.undo.revokes;
    // An undo's credentials are the undone job's; a selection's are among
    // the revoked.
    let issued_href = match (&v.undo.undoes_job_id, v.undo.revokes) {
        (Some(undone), _) => format!("/organizations/{org_id}/credentials?job={undone}"),
        (None, true) => format!("/organizations/{org_id}/credentials?status=revoked"),
        (None, false) => format!("/organizations/{org_id}/credentials?job={job_id}"),
    };
    let undo_note = match (&v.undo.undoes_job_id, &v.undo.undone_by_job_id) {
        (Some(undone), _) => Some(view! {
            <p class="notice" role="note" data-testid="undo-of">
                "This job undoes "<a href=format!("{jobs}/{undone}")>{format!("job {undone}")}</a>
                ": it revokes every credential that job issued"
                {v.undo.reason.clone().map(|r| format!(", with the reason “{r}”"))}"."
            </p>
        }.into_any()),
        (None, Some(undo)) => Some(view! {
            <p class="notice" role="note" data-testid="undone-by">
                "This job was undone: "<a href=format!("{jobs}/{undo}")>{format!("job {undo}")}</a>" revokes its credentials."
            </p>
        }.into_any()),
        (None, None) => None,
    };
    let undo_form = (v.can_cancel && v.undo.revocable > 0).then(|| {
        let open = confirming("undo");
        let n = v.undo.revocable;
        let (org_id, job_id) = (org_id.clone(), job_id.clone());
        view! {
            <p class="inline job-undo">
                <a class="button secondary danger" href=ask_href("undo", &[]) data-testid="undo-job">"Undo job…"</a>
                <small class="muted">"Revokes every credential this job issued."</small>
            </p>
            {move || open.get().then(|| {
                let (org_id, job_id) = (org_id.clone(), job_id.clone());
                let plural = if n == 1 { "" } else { "s" };
                view! {
                    <ConfirmDialog title="Undo this job?">
                        <p data-testid="undo-summary">{format!(
                            "{} credential{plural} this job issued {} still valid. Undoing revokes {}: verifiers see {} as revoked. This cannot be reversed.",
                            thousands(n), if n == 1 { "is" } else { "are" }, if n == 1 { "it" } else { "them all" }, if n == 1 { "it" } else { "them" }
                        )}</p>
                        <ActionForm action=undo attr:class="stack">
                            <input type="hidden" name="org_id" value=org_id/>
                            <input type="hidden" name="job_id" value=job_id/>
                            <label class="field">
                                <span>"Reason (shown as each credential's revocation reason)"</span>
                                <input type="text" name="reason" maxlength="500" placeholder="e.g. Issued with the wrong badge"/>
                            </label>
                            <label class="option">
                                <input type="checkbox" name="notify_recipients" value="on" data-testid="notify-recipients"/>
                                <span>"E-mail each recipient that their credential was revoked, with the reason"</span>
                            </label>
                            <div class="row">
                                <button type="submit" class="button danger-fill" data-testid="confirm-undo-job">
                                    {format!("Revoke {} credential{plural}", thousands(n))}
                                </button>
                                <a class="button secondary" href=back_href()>"Keep them"</a>
                            </div>
                        </ActionForm>
                    </ConfirmDialog>
                }
            })}
        }
    });

    // While it waits for its start: when, and a way to move it.
    let schedule_note = v.scheduled_for.clone().map(|(local, zone)| {
        let (org_id, job_id) = (org_id.clone(), job_id.clone());
        let can = v.can_cancel;
        move || (live.read().status == JobStatus::Scheduled).then(|| {
            let (org_id, job_id, local, zone) = (org_id.clone(), job_id.clone(), local.clone(), zone.clone());
            view! {
                <div class="notice" role="status" data-testid="scheduled">
                    <p><strong>{format!("Scheduled for {} ({zone}).", local.replace('T', " "))}</strong>
                        " It starts by itself then; until then it can be moved or cancelled."</p>
                    {can.then(|| view! {
                        <ActionForm action=reschedule attr:class="row">
                            <input type="hidden" name="org_id" value=org_id/>
                            <input type="hidden" name="job_id" value=job_id/>
                            <label class="option"><span>"Start at"</span>
                                <input type="datetime-local" name="start_at" value=local required data-testid="reschedule-at"/>
                            </label>
                            <button type="submit" class="button secondary" data-testid="reschedule-job">"Move"</button>
                        </ActionForm>
                    })}
                </div>
            }
        })
    });

    // While paused after its pilot: what was issued, and the choice.
    let pilot_note = v.pilot_size.filter(|_| v.can_cancel).map(|n| {
        let (org_id, job_id) = (org_id.clone(), job_id.clone());
        move || (live.read().status == JobStatus::Paused).then(|| {
            let rest = live.read().remaining;
            let (org_id, job_id) = (org_id.clone(), job_id.clone());
            view! {
                <div class="notice" role="status" data-testid="pilot-paused">
                    <p>
                        <strong>{format!("Paused after a pilot of {n}.")}</strong>
                        {format!(" Those rows are issued and e-mailed, with a copy of the first e-mail to the member who submitted the job. Check them, then release the remaining {} row{}, or cancel the job.", thousands(rest), if rest == 1 { "" } else { "s" })}
                    </p>
                    <ActionForm action=release attr:class="inline">
                        <input type="hidden" name="org_id" value=org_id/>
                        <input type="hidden" name="job_id" value=job_id/>
                        <button type="submit" class="button" data-testid="release-job">{format!("Release the remaining {}", thousands(rest))}</button>
                    </ActionForm>
                </div>
            }
        })
    });

    view! {
        <div class="page-head">
            <h1>{match (revokes, v.undo.undoes_job_id.is_some()) {
                (true, true) => "Undo job",
                (true, false) => "Revocation job",
                _ => "Bulk job",
            }}</h1>
            <div class="row">
                <a class="button secondary" id="job-credentials" href=issued_href>
                    {if revokes { "Revoked credentials" } else { "Issued credentials" }}
                </a>
                <a class="button secondary" href=jobs.clone()>"All jobs"</a>
            </div>
        </div>
        {reload_while_running}
        <p class="muted">{title}" · "{submitted}</p>
        {undo_note}

        <section class="card job-live" id="job-live" data-job-status=move || live.read().status.as_str()>
            <div class="job-head">
                <span class=move || format!("pill job-{}", live.read().status) id="job-status"
                    data-job-status=move || live.read().status.as_str()>
                    {move || live.read().status.label()}
                </span>
                <span class="muted job-pace">
                    <span id="job-rate">{move || rate_text(&live.read())}</span>
                    <span id="job-time-left">{move || time_left_text(&live.read())}</span>
                </span>
            </div>
            <div class="dist job-bar" role="progressbar" aria-label="Rows done" aria-valuemin="0"
                aria-valuemax=move || live.read().total.to_string()
                aria-valuenow=move || live.read().processed.to_string()>
                <span class="seg item-succeeded" style=width(|s| s.succeeded)></span>
                <span class="seg item-failed" style=width(|s| s.failed)></span>
                <span class="seg item-skipped" style=width(|s| s.skipped)></span>
                <span class="seg item-cancelled" style=width(|s| s.cancelled)></span>
            </div>
            <dl class="job-counts">
                <div><dt>"Rows"</dt><dd><span id="job-total">{count(|s| s.total)}</span></dd></div>
                <div><dt><span class="dot item-succeeded"></span>{if revokes { "Revoked" } else { "Issued" }}</dt><dd><span id="job-succeeded">{count(|s| s.succeeded)}</span></dd></div>
                <div><dt><span class="dot item-failed"></span>"Failed"</dt><dd><span id="job-failed">{count(|s| s.failed)}</span></dd></div>
                <div><dt><span class="dot item-skipped"></span>"Skipped"</dt><dd><span id="job-skipped">{count(|s| s.skipped)}</span></dd></div>
                <div><dt>"Remaining"</dt><dd><span id="job-remaining">{count(|s| s.remaining)}</span></dd></div>
                <div class:job-hidden=move || live.read().cancelled == 0>
                    <dt><span class="dot item-cancelled"></span>"Cancelled"</dt><dd><span id="job-cancelled">{count(|s| s.cancelled)}</span></dd>
                </div>
            </dl>
            // A revocation e-mails nobody.
            <div class="job-mail" class:job-hidden=revokes data-testid="job-emails">
                <p class="job-emails">
                    <span class="job-emails-title">"E-mails to recipients"</span>
                    <span id="job-emails-progress">{move || mail_progress_text(&live.read())}</span>
                </p>
                <div class="dist mail-bar" role="progressbar" aria-label="E-mails sent" aria-valuemin="0"
                    aria-valuemax=move || mail_total(&live.read()).to_string()
                    aria-valuenow=move || live.read().emails_sent.to_string()>
                    <span class="seg ob-sent" style=mail_width(|s| s.emails_sent)></span>
                    <span class="seg ob-failed" style=mail_width(|s| s.emails_failed)></span>
                    <span class="seg ob-bounced" style=mail_width(|s| s.emails_bounced)></span>
                    <span class="seg ob-cancelled" style=mail_width(|s| s.emails_cancelled)></span>
                </div>
                <p class="job-emails">
                    <span><span class="dot ob-queued"></span><span id="job-emails-queued">{count(|s| s.emails_queued)}</span>" queued"</span>
                    <span><span class="dot ob-sent"></span><span id="job-emails-sent">{count(|s| s.emails_sent)}</span>" sent"</span>
                    <span><span class="dot ob-failed"></span><span id="job-emails-failed">{count(|s| s.emails_failed)}</span>" failed"</span>
                    <span class:job-hidden=move || live.read().emails_bounced == 0>
                        <span class="dot ob-bounced"></span><span id="job-emails-bounced">{count(|s| s.emails_bounced)}</span>" bounced"
                    </span>
                    <span class:job-hidden=move || live.read().emails_cancelled == 0>
                        <span class="dot ob-cancelled"></span><span id="job-emails-cancelled">{count(|s| s.emails_cancelled)}</span>" not sent (revoked or unsubscribed)"
                    </span>
                </p>
                {v.can_cancel.then(|| {
                    let (org_id, job_id) = (org_id.clone(), job_id.clone());
                    move || {
                        let s = live.read();
                        let undelivered = s.emails_failed + s.emails_bounced;
                        (undelivered > 0).then(|| {
                            let (org_id, job_id) = (org_id.clone(), job_id.clone());
                            view! {
                                <ActionForm action=resend attr:class="inline">
                                    <input type="hidden" name="org_id" value=org_id/>
                                    <input type="hidden" name="job_id" value=job_id/>
                                    <button type="submit" class="button secondary small" data-testid="resend-failed-emails">
                                        {format!("Resend {} failed or bounced e-mail{}", thousands(undelivered), if undelivered == 1 { "" } else { "s" })}
                                    </button>
                                </ActionForm>
                            }
                        })
                    }
                })}
                <FormError error=resend_error/>
            </div>
            {(!v.smtp_configured && !revokes).then(|| view! {
                <p class="notice" role="note" data-testid="job-smtp-note">
                    <strong>"Recipients have not been e-mailed."</strong>
                    " This server has no SMTP server configured (LAUREL_SMTP_URL), so their e-mails wait, queued, in the Outbox. They go out once it is set and the server restarts."
                </p>
            })}
            {v.can_cancel.then(|| {
                let (org_id, job_id) = (org_id.clone(), job_id.clone());
                let open = confirming("cancel");
                // Once every row is issued there is nothing left to cancel.
                move || (!done() && live.read().status != JobStatus::Delivering).then(|| {
                    let (org_id, job_id) = (org_id.clone(), job_id.clone());
                    view! {
                        <p class="inline job-cancel">
                            <a class="button secondary danger" href=ask_href("cancel", &[]) data-testid="cancel-job">"Cancel job…"</a>
                            <small class="muted">"Rows not yet issued are dropped; issued credentials stay."</small>
                        </p>
                        {move || open.get().then(|| {
                            let s = live.read();
                            let body = format!(
                                "{} of {} rows are not issued yet; they will not be. The {} credentials already issued stay valid, and their e-mails still go out.",
                                thousands(s.remaining), thousands(s.total), thousands(s.succeeded)
                            );
                            let (org_id, job_id) = (org_id.clone(), job_id.clone());
                            view! {
                                <ConfirmDialog title="Cancel this job?">
                                    <p data-testid="cancel-summary">{body}</p>
                                    <ActionForm action=cancel attr:class="row">
                                        <input type="hidden" name="org_id" value=org_id/>
                                        <input type="hidden" name="job_id" value=job_id/>
                                        <button type="submit" class="button danger-fill" autofocus data-testid="confirm-cancel-job">"Cancel job"</button>
                                        <a class="button secondary" href=back_href()>"Keep it running"</a>
                                    </ActionForm>
                                </ConfirmDialog>
                            }
                        })}
                    }
                })
            })}
            {pilot_note}
            <FormError error=release_error/>
            {schedule_note}
            <FormError error=reschedule_error/>
            <FormError error=cancel_error/>
            {undo_form}
            <FormError error=undo_error/>
        </section>

        <section class="card" id="job-failures-card">
            <div class="job-section-head">
                <h2>"Failures"</h2>
                {move || (live.read().failed > 0).then(|| view! {
                    <a href=format!("{base}/failed.csv") download="failed-rows.csv" id="job-failed-csv">"Download failed rows"</a>
                })}
            </div>
            <ul class="job-failures" id="job-failures">
                <For each=move || live.read().failures.clone() key=|f| f.idx let:f>
                    <Failure f/>
                </For>
            </ul>
            {move || {
                let s = live.read();
                if s.failed == 0 {
                    Some(view! { <p class="muted" id="job-no-failures">"No failures so far."</p> }.into_any())
                } else if s.failed > s.failures.len() as i64 {
                    let more = s.failed - s.failures.len() as i64;
                    Some(view! {
                        <p class="muted">{format!("and {} more: filter the table by “Failed”, or download the failed rows.", thousands(more))}</p>
                    }.into_any())
                } else {
                    None
                }
            }}
        </section>
    }
}

/// Credentials issued per interval since the job started: a stall, or
/// the org's rate cap at work, shows as a shape.
#[component]
fn Throughput(t: ThroughputView) -> impl IntoView {
    let interval = t.interval_secs;
    let points: Vec<(String, i64)> =
        t.counts.iter().enumerate().map(|(i, n)| (format!("+{}", clock_offset(i as i64 * interval)), *n)).collect();
    // One bar says no more than the counts above it.
    (points.len() > 1 && points.iter().any(|(_, n)| *n > 0)).then(|| {
        let caption =
            format!("Credentials issued per {}", if interval == 1 { "second".into() } else { format!("{interval} s") });
        view! {
            <section class="card">
                <h2>"Throughput"</h2>
                <Bars points caption testid="job-throughput" key="Time since start"/>
            </section>
        }
    })
}

/// `75` as `1:15`.
fn clock_offset(secs: i64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

#[component]
fn Failure(f: JobFailure) -> impl IntoView {
    view! {
        <li data-row=f.row.to_string() data-code=f.code.clone().unwrap_or_default()>
            <span class="muted job-row">{format!("Row {}", f.row)}</span>
            <span class="job-who">
                <strong>{if f.name.is_empty() { "(no name)".to_owned() } else { f.name }}</strong>
                " "<span class="muted">{f.email}</span>
            </span>
            <span class="job-reason">{f.message}</span>
        </li>
    }
}

/// Opens the job's event stream and applies every snapshot to `live`;
/// closes it when the job finishes (or the page goes away). Bumps
/// `rows_stale` every [`ROWS_EVERY`] snapshots and at the end, so the rows
/// table follows too.
#[cfg(feature = "hydrate")]
fn follow(url: &str, live: RwSignal<JobSnapshot>, rows_stale: RwSignal<u32>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Ok(source) = web_sys::EventSource::new(url) else {
        return;
    };
    let on_snapshot = {
        let source = source.clone();
        let mut seen = 0u32;
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            let Ok(mut next) = serde_json::from_str::<JobSnapshot>(&text) else {
                leptos::logging::warn!("job events: not a snapshot: {text}");
                return;
            };
            let over = next.status.is_finished();
            let fresh = std::mem::take(&mut next.failures);
            live.try_update(move |current| {
                next.failures = merge_failures(std::mem::take(&mut current.failures), fresh);
                *current = next;
            });
            seen += 1;
            if over {
                source.close();
            }
            if over || seen.is_multiple_of(ROWS_EVERY) {
                rows_stale.try_update(|n| *n += 1);
            }
        })
    };
    let _ = source.add_event_listener_with_callback("snapshot", on_snapshot.as_ref().unchecked_ref());
    let held = StoredValue::new_local((source, on_snapshot));
    on_cleanup(move || {
        held.try_with_value(|(source, _)| source.close());
    });
}

/// Snapshots between reloads of the rows table: about two seconds while
/// the job moves (the server checks every 200 ms).
#[cfg(feature = "hydrate")]
const ROWS_EVERY: u32 = 10;

/// The failures known so far plus `fresh`, once each, in file order, at
/// most as many as the page lists.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn merge_failures(mut known: Vec<JobFailure>, fresh: Vec<JobFailure>) -> Vec<JobFailure> {
    for f in fresh {
        if !known.iter().any(|k| k.idx == f.idx) {
            known.push(f);
        }
    }
    known.sort_by_key(|f| f.idx);
    known.truncate(crate::api::jobs::FAILURES_LISTED);
    known
}

/// Every e-mail the job has, whatever became of it.
fn mail_total(s: &JobSnapshot) -> i64 {
    s.emails_queued + s.emails_sent + s.emails_failed + s.emails_bounced + s.emails_cancelled
}

/// `1,234 of 5,000 sent`, or why there are none.
fn mail_progress_text(s: &JobSnapshot) -> String {
    let total = mail_total(s);
    if total == 0 {
        return if s.status.is_finished() { "none to send".into() } else { "none yet".into() };
    }
    let out = s.emails_sent + s.emails_failed + s.emails_bounced + s.emails_cancelled;
    match s.status {
        JobStatus::Delivering => format!("sending: {} of {} sent", thousands(s.emails_sent), thousands(total)),
        _ if out == total => format!("{} of {} sent", thousands(s.emails_sent), thousands(total)),
        _ => format!("{} of {} sent so far", thousands(s.emails_sent), thousands(total)),
    }
}

fn rate_text(s: &JobSnapshot) -> String {
    match (s.status, s.rate) {
        (JobStatus::Pending, _) => "Waiting to start".into(),
        (JobStatus::Paused, _) => "Waiting to be released".into(),
        (JobStatus::Scheduled, _) => "Waiting for its start time".into(),
        (JobStatus::Delivering, _) => {
            format!("Every row is done; e-mailing recipients ({} left)", thousands(s.emails_queued))
        }
        (JobStatus::Processing, Some(r)) => format!("{} credentials/s", one_decimal(r)),
        (JobStatus::Processing, None) => "Starting…".into(),
        (_, Some(r)) => format!("{} credentials/s on average", one_decimal(r)),
        (_, None) => String::new(),
    }
}

fn time_left_text(s: &JobSnapshot) -> String {
    match (s.status, s.seconds_left) {
        (JobStatus::Processing, Some(secs)) => format!(" · about {} left", duration(secs)),
        _ => String::new(),
    }
}

fn one_decimal(r: f64) -> String {
    if r >= 100.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}

/// Seconds as `42 s`, `3 min 5 s` or `2 h 4 min`.
pub(crate) fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

pub(crate) fn pct(n: i64, of: i64) -> f64 {
    if of <= 0 { 0.0 } else { (n as f64 * 100.0 / of as f64).clamp(0.0, 100.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(idx: i64) -> JobFailure {
        JobFailure { idx, row: idx + 1, name: "n".into(), email: "e".into(), code: None, message: "m".into() }
    }

    #[test]
    fn failures_merge_once_each_in_file_order() {
        let merged = merge_failures(vec![failure(3), failure(1)], vec![failure(1), failure(0), failure(7)]);
        assert_eq!(merged.iter().map(|f| f.idx).collect::<Vec<_>>(), vec![0, 1, 3, 7]);
    }

    #[test]
    fn durations_and_rates_read_plainly() {
        assert_eq!(duration(42), "42 s");
        assert_eq!(duration(185), "3 min 5 s");
        assert_eq!(duration(7440), "2 h 4 min");
        assert_eq!(one_decimal(12.345), "12.3");
        assert_eq!(one_decimal(250.4), "250");
        assert_eq!(pct(1, 4), 25.0);
        assert_eq!(pct(1, 0), 0.0);
    }
}
