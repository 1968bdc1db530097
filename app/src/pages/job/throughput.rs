//! The job's throughput chart.

use leptos::prelude::*;

use crate::api::types::ThroughputView;
use crate::components::chart::Bars;

/// Credentials issued per interval since the job started: a stall, or
/// the org's rate cap at work, shows as a shape.
#[component]
pub(super) fn Throughput(t: ThroughputView) -> impl IntoView {
    let interval = t.interval_secs;
    let points: Vec<(String, i64)> =
        t.counts.iter().enumerate().map(|(i, n)| (format!("+{}", clock_offset(i as i64 * interval)), *n)).collect();
    // One bar says no more than the counts above it.
    (points.len() > 1 && points.iter().any(|(_, n)| *n > 0)).then(|| {
        let caption =
            format!("Credentials issued per {}", if interval == 1 { "second".into() } else { format!("{interval} s") });
        view! {
            <section class="card">
                <h2>"Throughput"</h2>
                <Bars points caption testid="job-throughput" key="Time since start"/>
            </section>
        }
    })
}

/// `75` as `1:15`.
fn clock_offset(secs: i64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}
