//! `data_consistency`: the name and birthdate the session holds against
//! those the document's MRZ (or barcode) says, tolerant of case, accents,
//! hyphens and middle names; and the MRZ against the barcode where a
//! document has both.

use serde_json::json;

use super::{Check, CheckName};

/// A person as one source tells it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Person {
    pub given_names: String,
    pub surname: String,
    /// `YYYY-MM-DD`.
    pub birthdate: Option<String>,
}

/// Upper-case ASCII words: `Zoë Anne-Marie` → `ZOE`, `ANNE`, `MARIE`, as
/// an MRZ spells them.
pub fn words(name: &str) -> Vec<String> {
    deunicode::deunicode(name)
        .to_ascii_uppercase()
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `entered` names the same person as `document`: every word of
/// the surname is there, and the first given name is among the
/// document's (a middle name may be left out on either side).
fn same_name(entered: &Person, document: &Person) -> Result<(), String> {
    let (es, ds) = (words(&entered.surname), words(&document.surname));
    if es.is_empty() || !es.iter().all(|w| ds.contains(w)) {
        return Err(format!("the surname “{}” is not the document's “{}”", entered.surname, document.surname));
    }
    let (eg, dg) = (words(&entered.given_names), words(&document.given_names));
    match eg.first() {
        Some(first) if dg.contains(first) => Ok(()),
        _ => Err(format!(
            "the given name “{}” is not among the document's “{}”",
            entered.given_names, document.given_names
        )),
    }
}

/// Compares the session's person with each source the document had.
pub fn check(entered: Option<&Person>, sources: &[(&str, Person)]) -> Check {
    if sources.is_empty() {
        return Check::not_applicable(CheckName::DataConsistency, "the document gave no name or birthdate to compare");
    }
    let mut reasons = Vec::new();
    if let Some(entered) = entered {
        for (source, found) in sources {
            if let Err(why) = same_name(entered, found) {
                reasons.push(format!("{why} (from the {source})"));
            }
            match (&entered.birthdate, &found.birthdate) {
                (Some(e), Some(f)) if e != f => {
                    reasons.push(format!("the birthdate {e} is not the {source}'s {f}"));
                }
                _ => {}
            }
        }
    }
    // Two sources on one document must agree with each other.
    if let [(a, first), (b, second), ..] = sources
        && (same_name(first, second).is_err() || first.birthdate != second.birthdate)
    {
        reasons.push(format!("the {a} and the {b} name different people"));
    }
    if entered.is_none() && sources.len() < 2 {
        return Check::not_applicable(
            CheckName::DataConsistency,
            "the session holds no name or birthdate to compare with the document's",
        );
    }
    let details = json!({"sources": sources.iter().map(|(s, _)| *s).collect::<Vec<_>>()});
    if reasons.is_empty() {
        Check::passed(CheckName::DataConsistency, details)
    } else {
        Check { name: CheckName::DataConsistency, status: super::CheckStatus::Failed, reasons, details }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::CheckStatus;

    fn person(given: &str, surname: &str, birthdate: &str) -> Person {
        Person { given_names: given.into(), surname: surname.into(), birthdate: Some(birthdate.into()) }
    }

    #[test]
    fn accents_case_and_a_missing_middle_name_do_not_make_a_mismatch() {
        let mrz = person("ZOE ANNE", "DUPONT MARTIN", "1990-04-02");
        let entered = person("Zoë", "Dupont-Martin", "1990-04-02");
        assert_eq!(check(Some(&entered), &[("MRZ", mrz)]).status, CheckStatus::Passed);
    }

    #[test]
    fn another_name_or_birthdate_fails_saying_which() {
        let mrz = person("ANNA MARIA", "ERIKSSON", "1974-08-12");
        let c = check(Some(&person("Anna", "Svensson", "1974-08-12")), &[("MRZ", mrz.clone())]);
        assert_eq!(c.status, CheckStatus::Failed);
        assert!(c.reasons[0].contains("surname “Svensson”"), "{:?}", c.reasons);
        let c = check(Some(&person("Anna", "Eriksson", "1974-08-13")), &[("MRZ", mrz)]);
        assert_eq!(c.reasons, ["the birthdate 1974-08-13 is not the MRZ's 1974-08-12"]);
    }
}
