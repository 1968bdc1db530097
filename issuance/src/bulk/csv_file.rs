//! Reading a recipients file: RFC 4180 (quoted delimiters and line breaks),
//! UTF-8 with or without a byte-order mark, CRLF or LF, blank lines skipped,
//! comma-, semicolon- or tab-separated, `name` and `email` columns (or the
//! ones an organisation named before) in any order and any case. A problem
//! with the file as a whole is a [`FileError`] that says what the file is
//! and what to do.

use serde::Serialize;

use crate::credentials::award::{AwardField, AwardInput};

mod columns;
mod sniff;

pub use columns::{BADGE_COLUMN, ColumnAliases, ColumnGuess};
use sniff::{Sniffed, Workbook};

pub const MAX_BYTES: usize = 1024 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What is wrong with a file as a whole. The snake_case names are a public
/// contract (API clients match on them), written once for serde and strum.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::IntoStaticStr, strum::Display, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FileProblem {
    TooLarge,
    /// An Excel or LibreOffice workbook rather than its CSV export.
    Spreadsheet,
    /// Binary content of another kind: a PDF, an image, an archive.
    NotText,
    /// A name that is not .csv, .tsv or .txt.
    NotCsv,
    NotUtf8,
    EmptyFile,
    /// Too few columns in the header, or one column given twice.
    MissingColumn,
    /// Columns exist but none is called name or email: the operator says
    /// which is which (see [`FileError::columns`] and [`FileError::guess`]).
    NeedsMapping,
    MalformedCsv,
    NoRows,
    /// No badge was chosen and the file has no `badge` column.
    NoBadge,
}

impl FileProblem {
    pub const ALL: &'static [FileProblem] = <FileProblem as strum::VariantArray>::VARIANTS;

    /// The wire name, the same as the serialised form.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Comparing with a wire name, as code that knew the code as a string does.
impl PartialEq<str> for FileProblem {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for FileProblem {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A file-level problem: no review table is shown, only this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct FileError {
    pub code: FileProblem,
    pub message: String,
    /// For [`FileProblem::NeedsMapping`]: the non-empty header texts,
    /// trimmed, in file order, to choose from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// For [`FileProblem::NeedsMapping`]: the columns that probably hold
    /// the name and the e-mail, to offer as the default choice.
    #[serde(skip_serializing_if = "ColumnGuess::is_empty")]
    pub guess: ColumnGuess,
}

impl FileError {
    pub(crate) fn new(code: FileProblem, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), columns: Vec::new(), guess: ColumnGuess::default() }
    }
}

/// One data row as uploaded, before any judgement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UploadedRow {
    /// 1-based among data rows (the header and blank lines not counted).
    pub row: usize,
    /// The line of the file the row starts on.
    pub line: u64,
    pub name: String,
    pub email: String,
    /// The optional per-recipient cells, as given (see [`AwardField`]).
    pub award: AwardInput,
    /// The `badge` cell (a badge id or exact name), empty when the file
    /// has no such column or the cell is blank.
    pub badge: String,
}

