//! What one recipient's badge says beyond the badge itself: why they earned
//! it (`credentialSubject.narrative`), a link to their work (`evidence`),
//! and when it was awarded (`awardedDate`, also `validFrom`), as Open Badges
//! 3.0 names them. A CSV row gives them as optional columns and an API call
//! as optional fields of the same names; both are read here, so one rule
//! holds for each wherever it comes from.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, Time};

/// The optional per-recipient fields, by their column (and JSON) name. The
/// names are a contract: templates, the API and people's spreadsheets use
/// them.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AwardField {
    Narrative,
    EvidenceUrl,
    EvidenceName,
    IssuedOn,
    ExpiresAt,
}

impl AwardField {
    pub const ALL: &'static [AwardField] = <AwardField as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The longest narrative accepted, in characters (Markdown is allowed, as
/// Open Badges says); a page of text, not a file.
pub const MAX_NARRATIVE: usize = 5_000;
/// The longest evidence name, in characters.
pub const MAX_EVIDENCE_NAME: usize = 200;
/// The longest evidence URL, in bytes.
pub const MAX_URL: usize = 2_048;

/// A recipient's own parts of a badge credential, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Award {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_name: Option<String>,
    /// When it was awarded (Unix seconds): `validFrom` and `awardedDate`
    /// instead of the moment of signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<i64>,
}

impl Award {
    pub fn is_empty(&self) -> bool {
        *self == Award::default()
    }
}

/// The fields as given, untrimmed and unjudged; empty cells count as absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AwardInput {
    pub narrative: Option<String>,
    pub evidence_url: Option<String>,
    pub evidence_name: Option<String>,
    pub issued_on: Option<String>,
    pub expires_at: Option<String>,
}

impl AwardInput {
    fn slot(&mut self, field: AwardField) -> &mut Option<String> {
        match field {
            AwardField::Narrative => &mut self.narrative,
            AwardField::EvidenceUrl => &mut self.evidence_url,
            AwardField::EvidenceName => &mut self.evidence_name,
            AwardField::IssuedOn => &mut self.issued_on,
            AwardField::ExpiresAt => &mut self.expires_at,
        }
    }

    pub fn set(&mut self, field: AwardField, value: String) {
        *self.slot(field) = Some(value);
    }

    /// The cell as given, empty when it was.
    pub fn get(&self, field: AwardField) -> &str {
        match field {
            AwardField::Narrative => &self.narrative,
            AwardField::EvidenceUrl => &self.evidence_url,
            AwardField::EvidenceName => &self.evidence_name,
            AwardField::IssuedOn => &self.issued_on,
            AwardField::ExpiresAt => &self.expires_at,
        }
        .as_deref()
        .unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        *self == AwardInput::default()
    }
}

/// One field's problem, with the field it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardError {
    pub field: AwardField,
    pub message: String,
}

impl std::fmt::Display for AwardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field.as_str(), self.message)
    }
}

/// Checks every field as of `now`: the award and its own expiry (which
/// overrides the badge's validity), or every problem found.
pub fn check(input: &AwardInput, now: i64) -> Result<(Award, Option<i64>), Vec<AwardError>> {
    // The fields that read well are judged against the clock too, so a
    // row's every problem is told at once.
    let (award, expires_at, mut errors) = read(input);
    if let Err(more) = check_dates(&award, expires_at, now) {
        errors.extend(more);
        errors.sort_by_key(|e| e.field as u8);
    }
    if errors.is_empty() { Ok((award, expires_at)) } else { Err(errors) }
}

/// The rules that do not depend on the clock: formats, lengths, evidence
/// named only with its address, and an expiry after the award date.
pub fn parse(input: &AwardInput) -> Result<(Award, Option<i64>), Vec<AwardError>> {
    let (award, expires_at, errors) = read(input);
    if errors.is_empty() { Ok((award, expires_at)) } else { Err(errors) }
}

