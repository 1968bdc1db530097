use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::org_frame::use_org_id;
use crate::api::streams::{CreateStream, DeleteStream, ResendDelivery, SetStreamActive, get_streams_page};
use crate::api::types::{DeliveryStatus, EventType, StreamStatus, StreamView, StreamsView};
use crate::components::confirm::{CancelLink, ConfirmDialog, ask_href, confirming};
use crate::components::copy::CopyField;
use crate::components::error_view::FormError;
use crate::components::form::{Field, FormProblems, InputKind, action, form_action, reset_on_success};
use crate::components::loaded;
use crate::format::datetime;

#[derive(Clone, Copy)]
struct Actions {
    toggle: ServerAction<SetStreamActive>,
    delete: ServerAction<DeleteStream>,
    resend: ServerAction<ResendDelivery>,
}

/// Audit streams: webhooks signed per the Standard Webhooks specification,
/// each with its recent deliveries (status code, attempts, when) and a
/// Resend button. Admins and Owners.
#[component]
pub fn StreamsPage() -> impl IntoView {
    let org_id = use_org_id();
    let (create, typed) = form_action::<CreateStream>();
    let actions = Actions { toggle: action(), delete: action(), resend: action() };
    let data = Resource::new(
        move || {
            (
                org_id.get(),
                create.version().get(),
                actions.toggle.version().get(),
                actions.delete.version().get(),
                actions.resend.version().get(),
            )
        },
        |(org, ..)| get_streams_page(org),
    );
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let form = NodeRef::<leptos::html::Form>::new();
    reset_on_success(create, form);
    view! {
        <Title text="Audit streams"/>
        <h1>"Audit streams"</h1>
        <section class="card">
            <h2>"New stream"</h2>
            <p class="muted">"Laurel posts each event you choose to your URL, signed per the Standard Webhooks specification: verify it with the standardwebhooks library for your language and the stream's secret. Failed deliveries are retried for three days."</p>
            <ActionForm action=create node_ref=form attr:class="stack" attr:id="stream-form" attr:novalidate=true>
                <input type="hidden" name="org_id" value=move || org_id.get()/>
                <Field form="stream-form" label="Endpoint URL" name="url" error=create_error value=typed.or("url", "")
                    input=InputKind::url().placeholder("https://hooks.example.com/laurel")/>
                <fieldset class="scopes">
                    <legend>"Events"</legend>
                    <label class="check"><input type="checkbox" name="all"/>"Every event (*)"</label>
                    {EventType::ALL.iter().map(|e| view! {
                        <label class="check"><input type="checkbox" name=field_of(*e)/>{e.label()}" "<code>{e.as_str()}</code></label>
                    }).collect_view()}
                </fieldset>
                <div><button type="submit" class="button">"Create stream"</button></div>
            </ActionForm>
            <FormProblems error=create_error fields=&["url"]/>
            {move || create.value().get().and_then(Result::ok).map(|s| view! {
                <div class="notice notice-ok" role="status" data-testid="stream-created">
                    <p>"Stream to " <code>{s.url}</code> " created. Copy its signing secret now: it is not shown again."</p>
                    <CopyField value=s.secret label="Signing secret" testid="stream-secret"/>
                </div>
            })}
        </section>
        {loaded(data, move |v| view! { <Streams v org_id=org_id.get_untracked() actions/> })}
    }
}

/// The form field of an event's checkbox (the server function's argument).
fn field_of(e: EventType) -> &'static str {
    match e {
        EventType::CredentialIssued => "credential_issued",
        EventType::CredentialRevoked => "credential_revoked",
        EventType::BatchCompleted => "batch_completed",
        EventType::BatchFailed => "batch_failed",
    }
}

