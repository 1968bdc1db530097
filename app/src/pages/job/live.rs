//! Following a running job once the page is hydrated: its server-sent
//! events applied to the page's snapshot.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use super::failures::merge_failures;
#[cfg(feature = "hydrate")]
use crate::api::types::JobSnapshot;

/// Opens the job's event stream and applies every snapshot to `live`;
/// closes it when the job finishes (or the page goes away). Bumps
/// `rows_stale` every [`ROWS_EVERY`] snapshots and at the end, so the rows
/// table follows too.
#[cfg(feature = "hydrate")]
pub(super) fn follow(url: &str, live: RwSignal<JobSnapshot>, rows_stale: RwSignal<u32>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Ok(source) = web_sys::EventSource::new(url) else {
        return;
    };
    let on_snapshot = {
        let source = source.clone();
        let mut seen = 0u32;
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            let Ok(mut next) = serde_json::from_str::<JobSnapshot>(&text) else {
                leptos::logging::warn!("job events: not a snapshot: {text}");
                return;
            };
            let over = next.status.is_finished();
            let fresh = std::mem::take(&mut next.failures);
            live.try_update(move |current| {
                next.failures = merge_failures(std::mem::take(&mut current.failures), fresh);
                *current = next;
            });
            seen += 1;
            if over {
                source.close();
            }
            if over || seen.is_multiple_of(ROWS_EVERY) {
                rows_stale.try_update(|n| *n += 1);
            }
        })
    };
    let _ = source.add_event_listener_with_callback("snapshot", on_snapshot.as_ref().unchecked_ref());
    let held = StoredValue::new_local((source, on_snapshot));
    on_cleanup(move || {
        held.try_with_value(|(source, _)| source.close());
    });
}

/// Snapshots between reloads of the rows table: about two seconds while
/// the job moves (the server checks every 200 ms).
#[cfg(feature = "hydrate")]
const ROWS_EVERY: u32 = 10;
