use leptos::prelude::*;
use leptos_meta::Title;

/// Placeholder: being built.
#[component]
pub fn PublicCredentialPage() -> impl IntoView {
    view! {
        <Title text="Credential"/>
        <h1>"Credential"</h1>
    }
}
