use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::invitations::{AcceptInvitation, get_invitation};
use crate::components::ErrorView;
use crate::components::error_view::FormError;
use crate::components::form::action;

/// Where an invitation link lands: join with a new account, or as the
/// account you are signed in with.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let details = Resource::new(token, get_invitation);
    let accept = action::<AcceptInvitation>();
    let error = Signal::derive(move || accept.value().get().and_then(Result::err));
    view! {
        <Title text="Invitation"/>
        <main class="auth">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let inv = match details.await {
                        Ok(inv) => inv,
                        Err(error) => return view! { <ErrorView error/> }.into_any(),
                    };
                    let same_person = inv.signed_in_as.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&inv.email));
                    view! {
                        <section class="card auth-card">
                            <h1>{format!("Join {}", inv.org_name)}</h1>
                            <p>"You are invited as " <strong>{inv.role.label()}</strong> " with " <strong>{inv.email.clone()}</strong> "."</p>
                            <ActionForm action=accept attr:class="stack">
                                <input type="hidden" name="token" value=token()/>
                                {if same_person {
                                    view! { <button type="submit" class="button">"Accept and join"</button> }.into_any()
                                } else if inv.has_account {
                                    view! {
                                        <p>"You already have an account. "
                                            <a href=format!("/login?next=/invitations/{}", token())>"Sign in"</a>
                                            " as " {inv.email.clone()} " to accept."</p>
                                    }.into_any()
                                } else {
                                    view! {
                                        <label><span>"Your name"</span><input name="name" required autocomplete="name"/></label>
                                        <label><span>"Choose a password"</span>
                                            <input type="password" name="password" required minlength="10" autocomplete="new-password"/>
                                            <small>"At least 10 characters."</small>
                                        </label>
                                        <button type="submit" class="button">"Create account and join"</button>
                                    }.into_any()
                                }}
                                <FormError error/>
                            </ActionForm>
                        </section>
                    }.into_any()
                })}
            </Suspense>
        </main>
    }
}
