//! Reading a recipients CSV: RFC 4180 (quoted commas and line breaks), UTF-8
//! with or without a byte-order mark, CRLF or LF, blank lines skipped,
//! `name` and `email` columns in any order and any case. A problem with the
//! file as a whole is a [`FileError`] that says where and what to do.

use serde::Serialize;

pub const MAX_BYTES: usize = 1024 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file-level problem: no review table is shown, only this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct FileError {
    /// `empty_file`, `no_rows`, `missing_column`, `not_utf8`,
    /// `not_csv`, `too_large`, `malformed_csv`.
    pub code: &'static str,
    pub message: String,
}

impl FileError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParsedFile {
    pub rows: Vec<UploadedRow>,
    /// Notes that do not stop anything, e.g. ignored columns.
    pub warnings: Vec<String>,
}

/// Checks the file name the browser or client gave, if any.
pub fn check_name(filename: Option<&str>) -> Result<(), FileError> {
    match filename.map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) if !f.to_ascii_lowercase().ends_with(".csv") => Err(FileError::new(
            "not_csv",
            format!("'{f}' is not a .csv file. Export the sheet as CSV (comma-separated) and upload that."),
        )),
        _ => Ok(()),
    }
}

pub fn parse(bytes: &[u8]) -> Result<ParsedFile, FileError> {
    if bytes.len() > MAX_BYTES {
        return Err(FileError::new(
            "too_large",
            format!("The file is {} KB; the limit is 1 MB. Split it into smaller files.", bytes.len() / 1024),
        ));
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        let column = at - bytes[..at].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1) + 1;
        return Err(FileError::new(
            "not_utf8",
            format!(
                "The file is not UTF-8: the byte 0x{:02X} on line {line}, character {column}, is not valid UTF-8 \
                 (the file may be Latin-1 or Windows-1252). In Excel, use Save As → \"CSV UTF-8 (comma delimited)\".",
                bytes[at]
            ),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FileError::new(
            "empty_file",
            "The file is empty. It needs a header row (name,email) and one row per recipient.",
        ));
    }

    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes);
    let headers = reader.headers().map_err(malformed)?.clone();
    let mut name_col = None;
    let mut email_col = None;
    let mut ignored = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let key = h.trim().to_ascii_lowercase();
        let slot = match key.as_str() {
            "name" => &mut name_col,
            "email" => &mut email_col,
            _ => {
                if !h.trim().is_empty() {
                    ignored.push(h.trim().to_owned());
                }
                continue;
            }
        };
        if slot.is_some() {
            return Err(FileError::new("missing_column", format!("The header has two '{key}' columns. Keep one.")));
        }
        *slot = Some(i);
    }
    let (Some(name_col), Some(email_col)) = (name_col, email_col) else {
        let missing: Vec<&str> =
            [("name", name_col), ("email", email_col)].iter().filter(|(_, c)| c.is_none()).map(|(n, _)| *n).collect();
        let found: Vec<&str> = headers.iter().map(str::trim).filter(|h| !h.is_empty()).collect();
        return Err(FileError::new(
            "missing_column",
            format!(
                "The header row has no '{}' column (found: {}). The first row must name the columns, e.g. name,email.",
                missing.join("' or '"),
                if found.is_empty() { "nothing".to_owned() } else { found.join(", ") }
            ),
        ));
    };

    // Line numbers from byte offsets: the reader's own count skips blank lines.
    let mut line_at = LineCounter::new(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(malformed)?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or_default().trim().to_owned();
        rows.push(UploadedRow {
            row: rows.len() + 1,
            line: record.position().map_or(0, |p| line_at.line_of(p.byte())),
            name: field(name_col),
            email: field(email_col),
        });
    }
    if rows.is_empty() {
        return Err(FileError::new(
            "no_rows",
            "The file has a header but no recipients. Add one row per recipient below it.",
        ));
    }
    let mut warnings = Vec::new();
    if !ignored.is_empty() {
        warnings.push(format!("Columns ignored: {}. Only name and email are used.", ignored.join(", ")));
    }
    Ok(ParsedFile { rows, warnings })
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
    FileError::new("malformed_csv", format!("The file is not valid CSV{at}: {e}. Check for an unclosed quote."))
}

/// The template offered for download.
pub const TEMPLATE: &str = "name,email\r\nJane Doe,jane@example.com\r\nSam Smith,sam@example.com\r\n";

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
