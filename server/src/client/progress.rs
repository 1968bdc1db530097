//! How a long wait shows: a bar (processed / total, rate, time left) when
//! standard error is a terminal; in a log or a pipe, a plain line every few
//! seconds instead, with no carriage returns to garble the file.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

const LINE_EVERY: Duration = Duration::from_secs(5);

pub enum Progress {
    Bar(ProgressBar),
    Lines { started: Instant, last: Option<Instant>, total: u64 },
}

impl Progress {
    pub fn new(total: u64) -> Progress {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:30.green/dim} {pos}/{len} issued or failed · {per_sec} · {eta} left",
                )
                .expect("a valid template")
                .progress_chars("█▉▊▋▌▍▎▏ "),
            );
            Progress::Bar(bar)
        } else {
            Progress::Lines { started: Instant::now(), last: None, total }
        }
    }

    /// `processed` of the total are done.
    pub fn show(&mut self, processed: u64) {
        match self {
            Progress::Bar(bar) => bar.set_position(processed),
            Progress::Lines { started, last, total } => {
                if last.is_some_and(|at| at.elapsed() < LINE_EVERY) && processed < *total {
                    return;
                }
                *last = Some(Instant::now());
                eprintln!("{}", line(processed, *total, started.elapsed()));
            }
        }
    }

    pub fn finish(self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// `processed 5,000/12,000 (41%) · 1,234/s · about 6 s left`.
fn line(processed: u64, total: u64, elapsed: Duration) -> String {
    let percent = (processed * 100).checked_div(total).unwrap_or(100);
    let rate = processed as f64 / elapsed.as_secs_f64().max(0.001);
    let left = if processed >= total || rate < 0.5 {
        String::new()
    } else {
        format!(" · about {:.0} s left", (total - processed) as f64 / rate)
    };
    format!("processed {processed}/{total} ({percent}%) · {rate:.0}/s{left}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_says_how_far_how_fast_and_how_long_is_left() {
        assert_eq!(line(500, 2000, Duration::from_secs(1)), "processed 500/2000 (25%) · 500/s · about 3 s left");
        assert_eq!(line(2000, 2000, Duration::from_secs(4)), "processed 2000/2000 (100%) · 500/s");
    }
}
