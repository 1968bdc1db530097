//! An issue request body as the API receives it: bytes that may be JSON.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(bytes) else { return };
    laurel_fuzz::check_issue_request(&body);
});
