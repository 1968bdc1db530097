//! Laurel's dashboard: server-rendered Leptos pages that hydrate in the
//! browser, and the server functions behind them.

// Deeply nested views make deep types when components are not erased
// (release builds).
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod format;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::pages::{
    account::AccountPage,
    activity::ActivityPage,
    badges::BadgesPage,
    bulk_issue::BulkIssuePage,
    bulk_review::BulkReviewPage,
    credential::CredentialPage,
    credentials::CredentialsPage,
    email::EmailPage,
    home::HomePage,
    identity::{IdentityPage, IdentitySessionPage},
    invitation::InvitationPage,
    job::JobPage,
    jobs::JobsPage,
    login::LoginPage,
    members::MembersPage,
    not_found::NotFound,
    org_frame::OrgFrame,
    outbox::OutboxPage,
    overview::OverviewPage,
    plan::PlanPage,
    public_badge::PublicBadgePage,
    public_credential::PublicCredentialPage,
    settings::SettingsPage,
    streams::StreamsPage,
    welcome::WelcomePage,
};

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::note_page_nonce();
    // A failed plain form post's values and error, for the hydrating page
    // to start from what the server rendered (see `components::form`).
    #[cfg(feature = "ssr")]
    let echo = ssr::form_echo().and_then(|e| serde_json::to_string(&e).ok());
    #[cfg(not(feature = "ssr"))]
    let echo: Option<String> = None;
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body data-echo=echo>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    components::form::provide_echo(ssr::form_echo());
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    components::form::provide_echo(
        document().body().and_then(|b| b.get_attribute("data-echo")).and_then(|json| serde_json::from_str(&json).ok()),
    );
    // Pages render whole before the response starts (`SsrMode::Async`) so
    // that a 404 or a redirect decided by data reaches the status line.
    view! {
        <Stylesheet id="leptos" href="/pkg/laurel.css"/>
        <Title formatter=|text: String| if text.is_empty() { "Laurel".to_owned() } else { format!("{text} · Laurel") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/welcome") view=WelcomePage ssr=SsrMode::Async/>
                <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/invitations/:token") view=InvitationPage ssr=SsrMode::Async/>
                <Route path=path!("/credentials/:credential_id") view=PublicCredentialPage ssr=SsrMode::Async/>
                <Route path=path!("/badges/:badge_id") view=PublicBadgePage ssr=SsrMode::Async/>
                <ParentRoute path=path!("/organizations/:org_id") view=OrgFrame ssr=SsrMode::Async>
                    <Route path=path!("") view=OverviewPage/>
                    <Route path=path!("members") view=MembersPage/>
                    // Longest first: the client router takes the first route that matches.
                    <Route path=path!("credentials/bulk-issue/:upload_id") view=BulkReviewPage/>
                    <Route path=path!("credentials/bulk-issue") view=BulkIssuePage/>
                    <Route path=path!("credentials/:credential_id") view=CredentialPage/>
                    <Route path=path!("credentials") view=CredentialsPage/>
                    <Route path=path!("jobs/:job_id") view=JobPage/>
                    <Route path=path!("jobs") view=JobsPage/>
                    <Route path=path!("outbox") view=OutboxPage/>
                    <Route path=path!("email") view=EmailPage/>
                    <Route path=path!("identity/sessions/:session_id") view=IdentitySessionPage/>
                    <Route path=path!("identity") view=IdentityPage/>
                    <Route path=path!("plan") view=PlanPage/>
                    <Route path=path!("streams") view=StreamsPage/>
                    <Route path=path!("activity") view=ActivityPage/>
                    <Route path=path!("badges") view=BadgesPage/>
                    <Route path=path!("settings") view=SettingsPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // Lets tests (and curious people) tell a live page from a static one.
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}
