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
    /// The Identity API: accounts, sessions, documents, verifications.
    #[strum(serialize = "identity:read")]
    IdentityRead,
    #[strum(serialize = "identity:write")]
    IdentityWrite,
}

crate::term::named_terms!(Scope);

/// Parses `credentials:read,credentials:write` (commas or spaces), each
/// scope once, at least one. `read` and `write`, as other vendors' CLIs
/// spell them, stand for `credentials:read` and `credentials:write`: what
/// most keys are for.
pub fn parse_scopes(list: &str) -> Result<Vec<Scope>, String> {
    let mut scopes = Vec::new();
    for part in list.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
        let scope = match part {
            "read" => Scope::CredentialsRead,
            "write" => Scope::CredentialsWrite,
            _ => part.parse()?,
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_and_write_stand_for_the_credentials_scopes() {
        assert_eq!(parse_scopes("read").unwrap(), [Scope::CredentialsRead]);
        assert_eq!(
            parse_scopes("write, credentials:read, read").unwrap(),
            [Scope::CredentialsWrite, Scope::CredentialsRead]
        );
        assert!(parse_scopes("readish").is_err());
        assert!(parse_scopes(" , ").is_err());
    }
}
