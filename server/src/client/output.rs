//! How read commands print what the API answered: `--format json` (the
//! answer as it came, for `jq`) or `--format table` (aligned columns for
//! people). Without `--format`, a table on a terminal and JSON in a pipe.

use std::io::IsTerminal;

use comfy_table::presets::UTF8_BORDERS_ONLY;
use comfy_table::{ContentArrangement, Table};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Table,
}

impl Format {
    /// The format asked for, else the one that suits where stdout goes.
    pub fn or_default(asked: Option<Format>) -> Format {
        asked.unwrap_or(if std::io::stdout().is_terminal() { Format::Table } else { Format::Json })
    }
}

/// One column of a list: its heading and the field it shows (a JSON
/// pointer into each item).
pub type Column = (&'static str, &'static str);

/// A list answer (`{"data": [...], "next_cursor"}`), one row per item.
pub fn list(answer: &Value, columns: &[Column], format: Format) {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(answer).expect("JSON prints")),
        Format::Table => {
            let mut table = table();
            table.set_header(columns.iter().map(|(heading, _)| *heading));
            for item in answer["data"].as_array().into_iter().flatten() {
                table.add_row(columns.iter().map(|(_, pointer)| cell(item.pointer(pointer))));
            }
            println!("{table}");
            if let Some(cursor) = answer["next_cursor"].as_str() {
                println!("more: --after {cursor}");
            }
        }
    }
}

/// One object, as field / value rows; nested values as compact JSON.
pub fn object(answer: &Value, format: Format) {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(answer).expect("JSON prints")),
        Format::Table => {
            let mut table = table();
            for (field, value) in answer.as_object().into_iter().flatten() {
                table.add_row([field.clone(), cell(Some(value))]);
            }
            println!("{table}");
        }
    }
}

fn table() -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_BORDERS_ONLY).set_content_arrangement(ContentArrangement::Dynamic);
    table
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cell_shows_text_bare_nothing_for_null_and_json_for_the_rest() {
        assert_eq!(cell(Some(&json!("cred_1"))), "cred_1");
        assert_eq!(cell(Some(&Value::Null)), "");
        assert_eq!(cell(None), "");
        assert_eq!(cell(Some(&json!(25))), "25");
        assert_eq!(cell(Some(&json!({"a": 1}))), r#"{"a":1}"#);
    }
}
