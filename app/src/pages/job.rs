use leptos::prelude::*;
use leptos_meta::Title;

/// Placeholder: being built.
#[component]
pub fn JobPage() -> impl IntoView {
    view! {
        <Title text="Job"/>
        <h1>"Job"</h1>
    }
}
