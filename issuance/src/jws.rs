//! Compact JWS with ES256 (RFC 7515, RFC 7518 §3.4): the signature is the
//! 64-byte `r || s` of ECDSA P-256 over SHA-256, base64url without padding.
//!
//! ECDSA is malleable: if `(r, s)` is a signature, so is `(r, n - s)`, so
//! anyone can make a second valid token from a first. We sign only "low-S"
//! signatures (`s <= n/2`) and report which form a presented one has, so
//! a verifier can refuse the other.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::scalar::IsHigh;
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
pub struct Header<'a> {
    pub alg: &'static str,
    pub typ: &'a str,
    /// An absolute DID URL naming the verification method.
    pub kid: &'a str,
}

/// Signs `payload` (already JSON) under `header`.
pub fn sign(header: &Header<'_>, payload: &[u8], key: &SigningKey) -> String {
    EncodedHeader::new(header).sign(payload, key)
}

/// A header encoded once, for the many tokens a batch signs under it.
pub struct EncodedHeader(String);

impl EncodedHeader {
    pub fn new(header: &Header<'_>) -> Self {
        let json = serde_json::to_vec(header).expect("a header always serialises");
        EncodedHeader(URL_SAFE_NO_PAD.encode(json))
    }

    pub fn sign(&self, payload: &[u8], key: &SigningKey) -> String {
        let mut token = String::with_capacity(self.0.len() + payload.len() * 4 / 3 + 100);
        token.push_str(&self.0);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let signature: Signature = key.sign(token.as_bytes());
        let signature = signature.normalize_s();
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature.to_bytes(), &mut token);
        token
    }
}

/// A token split and decoded, not yet verified.
#[derive(Debug)]
pub struct Decoded {
    pub header: Value,
    pub payload: Value,
    signing_input_len: usize,
    signature: Vec<u8>,
    token: String,
}

/// Why a string is not a well-formed compact JWS.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum MalformedJws {
    #[error("expected three base64url parts separated by '.'")]
    Shape,
    #[error("the {0} is not base64url")]
    Base64(&'static str),
    #[error("the {0} is not a JSON object")]
    Json(&'static str),
}

pub fn decode(token: &str) -> Result<Decoded, MalformedJws> {
    let token = token.trim();
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(MalformedJws::Shape);
    };
    let json = |part: &str, what: &'static str| -> Result<Value, MalformedJws> {
        let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| MalformedJws::Base64(what))?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v @ Value::Object(_)) => Ok(v),
            _ => Err(MalformedJws::Json(what)),
        }
    };
    Ok(Decoded {
        header: json(h, "header")?,
        payload: json(p, "payload")?,
        signing_input_len: h.len() + 1 + p.len(),
        signature: URL_SAFE_NO_PAD.decode(s).map_err(|_| MalformedJws::Base64("signature"))?,
        token: token.to_owned(),
    })
}

impl Decoded {
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// Whether the signature is a valid ES256 signature by `key`, and in
    /// which form.
    pub fn check_signature(&self, key: &VerifyingKey) -> SignatureCheck {
        let Ok(signature) = Signature::from_slice(&self.signature) else {
            return SignatureCheck::Invalid;
        };
        if key.verify(&self.token.as_bytes()[..self.signing_input_len], &signature).is_err() {
            return SignatureCheck::Invalid;
        }
        if bool::from(signature.s().is_high()) { SignatureCheck::ValidHighS } else { SignatureCheck::Valid }
    }

    /// The token as presented (trimmed).
    pub fn token(&self) -> &str {
        &self.token
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    /// Mathematically valid but in the malleable high-S form, which we
    /// never produce.
    ValidHighS,
    Invalid,
}

#[cfg(test)]
mod tests {
    use p256::elliptic_curve::Generate;

    use super::*;

    #[test]
    fn a_signed_token_verifies_and_a_tampered_one_does_not() {
        let key = SigningKey::generate();
        let header = Header { alg: "ES256", typ: "vc+jwt", kid: "did:web:example.com#k1" };
        let token = sign(&header, br#"{"iss":"did:web:example.com","n":1}"#, &key);
        let decoded = decode(&token).unwrap();
        assert_eq!(decoded.kid(), Some("did:web:example.com#k1"));
        assert_eq!(decoded.alg(), Some("ES256"));
        assert_eq!(decoded.payload["n"], 1);
        assert_eq!(decoded.check_signature(key.verifying_key()), SignatureCheck::Valid);
        assert_eq!(URL_SAFE_NO_PAD.decode(token.rsplit('.').next().unwrap()).unwrap().len(), 64);

        let other = SigningKey::generate();
        assert_eq!(decoded.check_signature(other.verifying_key()), SignatureCheck::Invalid);

        let (head, rest) = token.split_once('.').unwrap();
        let (_, sig) = rest.split_once('.').unwrap();
        let forged_payload = URL_SAFE_NO_PAD.encode(br#"{"iss":"did:web:example.com","n":2}"#);
        let forged = decode(&format!("{head}.{forged_payload}.{sig}")).unwrap();
        assert_eq!(forged.check_signature(key.verifying_key()), SignatureCheck::Invalid);
    }

    /// `(r, n - s)` in place of `(r, s)`: what an attacker can make of any token.
    pub(crate) fn flip_s(token: &str) -> String {
        let (input, sig) = token.rsplit_once('.').unwrap();
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(sig).unwrap()).unwrap();
        let (r, s) = signature.split_scalars();
        let flipped = Signature::from_scalars(r, -*s).unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(flipped.to_bytes()))
    }

    #[test]
    fn tokens_are_signed_low_s_and_the_flipped_twin_is_refused() {
        let key = SigningKey::generate();
        let header = Header { alg: "ES256", typ: "vc+jwt", kid: "did:web:example.com#k1" };
        for n in 0..32 {
            let token = sign(&header, format!(r#"{{"n":{n}}}"#).as_bytes(), &key);
            assert_eq!(decode(&token).unwrap().check_signature(key.verifying_key()), SignatureCheck::Valid);
            let twin = decode(&flip_s(&token)).unwrap();
            assert_eq!(twin.check_signature(key.verifying_key()), SignatureCheck::ValidHighS);
        }
    }

    #[test]
    fn malformed_tokens_say_what_is_wrong() {
        assert_eq!(decode("abc").unwrap_err(), MalformedJws::Shape);
        assert_eq!(decode("a.b.c.d").unwrap_err(), MalformedJws::Shape);
        assert_eq!(decode("!!.e30.AA").unwrap_err(), MalformedJws::Base64("header"));
        assert_eq!(decode("WzFd.e30.AA").unwrap_err(), MalformedJws::Json("header"));
    }
}
