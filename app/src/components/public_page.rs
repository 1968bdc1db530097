use leptos::prelude::*;
use leptos_meta::Title;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ErrorView;
use crate::error::AppError;

/// The frame of the pages anyone may open without an account (a
/// credential, a badge): the brand, then `content` once `data` arrives, or
/// a plain "not found" (a real 404) naming `what` could not be found.
pub fn public_page<T, V>(
    title: &'static str,
    what: &'static str,
    data: Resource<Result<T, AppError>>,
    content: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Title text=title/>
        <main class="narrow public-credential">
            <p class="brand brand-large"><span class="brand-mark">"L"</span>"Laurel"</p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let content = content.clone();
                    Suspend::new(async move {
                        match data.await {
                            Ok(value) => content(value).into_any(),
                            Err(AppError::NotFound) => view! { <Unknown what/> }.into_any(),
                            Err(error) => view! { <ErrorView error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </main>
    }
}

#[component]
fn Unknown(what: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_page_status(&AppError::NotFound);
    view! {
        <section class="notice" data-testid="not-found">
            <h1>{format!("{what} not found")}</h1>
            <p>"Nothing has this address. Check the link you were given; if it was copied by hand, a character may be missing."</p>
        </section>
    }
}