/// What reads well of `input`, and what does not.
fn read(input: &AwardInput) -> (Award, Option<i64>, Vec<AwardError>) {
    let mut errors = Vec::new();
    let mut fail = |field, message: String| errors.push(AwardError { field, message });

    let narrative = present(&input.narrative).and_then(|n| {
        if n.chars().count() > MAX_NARRATIVE {
            fail(AwardField::Narrative, format!("is longer than {MAX_NARRATIVE} characters"));
            return None;
        }
        Some(n.to_owned())
    });
    let evidence_url = present(&input.evidence_url).and_then(|u| match web_url(u) {
        Ok(u) => Some(u),
        Err(m) => {
            fail(AwardField::EvidenceUrl, m);
            None
        }
    });
    let evidence_name = present(&input.evidence_name).and_then(|n| {
        if n.chars().count() > MAX_EVIDENCE_NAME {
            fail(AwardField::EvidenceName, format!("is longer than {MAX_EVIDENCE_NAME} characters"));
            return None;
        }
        if present(&input.evidence_url).is_none() {
            fail(AwardField::EvidenceName, "names evidence, but evidence_url is empty".to_owned());
            return None;
        }
        Some(n.to_owned())
    });
    let mut date = |field, edge| {
        present(match field {
            AwardField::IssuedOn => &input.issued_on,
            _ => &input.expires_at,
        })
        .and_then(|d| match moment(d, edge) {
            Ok(at) => Some(at),
            Err(m) => {
                fail(field, m);
                None
            }
        })
    };
    let issued_on = date(AwardField::IssuedOn, Edge::Start);
    let expires_at = date(AwardField::ExpiresAt, Edge::End);
    if let (Some(from), Some(until)) = (issued_on, expires_at)
        && until <= from
    {
        fail(AwardField::ExpiresAt, "must be later than issued_on".to_owned());
    }
    (Award { narrative, evidence_url, evidence_name, issued_on }, expires_at, errors)
}

