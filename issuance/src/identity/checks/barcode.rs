//! `barcode_data`: the back of a US or Canadian driving licence carries a
//! PDF417 barcode (read with `rxing`) holding AAMVA data elements, three
//! letters and a value per line: `DAQ` the licence number, `DCS` the
//! family name, `DAC`/`DAD` the first and middle names, `DBB` the birth
//! date and `DBA` the expiry (`MMDDCCYY` in the US, `CCYYMMDD` in Canada).

use std::collections::BTreeMap;

use image::GrayImage;
use rxing::{BarcodeFormat, DecodeHints};
use serde_json::json;

use super::consistency::Person;
use super::{Check, CheckName};

/// What a licence's barcode says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Licence {
    pub number: String,
    pub person: Person,
    /// `YYYY-MM-DD`.
    pub expires_on: Option<String>,
    pub jurisdiction: Option<String>,
    pub country: Option<String>,
}

/// The countries whose licences carry an AAMVA PDF417.
pub fn applies_to(country_code: Option<&str>) -> bool {
    matches!(country_code, Some("US" | "CA"))
}

/// Decodes the PDF417 of `gray` (the licence's back), as text.
pub fn read(gray: &GrayImage) -> Result<String, String> {
    let mut hints = DecodeHints { TryHarder: Some(true), ..DecodeHints::default() };
    rxing::helpers::detect_in_luma_with_hints(
        gray.as_raw().clone(),
        gray.width(),
        gray.height(),
        Some(BarcodeFormat::PDF_417),
        &mut hints,
    )
    .map(|r| r.getText().to_owned())
    .map_err(|e| format!("no PDF417 barcode could be read on the back ({e})"))
}

/// The data elements of an AAMVA text: `DAQ` → `T64235789`, ….
pub fn elements(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.split(['\n', '\r']) {
        // The first element follows the header and its subfile's type, on
        // the header's line: `…DL00410278DLDAQT64235789`.
        let line = match line.find("DLDAQ").or_else(|| line.find("IDDAQ")) {
            Some(at) => &line[at + 2..],
            None => line,
        };
        let code = line.get(..3).filter(|c| c.starts_with('D') && c.chars().all(|ch| ch.is_ascii_uppercase()));
        if let Some(code) = code {
            out.entry(code.to_owned()).or_insert_with(|| line[3..].trim().to_owned());
        }
    }
    out
}

/// `MMDDCCYY` (US) or `CCYYMMDD` (Canada) as `YYYY-MM-DD`.
fn date(value: &str, canadian: bool) -> Option<String> {
    if value.len() != 8 || !value.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (y, m, d) =
        if canadian { (&value[0..4], &value[4..6], &value[6..8]) } else { (&value[4..8], &value[0..2], &value[2..4]) };
    Some(format!("{y}-{m}-{d}"))
}

/// Reads the licence's fields from its barcode text.
pub fn parse(text: &str) -> Result<Licence, String> {
    if !text.contains("ANSI ") && !text.contains("AAMVA") {
        return Err("the barcode does not hold AAMVA data (no ANSI header)".into());
    }
    let e = elements(text);
    let need =
        |code: &str, what: &str| e.get(code).cloned().ok_or_else(|| format!("the barcode has no {code} ({what})"));
    let canadian = e.get("DCG").is_some_and(|c| c == "CAN");
    let given = match (e.get("DAC").or(e.get("DCT")), e.get("DAD")) {
        (Some(first), Some(middle)) if !middle.is_empty() && middle != "NONE" => format!("{first} {middle}"),
        (Some(first), _) => first.clone(),
        (None, _) => return Err("the barcode has no DAC (first name)".into()),
    };
    Ok(Licence {
        number: need("DAQ", "licence number")?,
        person: Person {
            given_names: given,
            surname: need("DCS", "family name")?,
            birthdate: Some(date(&need("DBB", "date of birth")?, canadian).ok_or("DBB is not a date")?),
        },
        expires_on: e.get("DBA").and_then(|v| date(v, canadian)),
        jurisdiction: e.get("DAJ").cloned(),
        country: e.get("DCG").cloned(),
    })
}

/// The check, from the back's image (already decoded) when there is one.
pub fn check(country_code: Option<&str>, back: Option<&GrayImage>) -> (Check, Option<Licence>) {
    if !applies_to(country_code) {
        let why = format!(
            "only US and Canadian licences carry an AAMVA barcode; this one is from {}",
            country_code.unwrap_or("?")
        );
        return (Check::not_applicable(CheckName::BarcodeData, why), None);
    }
    let Some(back) = back else {
        return (
            Check::failed(CheckName::BarcodeData, "the back, which carries the barcode, could not be read", json!({})),
            None,
        );
    };
    match read(back).and_then(|text| parse(&text)) {
        Ok(l) => (
            Check::passed(
                CheckName::BarcodeData,
                json!({"document_number": l.number, "name_last": l.person.surname, "name_first": l.person.given_names,
                       "birthdate": l.person.birthdate, "expiration_date": l.expires_on, "jurisdiction": l.jurisdiction}),
            ),
            Some(l),
        ),
        Err(why) => (Check::failed(CheckName::BarcodeData, why, json!({})), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AAMVA 2016's example layout, shortened.
    const SAMPLE: &str = "@\n\u{1e}\rANSI 636014080002DL00410278ZC03190024DLDAQT64235789\nDCSSAMPLE\nDDEN\nDACMICHAEL\nDDFN\nDADJOHN\nDDGN\nDCAD\nDCBK\nDCDPH\nDBD06062016\nDBB06061986\nDBA12102024\nDBC1\nDAU068 in\nDAYBRO\nDAG2300 WEST BROAD STREET\nDAIRICHMOND\nDAJVA\nDAK232690000  \nDCF2424244747474786102204\nDCGUSA\nDCK123456789\nDDAF\nDDB06062008\nDDC06062009\nDDD1\rZCZCAY\nZCBCORRECTIVE LENSES\r";

    #[test]
    fn the_aamva_elements_become_a_licence_with_us_dates() {
        let l = parse(SAMPLE).unwrap();
        assert_eq!(l.number, "T64235789");
        assert_eq!(
            l.person,
            Person {
                given_names: "MICHAEL JOHN".into(),
                surname: "SAMPLE".into(),
                birthdate: Some("1986-06-06".into())
            }
        );
        assert_eq!(l.expires_on.as_deref(), Some("2024-12-10"));
        assert_eq!(l.jurisdiction.as_deref(), Some("VA"));
    }

    #[test]
    fn text_without_a_header_or_a_number_is_refused_saying_what_is_missing() {
        assert!(parse("hello").unwrap_err().contains("ANSI"));
        assert!(
            parse("@\n\u{1e}\rANSI 636014080002DL00410278DLDCSSAMPLE\nDACMICHAEL\nDBB06061986\r")
                .unwrap_err()
                .contains("DAQ")
        );
    }
}
