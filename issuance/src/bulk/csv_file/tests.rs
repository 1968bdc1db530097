use super::*;

fn rows(input: &[u8]) -> Vec<(String, String)> {
    parse(input).unwrap().rows.into_iter().map(|r| (r.name, r.email)).collect()
}

fn error(input: &[u8]) -> FileError {
    parse(input).unwrap_err()
}

#[test]
fn reads_name_and_email_in_any_order_and_case() {
    assert_eq!(rows(b"Email,NAME\njane@example.com,Jane Doe\n"), vec![("Jane Doe".into(), "jane@example.com".into())]);
}

#[test]
fn quoted_fields_keep_their_commas_and_line_breaks() {
    let file = b"name,email\n\"Doe, Jane\",jane@example.com\n\"Sam\nSmith\",sam@example.com\n";
    let parsed = parse(file).unwrap();
    assert_eq!(parsed.rows[0].name, "Doe, Jane");
    assert_eq!(parsed.rows[1].name, "Sam\nSmith");
    assert_eq!(parsed.rows[1].row, 2);
    assert_eq!(parsed.rows[1].line, 3, "the row starts on line 3 and spans two lines");
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_accepted() {
    let file = b"\xEF\xBB\xBFname,email\r\nJane Doe,jane@example.com\r\n";
    assert_eq!(rows(file), vec![("Jane Doe".into(), "jane@example.com".into())]);
}

#[test]
fn blank_lines_are_skipped_and_do_not_count_as_rows() {
    let parsed = parse(b"name,email\n\nJane,jane@example.com\n , \n\nSam,sam@example.com\n").unwrap();
    assert_eq!(parsed.rows.len(), 2);
    assert_eq!((parsed.rows[1].row, parsed.rows[1].line), (2, 6));
}

#[test]
fn cells_are_trimmed() {
    assert_eq!(
        rows(b"name,email\n  Jane Doe , jane@example.com \n"),
        vec![("Jane Doe".into(), "jane@example.com".into())]
    );
}

#[test]
fn other_columns_are_ignored_with_a_warning() {
    let parsed = parse(b"name,team,email,phone\nJane,Blue,jane@example.com,123\n").unwrap();
    assert_eq!(parsed.rows[0].email, "jane@example.com");
    assert_eq!(parsed.warnings, vec!["Columns ignored: team, phone. Only name and email are used."]);
}

#[test]
fn short_rows_read_as_missing_cells() {
    assert_eq!(rows(b"name,email\nJane\n"), vec![("Jane".into(), String::new())]);
}

#[test]
fn a_latin1_file_is_refused_saying_where_and_what_to_do() {
    // "José" in Latin-1: é is the single byte 0xE9.
    let e = error(b"name,email\nJos\xE9,jose@example.com\n");
    assert_eq!(e.code, "not_utf8");
    assert!(e.message.contains("line 2, character 4"), "{}", e.message);
    assert!(e.message.contains("CSV UTF-8"), "{}", e.message);
}

#[test]
fn an_empty_file_a_header_only_file_and_a_missing_column_are_file_errors() {
    assert_eq!(error(b"").code, "empty_file");
    assert_eq!(error(b"\n\r\n  ").code, "empty_file");
    assert_eq!(error(b"name,email\n").code, "no_rows");
    assert_eq!(error(b"name,email\n\n,\n").code, "no_rows");
    let e = error(b"name,mail\nJane,jane@example.com\n");
    assert_eq!(e.code, "missing_column");
    assert!(e.message.contains("no 'email' column (found: name, mail)"), "{}", e.message);
    let e = error(b"full name,mail\n");
    assert!(e.message.contains("no 'name' or 'email' column"), "{}", e.message);
    assert_eq!(error(b"name,email,Email\n").code, "missing_column");
}

#[test]
fn files_over_one_megabyte_and_other_extensions_are_refused() {
    let big = vec![b'a'; MAX_BYTES + 1];
    assert_eq!(error(&big).code, "too_large");
    assert_eq!(check_name(Some("people.xlsx")).unwrap_err().code, "not_csv");
    assert!(check_name(Some("People.CSV")).is_ok());
    assert!(check_name(None).is_ok());
}

#[test]
fn an_unclosed_quote_reads_to_the_end_of_the_file() {
    // RFC 4180 lets a quoted field run on; the row then simply has odd data.
    let parsed = parse(b"name,email\n\"Jane,jane@example.com\nSam,sam@example.com\n").unwrap();
    assert_eq!(parsed.rows.len(), 1);
}

#[test]
fn formula_cells_are_neutralised_for_spreadsheets() {
    assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
    assert_eq!(neutralise("+1"), "'+1");
    assert_eq!(neutralise("-2"), "'-2");
    assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(neutralise("Jane"), "Jane");
}
