use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::Logout;

/// For a signed-in person who belongs to no organisation (yet).
#[component]
pub fn WelcomePage() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <Title text="Welcome"/>
        <main class="narrow">
            <section class="card">
                <h1>"You are not in an organisation yet"</h1>
                <p>"Ask an Owner or Admin of your organisation to invite you. The invitation link brings you straight in."</p>
                <ActionForm action=logout>
                    <button type="submit" class="button secondary">"Sign out"</button>
                </ActionForm>
            </section>
        </main>
    }
}
