use leptos::prelude::*;
use leptos_meta::Title;

use super::account::Invitations;
use crate::api::account::get_account_page;
use crate::api::auth::Logout;
use crate::api::invitations::DeclineMyInvitation;
use crate::components::form::action;
use crate::components::loaded;

/// For a signed-in person who belongs to no organisation (yet): the
/// invitations addressed to them, if any.
#[component]
pub fn WelcomePage() -> impl IntoView {
    let logout = action::<Logout>();
    let decline = action::<DeclineMyInvitation>();
    let data = Resource::new(move || decline.version().get(), |_| get_account_page());
    view! {
        <Title text="Welcome"/>
        <main class="narrow">
            <section class="card">
                <h1>"You are not in an organisation yet"</h1>
                <p>"Ask an Owner or Admin of your organisation to invite you. Their invitation arrives by e-mail, and shows here too."</p>
                <p><a href="/account">"Your account"</a></p>
                <ActionForm action=logout>
                    <button type="submit" class="button secondary">"Sign out"</button>
                </ActionForm>
            </section>
            {loaded(data, move |d| view! { <Invitations invitations=d.invitations decline/> })}
        </main>
    }
}
