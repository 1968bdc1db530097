//! Which header columns hold the name and the e-mail: the ones called
//! `name` and `email`, else the header texts the organisation chose before.
//! A file with neither is not guessed at silently: it comes back with its
//! columns and a suggestion, for the operator to confirm once.

use serde::{Deserialize, Serialize};

use super::{FileError, FileProblem};
use crate::credentials::award::AwardField;

/// Header texts an organisation said hold the name or the e-mail, besides
/// `name` and `email` themselves. Compared trimmed and case-insensitively.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnAliases {
    pub name: Vec<String>,
    pub email: Vec<String>,
}

/// The columns that probably hold the name and the e-mail, offered as the
/// default answer when the operator is asked to choose.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnGuess {
    pub name: Option<String>,
    pub email: Option<String>,
}

impl ColumnGuess {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Name,
    Email,
}

impl Role {
    fn word(self) -> &'static str {
        match self {
            Role::Name => "name",
            Role::Email => "email",
        }
    }

    fn aliases(self, aliases: &ColumnAliases) -> &[String] {
        match self {
            Role::Name => &aliases.name,
            Role::Email => &aliases.email,
        }
    }
}

/// The columns chosen, by index in the record.
pub(super) struct Chosen {
    pub name: usize,
    pub email: usize,
    /// The optional per-recipient columns present (narrative, evidence_url…).
    pub award: Vec<(AwardField, usize)>,
    /// The `badge` column, when the file names a badge per row.
    pub badge: Option<usize>,
    /// Roles found through an alias, with the header text used.
    aliased: Vec<(Role, String)>,
    /// Non-empty headers that are neither.
    ignored: Vec<String>,
}

impl Chosen {
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if !self.aliased.is_empty() {
            let used: Vec<String> = self.aliased.iter().map(|(role, h)| format!("{} ← '{h}'", role.word())).collect();
            warnings.push(format!("Columns used: {}, as chosen for this organisation before.", used.join(", ")));
        }
        if !self.ignored.is_empty() {
            let known: Vec<&str> = AwardField::ALL.iter().map(|f| f.as_str()).collect();
            warnings.push(format!(
                "Columns ignored: {}. Laurel reads name and email, and optionally {} and {BADGE_COLUMN}.",
                self.ignored.join(", "),
                known.join(", ")
            ));
        }
        warnings
    }
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

pub(super) fn choose(headers: &csv::StringRecord, aliases: &ColumnAliases) -> Result<Chosen, FileError> {
    let headers: Vec<&str> = headers.iter().map(str::trim).collect();
    let name = find(Role::Name, &headers, aliases)?;
    let email = find(Role::Email, &headers, aliases)?;
    // Aliases that send one column to both roles answer nothing: ask.
    let (name, email) = match (name, email) {
        (Some(n), Some(e)) if n.0 == e.0 => (None, None),
        found => found,
    };
    if let (Some((name, name_alias)), Some((email, email_alias))) = (name, email) {
        let aliased = [(Role::Name, name, name_alias), (Role::Email, email, email_alias)]
            .into_iter()
            .filter(|(_, _, aliased)| *aliased)
            .map(|(role, i, _)| (role, headers[i].to_owned()))
            .collect();
        let award = award_columns(&headers, &[name, email])?;
        let badge = exact_column(&headers, BADGE_COLUMN, &[name, email])?;
        let ignored = headers
            .iter()
            .enumerate()
            .filter(|(i, h)| {
                *i != name && *i != email && !h.is_empty() && !award.iter().any(|(_, a)| a == i) && badge != Some(*i)
            })
            .map(|(_, h)| (*h).to_owned())
            .collect();
        return Ok(Chosen { name, email, award, badge, aliased, ignored });
    }

    let found: Vec<&str> = headers.iter().copied().filter(|h| !h.is_empty()).collect();
    let missing: Vec<&str> =
        [(Role::Name, name), (Role::Email, email)].iter().filter(|(_, c)| c.is_none()).map(|(r, _)| r.word()).collect();
    let lacks = format!(
        "The header row has no '{}' column (found: {})",
        missing.join("' or '"),
        if found.is_empty() { "nothing".to_owned() } else { found.join(", ") }
    );
    // One column (or none) is not a table to map: most likely the header
    // row is missing or the file is not a list of recipients.
    if found.len() < 2 {
        return Err(FileError::new(
            FileProblem::MissingColumn,
            format!("{lacks}. The first row must name the columns, e.g. name,email."),
        ));
    }
    // A choice is remembered by header text, so two columns with the same
    // text could not be told apart.
    if let Some(twice) = found.iter().enumerate().find_map(|(i, h)| found[..i].iter().find(|seen| same(seen, h))) {
        return Err(FileError::new(
            FileProblem::MissingColumn,
            format!("{lacks}, and two columns are called '{twice}'. Rename or remove one."),
        ));
    }
    let ask = match (name, email) {
        (None, None) => "Say which column holds the name and which the e-mail.",
        (None, Some(_)) => "Say which column holds the name.",
        _ => "Say which column holds the e-mail.",
    };
    Err(FileError {
        columns: found.iter().map(|h| (*h).to_owned()).collect(),
        guess: guess(&found, name.map(|n| headers[n.0]), email.map(|e| headers[e.0])),
        ..FileError::new(FileProblem::NeedsMapping, format!("{lacks}. {ask}"))
    })
}

