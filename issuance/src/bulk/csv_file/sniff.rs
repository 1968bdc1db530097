//! What an upload is, from its bytes rather than its name: people rename
//! files, and "people.csv" is often an Excel workbook saved under the wrong
//! name. `infer` knows the magic numbers; the two containers spreadsheets
//! come in, ZIP and OLE2, are opened to see what is inside.

use std::io::{Cursor, Read};

use infer::MatcherType;

/// How much of the file is searched for NUL bytes and magic numbers.
const HEAD: usize = 8 * 1024;
/// The OLE2 (Compound File Binary) signature of .xls, .doc and .ppt.
const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Workbook {
    Xlsx,
    Xls,
    Ods,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Sniffed {
    Workbook(Workbook),
    /// Anything else that is not text, in words: "a PDF document".
    Binary(String),
}

/// `None` when the bytes may be text; the encoding check and the parser
/// then judge them.
pub(super) fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    let head = &bytes[..bytes.len().min(HEAD)];
    if infer::archive::is_zip(head) {
        return Some(zip(bytes, head));
    }
    if head.starts_with(CFB_MAGIC) {
        return Some(compound(bytes));
    }
    // UTF-16 is full of NUL bytes yet is text; the encoding check explains it.
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return None;
    }
    // infer's own text kinds (HTML, XML, scripts) are for the parser to
    // judge, not this.
    let kind = infer::get(head).filter(|k| k.matcher_type() != MatcherType::Text);
    if looks_like_text(head) {
        // Short magic numbers begin ordinary words ("BM" is a bitmap, "MZ" a
        // program, "ID3" an MP3), so text is only taken for a format whose
        // long signature is itself text.
        return kind.filter(|k| matches!(k.extension(), "pdf" | "rtf" | "ps")).map(|k| Sniffed::Binary(describe(k)));
    }
    match kind {
        Some(kind) => Some(Sniffed::Binary(describe(kind))),
        None if head.contains(&0) => {
            Some(Sniffed::Binary("binary data (it has NUL bytes, which text never has)".into()))
        }
        // A stray control character does not make a file binary.
        None => None,
    }
}

/// No control characters but the ones text files carry: tab, line ends,
/// form feed and the Ctrl-Z that old DOS tools put at the end. Bytes above
/// ASCII are allowed: Latin-1 is text, just not UTF-8.
fn looks_like_text(head: &[u8]) -> bool {
    head.iter().all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A))
}

/// A ZIP: an Office Open XML or OpenDocument file, or just an archive.
fn zip(bytes: &[u8], head: &[u8]) -> Sniffed {
    // The central directory at the end lists every entry whatever order a
    // tool wrote them in; infer reads only the first few local headers, so
    // it is the fallback for an upload cut short.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return if infer::doc::is_xlsx(head) {
            Sniffed::Workbook(Workbook::Xlsx)
        } else if infer::odf::is_ods(head) {
            Sniffed::Workbook(Workbook::Ods)
        } else {
            Sniffed::Binary("a ZIP archive".into())
        };
    };
    let has = |prefix: &[u8]| archive.file_names_raw().any(|n| n.starts_with(prefix));
    if has(b"[Content_Types].xml") {
        return if has(b"xl/") {
            Sniffed::Workbook(Workbook::Xlsx)
        } else if has(b"word/") {
            Sniffed::Binary("a Word document (.docx)".into())
        } else if has(b"ppt/") {
            Sniffed::Binary("a PowerPoint presentation (.pptx)".into())
        } else {
            Sniffed::Binary("a Microsoft Office document".into())
        };
    }
    // OpenDocument names its kind in a `mimetype` entry, stored uncompressed
    // by the standard; reading a bounded prefix keeps a hostile entry cheap.
    let mut mimetype = String::new();
    if let Ok(entry) = archive.by_name("mimetype") {
        let _ = entry.take(100).read_to_string(&mut mimetype);
    }
    match mimetype.trim().strip_prefix("application/vnd.oasis.opendocument.") {
        Some(kind) if kind.starts_with("spreadsheet") => Sniffed::Workbook(Workbook::Ods),
        Some(kind) if kind.starts_with("text") => Sniffed::Binary("an OpenDocument text document (.odt)".into()),
        Some(_) => Sniffed::Binary("an OpenDocument file".into()),
        None if infer::odf::is_ods(head) => Sniffed::Workbook(Workbook::Ods),
        None => Sniffed::Binary("a ZIP archive".into()),
    }
}

/// An OLE2 compound file: an .xls, or another old Office format.
fn compound(bytes: &[u8]) -> Sniffed {
    let Ok(file) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Sniffed::Binary("an old-format Microsoft Office file, such as .xls or .doc, that is damaged".into());
    };
    // infer goes by the class id Excel sets; other writers leave it blank
    // but still store the sheets as a Workbook stream ("Book" before 97).
    if infer::doc::is_xls(bytes) || file.is_stream("Workbook") || file.is_stream("Book") {
        return Sniffed::Workbook(Workbook::Xls);
    }
    let described = if file.is_stream("WordDocument") {
        "a Word document (.doc)"
    } else if file.is_stream("PowerPoint Document") {
        "a PowerPoint presentation (.ppt)"
    } else if file.is_stream("EncryptedPackage") {
        "a password-protected Microsoft Office document"
    } else {
        "a Microsoft Office (OLE2) file"
    };
    Sniffed::Binary(described.into())
}

fn describe(kind: infer::Type) -> String {
    match (kind.matcher_type(), kind.extension()) {
        (_, "pdf") => "a PDF document".into(),
        (_, "rtf") => "a Rich Text document (.rtf)".into(),
        (_, "ps") => "a PostScript document".into(),
        (MatcherType::Image, ext) => format!("an image (.{ext})"),
        (MatcherType::Audio, ext) => format!("a sound file (.{ext})"),
        (MatcherType::Video, ext) => format!("a video (.{ext})"),
        (MatcherType::App, _) => "a program".into(),
        (MatcherType::Archive, ext @ ("gz" | "bz2" | "xz" | "7z" | "rar" | "tar" | "zst")) => {
            format!("a compressed archive (.{ext})")
        }
        (_, ext) => format!("a .{ext} file"),
    }
}
