use leptos::prelude::*;

use crate::error::AppError;

/// An error as a calm notice that says what to do. Signing in again is
/// offered when that is the remedy.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_page_status(&error);
    #[cfg(feature = "hydrate")]
    leptos::logging::warn!("showing an error: {error:?}");
    let sign_in = matches!(error, AppError::Unauthenticated(_));
    let title = match &error {
        AppError::NotFound => "Not found",
        AppError::Forbidden(_) => "Not allowed",
        AppError::Unauthenticated(_) => "Signed out",
        _ => "Something is not right",
    };
    view! {
        <section class="notice notice-error" role="alert">
            <h2>{title}</h2>
            <p>{error.to_string()}</p>
            {sign_in.then(|| view! { <p><a class="button" href="/login">"Sign in"</a></p> })}
        </section>
    }
}

/// The message of an action's last error, if any, for under a form.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
}
