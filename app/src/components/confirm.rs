//! Confirmation before anything final or disruptive. The dialog is part
//! of the page whenever the URL says `?confirm=<what>`: the button that
//! asks is a link to that address, so it works before the wasm loads (a
//! confirm page) and, hydrated, opens without a reload; Cancel is a link
//! back. Nothing happens until the dialog's own form is sent.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// Whether the URL asks to confirm `what`.
pub fn confirming(what: &'static str) -> Memo<bool> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("confirm").as_deref() == Some(what))
}

/// The current page's address with `?confirm=<what>` (and `extra` query
/// pairs, e.g. which member), for the link that asks.
pub fn ask_href(what: &str, extra: &[(&str, &str)]) -> String {
    let path = use_location().pathname.get_untracked();
    let mut href = format!("{path}?confirm={what}");
    for (k, v) in extra {
        href.push_str(&format!("&{k}={}", crate::format::urlencode(v)));
    }
    href
}

/// The current page's address without the dialog, for Cancel.
pub fn back_href() -> String {
    use_location().pathname.get_untracked()
}

/// The dialog itself: `title` says what will happen, `children` say to
/// what and how many, and hold the form that does it.
#[component]
pub fn ConfirmDialog(#[prop(into)] title: String, children: Children) -> impl IntoView {
    view! {
        <div class="dialog-backdrop">
            <dialog open class="dialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="confirm">
                <h2 id="confirm-title">{title}</h2>
                {children()}
            </dialog>
        </div>
    }
}

/// Cancel: back to the page, nothing done.
#[component]
pub fn CancelLink() -> impl IntoView {
    view! { <a class="button secondary" href=back_href() data-testid="confirm-cancel">"Cancel"</a> }
}
