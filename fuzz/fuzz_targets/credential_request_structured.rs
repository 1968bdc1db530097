//! An issue request built as JSON from the fuzzer's bytes, its keys and
//! strings mostly taken from the request vocabulary, so the checks past
//! "not JSON" and "unknown credential_type" are reached far more often
//! than with raw bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: laurel_fuzz::JsonRequest| {
    laurel_fuzz::check_issue_request(&body.into_value());
});
