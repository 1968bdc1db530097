//! A delivery-status notification or feedback report as the relay posts
//! it: any bytes.

#![no_main]

use issuance::outbox::bounce::{self, Report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // libfuzzer-sys's hook aborts on any panic, even one that `parse`
        // catches and answers as an error (mail-parser's debug assertions);
        // the default hook only prints. A panic that escapes still aborts,
        // as libfuzzer-sys's wrapper aborts on any unwind that reaches it.
        drop(std::panic::take_hook());
    },
    |raw: &[u8]| {
        match bounce::parse(raw) {
            Ok(Report::Bounces(failures)) => {
                for f in &failures {
                    // The id is matched against outbox ids: never with its brackets or host.
                    assert!(!f.message_id.contains('@'), "{f:?}");
                    assert!(!f.reason().is_empty());
                }
            }
            Ok(Report::Complaint(c)) => assert!(!c.message_id.contains('@'), "{c:?}"),
            Err(e) => assert!(!e.is_empty()),
        }
    }
);
