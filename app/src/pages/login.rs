use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::Login;
use crate::components::error_view::FormError;
use crate::components::form::form_action;

/// The sign-in form. It is a plain HTML form posting to the server, so it
/// works before the page's JavaScript has loaded, or without it.
#[component]
pub fn LoginPage() -> impl IntoView {
    let (login, typed) = form_action::<Login>();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    view! {
        <Title text="Sign in"/>
        <main class="auth">
            <section class="card auth-card">
                <div class="brand brand-large"><span class="brand-mark">"L"</span>"Laurel"</div>
                <h1>"Sign in"</h1>
                <ActionForm action=login attr:class="stack" attr:id="login-form">
                    <input type="hidden" name="next" value=next/>
                    <label>
                        <span>"E-mail"</span>
                        <input type="email" name="email" autocomplete="username" required autofocus value=typed.or("email", "")/>
                    </label>
                    <label>
                        <span>"Password"</span>
                        <input type="password" name="password" autocomplete="current-password" required/>
                    </label>
                    <FormError error/>
                    <button type="submit" class="button" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