/// The character between cells, as the header row shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    #[default]
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    pub fn label(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma",
            Delimiter::Semicolon => "semicolon",
            Delimiter::Tab => "tab",
        }
    }

    fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    /// The one of the three that occurs most in the header line outside
    /// quotes. Excel writes semicolons where the decimal mark is a comma,
    /// and tabs for "Unicode Text"; a tie or none means the standard comma.
    fn detect(text: &[u8]) -> Self {
        let mut counts = [(Delimiter::Comma, 0), (Delimiter::Semicolon, 0), (Delimiter::Tab, 0)];
        let mut quoted = false;
        // The reader skips blank lines before the header, so this does too.
        for &b in text.iter().skip_while(|b| matches!(b, b'\r' | b'\n')) {
            match b {
                b'"' => quoted = !quoted,
                b'\r' | b'\n' if !quoted => break,
                _ if !quoted => {
                    if let Some(count) = counts.iter_mut().find(|(d, _)| d.byte() == b) {
                        count.1 += 1;
                    }
                }
                _ => {}
            }
        }
        let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let mut leaders = counts.iter().filter(|(_, n)| *n == most);
        match (leaders.next(), leaders.next()) {
            (Some((d, _)), None) if most > 0 => *d,
            _ => Delimiter::Comma,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParsedFile {
    pub rows: Vec<UploadedRow>,
    pub delimiter: Delimiter,
    /// Whether the file names a badge per row (a `badge` column).
    pub badge_column: bool,
    /// The optional award columns the file has, in [`AwardField::ALL`]'s order.
    pub award_columns: Vec<AwardField>,
    /// Notes that do not stop anything, e.g. ignored columns.
    pub warnings: Vec<String>,
}

/// Reads an uploaded recipients file. `filename` is what the browser or
/// client gave, if anything; `columns` are the header texts the
/// organisation said hold the name and the e-mail.
pub fn read(filename: Option<&str>, bytes: &[u8], columns: &ColumnAliases) -> Result<ParsedFile, FileError> {
    if bytes.len() > MAX_BYTES {
        return Err(FileError::new(
            FileProblem::TooLarge,
            format!("The file is {} KB; the limit is 1 MB. Split it into smaller files.", bytes.len() / 1024),
        ));
    }
    let name = display_name(filename);
    // Content before name: a workbook renamed to .csv is told it is a
    // workbook, and one still named .xlsx how to export it, rather than
    // only that its name is wrong.
    if let Some(found) = sniff::sniff(bytes) {
        return Err(not_a_csv(name, found));
    }
    check_extension(name)?;
    let text = utf8(bytes)?;
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(FileError::new(
            FileProblem::EmptyFile,
            "The file is empty. It needs a header row (name,email) and one row per recipient.",
        ));
    }
    parse_rows(text, Delimiter::detect(text), columns)
}

/// The file name without any folders: some browsers send a whole path, and
/// only the last part means anything to the person who picked the file.
fn display_name(filename: Option<&str>) -> Option<&str> {
    filename.and_then(|f| f.rsplit(['/', '\\']).next()).map(str::trim).filter(|f| !f.is_empty())
}

fn check_extension(name: Option<&str>) -> Result<(), FileError> {
    let Some(name) = name else { return Ok(()) };
    let lower = name.to_lowercase();
    if [".csv", ".tsv", ".txt"].iter().any(|ext| lower.ends_with(ext)) {
        return Ok(());
    }
    Err(FileError::new(
        FileProblem::NotCsv,
        format!("'{name}' is not a CSV file (.csv, .tsv or .txt). Export the sheet as CSV UTF-8 and upload that."),
    ))
}

fn not_a_csv(name: Option<&str>, found: Sniffed) -> FileError {
    let who = name.map_or_else(|| "The file".to_owned(), |n| format!("'{n}'"));
    let excel = "In Excel, use File → Save As → \"CSV UTF-8 (comma delimited)\" and upload that.";
    match found {
        Sniffed::Workbook(Workbook::Xlsx) => FileError::new(
            FileProblem::Spreadsheet,
            format!("{who} is an Excel workbook (.xlsx), not a CSV file. {excel}"),
        ),
        Sniffed::Workbook(Workbook::Xls) => FileError::new(
            FileProblem::Spreadsheet,
            format!("{who} is an Excel 97–2003 workbook (.xls), not a CSV file. {excel}"),
        ),
        Sniffed::Workbook(Workbook::Ods) => FileError::new(
            FileProblem::Spreadsheet,
            format!(
                "{who} is an OpenDocument spreadsheet (.ods), not a CSV file. In LibreOffice Calc, use File → \
                 Save As, choose \"Text CSV (.csv)\" with the character set UTF-8, and upload that."
            ),
        ),
        Sniffed::Binary(looks_like) => FileError::new(
            FileProblem::NotText,
            format!(
                "{who} is not a text file (it looks like {looks_like}). Upload the recipients as a CSV file: \
                 save or export the sheet as \"CSV UTF-8\" and upload that."
            ),
        ),
    }
}

/// The text without its byte-order mark, or why it is not UTF-8.
fn utf8(bytes: &[u8]) -> Result<&[u8], FileError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        // Excel's "Unicode Text" is UTF-16: every other byte is zero, so
        // naming a first bad byte would not help.
        return Err(FileError::new(
            FileProblem::NotUtf8,
            "The file is UTF-16 text (Excel's \"Unicode Text\"), not UTF-8. In Excel, use Save As → \
             \"CSV UTF-8 (comma delimited)\".",
        ));
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        let column = at - bytes[..at].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1) + 1;
        return Err(FileError::new(
            FileProblem::NotUtf8,
            format!(
                "The file is not UTF-8: the byte 0x{:02X} on line {line}, character {column}, is not valid UTF-8 \
                 (the file may be Latin-1 or Windows-1252). In Excel, use Save As → \"CSV UTF-8 (comma delimited)\".",
                bytes[at]
            ),
        ));
    }
    Ok(bytes)
}

