use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::account::{ChangePassword, get_account_page};
use crate::api::auth::Logout;
use crate::api::invitations::{AcceptMyInvitation, DeclineMyInvitation};
use crate::api::types::{AccountPage as Data, InvitationForYouRow};
use crate::components::error_view::FormError;
use crate::components::form::action;
use crate::components::loaded;
use crate::format::datetime;

/// The signed-in person's own page: invitations addressed to them (no link
/// needed: signing in as the address is the proof) and their password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let decline = action::<DeclineMyInvitation>();
    let change = action::<ChangePassword>();
    let data = Resource::new(move || decline.version().get(), |_| get_account_page());
    let logout = action::<Logout>();
    view! {
        <Title text="Your account"/>
        <header class="topbar">
            <a class="brand" href="/"><span class="brand-mark">"L"</span>"Laurel"</a>
            <div class="user">
                <ActionForm action=logout>
                    <button type="submit" class="button link">"Sign out"</button>
                </ActionForm>
            </div>
        </header>
        <main class="narrow">
            <h1>"Your account"</h1>
            {loaded(data, move |d| view! { <Account d decline change/> })}
        </main>
    }
}

#[component]
fn Account(d: Data, decline: ServerAction<DeclineMyInvitation>, change: ServerAction<ChangePassword>) -> impl IntoView {
    view! {
        <p class="muted">"Signed in as " <strong>{d.me.email.clone()}</strong> " (" {d.me.display_name.clone()} ")."</p>
        <Invitations invitations=d.invitations decline/>
        <PasswordForm change/>
    }
}

/// The invitations addressed to the signed-in person; also on the welcome page.
#[component]
pub fn Invitations(invitations: Vec<InvitationForYouRow>, decline: ServerAction<DeclineMyInvitation>) -> impl IntoView {
    let accept = action::<AcceptMyInvitation>();
    let accept_error = Signal::derive(move || accept.value().get().and_then(Result::err));
    let decline_error = Signal::derive(move || decline.value().get().and_then(Result::err));
    view! {
        <section class="card" data-testid="my-invitations">
            <h2>"Invitations for you"</h2>
            {if invitations.is_empty() {
                view! { <p class="muted">"No open invitations."</p> }.into_any()
            } else {
                view! {
                    <ul class="invitation-list">
                        {invitations.into_iter().map(|i| { let (accept_id, decline_id) = (i.id.clone(), i.id.clone()); view! {
                            <li>
                                <div>
                                    <strong>{i.org_name.clone()}</strong> " invites you as " <strong>{i.role.label()}</strong>
                                    <small class="muted">
                                        {i.invited_by.clone().map(|by| format!("From {by}. ")).unwrap_or_default()}
                                        "Open until " {datetime(i.expires_at)}
                                    </small>
                                </div>
                                <div class="row">
                                    <ActionForm action=accept>
                                        <input type="hidden" name="invitation_id" value=accept_id/>
                                        <button type="submit" class="button small">"Accept and join"</button>
                                    </ActionForm>
                                    <ActionForm action=decline>
                                        <input type="hidden" name="invitation_id" value=decline_id/>
                                        <button type="submit" class="button small secondary">"Decline"</button>
                                    </ActionForm>
                                </div>
                            </li>
                        }}).collect_view()}
                    </ul>
                }.into_any()
            }}
            <FormError error=accept_error/>
            <FormError error=decline_error/>
        </section>
    }
}

#[component]
fn PasswordForm(change: ServerAction<ChangePassword>) -> impl IntoView {
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let done = move || change.value().get().is_some_and(|r| r.is_ok());
    view! {
        <section class="card">
            <h2>"Change password"</h2>
            <ActionForm action=change attr:class="stack" attr:id="password-form">
                <label><span>"Current password"</span>
                    <input type="password" name="current_password" required autocomplete="current-password"/>
                </label>
                <label><span>"New password"</span>
                    <input type="password" name="new_password" required minlength="10" autocomplete="new-password"/>
                    <small>"At least 10 characters. Your other sessions end when you change it."</small>
                </label>
                <FormError error/>
                <button type="submit" class="button">"Change password"</button>
            </ActionForm>
            {move || done().then(|| view! {
                <p class="notice notice-ok" role="status">"Password changed. Every other session of your account has ended."</p>
            })}
        </section>
    }
}
