//! Undoing a job on its page: what an undo job undoes (or which undid this
//! one), and the confirmed form that starts an undo.

use leptos::prelude::*;

use crate::api::jobs::UndoJob;
use crate::api::types::JobPageView;
use crate::components::confirm::{ConfirmDialog, ask_href, back_href, confirming};
use crate::components::error_view::FormError;
use crate::components::form::action;
use crate::format::thousands;

/// "This job undoes job …" or "This job was undone: …", when either holds.
#[component]
pub(super) fn UndoNote(v: JobPageView, jobs: String) -> impl IntoView {
    match (&v.undo.undoes_job_id, &v.undo.undone_by_job_id) {
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
    }
}

/// "Undo job…", then a dialog that says how many credentials it revokes,
/// takes a reason and whether to e-mail the recipients, and asks to confirm.
/// `revocable` is how many of the job's credentials are still valid.
#[component]
pub(super) fn UndoForm(org_id: String, job_id: String, revocable: i64) -> impl IntoView {
    let undo = action::<UndoJob>();
    let undo_error = Signal::derive(move || undo.value().get().and_then(Result::err));
    let open = confirming("undo");
    let n = revocable;
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
        <FormError error=undo_error/>
    }
}
