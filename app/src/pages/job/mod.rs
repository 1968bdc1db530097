//! One bulk job as it runs: counts, a progress bar, pace and time left,
//! e-mail delivery, failures with their reasons, and every row's result.
//!
//! The page renders whole on the server from the job as it stands; once
//! hydrated it follows the job's server-sent events
//! (`/organizations/{org}/jobs/{job}/events`, [`live`]) and updates in
//! place. Its parts: the figures in words ([`figures`]), the throughput
//! chart ([`throughput`]), a scheduled or paused job's note ([`waiting`]),
//! undo ([`undo`]), the failures ([`failures`]) and the rows table
//! ([`rows`]), which has data of its own, reloaded every few seconds while
//! the job runs and once when it finishes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::org_frame::use_org_id;
use crate::api::jobs::{
    CancelJob, ReleaseJob, RescheduleJob, ResendJobEmail, ResendJobEmails, get_job_page, get_job_rows,
    get_job_throughput,
};
use crate::api::types::{JobPageView, JobSnapshot, JobSource, JobStatus};
use crate::components::confirm::{ConfirmDialog, ask_href, back_href, confirming};
use crate::components::error_view::FormError;
use crate::components::form::action;
use crate::components::loaded::{loaded, loaded_or_nothing};
use crate::format::{datetime, pct, thousands};

mod failures;
mod figures;
mod live;
mod rows;
mod throughput;
mod undo;
mod waiting;

use failures::Failures;
use figures::{mail_progress_text, mail_total, rate_text, time_left_text};
use rows::Rows;
use throughput::Throughput;
use undo::{UndoForm, UndoNote};
use waiting::{PilotNote, ScheduleNote};

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
    let resend_error = Signal::derive(move || resend.value().get().and_then(Result::err));

    // After hydration only (effects do not run on the server): follow the
    // job until it finishes.
    let events = format!("{base}/events");
    let follow_it = !v.snapshot.status.is_finished();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if follow_it {
            live::follow(&events, live, rows_stale);
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
    let notifies = v.undo.notifies;
    // An undo's credentials are the undone job's; a selection's are among
    // the revoked.
    let issued_href = match (&v.undo.undoes_job_id, v.undo.revokes) {
        (Some(undone), _) => format!("/organizations/{org_id}/credentials?job={undone}"),
        (None, true) => format!("/organizations/{org_id}/credentials?status=revoked"),
        (None, false) => format!("/organizations/{org_id}/credentials?job={job_id}"),
    };
    let undo_note = view! { <UndoNote v=v.clone() jobs=jobs.clone()/> };
    let undo_form = (v.can_cancel && v.undo.revocable > 0).then(|| {
        view! { <UndoForm org_id=org_id.clone() job_id=job_id.clone() revocable=v.undo.revocable/> }
    });
    let schedule_note = v.scheduled_for.clone().map(|(local, zone)| {
        let (org_id, job_id) = (org_id.clone(), job_id.clone());
        view! { <ScheduleNote live org_id job_id local zone can_move=v.can_cancel reschedule/> }
    });
    let pilot_note = v.pilot_size.filter(|_| v.can_cancel).map(|pilot_size| {
        let (org_id, job_id) = (org_id.clone(), job_id.clone());
        view! { <PilotNote live org_id job_id pilot_size release/> }
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
            // A revocation e-mails nobody, unless an undo was asked to tell them.
            <div class="job-mail" class:job-hidden=revokes && !notifies data-testid="job-emails">
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
            {(!v.smtp_configured && (!revokes || notifies)).then(|| view! {
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
            {schedule_note}
            <FormError error=cancel_error/>
            {undo_form}
        </section>

        <Failures live base/>
    }
}
