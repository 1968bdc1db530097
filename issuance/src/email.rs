//! A recipient or account e-mail address, parsed once at the edge.

use std::fmt;

/// A syntactically valid e-mail address, trimmed and lower-cased so that two
/// spellings of one mailbox compare equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses user input. The error says what is wrong in words an operator
    /// can act on.
    pub fn parse(input: &str) -> Result<Self, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("is empty".into());
        }
        if trimmed.len() > 254 {
            return Err("is longer than 254 characters".into());
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(format!("'{trimmed}' contains a space"));
        }
        let Some((_, domain)) = trimmed.rsplit_once('@') else {
            return Err(format!("'{trimmed}' has no '@'"));
        };
        // RFC 5322 allows bare host names (`root@localhost`), but for
        // recipients on the internet a domain without a dot is a typo.
        if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
            return Err(format!("'{trimmed}' has no valid domain after '@'"));
        }
        let options = email_address::Options::default().without_display_text().without_domain_literal();
        email_address::EmailAddress::parse_with_options(trimmed, options)
            .map_err(|e| format!("'{trimmed}' is not a valid e-mail address ({e})"))?;
        Ok(Self(trimmed.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::EmailAddress;

    #[test]
    fn trims_and_lowercases() {
        let e = EmailAddress::parse("  Jane.Doe@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "jane.doe@example.com");
    }

    #[test]
    fn rejects_malformed_addresses_with_a_reason() {
        for (input, needle) in [
            ("", "empty"),
            ("jane.example.com", "no '@'"),
            ("jane@example", "no valid domain"),
            ("jane doe@example.com", "space"),
            ("jane@@example.com", "not a valid"),
            ("Jane <jane@example.com>", "space"),
        ] {
            let err = EmailAddress::parse(input).unwrap_err();
            assert!(err.contains(needle), "{input:?} gave {err:?}");
        }
    }
}
