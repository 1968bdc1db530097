//! A job waiting for a person or a time: scheduled (when it starts, and a
//! way to move it) or paused after its pilot (what was issued, and the
//! release).

use leptos::prelude::*;

use crate::api::jobs::{ReleaseJob, RescheduleJob};
use crate::api::types::{JobSnapshot, JobStatus};
use crate::components::error_view::FormError;
use crate::format::thousands;

/// While the job waits for its start: when (`local`, in `zone`), and,
/// for those who may, a way to move it.
#[component]
pub(super) fn ScheduleNote(
    live: RwSignal<JobSnapshot>,
    org_id: String,
    job_id: String,
    local: String,
    zone: String,
    can_move: bool,
    reschedule: ServerAction<RescheduleJob>,
) -> impl IntoView {
    let error = Signal::derive(move || reschedule.value().get().and_then(Result::err));
    let note = move || {
        (live.read().status == JobStatus::Scheduled).then(|| {
            let (org_id, job_id, local, zone) = (org_id.clone(), job_id.clone(), local.clone(), zone.clone());
            view! {
                <div class="notice" role="status" data-testid="scheduled">
                    <p><strong>{format!("Scheduled for {} ({zone}).", local.replace('T', " "))}</strong>
                        " It starts by itself then; until then it can be moved or cancelled."</p>
                    {can_move.then(|| view! {
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
    };
    view! {
        {note}
        <FormError error/>
    }
}

/// While the job is paused after a pilot of `pilot_size` rows: what was
/// issued, and the release of the rest.
#[component]
pub(super) fn PilotNote(
    live: RwSignal<JobSnapshot>,
    org_id: String,
    job_id: String,
    pilot_size: i64,
    release: ServerAction<ReleaseJob>,
) -> impl IntoView {
    let error = Signal::derive(move || release.value().get().and_then(Result::err));
    let n = pilot_size;
    let note = move || {
        (live.read().status == JobStatus::Paused).then(|| {
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
    };
    view! {
        {note}
        <FormError error/>
    }
}
