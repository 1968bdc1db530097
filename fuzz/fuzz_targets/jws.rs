//! A compact JWS as a verifier is handed it: any text. What decodes is
//! checked against a fixed P-256 key, and against the key of a `jwk`
//! member in its header if it has one.

#![no_main]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use issuance::jws::{self, SignatureCheck};
use issuance::{did, keys::PublicJwk};
use libfuzzer_sys::fuzz_target;
use p256::ecdsa::Signature;

fuzz_target!(|bytes: &[u8]| {
    let token = String::from_utf8_lossy(bytes);
    let decoded = match jws::decode(&token) {
        Ok(d) => d,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    assert_eq!(decoded.token().split('.').count(), 3);
    assert!(decoded.header.is_object() && decoded.payload.is_object());
    let _ = decoded.alg();
    if let Some((did, org, key)) = decoded.kid().and_then(did::parse_key_url) {
        assert!(did.starts_with("did:web:") && !org.is_empty() && !key.is_empty());
        assert_eq!(format!("{did}#{key}"), decoded.kid().unwrap_or_default());
    }

    let key = laurel_fuzz::jws_key();
    let verdict = decoded.check_signature(key.verifying_key());
    // ECDSA's malleability, both ways: a signature that checks has a twin
    // (r, n - s) that checks in the other form, and only that.
    if verdict != SignatureCheck::Invalid {
        let (input, sig) = decoded.token().rsplit_once('.').expect("three parts");
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(sig).expect("decoded once")).expect("checked");
        let (r, s) = signature.split_scalars();
        let twin = Signature::from_scalars(r, -*s).expect("n - s is a scalar too");
        let twin = format!("{input}.{}", URL_SAFE_NO_PAD.encode(twin.to_bytes()));
        let expected = match verdict {
            SignatureCheck::Valid => SignatureCheck::ValidHighS,
            _ => SignatureCheck::Valid,
        };
        assert_eq!(jws::decode(&twin).expect("the twin decodes").check_signature(key.verifying_key()), expected);
    }

    // A key the token brings itself: the JWK path verifiers take for a
    // DID document's key.
    if let Some(jwk) = decoded.header.get("jwk").and_then(|j| serde_json::from_value::<PublicJwk>(j.clone()).ok())
        && let Some(their_key) = jwk.verifying_key()
    {
        let _ = decoded.check_signature(&their_key);
    }
});
