use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ErrorView;
use crate::error::AppError;

/// What every page does with its data: "Loading…" until it arrives, the
/// error notice if it fails, `content` once it is there. A `Transition`,
/// so a refetch keeps the old content on screen instead of flashing.
pub fn loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    content: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let content = content.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => content(value).into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// Like [`loaded`], but shows nothing when `data` fails: for a second part
/// of a page whose first part already says what went wrong.
pub fn loaded_or_nothing<T, V>(
    data: Resource<Result<T, AppError>>,
    content: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| ()>
            {move || {
                let content = content.clone();
                Suspend::new(async move { data.await.ok().map(|value| content(value).into_any()) })
            }}
        </Transition>
    }
}