/// The header of the column that names each row's badge (by id or name).
pub const BADGE_COLUMN: &str = "badge";

/// The optional award columns, each found by its exact name (any case),
/// and never one already read as the name or the e-mail.
fn award_columns(headers: &[&str], taken: &[usize]) -> Result<Vec<(AwardField, usize)>, FileError> {
    let mut found = Vec::new();
    for &field in AwardField::ALL {
        if let Some(i) = exact_column(headers, field.as_str(), taken)? {
            found.push((field, i));
        }
    }
    Ok(found)
}

/// The one column called `word` (any case) that is not `taken`; two are
/// refused, since either could be meant.
fn exact_column(headers: &[&str], word: &str, taken: &[usize]) -> Result<Option<usize>, FileError> {
    let hits: Vec<usize> =
        headers.iter().enumerate().filter(|(i, h)| !taken.contains(i) && same(h, word)).map(|(i, _)| i).collect();
    match hits[..] {
        [] => Ok(None),
        [i] => Ok(Some(i)),
        _ => Err(FileError::new(FileProblem::MissingColumn, format!("The header has two '{word}' columns. Keep one."))),
    }
}

/// The column for `role` and whether it was found through an alias. A
/// column called `name` or `email` wins over aliases, which only stand in
/// for it.
fn find(role: Role, headers: &[&str], aliases: &ColumnAliases) -> Result<Option<(usize, bool)>, FileError> {
    let matching = |pred: &dyn Fn(&str) -> bool| -> Vec<usize> {
        headers.iter().enumerate().filter(|(_, h)| !h.is_empty() && pred(h)).map(|(i, _)| i).collect()
    };
    let mut aliased = false;
    let mut hits = matching(&|h| same(h, role.word()));
    if hits.is_empty() {
        aliased = true;
        hits = matching(&|h| role.aliases(aliases).iter().any(|a| same(h, a)));
    }
    match hits[..] {
        [] => Ok(None),
        [i] => Ok(Some((i, aliased))),
        [a, b, ..] => Err(FileError::new(
            FileProblem::MissingColumn,
            if same(headers[a], headers[b]) {
                format!("The header has two '{}' columns. Keep one.", headers[a].to_lowercase())
            } else {
                format!("The header has two {} columns ('{}' and '{}'). Keep one.", role.word(), headers[a], headers[b])
            },
        )),
    }
}

/// A header with "mail" for the e-mail, one with "name" (a full name
/// rather than a first or last one) for the name; never one for both.
fn guess(found: &[&str], name: Option<&str>, email: Option<&str>) -> ColumnGuess {
    let has = |h: &str, word: &str| h.to_lowercase().contains(word);
    let pick = |word: &str, taken: Option<&str>, prefer: &dyn Fn(&str) -> bool| {
        let candidates: Vec<&str> = found.iter().copied().filter(|h| has(h, word) && Some(*h) != taken).collect();
        candidates.iter().find(|h| prefer(h)).or(candidates.first()).map(|h| (*h).to_owned())
    };
    // "Email" before "Name for email": a mail column that is not also a name.
    let email = email.map(str::to_owned).or_else(|| pick("mail", name, &|h| !has(h, "name")));
    let name = name.map(str::to_owned).or_else(|| pick("name", email.as_deref(), &|h| has(h, "full")));
    ColumnGuess { name, email }
}
