use leptos::prelude::*;
use leptos_meta::Title;

/// Placeholder: being built.
#[component]
pub fn JobsPage() -> impl IntoView {
    view! {
        <Title text="Bulk jobs"/>
        <h1>"Bulk jobs"</h1>
    }
}
