use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::org_frame::{Allowed, use_org_id};
use crate::api::members::{ChangeMemberRole, InviteMember, RemoveMember, RevokeInvitation, get_members_page};
use crate::api::types::{InviteResult, MemberRow, MembersPage as Data, Role};
use crate::components::confirm::{CancelLink, ConfirmDialog, ask_href, confirming};
use crate::components::error_view::FormError;
use crate::components::form::{Field, FormProblems, InputKind, Typed, action, form_action, reset_on_success};
use crate::components::loaded;
use crate::error::AppError;
use crate::format::datetime;
use model::Action;

/// The actions of this page, shared with its rows.
#[derive(Clone, Copy)]
struct Actions {
    invite: ServerAction<InviteMember>,
    change: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
    revoke: ServerAction<RevokeInvitation>,
}

/// Members, their roles, and invitations. Owners and Admins manage them;
/// everyone else sees the list.
#[component]
pub fn MembersPage() -> impl IntoView {
    let org_id = use_org_id();
    let (invite, typed) = form_action::<InviteMember>();
    let actions = Actions { invite, change: action(), remove: action(), revoke: action() };
    let data = Resource::new(
        move || {
            (
                org_id.get(),
                actions.invite.version().get(),
                actions.change.version().get(),
                actions.remove.version().get(),
                actions.revoke.version().get(),
            )
        },
        |(org, ..)| get_members_page(org),
    );
    view! {
        <Title text="Members"/>
        <h1>"Members"</h1>
        // Outside the list's data, so reloading the list after an attempt
        // never rebuilds the form and loses what was typed.
        <Allowed action=Action::ManageMembers>
            <InviteForm org_id=org_id.get_untracked() action=actions.invite typed=typed.clone()/>
        </Allowed>
        {loaded(data, move |d| view! { <Members d org_id=org_id.get_untracked() actions/> })}
    }
}