fn parse_rows(text: &[u8], delimiter: Delimiter, aliases: &ColumnAliases) -> Result<ParsedFile, FileError> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).flexible(true).delimiter(delimiter.byte()).from_reader(text);
    let headers = reader.headers().map_err(malformed)?.clone();
    let chosen = columns::choose(&headers, aliases)?;

    // Line numbers from byte offsets: the reader's own count skips blank lines.
    let mut line_at = LineCounter::new(text);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(malformed)?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or_default().trim().to_owned();
        let mut award = AwardInput::default();
        for &(f, i) in &chosen.award {
            let cell = field(i);
            if !cell.is_empty() {
                award.set(f, cell);
            }
        }
        rows.push(UploadedRow {
            row: rows.len() + 1,
            line: record.position().map_or(0, |p| line_at.line_of(p.byte())),
            name: field(chosen.name),
            email: field(chosen.email),
            award,
            badge: chosen.badge.map(field).unwrap_or_default(),
        });
    }
    if rows.is_empty() {
        return Err(FileError::new(
            FileProblem::NoRows,
            "The file has a header but no recipients. Add one row per recipient below it.",
        ));
    }
    let mut warnings = Vec::new();
    match delimiter {
        Delimiter::Comma => {}
        Delimiter::Semicolon => warnings.push("Read as semicolon-separated (the header row uses ';').".to_owned()),
        Delimiter::Tab => warnings.push("Read as tab-separated (the header row uses tabs).".to_owned()),
    }
    warnings.extend(chosen.warnings());
    let award_columns = chosen.award.iter().map(|(f, _)| *f).collect();
    Ok(ParsedFile { rows, delimiter, badge_column: chosen.badge.is_some(), award_columns, warnings })
}

/// Counts newlines incrementally, since rows arrive in order.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, offset: 0, line: 1 }
    }

    /// The line a record starts on. The reader places a record after the
    /// blank lines it skipped over, so those are stepped past here.
    fn line_of(&mut self, byte: u64) -> u64 {
        let mut end = (byte as usize).min(self.bytes.len());
        while end < self.bytes.len() && matches!(self.bytes[end], b'\r' | b'\n') {
            end += 1;
        }
        self.line += self.bytes[self.offset..end].iter().filter(|b| **b == b'\n').count() as u64;
        self.offset = end;
        self.line
    }
}

fn malformed(e: csv::Error) -> FileError {
    let at = e.position().map(|p| format!(" on line {}", p.line())).unwrap_or_default();
    FileError::new(
        FileProblem::MalformedCsv,
        format!("The file is not valid CSV{at}: {e}. Check for an unclosed quote."),
    )
}

/// The template offered for download.
/// The optional columns may be left out, or left empty on any row; an
/// empty `badge` cell takes the badge chosen for the upload.
pub const TEMPLATE: &str = "name,email,badge,narrative,evidence_url,evidence_name,issued_on,expires_at\r\n\
Jane Doe,jane@example.com,,Led the capstone project.,https://example.com/portfolio/jane,Capstone report,,\r\n\
Sam Smith,sam@example.com,,,,,,\r\n";

/// Makes a cell safe to open in a spreadsheet: a leading `=`, `+`, `-`, `@`,
/// tab or carriage return would start a formula, so it is prefixed with an
/// apostrophe (OWASP's advice against CSV injection).
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

#[cfg(test)]
mod tests;
