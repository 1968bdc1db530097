//! An ID document's side as uploaded: any bytes, claimed to be a PNG, a
//! JPEG or a WebP (the first byte picks which, and the side).

#![no_main]

use issuance::identity::checks::image;
use libfuzzer_sys::fuzz_target;
use model::{CheckName, CheckStatus};

const CONTENT_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/webp", "application/pdf"];

fuzz_target!(|input: &[u8]| {
    let Some((&pick, bytes)) = input.split_first() else { return };
    let side = if pick & 0x80 == 0 { "front" } else { "back" };
    let content_type = CONTENT_TYPES[usize::from(pick & 0x7f) % CONTENT_TYPES.len()];
    let checks = image::checks(side, Some(content_type), Some(bytes));
    let names: Vec<CheckName> = checks.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [CheckName::ImageReadable, CheckName::ImageResolution, CheckName::ImageSharpness, CheckName::ImageExposure]
    );
    for c in &checks {
        if c.status != CheckStatus::Passed {
            assert!(!c.reasons.is_empty() && c.reasons.iter().all(|r| !r.is_empty()), "{c:?}");
        }
        // Measures are numbers a person can read, never NaN (JSON null).
        for key in ["laplacian_variance", "mean", "dark_share", "bright_share"] {
            if let Some(v) = c.details.get(key) {
                assert!(v.as_f64().is_some_and(f64::is_finite), "{key} = {v} in {c:?}");
            }
        }
    }
    if checks[0].status != CheckStatus::Passed {
        assert!(checks[1..].iter().all(|c| c.status == CheckStatus::NotApplicable));
    }
});
