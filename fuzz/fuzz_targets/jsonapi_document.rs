//! A JSON:API request document as the Identity API's create and update
//! handlers read it, for each of their resource types, under a media type
//! picked by the first byte.

#![no_main]

use axum::response::IntoResponse;
use issuance::identity::sessions;
use laurel::rest::identity::jsonapi::{self, Data, JsonApiResult};
use laurel::rest::identity::{accounts, documents};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const MEDIA_TYPES: [Option<&str>; 7] = [
    Some("application/vnd.api+json"),
    Some("application/json"),
    Some("application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\""),
    Some("application/vnd.api+json; charset=utf-8"),
    Some("application/json; charset=utf-8"),
    Some("text/plain"),
    None,
];

fuzz_target!(|input: &[u8]| {
    let Some((&pick, body)) = input.split_first() else { return };
    let content_type = MEDIA_TYPES[usize::from(pick & 0x0f) % MEDIA_TYPES.len()];
    match pick >> 4 {
        0..=3 => {
            let _ = check(jsonapi::parse_document::<accounts::Attributes>(body, content_type, &["account"]));
        }
        4..=7 => {
            if let Ok(data) = check(jsonapi::parse_document::<sessions::Attributes>(body, content_type, &["session"])) {
                let _ = data.attributes.check("2026-06-01");
            }
        }
        8..=11 => {
            let types = ["document/idv", "document/address"];
            let _ = check(jsonapi::parse_document::<documents::Attributes>(body, content_type, &types));
        }
        _ => {
            if let Ok(data) = check(jsonapi::parse_document::<Value>(body, content_type, &["verification/idv"])) {
                let _ = jsonapi::required(&data.relationships, "document", "a verification checks a document");
            }
        }
    }
});

/// A document is either read, with a `type` the handler asked for, or
/// refused with a client error whose body is a JSON:API error document.
fn check<T>(result: JsonApiResult<Data<T>>) -> Result<Data<T>, ()> {
    match result {
        Ok(data) => {
            let _ = jsonapi::related(&data.relationships, "session");
            assert!(!data.kind.is_empty());
            Ok(data)
        }
        Err(e) => {
            let response = e.into_response();
            let status = response.status();
            assert!(status.is_client_error(), "{status}");
            let body = futures::executor::block_on(axum::body::to_bytes(response.into_body(), usize::MAX)).unwrap();
            let doc: Value = serde_json::from_slice(&body).expect("an error document is JSON");
            let errors = doc["errors"].as_array().expect("an error document has `errors`");
            assert!(!errors.is_empty(), "{doc}");
            assert!(errors.iter().all(|e| e["detail"].as_str().is_some_and(|d| !d.is_empty())), "{doc}");
            Err(())
        }
    }
}