/// The rules against the clock: awarded today or earlier, expiring later
/// than now.
pub fn check_dates(award: &Award, expires_at: Option<i64>, now: i64) -> Result<(), Vec<AwardError>> {
    let day = |at: i64| crate::clock::rfc3339(at);
    let mut errors = Vec::new();
    if let Some(on) = award.issued_on.filter(|on| *on > now) {
        errors.push(AwardError {
            field: AwardField::IssuedOn,
            message: format!("{} is in the future; it must be today or earlier", day(on)),
        });
    }
    if let Some(at) = expires_at.filter(|at| *at <= now) {
        errors.push(AwardError {
            field: AwardField::ExpiresAt,
            message: format!("{} is in the past; it must be later than now", day(at)),
        });
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// A cell's text, trimmed; an empty one is no value.
fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// An absolute `http` or `https` URL with a host, as a verifier's browser
/// can open.
fn web_url(text: &str) -> Result<String, String> {
    if text.len() > MAX_URL {
        return Err(format!("is longer than {MAX_URL} characters"));
    }
    match url::Url::parse(text) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(u.to_string()),
        Ok(u) => Err(format!("'{text}' must be an http or https address, not {}:", u.scheme())),
        Err(_) => Err(format!("'{text}' is not a web address (expected e.g. https://example.com/portfolio)")),
    }
}

/// Which end of a day a bare date stands for.
#[derive(Clone, Copy)]
enum Edge {
    /// Awarded on a day: from its first second.
    Start,
    /// Valid until a day: through its last second.
    End,
}

/// A date (`2026-05-20`, a whole UTC day) or an RFC 3339 date-time.
fn moment(text: &str, edge: Edge) -> Result<i64, String> {
    if let Ok(day) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
        let time = match edge {
            Edge::Start => Time::MIDNIGHT,
            Edge::End => Time::from_hms(23, 59, 59).expect("a valid time"),
        };
        return Ok(day.with_time(time).assume_utc().unix_timestamp());
    }
    OffsetDateTime::parse(text, &Rfc3339).map(OffsetDateTime::unix_timestamp).map_err(|_| {
        format!("'{text}' is not a date (expected YYYY-MM-DD, or a date-time such as 2026-05-20T09:00:00Z)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000; // 2026-05-28T20:26:40Z

    fn input(pairs: &[(AwardField, &str)]) -> AwardInput {
        let mut i = AwardInput::default();
        for (f, v) in pairs {
            i.set(*f, (*v).to_owned());
        }
        i
    }

    fn problems(pairs: &[(AwardField, &str)]) -> Vec<String> {
        check(&input(pairs), NOW).unwrap_err().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn empty_cells_are_no_award_and_no_expiry() {
        let (award, expires) =
            check(&input(&[(AwardField::Narrative, "  "), (AwardField::IssuedOn, "")]), NOW).unwrap();
        assert!(award.is_empty());
        assert_eq!(expires, None);
    }

    #[test]
    fn every_field_is_read_trimmed_and_dates_are_whole_utc_days() {
        let (award, expires) = check(
            &input(&[
                (AwardField::Narrative, " Led the **capstone** team. "),
                (AwardField::EvidenceUrl, "https://portfolio.example/jane"),
                (AwardField::EvidenceName, "Capstone report"),
                (AwardField::IssuedOn, "2026-05-01"),
                (AwardField::ExpiresAt, "2027-05-31"),
            ]),
            NOW,
        )
        .unwrap();
        assert_eq!(award.narrative.as_deref(), Some("Led the **capstone** team."));
        assert_eq!(award.evidence_url.as_deref(), Some("https://portfolio.example/jane"));
        assert_eq!(award.evidence_name.as_deref(), Some("Capstone report"));
        assert_eq!(crate::clock::rfc3339(award.issued_on.unwrap()), "2026-05-01T00:00:00Z");
        assert_eq!(crate::clock::rfc3339(expires.unwrap()), "2027-05-31T23:59:59Z");
        let (award, expires) = check(
            &input(&[
                (AwardField::IssuedOn, "2026-05-01T09:30:00+02:00"),
                (AwardField::ExpiresAt, "2030-01-01T00:00:00Z"),
            ]),
            NOW,
        )
        .unwrap();
        assert_eq!(crate::clock::rfc3339(award.issued_on.unwrap()), "2026-05-01T07:30:00Z");
        assert_eq!(crate::clock::rfc3339(expires.unwrap()), "2030-01-01T00:00:00Z");
    }

    #[test]
    fn each_rule_names_its_field_and_the_value() {
        assert_eq!(
            problems(&[(AwardField::EvidenceUrl, "ftp://files.example/x")]),
            ["evidence_url 'ftp://files.example/x' must be an http or https address, not ftp:"]
        );
        assert_eq!(
            problems(&[(AwardField::EvidenceUrl, "portfolio")]),
            ["evidence_url 'portfolio' is not a web address (expected e.g. https://example.com/portfolio)"]
        );
        assert_eq!(
            problems(&[(AwardField::EvidenceName, "Report")]),
            ["evidence_name names evidence, but evidence_url is empty"]
        );
        assert_eq!(
            problems(&[(AwardField::IssuedOn, "2026-06-01")]),
            ["issued_on 2026-06-01T00:00:00Z is in the future; it must be today or earlier"]
        );
        assert_eq!(
            problems(&[(AwardField::IssuedOn, "01/05/2026")]),
            ["issued_on '01/05/2026' is not a date (expected YYYY-MM-DD, or a date-time such as 2026-05-20T09:00:00Z)"]
        );
        assert_eq!(
            problems(&[(AwardField::ExpiresAt, "2026-05-27")]),
            ["expires_at 2026-05-27T23:59:59Z is in the past; it must be later than now"]
        );
        assert_eq!(
            problems(&[(AwardField::Narrative, &"x".repeat(MAX_NARRATIVE + 1))]),
            ["narrative is longer than 5000 characters"]
        );
        assert_eq!(
            problems(&[(AwardField::EvidenceUrl, "mailto:a@b.example"), (AwardField::IssuedOn, "yesterday")]).len(),
            2,
            "every problem at once"
        );
    }

    #[test]
    fn today_counts_as_issued_on_and_expiry_ends_with_its_day() {
        // The day of NOW is 2026-05-28: awarded today is fine, and expiring
        // today means through today's last second, later than now.
        let (award, expires) =
            check(&input(&[(AwardField::IssuedOn, "2026-05-28"), (AwardField::ExpiresAt, "2026-05-28")]), NOW).unwrap();
        assert!(award.issued_on.unwrap() <= NOW && expires.unwrap() > NOW);
    }

    #[test]
    fn the_field_names_are_the_column_names() {
        let names: Vec<&str> = AwardField::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(names, ["narrative", "evidence_url", "evidence_name", "issued_on", "expires_at"]);
        assert_eq!("evidence_url".parse::<AwardField>(), Ok(AwardField::EvidenceUrl));
    }
}
