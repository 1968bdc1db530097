use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use crate::error::AppError;

/// An error as a calm notice that says what to do, titled so the tab says
/// it too. Signing in again is offered when that is the remedy; a missing
/// or forbidden page links back to where the person can go on.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_page_status(&error);
    #[cfg(feature = "hydrate")]
    leptos::logging::warn!("showing an error: {error:?}");
    let path = use_location().pathname.get_untracked();
    let place = Place::of(&path);
    let sign_in = matches!(error, AppError::Unauthenticated(_));
    let (title, message) = match &error {
        AppError::NotFound => (
            format!("{} not found", place.subject),
            format!(
                "There is no {} at this address, or it belongs to an organisation you are not a member of. Check the link, or go back.",
                place.subject.to_lowercase()
            ),
        ),
        AppError::Forbidden(m) => ("Not allowed".to_owned(), m.clone()),
        AppError::Unauthenticated(m) => ("Signed out".to_owned(), m.clone()),
        other => ("Something is not right".to_owned(), other.sentence()),
    };
    let way_back = matches!(error, AppError::NotFound | AppError::Forbidden(_));
    view! {
        <Title text=title.clone()/>
        <section class="notice notice-error" role="alert" data-testid="error">
            <h2>{title}</h2>
            <p>{message}</p>
            {sign_in.then(|| view! { <p><a class="button" href="/login">"Sign in"</a></p> })}
            {way_back.then(|| view! {
                <p class="row">
                    {place.list.map(|(href, label)| view! { <a class="button" href=href data-testid="back">{label}</a> })}
                    <a class="button secondary" href="/" data-testid="home">"Your dashboard"</a>
                </p>
            })}
        </section>
    }
}

/// What a dashboard address points at, for "… not found" and the way back.
struct Place {
    subject: &'static str,
    /// The list the thing would be in: its address and a label.
    list: Option<(String, &'static str)>,
}

impl Place {
    fn of(path: &str) -> Place {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let org = |rest: &str| format!("/{}/{}/{rest}", parts[0], parts[1]);
        match parts.as_slice() {
            ["organizations", _, "credentials", "bulk-issue", _, ..] => {
                Place { subject: "Upload", list: Some((org("credentials/bulk-issue"), "Bulk issue")) }
            }
            ["organizations", _, "credentials", _, ..] => {
                Place { subject: "Credential", list: Some((org("credentials"), "All credentials")) }
            }
            ["organizations", _, "jobs", _, ..] => {
                Place { subject: "Bulk job", list: Some((org("jobs"), "All bulk jobs")) }
            }
            ["organizations", ..] => Place { subject: "Organisation", list: None },
            _ => Place { subject: "Page", list: None },
        }
    }
}

/// The message of an action's last error, if any, for under a form.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.sentence()}</p> })
}
