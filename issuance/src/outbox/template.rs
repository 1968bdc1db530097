//! The org's credential e-mail: a subject and a plain-text body with
//! placeholders, which the org edits (Settings → E-mail). The HTML part is
//! made from the same text, every value escaped, so an org writes one
//! message and a recipient's name can never become markup.

use std::fmt;

use html_escape::encode_text;
use serde::{Deserialize, Serialize};

/// The placeholders a template may use, each written once here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placeholder {
    RecipientName,
    BadgeName,
    BadgeDescription,
    OrgName,
    CredentialUrl,
    ExpiresAt,
}

impl Placeholder {
    pub const ALL: &'static [Placeholder] = &[
        Placeholder::RecipientName,
        Placeholder::BadgeName,
        Placeholder::BadgeDescription,
        Placeholder::OrgName,
        Placeholder::CredentialUrl,
        Placeholder::ExpiresAt,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Placeholder::RecipientName => "recipient_name",
            Placeholder::BadgeName => "badge_name",
            Placeholder::BadgeDescription => "badge_description",
            Placeholder::OrgName => "org_name",
            Placeholder::CredentialUrl => "credential_url",
            Placeholder::ExpiresAt => "expires_at",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Placeholder::RecipientName => "the recipient's name",
            Placeholder::BadgeName => "the badge's name",
            Placeholder::BadgeDescription => "the badge's description",
            Placeholder::OrgName => "your organisation's name",
            Placeholder::CredentialUrl => "the credential's public page",
            Placeholder::ExpiresAt => "the expiry date (YYYY-MM-DD), or “never”",
        }
    }

    fn parse(name: &str) -> Option<Placeholder> {
        Placeholder::ALL.iter().copied().find(|p| p.name() == name)
    }
}

/// Laurel's wording, used until an org writes its own.
pub const DEFAULT_SUBJECT: &str = "{org_name} awarded you “{badge_name}”";
pub const DEFAULT_BODY: &str = "Hello {recipient_name},

{org_name} has issued you the “{badge_name}” credential.

{badge_description}

View, share or download it here:

{credential_url}

It expires: {expires_at}. It is a signed W3C Verifiable Credential: anyone you share the link with can check that {org_name} issued it and that it has not been revoked.";

const MAX_SUBJECT: usize = 200;
const MAX_BODY: usize = 10_000;

/// A subject and body that parsed: every `{…}` names a placeholder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

/// Why a template was refused, naming the field and where in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// `subject` or `body`.
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// The values of one message's placeholders.
pub struct Values<'a> {
    pub recipient_name: &'a str,
    pub badge_name: &'a str,
    pub badge_description: &'a str,
    pub org_name: &'a str,
    pub credential_url: &'a str,
    /// `YYYY-MM-DD`, or `None` for a credential that does not expire.
    pub expires_at: Option<&'a str>,
    /// The badge's image, shown above the text in the HTML part.
    pub badge_image_url: Option<&'a str>,
}

impl Values<'_> {
    fn of(&self, p: Placeholder) -> &str {
        match p {
            Placeholder::RecipientName => self.recipient_name,
            Placeholder::BadgeName => self.badge_name,
            Placeholder::BadgeDescription => self.badge_description,
            Placeholder::OrgName => self.org_name,
            Placeholder::CredentialUrl => self.credential_url,
            Placeholder::ExpiresAt => self.expires_at.unwrap_or("never"),
        }
    }
}

/// The values a preview and a test e-mail show: the org's own name, the
/// reader's, and a sample badge; the link goes to the site itself.
pub fn sample<'a>(org_name: &'a str, recipient_name: &'a str, public_url: &'a str) -> Values<'a> {
    Values {
        recipient_name: if recipient_name.is_empty() { "Jane Doe" } else { recipient_name },
        badge_name: "Sample badge",
        badge_description: "The badge's description appears here.",
        org_name,
        credential_url: public_url,
        expires_at: Some("2027-12-31"),
        badge_image_url: None,
    }
}

