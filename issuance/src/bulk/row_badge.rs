//! Which badge each row of an upload is for. A file with a `badge` column
//! names it per row, by the badge's id or its exact name; a blank cell, or
//! a file without the column, takes the badge chosen for the upload.

use std::collections::HashMap;

use super::classify::RowBadge;
use super::csv_file::UploadedRow;
use crate::badges::Badge;

/// Resolves every row's badge against the org's `badges` (archived ones
/// included, so a row naming one is told it is archived rather than
/// unknown). `default` is the upload's own badge, if one was chosen.
pub fn resolve(rows: &[UploadedRow], badges: &[Badge], default: Option<&Badge>) -> Vec<RowBadge> {
    let mut seen: HashMap<&str, RowBadge> = HashMap::new();
    rows.iter()
        .map(|row| {
            if row.badge.is_empty() {
                return match default {
                    Some(badge) => Ok(badge.id.clone()),
                    None => Err("badge is empty, and no badge was chosen for rows that name none".to_owned()),
                };
            }
            seen.entry(row.badge.as_str()).or_insert_with(|| named(&row.badge, badges)).clone()
        })
        .collect()
}

/// The badge a cell names: an id first, then an exact name.
fn named(cell: &str, badges: &[Badge]) -> RowBadge {
    let by_id = badges.iter().find(|b| b.id == cell);
    let by_name: Vec<&Badge> = badges.iter().filter(|b| b.name == cell).collect();
    let badge = match (by_id, &by_name[..]) {
        (Some(b), _) => b,
        (None, [b]) => *b,
        (None, []) => {
            let lower = cell.to_lowercase();
            let close: Vec<&Badge> = badges.iter().filter(|b| b.name.to_lowercase() == lower).collect();
            return Err(match &close[..] {
                [b] => format!("badge '{cell}' is not a badge of this organisation; did you mean '{}'?", b.name),
                _ => format!("badge '{cell}' is not a badge of this organisation (give a badge's id or exact name)"),
            });
        }
        (None, several) => {
            let ids: Vec<&str> = several.iter().map(|b| b.id.as_str()).collect();
            return Err(format!(
                "badge '{cell}' names {} badges ({}); give the badge's id instead",
                several.len(),
                ids.join(", ")
            ));
        }
    };
    if badge.archived_at.is_some() {
        return Err(format!("badge '{cell}' is archived and cannot be issued"));
    }
    Ok(badge.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn badge(id: &str, name: &str, archived: bool) -> Badge {
        Badge {
            id: id.into(),
            org_id: "org_1".into(),
            name: name.into(),
            description: String::new(),
            criteria_narrative: String::new(),
            image_url: None,
            validity_days: None,
            archived_at: archived.then_some(1),
            created_at: 0,
            updated_at: 0,
        }
    }

    fn row(cell: &str) -> UploadedRow {
        UploadedRow {
            row: 1,
            line: 2,
            name: "Ada".into(),
            email: "ada@example.com".into(),
            award: Default::default(),
            badge: cell.into(),
        }
    }

    #[test]
    fn a_cell_names_a_badge_by_id_or_exact_name_and_a_blank_one_takes_the_uploads_badge() {
        let badges = [
            badge("bdg_a", "Rocketry", false),
            badge("bdg_b", "Safety", false),
            badge("bdg_c", "Twin", false),
            badge("bdg_d", "Twin", false),
            badge("bdg_e", "Old", true),
        ];
        let cells = ["bdg_b", "Rocketry", "", "rocketry", "Welding", "Twin", "Old"];
        let rows: Vec<UploadedRow> = cells.iter().map(|c| row(c)).collect();
        let got = resolve(&rows, &badges, Some(&badges[1]));
        assert_eq!(got[0], Ok("bdg_b".into()));
        assert_eq!(got[1], Ok("bdg_a".into()));
        assert_eq!(got[2], Ok("bdg_b".into()), "a blank cell takes the upload's badge");
        assert_eq!(
            got[3],
            Err("badge 'rocketry' is not a badge of this organisation; did you mean 'Rocketry'?".into())
        );
        assert!(got[4].as_ref().unwrap_err().contains("give a badge's id or exact name"), "{:?}", got[4]);
        assert_eq!(got[5], Err("badge 'Twin' names 2 badges (bdg_c, bdg_d); give the badge's id instead".into()));
        assert_eq!(got[6], Err("badge 'Old' is archived and cannot be issued".into()));

        let without_default = resolve(&[row("")], &badges, None);
        assert!(without_default[0].as_ref().unwrap_err().starts_with("badge is empty"), "{without_default:?}");
    }
}
