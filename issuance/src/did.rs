//! `did:web` identifiers and documents for organisations (DID Web method,
//! W3C CCG): each org is `did:web:<host>%3A<port>:organizations:<org id>`,
//! resolved at `<base>/organizations/<org id>/did.json`.

use serde_json::{Value, json};

use crate::keys::PublicJwk;

/// The org's DID under the deployment's public base URL.
pub fn org_did(public_url: &str, org_id: &str) -> String {
    let without_scheme = public_url.split_once("://").map_or(public_url, |(_, rest)| rest);
    let mut segments = without_scheme.trim_end_matches('/').split('/');
    let host = segments.next().unwrap_or_default().replace(':', "%3A");
    let mut did = format!("did:web:{host}");
    for segment in segments.filter(|s| !s.is_empty()) {
        did.push(':');
        did.push_str(segment);
    }
    did.push_str(":organizations:");
    did.push_str(org_id);
    did
}

/// The verification method id: an absolute DID URL, as JWS `kid` carries it.
pub fn key_url(did: &str, key_id: &str) -> String {
    format!("{did}#{key_id}")
}

/// Splits `did:web:…:organizations:<org>#<key>` into the org id and key id.
pub fn parse_key_url(kid: &str) -> Option<(&str, &str, &str)> {
    let (did, key_id) = kid.split_once('#')?;
    let org_id = did.strip_prefix("did:web:")?.rsplit_once(":organizations:")?.1;
    (!org_id.is_empty() && !key_id.is_empty() && !org_id.contains(':')).then_some((did, org_id, key_id))
}

/// The DID document: every key the org has had, current and retired, so
/// that credentials signed before a rotation still verify.
pub fn document(did: &str, keys: &[(String, PublicJwk)]) -> Value {
    let methods: Vec<Value> = keys
        .iter()
        .map(|(key_id, jwk)| {
            json!({
                "id": key_url(did, key_id),
                "type": "JsonWebKey2020",
                "controller": did,
                "publicKeyJwk": jwk,
            })
        })
        .collect();
    let ids: Vec<Value> = keys.iter().map(|(key_id, _)| key_url(did, key_id).into()).collect();
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_is_percent_encoded_and_paths_become_colons() {
        assert_eq!(org_did("http://127.0.0.1:3000", "org_1"), "did:web:127.0.0.1%3A3000:organizations:org_1");
        assert_eq!(org_did("https://laurel.example/", "org_1"), "did:web:laurel.example:organizations:org_1");
        assert_eq!(org_did("https://example.com/laurel", "org_1"), "did:web:example.com:laurel:organizations:org_1");
    }

    #[test]
    fn key_urls_round_trip() {
        let did = org_did("http://127.0.0.1:3000", "org_1");
        let kid = key_url(&did, "key_9");
        assert_eq!(parse_key_url(&kid), Some((did.as_str(), "org_1", "key_9")));
        assert_eq!(parse_key_url("did:web:x#k"), None);
        assert_eq!(parse_key_url("did:key:abc#k"), None);
    }
}
