//! How numbers and times read on the page.

use time::OffsetDateTime;

/// `1234567` as `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A unix time as `2026-11-22 14:03 UTC`.
pub fn datetime(unix: i64) -> String {
    match OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => {
            format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
        }
        Err(_) => String::new(),
    }
}

/// `2026-11` as `November 2026`.
pub fn month(ym: &str) -> String {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match ym.split_once('-').and_then(|(y, m)| Some((y, m.parse::<usize>().ok()?))) {
        Some((y, m)) if (1..=12).contains(&m) => format!("{} {y}", NAMES[m - 1]),
        _ => ym.to_owned(),
    }
}

/// Percent-encodes a query-string value (RFC 3986 unreserved kept).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where a page loads a badge's image from: Laurel's own copy (an upload,
/// or the default every badge has) by path, so it loads from whichever
/// origin serves the page; another site's image by its URL.
pub fn badge_image_src(badge_id: &str, image_url: Option<&str>) -> String {
    let own = format!("/badges/{badge_id}/image.png");
    match image_url {
        Some(url) if !url.ends_with(&own) => url.to_owned(),
        _ => own,
    }
}

/// Seconds as `42 s`, `3 min 5 s` or `2 h 4 min`.
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

/// `n` as a percentage of `of`, within 0 to 100 (0 of nothing).
pub fn pct(n: i64, of: i64) -> f64 {
    if of <= 0 { 0.0 } else { (n as f64 * 100.0 / of as f64).clamp(0.0, 100.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_times_and_months() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(4880), "4,880");
        assert_eq!(thousands(100000), "100,000");
        assert_eq!(thousands(-1234567), "-1,234,567");
        assert_eq!(datetime(0), "1970-01-01 00:00 UTC");
        assert_eq!(month("2026-11"), "November 2026");
        assert_eq!(urlencode("a b&c=é"), "a%20b%26c%3D%C3%A9");
    }

    #[test]
    fn durations_and_shares_read_plainly() {
        assert_eq!(duration(42), "42 s");
        assert_eq!(duration(185), "3 min 5 s");
        assert_eq!(duration(7440), "2 h 4 min");
        assert_eq!(pct(1, 4), 25.0);
        assert_eq!(pct(1, 0), 0.0);
    }
}
