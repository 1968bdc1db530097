use leptos::prelude::*;
use leptos_meta::Title;

/// Placeholder: being built.
#[component]
pub fn OutboxPage() -> impl IntoView {
    view! {
        <Title text="Outbox"/>
        <h1>"Outbox"</h1>
    }
}