#[component]
fn Streams(v: StreamsView, org_id: String, actions: Actions) -> impl IntoView {
    let toggle_error = Signal::derive(move || actions.toggle.value().get().and_then(Result::err));
    let resend_error = Signal::derive(move || actions.resend.value().get().and_then(Result::err));
    let confirm_delete = {
        let (streams, org_id) = (v.streams.clone(), org_id.clone());
        let open = confirming("delete-stream");
        let query = use_query_map();
        move || {
            let wanted = query.read().get("stream")?;
            let s = streams.iter().find(|s| s.id == wanted && open.get())?.clone();
            let org_id = org_id.clone();
            Some(view! {
                <ConfirmDialog title="Delete this stream?">
                    <p>{format!("Nothing more is sent to {}, and its {} listed deliveries are deleted with it. This cannot be undone; pausing keeps it instead.", s.url, s.deliveries.len())}</p>
                    <ActionForm action=actions.delete attr:class="row">
                        <input type="hidden" name="org_id" value=org_id/>
                        <input type="hidden" name="stream_id" value=s.id.clone()/>
                        <button type="submit" class="button danger-fill" autofocus data-testid="confirm-delete-stream">"Delete stream"</button>
                        <CancelLink/>
                    </ActionForm>
                </ConfirmDialog>
            })
        }
    };
    if v.streams.is_empty() {
        return view! { <section class="card"><p class="muted" data-testid="no-streams">"No streams yet."</p></section> }
            .into_any();
    }
    view! {
        {confirm_delete}
        <FormError error=toggle_error/>
        <FormError error=resend_error/>
        {v.streams.into_iter().map(|s| view! { <Stream s org_id=org_id.clone() actions/> }).collect_view()}
    }
    .into_any()
}

#[component]
fn Stream(s: StreamView, org_id: String, actions: Actions) -> impl IntoView {
    let active = s.status == StreamStatus::Active;
    let (toggle_org, resend_org) = (org_id.clone(), org_id.clone());
    let ask_delete = ask_href("delete-stream", &[("stream", &s.id)]);
    let StreamView { id, url, actions: events, status, disabled_reason, failing_since, created_at, deliveries } = s;
    let (stream_id, toggle_id) = (id.clone(), id.clone());
    view! {
        <section class="card" data-testid="stream" data-stream=stream_id>
            <div class="page-head">
                <h2 class="stream-url"><code>{url}</code></h2>
                <span class=format!("pill stream-{}", status) data-testid="stream-status">{status.label()}</span>
            </div>
            <p class="muted">"Events: " {events.join(", ")} " · created " {datetime(created_at)}</p>
            {disabled_reason.map(|r| view! { <p class="notice notice-error" role="alert">{r}" Resume it once the endpoint answers again."</p> })}
            {failing_since.filter(|_| active).map(|t| view! { <p class="notice notice-warn" role="note">{format!("Deliveries have failed since {}; it is disabled if none succeeds for three days.", datetime(t))}</p> })}
            <div class="row">
                <ActionForm action=actions.toggle>
                    <input type="hidden" name="org_id" value=toggle_org/>
                    <input type="hidden" name="stream_id" value=toggle_id/>
                    <input type="hidden" name="active" value=(!active).to_string()/>
                    <button type="submit" class="button secondary small">{if active { "Pause" } else { "Resume" }}</button>
                </ActionForm>
                <a class="button link danger" href=ask_delete data-testid="delete-stream">"Delete…"</a>
            </div>
            {if deliveries.is_empty() {
                view! { <p class="muted">"No deliveries yet."</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="deliveries">
                        <thead><tr><th>"Event"</th><th>"Status"</th><th>"Answer"</th><th>"Attempts"</th><th>"Last attempt"</th><th></th></tr></thead>
                        <tbody>
                            {deliveries.into_iter().map(|d| { let org_id = resend_org.clone(); let delivery_id = d.id.clone(); view! {
                                <tr data-delivery=d.id.clone() data-status=d.status.as_str()>
                                    <td><code>{d.event_type}</code><br/><small class="muted">{d.id.clone()}</small></td>
                                    <td><span class=format!("pill delivery-{}", d.status)>{d.status.label()}</span>
                                        {d.last_error.map(|e| view! { <br/><small class="form-error-text">{e}</small> })}</td>
                                    <td data-testid="status-code">{d.last_status_code.map(|c| c.to_string()).unwrap_or_else(|| "—".into())}</td>
                                    <td>{d.attempts}</td>
                                    <td>{d.last_attempt_at.map(datetime).unwrap_or_else(|| "—".into())}</td>
                                    <td class="actions">
                                        {(d.status != DeliveryStatus::Pending).then(|| view! {
                                            <ActionForm action=actions.resend>
                                                <input type="hidden" name="org_id" value=org_id/>
                                                <input type="hidden" name="delivery_id" value=delivery_id/>
                                                <button type="submit" class="button link">"Resend"</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
