use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <main class="narrow">
            <section class="notice">
                <h1>"Not found"</h1>
                <p>"There is nothing at this address. It may have moved, or you may not have access to it."</p>
                <p><a class="button" href="/">"Go to your dashboard"</a></p>
            </section>
        </main>
    }
}
