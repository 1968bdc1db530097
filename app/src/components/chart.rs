//! Charts drawn on the server as SVG: readable before (and without) the
//! wasm, nothing loaded from elsewhere, and the same numbers in a table for
//! screen readers.

use leptos::prelude::*;

use crate::format::thousands;

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 160.0;

/// A bar per point: `(label, count)` in order, such as a day
/// (`YYYY-MM-DD`) or a time into a job; `key` heads the labels' column in
/// the table for screen readers.
#[component]
pub fn Bars(
    #[prop(name = "points")] days: Vec<(String, i64)>,
    #[prop(into)] caption: String,
    testid: &'static str,
    key: &'static str,
) -> impl IntoView {
    let max = days.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let total: i64 = days.iter().map(|(_, n)| n).sum();
    let step = WIDTH / days.len().max(1) as f64;
    let bar = (step * 0.8).max(1.0);
    let label_at = |i: usize| days.get(i).map(|(d, _)| d.clone()).unwrap_or_default();
    let (first, middle, last) = (label_at(0), label_at(days.len() / 2), label_at(days.len().saturating_sub(1)));
    view! {
        <figure class="chart" data-testid=testid data-total=total.to_string()>
            <svg viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 22.0) role="img" aria-label=format!("{caption}: {} in all", thousands(total))>
                <line x1="0" y1=HEIGHT.to_string() x2=WIDTH.to_string() y2=HEIGHT.to_string() class="chart-axis"/>
                {days.iter().enumerate().map(|(i, (day, n))| {
                    let h = (*n as f64 / max as f64) * (HEIGHT - 10.0);
                    view! {
                        <rect class="chart-bar" x=format!("{:.1}", i as f64 * step) y=format!("{:.1}", HEIGHT - h)
                            width=format!("{bar:.1}") height=format!("{h:.1}")>
                            <title>{format!("{day}: {}", thousands(*n))}</title>
                        </rect>
                    }
                }).collect_view()}
                <text x="0" y=(HEIGHT + 16.0).to_string() class="chart-label">{first}</text>
                <text x=(WIDTH / 2.0).to_string() y=(HEIGHT + 16.0).to_string() class="chart-label" text-anchor="middle">{middle}</text>
                <text x=WIDTH.to_string() y=(HEIGHT + 16.0).to_string() class="chart-label" text-anchor="end">{last}</text>
                <text x="4" y="12" class="chart-label">{format!("max {}", thousands(max))}</text>
            </svg>
            <figcaption>{format!("{caption}: {} in all", thousands(total))}</figcaption>
            // A table will not shrink to 1 px itself: its box does.
            <div class="visually-hidden"><table>
                <caption>{caption.clone()}</caption>
                <thead><tr><th>{key}</th><th>"Count"</th></tr></thead>
                <tbody>
                    {days.into_iter().map(|(d, n)| view! { <tr><td>{d}</td><td>{n}</td></tr> }).collect_view()}
                </tbody>
            </table></div>
        </figure>
    }
}
