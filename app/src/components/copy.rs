//! A secret or link with a Copy button. The button appears once the page
//! is live (it needs the clipboard); before that, and if the clipboard is
//! refused, the text is in a read-only field to select and copy by hand.

use leptos::prelude::*;

#[component]
pub fn CopyField(
    #[prop(into)] value: String,
    /// What it is, for screen readers and the button's title.
    label: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let live = RwSignal::new(false);
    let said = RwSignal::new(None::<&'static str>);
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| live.set(true));
    let copy = {
        let value = value.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            {
                let value = value.clone();
                leptos::task::spawn_local(async move {
                    let clipboard = window().navigator().clipboard();
                    let copied = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&value)).await.is_ok();
                    if !copied && let Some(input) = input.get_untracked() {
                        input.select();
                    }
                    said.set(Some(if copied { "Copied" } else { "Selected: press Ctrl+C to copy" }));
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&value, input);
        }
    };
    view! {
        <div class="copy-field">
            <input class="copy" readonly value=value aria-label=label node_ref=input data-testid=testid/>
            <button type="button" class="button secondary small" hidden=move || !live.get() on:click=copy
                title=format!("Copy the {}", label.to_lowercase()) data-testid="copy">
                {move || said.get().unwrap_or("Copy")}
            </button>
        </div>
    }
}
