//! The e-mails Laurel sends, each as plain text and HTML: a recipient's
//! new credential (in the org's [`Template`], with its public link), and an
//! invitation to join an organisation (with its secret link).

use html_escape::encode_text;

use super::template::{Template, Values};
use crate::clock;
use crate::credentials::vc::credential_url;

/// What a message is rendered from.
pub struct Facts<'a> {
    pub recipient_name: &'a str,
    pub org_name: &'a str,
    pub badge_name: &'a str,
    pub badge_description: &'a str,
    pub credential_id: &'a str,
    pub expires_at: Option<i64>,
    pub public_url: &'a str,
    pub badge_image_url: Option<&'a str>,
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A recipient's credential e-mail, in the org's wording (or Laurel's).
pub fn credential_issued(f: &Facts<'_>, template: &Template) -> Rendered {
    let url = credential_url(f.public_url, f.credential_id);
    let expires = f.expires_at.map(day);
    template.render(&Values {
        recipient_name: f.recipient_name,
        badge_name: f.badge_name,
        badge_description: f.badge_description,
        org_name: f.org_name,
        credential_url: &url,
        expires_at: expires.as_deref(),
        badge_image_url: f.badge_image_url,
    })
}

/// What a revocation notice says.
pub struct RevocationFacts<'a> {
    pub recipient_name: &'a str,
    pub org_name: &'a str,
    pub badge_name: &'a str,
    pub credential_id: &'a str,
    pub reason: Option<&'a str>,
    pub public_url: &'a str,
}

/// A recipient told that their credential was revoked, and why. Laurel's
/// wording always: an org's template is written for awarding.
pub fn credential_revoked(f: &RevocationFacts<'_>) -> Rendered {
    let url = credential_url(f.public_url, f.credential_id);
    let subject = format!("Your “{}” credential from {} was revoked", f.badge_name, f.org_name);
    let why = f.reason.map(|r| format!("The reason given: {r}\n\n")).unwrap_or_default();
    let greeting = if f.recipient_name.is_empty() { "Hello".to_owned() } else { format!("Hello {}", f.recipient_name) };
    let text = format!(
        "{greeting},\n\n\
         {org} has revoked your “{badge}” credential. It no longer verifies, and its page says so:\n{url}\n\n\
         {why}If you think this is a mistake, reply to this e-mail or contact {org}.\n",
        org = f.org_name,
        badge = f.badge_name,
    );
    let e = |s: &str| encode_text(s).into_owned();
    let html = html_page(&format!(
        "<p>{greeting},</p>\
         <p><strong>{org}</strong> has revoked your <strong>“{badge}”</strong> credential. It no longer \
         verifies, and its page says so.</p>\
         {why}{button}\
         <p style=\"color: #52606d; font-size: 14px\">If you think this is a mistake, reply to this e-mail or \
         contact {org}.</p>",
        greeting = e(&greeting),
        org = e(f.org_name),
        badge = e(f.badge_name),
        why = f.reason.map(|r| format!("<p>The reason given: {}</p>", e(r))).unwrap_or_default(),
        button = button(&url, "See the credential"),
    ));
    Rendered { subject, text, html }
}

/// The date part of a time, as e-mails show it: `2027-01-15`.
fn day(at: i64) -> String {
    clock::rfc3339(at).get(..10).unwrap_or_default().to_owned()
}

/// Every HTML body in the same calm frame (mail clients ignore style
/// sheets, so the styles are inline).
pub(super) fn html_page(body: &str) -> String {
    format!(
        "<!doctype html><html><body style=\"font-family: system-ui, sans-serif; color: #1f2933; line-height: 1.5\">\
         {body}</body></html>"
    )
}

/// The one call to action of a message.
pub(super) fn button(href: &str, label: &str) -> String {
    format!(
        "<p><a href=\"{}\" style=\"display: inline-block; padding: 10px 18px; background: #2f6b4f; color: #fff; \
         border-radius: 6px; text-decoration: none\">{}</a></p>",
        html_escape::encode_double_quoted_attribute(href),
        encode_text(label)
    )
}

/// What an invitation e-mail is rendered from.
pub struct InvitationFacts<'a> {
    pub org_name: &'a str,
    pub inviter_name: Option<&'a str>,
    pub role_label: &'a str,
    pub expires_at: i64,
    /// The absolute link, secret token included.
    pub link: &'a str,
}

pub fn invitation(f: &InvitationFacts<'_>) -> Rendered {
    let who = f.inviter_name.unwrap_or("An administrator");
    let until = day(f.expires_at);
    let subject = format!("Join {} on Laurel", f.org_name);
    let text = format!(
        "Hello,\n\n\
         {who} invites you to join {org} on Laurel as {role}.\n\n\
         Accept the invitation here (the link works once, until {until}):\n{link}\n\n\
         If you did not expect this, ignore this e-mail: nothing happens unless you accept.\n",
        org = f.org_name,
        role = f.role_label,
        link = f.link,
    );
    let e = |s: &str| encode_text(s).into_owned();
    let html = html_page(&format!(
        "<p>Hello,</p>\
         <p>{who} invites you to join <strong>{org}</strong> on Laurel as <strong>{role}</strong>.</p>\
         {button}\
         <p style=\"color: #52606d; font-size: 14px\">The link works once, until {until}. If you did not expect \
         this, ignore this e-mail: nothing happens unless you accept.</p>",
        who = e(who),
        org = e(f.org_name),
        role = e(f.role_label),
        button = button(f.link, "Accept the invitation"),
    ));
    Rendered { subject, text, html }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_names_the_org_role_and_inviter_and_carries_the_link() {
        let m = invitation(&InvitationFacts {
            org_name: "Acme <Academy>",
            inviter_name: Some("Ada"),
            role_label: "Issuer",
            expires_at: 1_800_000_000,
            link: "http://127.0.0.1:3000/invitations/abc",
        });
        assert_eq!(m.subject, "Join Acme <Academy> on Laurel");
        assert!(m.text.contains("Ada invites you to join Acme <Academy> on Laurel as Issuer"));
        assert!(m.text.contains("http://127.0.0.1:3000/invitations/abc"));
        assert!(m.html.contains("href=\"http://127.0.0.1:3000/invitations/abc\""));
        assert!(m.html.contains("Acme &lt;Academy&gt;"));
    }

    #[test]
    fn a_message_names_the_badge_and_org_and_links_the_credential_in_both_bodies() {
        let m = credential_issued(
            &Facts {
                recipient_name: "Jane <Doe>",
                org_name: "Demo & Co",
                badge_name: "Rust 101",
                badge_description: "Knows ownership.",
                credential_id: "cred_1",
                expires_at: Some(1_800_000_000),
                public_url: "http://127.0.0.1:3000",
                badge_image_url: None,
            },
            &Template::default_wording(),
        );
        assert_eq!(m.subject, "Demo & Co awarded you “Rust 101”");
        assert!(m.text.contains("http://127.0.0.1:3000/credentials/cred_1"));
        assert!(m.text.contains("It expires: 2027-01-15."));
        assert!(m.html.contains("href=\"http://127.0.0.1:3000/credentials/cred_1\""));
        assert!(m.html.contains("Jane &lt;Doe&gt;"), "names are escaped in HTML");
        assert!(m.html.contains("Demo &amp; Co"));
    }
}
