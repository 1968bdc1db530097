//! The `mrz` attribute of a document, as any text, read as the zone of
//! each ID class.

#![no_main]

use issuance::identity::checks::mrz;
use libfuzzer_sys::fuzz_target;
use model::{CheckName, CheckStatus, IdClass};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    for &class in IdClass::ALL {
        let (checks, zone) = mrz::checks(class, Some(text));
        let names: Vec<CheckName> = checks.iter().map(|c| c.name).collect();
        assert_eq!(names, [CheckName::MrzFormat, CheckName::MrzCheckDigits]);
        for c in &checks {
            if c.status != CheckStatus::Passed {
                assert!(!c.reasons.is_empty() && c.reasons.iter().all(|r| !r.is_empty()), "{c:?}");
            }
        }
        if let Some(zone) = zone {
            assert!(["TD1", "TD2", "TD3"].contains(&zone.format));
            for date in [&zone.person.birthdate, &zone.expires_on].into_iter().flatten() {
                assert_eq!(date.len(), 10, "{date}");
            }
        } else {
            assert_ne!(checks[0].status, CheckStatus::Passed);
        }
    }
});
