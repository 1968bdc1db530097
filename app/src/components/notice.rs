//! The success message after an action: the server function redirects to
//! its page with `?notice=<name>`, so the same message shows after a plain
//! form post and after a hydrated one, and only [`Notice`]'s sentences
//! can ever appear.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use model::Notice;

#[component]
pub fn NoticeBanner() -> impl IntoView {
    let query = use_query_map();
    move || {
        query.read().get("notice").and_then(|n| n.parse::<Notice>().ok()).map(|n| {
            view! { <p class="notice notice-ok flash" role="status" data-testid="notice" data-notice=n.as_str()>{n.message()}</p> }
        })
    }
}