/// A piece of a parsed text.
enum Piece<'t> {
    Text(&'t str),
    Value(Placeholder),
}

/// Splits `text` into literal text and placeholders; `{{` and `}}` are a
/// literal brace. The error says which character of the field is wrong.
fn pieces<'t>(field: &'static str, text: &'t str) -> Result<Vec<Piece<'t>>, TemplateError> {
    let err = |at: usize, message: String| TemplateError {
        field,
        message: format!("{message} (character {})", text[..at].chars().count() + 1),
    };
    let mut out = Vec::new();
    let mut rest = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                out.push(Piece::Text(&text[rest..=i]));
                i += 2;
                rest = i;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                out.push(Piece::Text(&text[rest..=i]));
                i += 2;
                rest = i;
            }
            b'{' => {
                let Some(len) = text[i + 1..].find('}') else {
                    return Err(err(i, "“{” is not closed; write “{{” for a brace".into()));
                };
                let name = &text[i + 1..i + 1 + len];
                let Some(p) = Placeholder::parse(name.trim()) else {
                    let known: Vec<String> = Placeholder::ALL.iter().map(|p| format!("{{{}}}", p.name())).collect();
                    return Err(err(i, format!("unknown placeholder “{{{name}}}”; use one of {}", known.join(", "))));
                };
                out.push(Piece::Text(&text[rest..i]));
                out.push(Piece::Value(p));
                i += len + 2;
                rest = i;
            }
            b'}' => return Err(err(i, "“}” closes nothing; write “}}” for a brace".into())),
            _ => i += 1,
        }
    }
    out.push(Piece::Text(&text[rest..]));
    Ok(out)
}

fn fill(pieces: &[Piece<'_>], values: &Values<'_>, escape: bool) -> String {
    let mut s = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) if escape => s.push_str(&encode_text(t)),
            Piece::Text(t) => s.push_str(t),
            Piece::Value(p) if escape => s.push_str(&encode_text(values.of(*p))),
            Piece::Value(p) => s.push_str(values.of(*p)),
        }
    }
    s
}

impl Template {
    pub fn default_wording() -> Self {
        Template { subject: DEFAULT_SUBJECT.into(), body: DEFAULT_BODY.into() }
    }

    /// Checks an org's subject and body: non-empty, within bounds, one line
    /// of subject, and every placeholder known.
    pub fn parse(subject: &str, body: &str) -> Result<Self, TemplateError> {
        let subject = subject.trim();
        let body = body.trim().replace("\r\n", "\n");
        if subject.is_empty() {
            return Err(TemplateError { field: "subject", message: "is empty".into() });
        }
        if subject.chars().count() > MAX_SUBJECT {
            return Err(TemplateError {
                field: "subject",
                message: format!("is longer than {MAX_SUBJECT} characters"),
            });
        }
        if subject.contains(['\r', '\n']) {
            return Err(TemplateError { field: "subject", message: "must be one line".into() });
        }
        if body.is_empty() {
            return Err(TemplateError { field: "body", message: "is empty".into() });
        }
        if body.chars().count() > MAX_BODY {
            return Err(TemplateError { field: "body", message: format!("is longer than {MAX_BODY} characters") });
        }
        pieces("subject", subject)?;
        pieces("body", &body)?;
        Ok(Template { subject: subject.to_owned(), body })
    }

