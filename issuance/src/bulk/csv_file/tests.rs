use std::io::{Cursor, Write};

use super::*;

// Real files from the tools people use; `fixtures/make.py` writes them.
const XLSX: &[u8] = include_bytes!("fixtures/people.xlsx");
const XLS: &[u8] = include_bytes!("fixtures/people.xls");
const ODS: &[u8] = include_bytes!("fixtures/people.ods");
const PNG: &[u8] = include_bytes!("fixtures/pixel.png");
/// The smallest PDF a viewer opens, with the binary comment line writers add.
const PDF: &[u8] = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
    2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n\
    trailer<</Root 1 0 R>>\n%%EOF\n";

fn read_plain(input: &[u8]) -> Result<ParsedFile, FileError> {
    read(None, input, &ColumnAliases::default())
}

fn rows(input: &[u8]) -> Vec<(String, String)> {
    read_plain(input).unwrap().rows.into_iter().map(|r| (r.name, r.email)).collect()
}

fn error(input: &[u8]) -> FileError {
    read_plain(input).unwrap_err()
}

fn named_error(name: &str, input: &[u8]) -> FileError {
    read(Some(name), input, &ColumnAliases::default()).unwrap_err()
}

/// A ZIP of empty entries with these names, in this order, stored.
fn zip_of(names: &[&str]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for name in names {
        zip.start_file(*name, stored).unwrap();
        zip.write_all(b"<x/>").unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn jane() -> Vec<(String, String)> {
    vec![("Jane Doe".into(), "jane@example.com".into())]
}

#[test]
fn reads_name_and_email_in_any_order_and_case() {
    assert_eq!(rows(b"Email,NAME\njane@example.com,Jane Doe\n"), jane());
}

#[test]
fn quoted_fields_keep_their_commas_and_line_breaks() {
    let file = b"name,email\n\"Doe, Jane\",jane@example.com\n\"Sam\nSmith\",sam@example.com\n";
    let parsed = read_plain(file).unwrap();
    assert_eq!(parsed.rows[0].name, "Doe, Jane");
    assert_eq!(parsed.rows[1].name, "Sam\nSmith");
    assert_eq!(parsed.rows[1].row, 2);
    assert_eq!(parsed.rows[1].line, 3, "the row starts on line 3 and spans two lines");
    assert_eq!(parsed.delimiter, Delimiter::Comma);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_accepted() {
    assert_eq!(rows(b"\xEF\xBB\xBFname,email\r\nJane Doe,jane@example.com\r\n"), jane());
}

#[test]
fn blank_lines_are_skipped_and_do_not_count_as_rows() {
    let parsed = read_plain(b"name,email\n\nJane,jane@example.com\n , \n\nSam,sam@example.com\n").unwrap();
    assert_eq!(parsed.rows.len(), 2);
    assert_eq!((parsed.rows[1].row, parsed.rows[1].line), (2, 6));
}

#[test]
fn cells_are_trimmed() {
    assert_eq!(rows(b"name,email\n  Jane Doe , jane@example.com \n"), jane());
}

#[test]
fn other_columns_are_ignored_with_a_warning() {
    let parsed = read_plain(b"name,team,email,phone\nJane,Blue,jane@example.com,123\n").unwrap();
    assert_eq!(parsed.rows[0].email, "jane@example.com");
    assert_eq!(
        parsed.warnings,
        vec![
            "Columns ignored: team, phone. Laurel reads name and email, and optionally narrative, evidence_url, evidence_name, issued_on, expires_at and badge."
        ]
    );
}

#[test]
fn short_rows_read_as_missing_cells() {
    assert_eq!(rows(b"name,email\nJane\n"), vec![("Jane".into(), String::new())]);
}

#[test]
fn an_unclosed_quote_reads_to_the_end_of_the_file() {
    // RFC 4180 lets a quoted field run on; the row then simply has odd data.
    let parsed = read_plain(b"name,email\n\"Jane,jane@example.com\nSam,sam@example.com\n").unwrap();
    assert_eq!(parsed.rows.len(), 1);
}

#[test]
fn a_semicolon_file_is_read_with_its_quoted_semicolons_and_says_so() {
    let file = "name;email;note\n\"Doe; Jane\";jane@example.com;\"a, b; c\"\nSam Smith;sam@example.com;\n";
    let parsed = read_plain(file.as_bytes()).unwrap();
    assert_eq!(parsed.delimiter, Delimiter::Semicolon);
    assert_eq!(parsed.delimiter.label(), "semicolon");
    assert_eq!(parsed.rows[0].name, "Doe; Jane");
    assert_eq!(parsed.rows[0].email, "jane@example.com");
    assert_eq!((parsed.rows[1].name.as_str(), parsed.rows[1].line), ("Sam Smith", 3));
    assert_eq!(
        parsed.warnings,
        vec![
            "Read as semicolon-separated (the header row uses ';').",
            "Columns ignored: note. Laurel reads name and email, and optionally narrative, evidence_url, evidence_name, issued_on, expires_at and badge.",
        ]
    );
}

#[test]
fn a_tab_separated_file_is_read_as_such() {
    let parsed =
        read(Some("people.tsv"), b"name\temail\nJane Doe\tjane@example.com\n", &ColumnAliases::default()).unwrap();
    assert_eq!(parsed.delimiter, Delimiter::Tab);
    assert_eq!(parsed.rows[0].email, "jane@example.com");
    assert_eq!(parsed.warnings, vec!["Read as tab-separated (the header row uses tabs)."]);
}

#[test]
fn the_comma_stays_the_delimiter_on_a_tie_or_when_the_header_has_none() {
    // Two commas, two semicolons: a tie.
    let parsed = read_plain(b"name,email,a;b;c\nJane,jane@example.com,1;2;3\n").unwrap();
    assert_eq!((parsed.delimiter, parsed.rows[0].email.as_str()), (Delimiter::Comma, "jane@example.com"));
    // Semicolons inside quotes do not count.
    let parsed = read_plain(b"\"a;b;c\",name,email\n1,Jane,jane@example.com\n").unwrap();
    assert_eq!(parsed.delimiter, Delimiter::Comma);
    assert!(parsed.warnings.iter().all(|w| !w.starts_with("Read as")), "{:?}", parsed.warnings);
    // Blank lines before the header are skipped, as the reader skips them.
    assert_eq!(read_plain(b"\n\nname;email\nJane;j@example.com\n").unwrap().delimiter, Delimiter::Semicolon);
    assert_eq!(Delimiter::detect(b"name\n"), Delimiter::Comma);
    assert_eq!(Delimiter::detect(b"a;b\tc\n"), Delimiter::Comma);
}

#[test]
fn a_latin1_file_is_refused_saying_where_and_what_to_do() {
    // "José" in Latin-1: é is the single byte 0xE9.
    let e = error(b"name,email\nJos\xE9,jose@example.com\n");
    assert_eq!(e.code, FileProblem::NotUtf8);
    assert!(e.message.contains("line 2, character 4"), "{}", e.message);
    assert!(e.message.contains("CSV UTF-8"), "{}", e.message);
}

#[test]
fn a_utf16_file_is_refused_as_not_utf8_rather_than_as_binary() {
    // Excel's "Unicode Text": UTF-16LE with a byte-order mark, tab-separated.
    let utf16: Vec<u8> = "\u{FEFF}name\temail\r\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let e = named_error("people.txt", &utf16);
    assert_eq!(e.code, FileProblem::NotUtf8);
    assert!(e.message.contains("UTF-16"), "{}", e.message);
}

#[test]
fn an_empty_file_a_header_only_file_and_a_one_column_header_are_file_errors() {
    assert_eq!(error(b"").code, FileProblem::EmptyFile);
    assert_eq!(error(b"\n\r\n  ").code, FileProblem::EmptyFile);
    assert_eq!(error(b"name,email\n").code, FileProblem::NoRows);
    assert_eq!(error(b"name,email\n\n,\n").code, FileProblem::NoRows);
    let e = error(b"name\nJane\n");
    assert_eq!(e.code, FileProblem::MissingColumn);
    assert!(e.message.contains("no 'email' column (found: name)"), "{}", e.message);
    assert!(e.columns.is_empty() && e.guess.is_empty());
    let e = error(b"recipients,,\nJane,,\n");
    assert_eq!(e.code, FileProblem::MissingColumn);
    assert!(e.message.contains("no 'name' or 'email' column (found: recipients)"), "{}", e.message);
}

#[test]
fn a_column_given_twice_is_refused() {
    let e = error(b"name,email,Email\n");
    assert_eq!(e.code, FileProblem::MissingColumn);
    assert!(e.message.contains("two 'email' columns"), "{}", e.message);
    // Two columns an organisation's aliases both point at.
    let aliases = ColumnAliases { name: vec!["Full Name".into(), "Nom".into()], email: vec![] };
    let e = read(None, b"Full Name,Nom,email\nJane,Jane,jane@example.com\n", &aliases).unwrap_err();
    assert_eq!(e.code, FileProblem::MissingColumn);
    assert!(e.message.contains("two name columns ('Full Name' and 'Nom')"), "{}", e.message);
    // When a mapping is needed, same-named columns could not be told apart.
    let e = error(b"Full Name,Mail,mail\n");
    assert_eq!(e.code, FileProblem::MissingColumn);
    assert!(e.message.contains("two columns are called 'Mail'"), "{}", e.message);
}

#[test]
fn files_over_one_megabyte_are_refused() {
    let big = vec![b'a'; MAX_BYTES + 1];
    assert_eq!(error(&big).code, FileProblem::TooLarge);
    assert_eq!(named_error("people.xlsx", &big).code, FileProblem::TooLarge, "size is checked first");
}

#[test]
fn csv_tsv_and_txt_names_are_accepted_and_others_refused() {
    let file = b"name,email\nJane Doe,jane@example.com\n";
    for name in ["people.csv", "People.CSV", "people.tsv", "people.TXT", " people.csv ", "C:\\Users\\me\\people.csv"] {
        assert_eq!(read(Some(name), file, &ColumnAliases::default()).unwrap().rows.len(), 1, "{name}");
    }
    assert!(read(Some(""), file, &ColumnAliases::default()).is_ok(), "an empty name is no name");
    let e = named_error("people.xlsx", file);
    assert_eq!(e.code, FileProblem::NotCsv, "real CSV content, but a name that will mislead next time");
    assert!(e.message.starts_with("'people.xlsx' is not a CSV file"), "{}", e.message);
    assert_eq!(named_error("people", file).code, FileProblem::NotCsv);
    assert!(read(None, file, &ColumnAliases::default()).is_ok(), "no name at all (an API body) is fine");
}

#[test]
fn an_xlsx_named_csv_is_a_spreadsheet_and_the_message_says_how_to_export_from_excel() {
    let e = named_error("people.csv", XLSX);
    assert_eq!(e.code, FileProblem::Spreadsheet);
    assert_eq!(
        e.message,
        "'people.csv' is an Excel workbook (.xlsx), not a CSV file. In Excel, use File → Save As → \
         \"CSV UTF-8 (comma delimited)\" and upload that."
    );
}

#[test]
fn a_workbook_is_named_for_what_it_is_whatever_its_name() {
    assert_eq!(named_error("people.xlsx", XLSX).code, FileProblem::Spreadsheet, "not merely not_csv");
    let e = error(XLSX);
    assert!(e.message.starts_with("The file is an Excel workbook (.xlsx)"), "{}", e.message);
}

#[test]
fn an_xlsx_whose_parts_come_in_another_order_is_still_a_workbook() {
    // Excel's own order; infer, which reads only the first three entries,
    // takes this for a plain ZIP.
    let xlsx = zip_of(&[
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/app.xml",
        "docProps/core.xml",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
    ]);
    assert!(!infer::doc::is_xlsx(&xlsx));
    assert_eq!(named_error("people.csv", &xlsx).code, FileProblem::Spreadsheet);
}

#[test]
fn an_xlsx_cut_short_is_still_known_by_its_first_entries() {
    // Without its central directory, the ZIP cannot be opened; infer's look
    // at the first entries (it reads five) still knows the workbook.
    let cut = &XLSX[..XLSX.len() * 3 / 4];
    assert!(zip::ZipArchive::new(Cursor::new(cut)).is_err());
    let e = named_error("people.csv", cut);
    assert_eq!(e.code, FileProblem::Spreadsheet, "{}", e.message);
}

#[test]
fn an_ods_is_a_spreadsheet_and_the_message_says_how_to_export_from_libreoffice() {
    let e = named_error("people.csv", ODS);
    assert_eq!(e.code, FileProblem::Spreadsheet);
    assert!(e.message.starts_with("'people.csv' is an OpenDocument spreadsheet (.ods)"), "{}", e.message);
    assert!(e.message.contains("LibreOffice") && e.message.contains("Text CSV"), "{}", e.message);
}

#[test]
fn an_xls_is_a_spreadsheet() {
    // xlwt, like other writers but Excel, leaves blank the class id infer
    // goes by; the Workbook stream inside still says what it is.
    assert!(!infer::doc::is_xls(XLS));
    let e = named_error("people.csv", XLS);
    assert_eq!(e.code, FileProblem::Spreadsheet);
    assert!(e.message.starts_with("'people.csv' is an Excel 97–2003 workbook (.xls)"), "{}", e.message);
    assert!(e.message.contains("CSV UTF-8"), "{}", e.message);
}

#[test]
fn other_office_files_and_plain_zips_are_not_text() {
    let docx = zip_of(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
    let e = named_error("people.csv", &docx);
    assert_eq!(e.code, FileProblem::NotText);
    assert!(e.message.contains("(it looks like a Word document (.docx))"), "{}", e.message);
    let e = named_error("people.csv", &zip_of(&["people.csv"]));
    assert_eq!(e.code, FileProblem::NotText);
    assert!(e.message.contains("a ZIP archive"), "{}", e.message);
}

#[test]
fn other_old_office_files_are_not_text() {
    let mut doc = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    doc.create_stream("WordDocument").unwrap().write_all(b"\xEC\xA5").unwrap();
    let doc = doc.into_inner().into_inner();
    let e = named_error("people.csv", &doc);
    assert_eq!(e.code, FileProblem::NotText);
    assert!(e.message.contains("(it looks like a Word document (.doc))"), "{}", e.message);
    let e = named_error("people.csv", &XLS[..512]);
    assert_eq!(e.code, FileProblem::NotText, "an OLE2 file cut short cannot be told apart");
    assert!(e.message.contains("damaged"), "{}", e.message);
}

#[test]
fn pdf_bytes_are_not_text() {
    let e = named_error("x.csv", PDF);
    assert_eq!(e.code, FileProblem::NotText);
    assert!(e.message.starts_with("'x.csv' is not a text file (it looks like a PDF document)."), "{}", e.message);
    // Also without the binary comment line, when every byte is text.
    let ascii = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    assert_eq!(named_error("x.csv", ascii).code, FileProblem::NotText);
}

#[test]
fn images_and_gzip_archives_are_not_text() {
    let e = named_error("people.csv", PNG);
    assert_eq!(e.code, FileProblem::NotText);
    assert!(e.message.contains("an image (.png)"), "{}", e.message);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"name,email\nJane Doe,jane@example.com\n").unwrap();
    let e = named_error("people.csv.gz", &gz.finish().unwrap());
    assert_eq!(e.code, FileProblem::NotText, "the content is named before the name is refused");
    assert!(e.message.contains("a compressed archive (.gz)"), "{}", e.message);
}

#[test]
fn nul_bytes_in_the_first_8_kb_are_not_text() {
    let e = named_error("people.csv", b"name,email\nJane\0Doe,jane@example.com\n");
    assert_eq!(e.code, FileProblem::NotText);
    assert!(e.message.contains("NUL bytes"), "{}", e.message);
    let mut late = b"name,email\n".to_vec();
    late.resize(9 * 1024, b' ');
    late.extend_from_slice(b"\nJane\0,jane@example.com\n");
    assert!(read_plain(&late).is_ok(), "only the first 8 KB are searched");
}

#[test]
fn text_that_begins_like_a_magic_number_is_still_read_as_text() {
    // "BM" starts a bitmap, "MZ" a program, "ID3" an MP3.
    for file in
        [&b"BMI,name,email\n22,Jane Doe,jane@example.com\n"[..], b"MZ,name,email\n1,Jane Doe,jane@example.com\n"]
    {
        assert_eq!(rows(file), jane());
    }
    assert_eq!(error(b"ID3,name,email\n1,Jos\xE9,j@example.com\n").code, FileProblem::NotUtf8);
}

#[test]
fn full_name_and_email_address_headers_need_mapping_with_the_columns_and_a_guess() {
    let e = named_error("people.csv", b"Full Name,Email Address,Team\nJane Doe,jane@example.com,Blue\n");
    assert_eq!(e.code, FileProblem::NeedsMapping);
    assert_eq!(
        e.message,
        "The header row has no 'name' or 'email' column (found: Full Name, Email Address, Team). \
         Say which column holds the name and which the e-mail."
    );
    assert_eq!(e.columns, vec!["Full Name", "Email Address", "Team"]);
    assert_eq!(e.guess, ColumnGuess { name: Some("Full Name".into()), email: Some("Email Address".into()) });
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["code"], "needs_mapping");
    assert_eq!(json["columns"][1], "Email Address");
    assert_eq!(json["guess"]["name"], "Full Name");
}

#[test]
fn a_header_with_one_of_the_two_asks_only_for_the_other() {
    let e = error(b"name,mail\nJane,jane@example.com\n");
    assert_eq!(e.code, FileProblem::NeedsMapping);
    assert!(e.message.contains("no 'email' column (found: name, mail). Say which column holds the e-mail."));
    assert_eq!(e.guess, ColumnGuess { name: Some("name".into()), email: Some("mail".into()) });
}

#[test]
fn the_guess_prefers_a_full_name_and_never_uses_one_column_twice() {
    let e = error(b"First Name,Last Name,Full Name,Mail Name,E-mail\n");
    assert_eq!(e.guess, ColumnGuess { name: Some("Full Name".into()), email: Some("E-mail".into()) });
    // The only "name" column is the mail one: it is not offered twice.
    let e = error(b"Mail name,Team\n");
    assert_eq!(e.guess, ColumnGuess { name: None, email: Some("Mail name".into()) });
    let e = error(b"Recipient,Address\n");
    assert_eq!((e.code, e.guess.is_empty()), (FileProblem::NeedsMapping, true));
}

#[test]
fn the_same_file_with_the_organisations_aliases_is_read_and_says_which_columns_were_used() {
    let aliases = ColumnAliases { name: vec!["full name".into()], email: vec![" EMAIL ADDRESS ".into()] };
    let file = b"Full Name,Email Address,Team\nJane Doe,jane@example.com,Blue\n";
    let parsed = read(Some("people.csv"), file, &aliases).unwrap();
    assert_eq!(parsed.rows.into_iter().map(|r| (r.name, r.email)).collect::<Vec<_>>(), jane());
    assert_eq!(
        parsed.warnings,
        vec![
            "Columns used: name ← 'Full Name', email ← 'Email Address', as chosen for this organisation before.",
            "Columns ignored: Team. Laurel reads name and email, and optionally narrative, evidence_url, evidence_name, issued_on, expires_at and badge.",
        ]
    );
}

#[test]
fn name_and_email_columns_win_over_aliases() {
    let aliases = ColumnAliases { name: vec!["Full Name".into()], email: vec!["Work Mail".into()] };
    let parsed = read(None, b"Full Name,name,email\nJane Q. Doe,Jane Doe,jane@example.com\n", &aliases).unwrap();
    assert_eq!(parsed.rows[0].name, "Jane Doe");
    assert_eq!(
        parsed.warnings,
        vec![
            "Columns ignored: Full Name. Laurel reads name and email, and optionally narrative, evidence_url, evidence_name, issued_on, expires_at and badge."
        ]
    );
    // An alias only for the name: the warning names that one.
    let parsed = read(None, b"Full Name,email\nJane Doe,jane@example.com\n", &aliases).unwrap();
    assert_eq!(parsed.warnings, vec!["Columns used: name ← 'Full Name', as chosen for this organisation before."]);
}

#[test]
fn problem_codes_are_the_public_snake_case_names() {
    let names: Vec<&str> = FileProblem::ALL.iter().map(|p| p.as_str()).collect();
    assert_eq!(
        names,
        [
            "too_large",
            "spreadsheet",
            "not_text",
            "not_csv",
            "not_utf8",
            "empty_file",
            "missing_column",
            "needs_mapping",
            "malformed_csv",
            "no_rows",
            "no_badge",
        ]
    );
    for &problem in FileProblem::ALL {
        assert_eq!(serde_json::to_value(problem).unwrap(), problem.as_str());
        assert_eq!(problem.to_string(), problem.as_str());
        assert!(problem == problem.as_str());
    }
}

#[test]
fn a_file_error_carries_columns_only_when_a_mapping_is_needed() {
    let json = serde_json::to_value(error(b"name,email\n")).unwrap();
    assert_eq!(json, serde_json::json!({ "code": "no_rows", "message": json["message"] }));
}

#[test]
fn formula_cells_are_neutralised_for_spreadsheets() {
    assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
    assert_eq!(neutralise("+1"), "'+1");
    assert_eq!(neutralise("-2"), "'-2");
    assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(neutralise("Jane"), "Jane");
}

#[test]
fn the_optional_award_columns_are_read_in_any_case_and_order_and_empty_cells_are_absent() {
    let parsed = read_plain(
        b"Evidence_URL,email,ISSUED_ON,name,Narrative,evidence_name,expires_at,team\n\
          https://x.example/a,a@x.example,2026-05-01,Ann,Led it,Report,2027-01-31,Blue\n\
          ,b@x.example,,Bo,,,,Red\n",
    )
    .unwrap();
    let a = &parsed.rows[0].award;
    assert_eq!(a.evidence_url.as_deref(), Some("https://x.example/a"));
    assert_eq!(a.issued_on.as_deref(), Some("2026-05-01"));
    assert_eq!(a.narrative.as_deref(), Some("Led it"));
    assert_eq!(a.evidence_name.as_deref(), Some("Report"));
    assert_eq!(a.expires_at.as_deref(), Some("2027-01-31"));
    assert!(parsed.rows[1].award.is_empty(), "{:?}", parsed.rows[1].award);
    assert_eq!(
        parsed.warnings,
        vec![
            "Columns ignored: team. Laurel reads name and email, and optionally narrative, evidence_url, evidence_name, \
         issued_on, expires_at and badge."
        ]
    );
}

#[test]
fn an_award_column_given_twice_is_refused_by_name() {
    let e = error(b"name,email,narrative,Narrative\nAnn,a@x.example,one,two\n");
    assert_eq!(
        (e.code, e.message.as_str()),
        (FileProblem::MissingColumn, "The header has two 'narrative' columns. Keep one.")
    );
}

#[test]
fn the_template_reads_cleanly_with_every_optional_column() {
    let parsed = read(Some("template.csv"), TEMPLATE.as_bytes(), &ColumnAliases::default()).unwrap();
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    assert_eq!(parsed.rows[0].award.evidence_name.as_deref(), Some("Capstone report"));
}
