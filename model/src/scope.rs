//! What an API key may do. Scope names have a colon (`credentials:read`),
//! so each is written out once, in its strum attribute; serde goes through
//! the same names.

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, strum::IntoStaticStr, strum::Display, strum::VariantArray,
)]
pub enum Scope {
    #[strum(serialize = "credentials:read")]
    CredentialsRead,
    #[strum(serialize = "credentials:write")]
    CredentialsWrite,
    #[strum(serialize = "keys:read")]
    KeysRead,
    #[strum(serialize = "keys:write")]
    KeysWrite,
    #[strum(serialize = "webhooks:read")]
    WebhooksRead,
    #[strum(serialize = "webhooks:write")]
    WebhooksWrite,
    #[strum(serialize = "audit:read")]
    AuditRead,
}

crate::term::named_terms!(Scope);

/// Parses `credentials:read,credentials:write` (commas or spaces), each
/// scope once, at least one.
pub fn parse_scopes(list: &str) -> Result<Vec<Scope>, String> {
    let mut scopes = Vec::new();
    for part in list.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
        let scope: Scope = part.parse()?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err("give at least one scope".into());
    }
    Ok(scopes)
}

/// Scopes as stored: their names, space-separated.
pub fn join_scopes(scopes: &[Scope]) -> String {
    scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
}
