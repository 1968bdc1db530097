//! A recipients file as uploaded: any bytes under any name, read against a
//! fixed set of remembered column aliases.

#![no_main]

use issuance::bulk::csv_file::{self, ColumnAliases, FileProblem};
use libfuzzer_sys::fuzz_target;

/// The names a browser or the CLI may send, picked by the first byte, so
/// the extension check, the path stripping and "no name" are all reached.
const NAMES: [Option<&str>; 8] = [
    None,
    Some("recipients.csv"),
    Some("People.TSV"),
    Some("list.txt"),
    Some("C:\\Users\\jane\\Desktop\\recipients.csv"),
    Some("people.xlsx"),
    Some("/"),
    Some("  "),
];

fuzz_target!(|input: &[u8]| {
    let Some((&pick, bytes)) = input.split_first() else { return };
    let aliases = ColumnAliases { name: vec!["Full Name".into()], email: vec!["E-mail Address".into()] };
    match csv_file::read(NAMES[usize::from(pick) % NAMES.len()], bytes, &aliases) {
        Ok(parsed) => {
            // Every row is a line of its own, after a header line.
            let lines = bytes.iter().filter(|b| **b == b'\n' || **b == b'\r').count() + 1;
            assert!(parsed.rows.len() < lines.max(2), "{} rows from {lines} lines", parsed.rows.len());
            assert!(bytes.len() <= csv_file::MAX_BYTES);
            for (i, row) in parsed.rows.iter().enumerate() {
                assert_eq!(row.row, i + 1);
            }
            assert!(parsed.rows.windows(2).all(|w| w[0].line <= w[1].line), "rows out of line order");
        }
        Err(e) => {
            assert!(!e.message.is_empty(), "{:?} without a message", e.code);
            if e.code == FileProblem::NeedsMapping {
                assert!(!e.columns.is_empty(), "asked to map columns but offered none");
            }
        }
    }
});
