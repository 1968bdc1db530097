use leptos::prelude::*;

use crate::format::{month, thousands};

/// The monthly unique-recipient quota as a bar, so that "how close are we"
/// reads at a glance; the figures are there too for the exact answer.
#[component]
pub fn QuotaMeter(used: i64, limit: i64, #[prop(into)] quota_month: String) -> impl IntoView {
    let pct = if limit > 0 { ((used as f64 / limit as f64) * 100.0).clamp(0.0, 100.0) } else { 100.0 };
    let level = if pct >= 90.0 {
        "high"
    } else if pct >= 70.0 {
        "mid"
    } else {
        "low"
    };
    let left = (limit - used).max(0);
    view! {
        <div class="meter" data-testid="quota">
            <div class="meter-head">
                <span class="meter-title">"Unique recipients · " {month(&quota_month)}</span>
                <span class="meter-figures">
                    <strong>{thousands(used)}</strong>" of "{thousands(limit)}
                </span>
            </div>
            <div
                class=format!("meter-bar meter-{level}")
                role="progressbar"
                aria-label="Unique recipients this month"
                aria-valuemin="0"
                aria-valuemax=limit.to_string()
                aria-valuenow=used.to_string()
            >
                <span style=format!("width: {pct:.1}%")></span>
            </div>
            <p class="meter-foot">{thousands(left)}" left this month. Each recipient counts once a month, whatever they receive."</p>
        </div>
    }
}
