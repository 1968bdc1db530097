//! What a recipient shares their credential with: its page's QR code (an
//! SVG, drawn here so the page needs nothing from elsewhere) and LinkedIn's
//! add-to-profile link with the certification's fields filled in.

use qrcode::QrCode;
use qrcode::render::svg;

use crate::clock;

/// The QR code of `url`, as an SVG at least `size` pixels square.
pub fn qr_svg(url: &str, size: u32) -> Option<String> {
    let code = QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(size, size)
            .dark_color(svg::Color("#1f2933"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

/// What LinkedIn's certification form is filled with.
pub struct Certification<'a> {
    pub name: &'a str,
    pub organization: &'a str,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
    pub page_url: &'a str,
    pub credential_id: &'a str,
}

/// `https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&…`:
/// opens the member's "Add licence or certification" form, filled in.
pub fn linkedin_url(c: &Certification<'_>) -> String {
    let year_month = |at: i64| {
        let day = clock::rfc3339(at);
        let year = day.get(..4).unwrap_or_default().to_owned();
        let month = day.get(5..7).and_then(|m| m.parse::<u32>().ok()).unwrap_or(1).to_string();
        (year, month)
    };
    let (year, month) = year_month(c.issued_at);
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("startTask", "CERTIFICATION_NAME")
        .append_pair("name", c.name)
        .append_pair("organizationName", c.organization)
        .append_pair("issueYear", &year)
        .append_pair("issueMonth", &month);
    if let Some(at) = c.expires_at {
        let (y, m) = year_month(at);
        q.append_pair("expirationYear", &y).append_pair("expirationMonth", &m);
    }
    q.append_pair("certUrl", c.page_url).append_pair("certId", c.credential_id);
    format!("https://www.linkedin.com/profile/add?{}", q.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_linkedin_link_fills_the_certification_form() {
        let url = linkedin_url(&Certification {
            name: "Rust & Safety",
            organization: "Acme Academy",
            issued_at: 1_796_000_000,
            expires_at: None,
            page_url: "https://laurel.example/credentials/cred_1",
            credential_id: "cred_1",
        });
        assert!(
            url.starts_with("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Rust+%26+Safety")
        );
        assert!(url.contains("&issueYear=2026&issueMonth=11&"), "{url}");
        assert!(url.contains("certUrl=https%3A%2F%2Flaurel.example%2Fcredentials%2Fcred_1&certId=cred_1"), "{url}");
        assert!(!url.contains("expirationYear"));
    }

    #[test]
    fn the_qr_code_is_an_svg() {
        let svg = qr_svg("https://laurel.example/credentials/cred_1", 160).unwrap();
        assert!(svg.contains("<svg") && svg.contains("#1f2933"), "{svg}");
    }
}
