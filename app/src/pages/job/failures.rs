//! The job's failures: the first rows that failed, with their reasons,
//! kept up to date as the job runs.

use leptos::prelude::*;

use crate::api::types::{JobFailure, JobSnapshot};
use crate::format::thousands;

/// The failures card: the rows listed so far, how many more there are,
/// and the download of them all.
#[component]
pub(super) fn Failures(live: RwSignal<JobSnapshot>, base: String) -> impl IntoView {
    view! {
        <section class="card" id="job-failures-card">
            <div class="job-section-head">
                <h2>"Failures"</h2>
                {move || (live.read().failed > 0).then(|| view! {
                    <a href=format!("{base}/failed.csv") download="failed-rows.csv" id="job-failed-csv">"Download failed rows"</a>
                })}
            </div>
            <ul class="job-failures" id="job-failures">
                <For each=move || live.read().failures.clone() key=|f| f.idx let:f>
                    <Failure f/>
                </For>
            </ul>
            {move || {
                let s = live.read();
                if s.failed == 0 {
                    Some(view! { <p class="muted" id="job-no-failures">"No failures so far."</p> }.into_any())
                } else if s.failed > s.failures.len() as i64 {
                    let more = s.failed - s.failures.len() as i64;
                    Some(view! {
                        <p class="muted">{format!("and {} more: filter the table by “Failed”, or download the failed rows.", thousands(more))}</p>
                    }.into_any())
                } else {
                    None
                }
            }}
        </section>
    }
}

#[component]
fn Failure(f: JobFailure) -> impl IntoView {
    view! {
        <li data-row=f.row.to_string() data-code=f.code.clone().unwrap_or_default()>
            <span class="muted job-row">{format!("Row {}", f.row)}</span>
            <span class="job-who">
                <strong>{if f.name.is_empty() { "(no name)".to_owned() } else { f.name }}</strong>
                " "<span class="muted">{f.email}</span>
            </span>
            <span class="job-reason">{f.message}</span>
        </li>
    }
}

/// The failures known so far plus `fresh`, once each, in file order, at
/// most as many as the page lists.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(super) fn merge_failures(mut known: Vec<JobFailure>, fresh: Vec<JobFailure>) -> Vec<JobFailure> {
    for f in fresh {
        if !known.iter().any(|k| k.idx == f.idx) {
            known.push(f);
        }
    }
    known.sort_by_key(|f| f.idx);
    known.truncate(crate::api::jobs::FAILURES_LISTED);
    known
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(idx: i64) -> JobFailure {
        JobFailure { idx, row: idx + 1, name: "n".into(), email: "e".into(), code: None, message: "m".into() }
    }

    #[test]
    fn failures_merge_once_each_in_file_order() {
        let merged = merge_failures(vec![failure(3), failure(1)], vec![failure(1), failure(0), failure(7)]);
        assert_eq!(merged.iter().map(|f| f.idx).collect::<Vec<_>>(), vec![0, 1, 3, 7]);
    }
}