    /// The subject, the plain text, and the HTML made from the text: its
    /// paragraphs (blank-line separated) escaped, and a paragraph that is
    /// just the credential's link shown as a button.
    pub fn render(&self, values: &Values<'_>) -> super::message::Rendered {
        // Parsed when stored; a stored template that no longer parses (it
        // cannot, but a hand-edited database could) falls back to ours.
        let (Ok(subject), Ok(body)) = (pieces("subject", &self.subject), pieces("body", &self.body)) else {
            return Template::default_wording().render(values);
        };
        // A value cannot add header lines to the subject.
        let subject = fill(&subject, values, false).replace(['\r', '\n'], " ");
        let text = fill(&body, values, false);
        let mut html = String::new();
        if let Some(src) = values.badge_image_url {
            html.push_str(&format!(
                "<p><img src=\"{}\" alt=\"{}\" width=\"96\" height=\"96\"></p>",
                html_escape::encode_double_quoted_attribute(src),
                html_escape::encode_double_quoted_attribute(values.badge_name)
            ));
        }
        for paragraph in self.body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            let Ok(parts) = pieces("body", paragraph) else { continue };
            if matches!(parts.as_slice(), [Piece::Text(""), Piece::Value(Placeholder::CredentialUrl), Piece::Text("")])
            {
                html.push_str(&super::message::button(values.credential_url, "View your credential"));
            } else {
                html.push_str("<p>");
                html.push_str(&fill(&parts, values, true).replace('\n', "<br>"));
                html.push_str("</p>");
            }
        }
        super::message::Rendered { subject, text: format!("{text}\n"), html: super::message::html_page(&html) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values<'static> {
        Values {
            recipient_name: "Jane <Doe>",
            badge_name: "Rust 101",
            badge_description: "Knows ownership.",
            org_name: "Demo & Co",
            credential_url: "http://127.0.0.1:3000/credentials/cred_1",
            expires_at: Some("2027-01-15"),
            badge_image_url: Some("http://127.0.0.1:3000/badges/bdg_1/image.png?a=1&b=\"2\""),
        }
    }

    #[test]
    fn placeholders_are_filled_in_the_text_and_escaped_in_the_html() {
        let t = Template::parse(
            "{org_name} → {badge_name}",
            "Hi {recipient_name},\n\n{credential_url}\n\nUntil {expires_at}. {{literal}}",
        )
        .unwrap();
        let m = t.render(&values());
        assert_eq!(m.subject, "Demo & Co → Rust 101");
        assert_eq!(
            m.text,
            "Hi Jane <Doe>,\n\nhttp://127.0.0.1:3000/credentials/cred_1\n\nUntil 2027-01-15. {literal}\n"
        );
        assert!(m.html.contains("<p>Hi Jane &lt;Doe&gt;,</p>"), "{}", m.html);
        assert!(m.html.contains("href=\"http://127.0.0.1:3000/credentials/cred_1\""), "the link is a button");
        assert!(m.html.contains("{literal}"));
        assert!(!m.html.contains("<Doe>"));
        assert!(
            m.html.contains(
                r#"<img src="http://127.0.0.1:3000/badges/bdg_1/image.png?a=1&amp;b=&quot;2&quot;" alt="Rust 101""#
            ),
            "the badge image leads, its address escaped: {}",
            m.html
        );
    }

    #[test]
    fn an_unknown_placeholder_or_a_stray_brace_is_refused_naming_the_field_and_place() {
        let e = Template::parse("Hello", "Dear {first_name}").unwrap_err();
        assert_eq!(e.field, "body");
        assert!(e.message.starts_with("unknown placeholder “{first_name}”"), "{e}");
        assert!(e.message.ends_with("(character 6)"), "{e}");
        let e = Template::parse("Hi {org_name", "x").unwrap_err();
        assert_eq!(
            (e.field, e.message.as_str()),
            ("subject", "“{” is not closed; write “{{” for a brace (character 4)")
        );
        let e = Template::parse("Hi }", "x").unwrap_err();
        assert_eq!(e.field, "subject");
        assert!(Template::parse("", "x").is_err());
        assert!(Template::parse("a\nb", "x").is_err());
    }

    #[test]
    fn the_default_wording_parses_and_says_never_for_a_credential_that_does_not_expire() {
        let t = Template::default_wording();
        assert_eq!(Template::parse(&t.subject, &t.body).unwrap(), t);
        let m = t.render(&Values { expires_at: None, ..values() });
        assert!(m.text.contains("It expires: never."));
        assert_eq!(m.subject, "Demo & Co awarded you “Rust 101”");
    }
}
