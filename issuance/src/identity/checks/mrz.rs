//! The machine-readable zone (ICAO 9303), read with the `mrz` crate:
//! `mrz_format` (the shape of TD1, TD2 or TD3, and the class's), then
//! `mrz_check_digits` (every field's check digit and the composite), and
//! what the zone says: the holder's names, birthdate, the document number
//! and expiry, for the checks after.

use serde_json::json;

use super::consistency::Person;
use super::{Check, CheckName};
use model::IdClass;

/// What a readable zone says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    pub format: &'static str,
    pub document_number: String,
    pub issuing_country: String,
    pub nationality: String,
    pub person: Person,
    /// `YYYY-MM-DD`, when the field is a calendar date.
    pub expires_on: Option<String>,
    pub sex: String,
}

/// The lines of `text`: one per line of the zone, blanks and spaces gone.
fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim().replace(' ', "").to_ascii_uppercase()).filter(|l| !l.is_empty()).collect()
}

/// `mrz_format` and `mrz_check_digits` for `text`, and the zone when it
/// could be read.
pub fn checks(class: IdClass, text: Option<&str>) -> (Vec<Check>, Option<Zone>) {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        let why = "no MRZ was given (the document's `mrz` attribute)";
        return (
            vec![
                Check::not_applicable(CheckName::MrzFormat, why),
                Check::not_applicable(CheckName::MrzCheckDigits, why),
            ],
            None,
        );
    };
    let l = lines(text);
    let parsed = match (l.len(), l.first().map(String::len)) {
        (2, Some(44)) => ("TD3", mrz::parse_td3(&l[0], &l[1])),
        (2, Some(36)) => ("TD2", mrz::parse_td2(&l[0], &l[1])),
        (3, Some(30)) => ("TD1", mrz::parse_td1(&l[0], &l[1], &l[2])),
        (n, len) => {
            let why = format!(
                "{n} line(s) of {} characters: an MRZ is 2 lines of 44 (TD3, passports), 2 of 36 (TD2) or 3 of 30 (TD1)",
                len.unwrap_or(0)
            );
            return (
                vec![
                    Check::failed(CheckName::MrzFormat, why, json!({"lines": n})),
                    Check::not_applicable(CheckName::MrzCheckDigits, "the MRZ could not be read"),
                ],
                None,
            );
        }
    };
    let (format, data) = match parsed {
        (format, Ok(data)) => (format, data),
        (format, Err(e)) => {
            return (
                vec![
                    Check::failed(
                        CheckName::MrzFormat,
                        format!("not a valid {format} zone: {e}"),
                        json!({"format": format}),
                    ),
                    Check::not_applicable(CheckName::MrzCheckDigits, "the MRZ could not be read"),
                ],
                None,
            );
        }
    };
    let expected = match class {
        IdClass::Pp => &["TD3"][..],
        IdClass::Id => &["TD1", "TD2"][..],
        IdClass::Dl => &["TD1"][..],
    };
    let format_check = if expected.contains(&format) {
        Check::passed(CheckName::MrzFormat, json!({"format": format, "document_type": data.document_type}))
    } else {
        Check::failed(
            CheckName::MrzFormat,
            format!("a {} has a {} zone, not {format}", class.label(), expected.join(" or ")),
            json!({"format": format}),
        )
    };

    let c = &data.checks;
    let fields = [
        ("document_number", c.document_number),
        ("date_of_birth", c.date_of_birth),
        ("date_of_expiry", c.date_of_expiry),
        ("personal_number", c.personal_number),
        ("composite", c.composite),
    ];
    let failed: Vec<&str> = fields.iter().filter(|(_, ok)| *ok == Some(false)).map(|(f, _)| *f).collect();
    let verified: Vec<&str> = fields.iter().filter(|(_, ok)| *ok == Some(true)).map(|(f, _)| *f).collect();
    let digits = if failed.is_empty() {
        Check::passed(CheckName::MrzCheckDigits, json!({"verified": verified}))
    } else {
        Check {
            name: CheckName::MrzCheckDigits,
            status: model::CheckStatus::Failed,
            reasons: failed.iter().map(|f| format!("the {} check digit is wrong", f.replace('_', " "))).collect(),
            details: json!({"verified": verified, "failed": failed}),
        }
    };
    let calendar = |d: &mrz::MrzDate| d.calendar().map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day));
    let zone = Zone {
        format,
        document_number: data.full_document_number().to_owned(),
        issuing_country: data.issuing_country.clone(),
        nationality: data.nationality.clone(),
        person: Person {
            given_names: data.given_names.clone(),
            surname: data.surname.clone(),
            birthdate: calendar(&data.date_of_birth),
        },
        expires_on: calendar(&data.date_of_expiry),
        sex: format!("{:?}", data.sex),
    };
    (vec![format_check, digits], Some(zone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::CheckStatus;

    // ICAO 9303 Part 4's specimen passport.
    const SPECIMEN: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

    #[test]
    fn the_icao_specimen_reads_with_every_check_digit() {
        let (checks, zone) = checks(IdClass::Pp, Some(SPECIMEN));
        assert_eq!(checks.iter().map(|c| c.status).collect::<Vec<_>>(), [CheckStatus::Passed, CheckStatus::Passed]);
        let zone = zone.unwrap();
        assert_eq!((zone.person.surname.as_str(), zone.person.given_names.as_str()), ("ERIKSSON", "ANNA MARIA"));
        assert_eq!(zone.person.birthdate.as_deref(), Some("1974-08-12"));
        assert_eq!(zone.expires_on.as_deref(), Some("2012-04-15"));
        assert_eq!(zone.document_number, "L898902C3");
    }

    #[test]
    fn one_wrong_digit_names_its_field_and_a_passport_with_an_id_card_zone_is_refused() {
        let wrong = SPECIMEN.replace("7408122F", "7408123F");
        let (checks, _) = checks(IdClass::Pp, Some(&wrong));
        assert_eq!(checks[1].status, CheckStatus::Failed);
        assert!(checks[1].reasons.contains(&"the date of birth check digit is wrong".to_owned()), "{:?}", checks[1]);
        let (checks, zone) = super::checks(IdClass::Pp, Some("P<UTO\nL898"));
        assert_eq!(checks[0].status, CheckStatus::Failed);
        assert!(zone.is_none());
    }
}