#[component]
fn Members(d: Data, org_id: String, actions: Actions) -> impl IntoView {
    let change_error = Signal::derive(move || actions.change.value().get().and_then(Result::err));
    let remove_error = Signal::derive(move || actions.remove.value().get().and_then(Result::err));
    let can_manage = d.can_manage;
    let me = d.my_user_id.clone();
    let confirm_remove = {
        let (members, me, org_id, org_name) = (d.members.clone(), me.clone(), org_id.clone(), d.org_name.clone());
        let open = confirming("remove");
        let query = use_query_map();
        move || {
            let wanted = query.read().get("member")?;
            let m = members.iter().find(|m| m.user_id == wanted && open.get())?.clone();
            let leaving = m.user_id == me;
            let (title, body) = if leaving {
                (
                    format!("Leave {org_name}?"),
                    "You lose access at once; only an invitation brings you back.".to_owned(),
                )
            } else {
                (
                    format!("Remove {} from {org_name}?", m.display_name),
                    format!(
                        "{} ({}) loses access at once, and invitations they sent stop working. Credentials they issued stay valid.",
                        m.display_name, m.email
                    ),
                )
            };
            let org_id = org_id.clone();
            Some(view! {
                <ConfirmDialog title>
                    <p>{body}</p>
                    <ActionForm action=actions.remove attr:class="row">
                        <input type="hidden" name="org_id" value=org_id/>
                        <input type="hidden" name="user_id" value=m.user_id.clone()/>
                        <button type="submit" class="button danger-fill" autofocus data-testid="confirm-remove">{if leaving { "Leave" } else { "Remove member" }}</button>
                        <CancelLink/>
                    </ActionForm>
                </ConfirmDialog>
            })
        }
    };
    view! {
        {confirm_remove}
        <section class="card">
            <FormError error=change_error/>
            <FormError error=remove_error/>
            <table class="table" data-testid="members">
                <thead><tr><th>"Member"</th><th>"Role"</th><th>"Joined"</th><th></th></tr></thead>
                <tbody>
                    {d.members.into_iter().map(|m| {
                        let is_me = m.user_id == me;
                        view! { <MemberLine m org_id=org_id.clone() can_manage is_me actions/> }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        {(!d.invitations.is_empty()).then(move || view! {
            <section class="card">
                <h2>"Pending invitations"</h2>
                <table class="table">
                    <thead><tr><th>"E-mail"</th><th>"Role"</th><th>"Invitation e-mail"</th><th>"Expires"</th><th></th></tr></thead>
                    <tbody>
                        {d.invitations.into_iter().map(|i| { let org_id = org_id.clone(); view! {
                            <tr>
                                <td>
                                    <div>{i.email}</div>
                                    {i.invited_by.map(|by| view! { <small class="muted">"Invited by " {by}</small> })}
                                </td>
                                <td>{i.role.label()}</td>
                                <td>{delivery_label(i.delivery.as_deref())}</td>
                                <td>{datetime(i.expires_at)}</td>
                                <td class="actions">
                                    <ActionForm action=actions.revoke>
                                        <input type="hidden" name="org_id" value=org_id.clone()/>
                                        <input type="hidden" name="invitation_id" value=i.id/>
                                        <button type="submit" class="button link danger">"Withdraw"</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
    }
}

#[component]
fn MemberLine(m: MemberRow, org_id: String, can_manage: bool, is_me: bool, actions: Actions) -> impl IntoView {
    let role = m.role;
    let user_for_remove = m.user_id.clone();
    view! {
        <tr>
            <td>
                <div>{m.display_name.clone()} {is_me.then(|| view! { <span class="pill">"you"</span> })}</div>
                <small class="muted">{m.email.clone()}</small>
            </td>
            <td>
                {if can_manage {
                    view! {
                        <ActionForm action=actions.change attr:class="inline">
                            <input type="hidden" name="org_id" value=org_id.clone()/>
                            <input type="hidden" name="user_id" value=m.user_id.clone()/>
                            <select name="role" aria-label=format!("Role of {}", m.email)>
                                {Role::ALL.iter().map(|r| view! {
                                    <option value=r.as_str() selected=role == *r>{r.label()}</option>
                                }).collect_view()}
                            </select>
                            <button type="submit" class="button small secondary">"Save"</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <span>{m.role.label()}</span> }.into_any()
                }}
            </td>
            <td>{datetime(m.joined_at)}</td>
            <td class="actions">
                {(can_manage || is_me).then(|| view! {
                    <a class="button link danger" href=ask_href("remove", &[("member", &user_for_remove)]) data-testid="remove">
                        {if is_me { "Leave…" } else { "Remove…" }}
                    </a>
                })}
            </td>
        </tr>
    }
}

#[component]
fn InviteForm(org_id: String, action: ServerAction<InviteMember>, typed: Typed) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let asks = move || match error.get() {
        Some(AppError::Confirm(question)) => Some(question),
        _ => None,
    };
    let form = NodeRef::<leptos::html::Form>::new();
    reset_on_success(action, form);
    let chosen = typed.get("role").and_then(|r| r.parse::<Role>().ok()).unwrap_or(Role::Issuer);
    view! {
        <section class="card">
            <h2>"Invite someone"</h2>
            <ActionForm action node_ref=form attr:class="stack" attr:id="invite-form">
                <input type="hidden" name="org_id" value=org_id/>
                <div class="row">
                    <Field form="invite-form" label="E-mail" name="email" error value=typed.or("email", "")
                        input=InputKind { kind: "email", required: true, ..InputKind::default() } class="grow"/>
                    <label><span>"Role"</span>
                        <select name="role">
                            {Role::ALL.iter().map(|r| view! {
                                <option value=r.as_str() selected=*r == chosen>{r.label()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                </div>
                {move || asks().map(|question| view! {
                    <div class="notice notice-warn" role="alert" data-testid="invite-confirm">
                        <p>{question}</p>
                        <label class="check"><input type="checkbox" name="replace" value="true" required/>"Yes, replace the pending invitation"</label>
                    </div>
                })}
                <div><button type="submit" class="button">"Invite"</button></div>
            </ActionForm>
            {move || (asks().is_none()).then(|| view! { <FormProblems error fields=&["email"]/> })}
            {move || action.value().get().and_then(Result::ok).map(|InviteResult { email, emailed }| view! {
                <div class="notice notice-ok" role="status" data-testid="invite-result">
                    <p>{if emailed {
                        format!("Invitation sent to {email}. The link in it works once, for 7 days.")
                    } else {
                        format!("Invitation to {email} created. This server sends no e-mail, so it waits in the Outbox until mail is set up.")
                    }}</p>
                    <p class="muted">"If they already use Laurel, they also find it under their account once signed in."</p>
                </div>
            })}
        </section>
    }
}

/// The invitation e-mail's state, as the pending list shows it. The link
/// itself is never shown here: it belongs to the invited address alone.
fn delivery_label(delivery: Option<&str>) -> &'static str {
    match delivery {
        Some("sent") => "Sent",
        Some("failed") => "Not delivered",
        Some(_) => "Waiting to send",
        None => "—",
    }
}
