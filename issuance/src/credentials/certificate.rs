//! A printable certificate for a credential.
//!
//! Recipients print their credential or attach it to an application where a link will not do, so this renders it
//! as a one-page PDF (A4 or Letter). The page carries a QR code of the credential's public page: whoever holds a
//! printed copy can scan it and check that the credential is genuine and still valid.
//!
//! Text uses the standard 14 fonts with WinAnsiEncoding, so nothing is embedded and the file stays small; characters
//! outside Windows-1252 are transliterated rather than dropped, so a name never comes out blank.

use std::io::{Cursor, Write};

use flate2::{Compression, write::ZlibEncoder};
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use pdf_canvas::{BuiltinFont, FontMetrics, FontSource};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use qrcode::{Color, QrCode};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    /// From a query value: "a4" | "letter" (case-insensitive); anything else -> None.
    pub fn parse(s: &str) -> Option<Paper> {
        [Paper::A4, Paper::Letter].into_iter().find(|p| p.as_str().eq_ignore_ascii_case(s))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }

    /// Width, height in PDF points.
    pub fn size_pt(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// What the certificate shows, as the reader should see it.
pub struct Certificate<'a> {
    pub recipient_name: &'a str,
    pub badge_name: &'a str,
    /// Wrapped to at most six lines; longer text ends in an ellipsis.
    pub badge_description: &'a str,
    pub issuer_name: &'a str,
    /// Already formatted, e.g. "30 November 2026".
    pub issued_on: &'a str,
    /// Printed as "Valid until …" when present.
    pub expires_on: Option<&'a str>,
    /// Printed in small text and encoded as the QR code.
    pub credential_url: &'a str,
    /// Adds a "REVOKED" notice and watermark.
    pub revoked: bool,
    /// A PNG (RGB or RGBA, normally at most 512x512) shown as the badge image; larger ones are scaled down.
    pub badge_png: Option<&'a [u8]>,
}

// No field can show more than a few hundred characters on one page; the cap keeps hostile input cheap to lay out.
const MAX_CHARS: usize = 2000;
// Badges are uploaded as at most 512x512; anything larger is scaled down rather than bloating every certificate.
const MAX_IMAGE_PX: u32 = 512;
const LEADING: f32 = 1.3;
const QR_SIZE: f32 = 85.0; // 3 cm, small enough to stay discreet, large enough for any phone to scan
// Scanners need 4 modules of blank around the code; modules are largest (QR_SIZE / 21) in the smallest code.
const QUIET: f32 = 4.0 * QR_SIZE / 21.0;
const INK: [f32; 3] = [0.12, 0.15, 0.21];
const MUTED: [f32; 3] = [0.40, 0.44, 0.50];
const ACCENT: [f32; 3] = [0.60, 0.50, 0.30];
const RED: [f32; 3] = [0.75, 0.08, 0.08];

// A single page with a fixed set of objects, so their numbers can be fixed too.
const CATALOG: Ref = Ref::new(1);
const PAGES: Ref = Ref::new(2);
const PAGE: Ref = Ref::new(3);
const CONTENT: Ref = Ref::new(4);
const IMAGE: Ref = Ref::new(5);
const SMASK: Ref = Ref::new(6);
const INFO: Ref = Ref::new(7);
const FONT_IDS: [i32; 4] = [10, 11, 12, 13];

struct Face {
    font: BuiltinFont,
    res: Name<'static>,
    metrics: FontMetrics,
}

impl Face {
    fn new(font: BuiltinFont, res: &'static [u8]) -> Face {
        Face { font, res: Name(res), metrics: font.get_metrics() }
    }

    fn width(&self, s: &str, size: f32) -> f32 {
        let enc = self.font.get_encoding();
        let units: u32 =
            s.chars().filter_map(|c| enc.encode_char(c)).map(|b| self.metrics.get_width(b).unwrap_or(500) as u32).sum();
        units as f32 * size / 1000.0
    }
}

/// Lines in one face, size and colour, each centred on the page.
struct Text<'f> {
    face: &'f Face,
    size: f32,
    tracking: f32,
    color: [f32; 3],
    lines: Vec<String>,
}

impl<'f> Text<'f> {
    fn label(face: &'f Face, size: f32, tracking: f32, color: [f32; 3], s: &str) -> Self {
        Text { face, size, tracking, color, lines: vec![s.to_string()] }
    }

    /// `s` in at most `max_lines` lines at the largest size from `max` down to `min` that holds it all, or else at
    /// `min` and cut short with an ellipsis: long input shrinks first and never runs off the page.
    fn fit(face: &'f Face, s: &str, (max, min): (f32, f32), max_w: f32, max_lines: usize, color: [f32; 3]) -> Self {
        let s = printable(s);
        let mut size = max;
        let mut lines = wrap(face, &s, size, max_w, max_lines + 1);
        while lines.len() > max_lines && size - 1.0 >= min {
            size -= 1.0;
            lines = wrap(face, &s, size, max_w, max_lines + 1);
        }
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                while !last.is_empty() && face.width(&format!("{last}…"), size) > max_w {
                    last.pop();
                }
                *last = format!("{}…", last.trim_end());
            }
        }
        Text { face, size, tracking: 0.0, color, lines }
    }

    fn height(&self) -> f32 {
        self.size * LEADING * self.lines.len() as f32
    }

    fn draw(&self, c: &mut Content, page_w: f32, top: f32) {
        let enc = self.face.font.get_encoding();
        c.set_fill_rgb(self.color[0], self.color[1], self.color[2]);
        for (i, line) in self.lines.iter().enumerate() {
            let spacing = self.tracking * line.chars().count().saturating_sub(1) as f32;
            let x = (page_w - self.face.width(line, self.size) - spacing) / 2.0;
            let bytes: Vec<u8> = line.chars().filter_map(|ch| enc.encode_char(ch)).collect();
            c.begin_text().set_font(self.face.res, self.size).set_char_spacing(self.tracking);
            c.next_line(x, top - self.size - i as f32 * self.size * LEADING).show(Str(&bytes)).end_text();
        }
        c.set_char_spacing(0.0);
    }
}

enum Block<'f> {
    Gap(f32),
    Badge(f32),
    Rule,
    Revoked,
    Text(Text<'f>),
}

impl Block<'_> {
    fn height(&self) -> f32 {
        match self {
            Block::Gap(g) | Block::Badge(g) => *g,
            Block::Rule => 28.0,
            Block::Revoked => 52.0,
            Block::Text(text) => text.height(),
        }
    }
}

/// Errors only if `badge_png` is not a decodable PNG.
pub fn render(c: &Certificate<'_>, paper: Paper) -> Result<Vec<u8>, String> {
    let badge = c.badge_png.map(decode_png).transpose()?;
    let (w, h) = paper.size_pt();
    let faces = [
        Face::new(BuiltinFont::Helvetica, b"F1"),
        Face::new(BuiltinFont::Helvetica_Bold, b"F2"),
        Face::new(BuiltinFont::Times_Italic, b"F3"),
        Face::new(BuiltinFont::Times_Bold, b"F4"),
    ];
    let [sans, bold, italic, serif] = &faces;
    let text_w = w - 144.0;

    let mut body = Vec::new();
    if c.revoked {
        body.extend([Block::Revoked, Block::Gap(18.0)]);
    }
    if badge.is_some() {
        body.extend([Block::Badge(100.0), Block::Gap(20.0)]);
    }
    body.extend([
        Block::Text(Text::label(sans, 10.0, 4.0, MUTED, "CERTIFICATE")),
        Block::Gap(8.0),
        Block::Text(Text::fit(bold, c.badge_name, (24.0, 15.0), text_w, 2, INK)),
        Block::Gap(20.0),
        Block::Text(Text::label(italic, 14.0, 0.0, MUTED, "awarded to")),
        Block::Gap(6.0),
        Block::Text(Text::fit(serif, c.recipient_name, (34.0, 16.0), text_w, 2, INK)),
        Block::Rule,
        Block::Text(Text::fit(sans, c.badge_description, (10.5, 10.5), text_w, 6, MUTED)),
        Block::Gap(16.0),
    ]);
    // Blank fields are left out rather than leaving "Issued by  on" behind.
    let given = |s: &str| !printable(s).is_empty();
    let issued: String = [(" by ", c.issuer_name), (" on ", c.issued_on)]
        .iter()
        .filter(|(_, v)| given(v))
        .map(|(k, v)| [*k, v].concat())
        .collect();
    if !issued.is_empty() {
        body.push(Block::Text(Text::fit(sans, &format!("Issued{issued}"), (11.0, 9.0), text_w, 2, INK)));
    }
    if let Some(until) = c.expires_on.filter(|d| given(d)) {
        let valid = Text::fit(sans, &format!("Valid until {until}"), (11.0, 9.0), text_w, 1, INK);
        body.extend([Block::Gap(2.0), Block::Text(valid)]);
    }

    let mut content = Content::new();
    if c.revoked {
        watermark(&mut content, bold, w, h);
    }
    // A double rule: the outer one frames the page, the hairline inside keeps it from looking like a crop mark.
    content.set_stroke_rgb(ACCENT[0], ACCENT[1], ACCENT[2]).set_line_width(1.5);
    content.rect(24.0, 24.0, w - 48.0, h - 48.0).stroke();
    content.set_line_width(0.5).rect(30.0, 30.0, w - 60.0, h - 60.0).stroke();

    // The footer, from the bottom up: the URL, then "Scan to verify" under the QR code (unless there is nothing to
    // encode, or more than a QR code holds). It is laid out first but drawn last, so text comes out in reading order.
    let url = Text::fit(sans, c.credential_url, (7.5, 6.0), text_w, 3, MUTED);
    let scan = Text::label(sans, 9.0, 0.0, MUTED, "Scan to verify");
    let qr = Some(c.credential_url.trim()).filter(|u| !u.is_empty()).and_then(|u| QrCode::new(u).ok());
    let url_top = 46.0 + url.height();
    let scan_top = url_top + 2.0 + scan.height();
    let footer_top = if qr.is_some() { scan_top + QUIET + QR_SIZE } else { url_top };

    // The body is centred between the footer and the top border. Its text is capped in lines; should everything be
    // long at once (and revoked), the badge shrinks to make room rather than the body running into the QR code.
    let (top, bottom) = (h - 60.0, footer_top + 20.0);
    let spare = |body: &[Block]| top - bottom - body.iter().map(Block::height).sum::<f32>();
    let overflow = -spare(&body);
    if overflow > 0.0 {
        for block in &mut body {
            if let Block::Badge(size) = block {
                *size = (*size - overflow).max(40.0);
            }
        }
    }
    let mut y = top - (spare(&body) / 2.0).max(0.0);
    for block in &body {
        match block {
            Block::Gap(_) => {}
            Block::Badge(size) => {
                if let Some(img) = &badge {
                    let scale = size / img.width().max(img.height()) as f32;
                    let (iw, ih) = (img.width() as f32 * scale, img.height() as f32 * scale);
                    let matrix = [iw, 0.0, 0.0, ih, (w - iw) / 2.0, y - (size + ih) / 2.0];
                    content.save_state().transform(matrix).x_object(Name(b"Im1")).restore_state();
                }
            }
            Block::Rule => {
                content.set_stroke_rgb(ACCENT[0], ACCENT[1], ACCENT[2]).set_line_width(0.75);
                content.move_to(w / 2.0 - 40.0, y - 14.0).line_to(w / 2.0 + 40.0, y - 14.0).stroke();
            }
            Block::Revoked => {
                content.set_stroke_rgb(RED[0], RED[1], RED[2]).set_line_width(1.5);
                content.rect(72.0, y - 52.0, w - 144.0, 52.0).stroke();
                Text::label(bold, 18.0, 3.0, RED, "REVOKED").draw(&mut content, w, y - 6.0);
                let note = "The issuer has revoked this credential. This certificate is no longer valid.";
                Text::label(sans, 9.5, 0.0, RED, note).draw(&mut content, w, y - 32.0);
            }
            Block::Text(text) => text.draw(&mut content, w, y),
        }
        y -= block.height();
    }
    url.draw(&mut content, w, url_top);
    if let Some(code) = qr {
        scan.draw(&mut content, w, scan_top);
        draw_qr(&mut content, &code, (w - QR_SIZE) / 2.0, scan_top + QUIET);
    }
    Ok(write_pdf(c, paper, &faces, &content.finish(), badge).finish())
}

fn write_pdf(c: &Certificate<'_>, paper: Paper, faces: &[Face], content: &[u8], badge: Option<DynamicImage>) -> Pdf {
    let (w, h) = paper.size_pt();
    let mut pdf = Pdf::new();
    pdf.catalog(CATALOG).pages(PAGES);
    pdf.pages(PAGES).kids([PAGE]).count(1);
    let mut page = pdf.page(PAGE);
    page.parent(PAGES).media_box(Rect::new(0.0, 0.0, w, h)).contents(CONTENT);
    let mut resources = page.resources();
    resources.fonts().pairs(faces.iter().zip(FONT_IDS).map(|(face, id)| (face.res, Ref::new(id))));
    if badge.is_some() {
        resources.x_objects().pair(Name(b"Im1"), IMAGE);
    }
    resources.finish();
    page.finish();
    pdf.stream(CONTENT, &deflate(content)).filter(Filter::FlateDecode);
    for (face, id) in faces.iter().zip(FONT_IDS) {
        let name = face.font.pdf_name();
        pdf.type1_font(Ref::new(id)).base_font(Name(name.as_bytes())).encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    if let Some(img) = badge {
        // PDF images carry no alpha: the colour goes in one XObject, the alpha channel in a soft mask beside it.
        let has_alpha = img.color().has_alpha();
        let rgba = img.to_rgba8();
        let rgb: Vec<u8> = rgba.pixels().flat_map(|p| [p[0], p[1], p[2]]).collect();
        image_xobject(&mut pdf, IMAGE, &rgb, rgba.dimensions(), has_alpha.then_some(SMASK));
        if has_alpha {
            let alpha: Vec<u8> = rgba.pixels().map(|p| p[3]).collect();
            image_xobject(&mut pdf, SMASK, &alpha, rgba.dimensions(), None);
        }
    }
    // The Info dictionary takes full Unicode, so the title keeps the names as written.
    let clean = |s: &str| s.chars().filter(|c| !c.is_control()).take(200).collect::<String>();
    let title = format!("{} — {}", clean(c.badge_name), clean(c.recipient_name));
    pdf.document_info(INFO).title(TextStr(&title)).producer(TextStr("Laurel"));
    pdf
}

/// An 8-bit image XObject: three channels, or one for the soft mask (the only grey image written here).
fn image_xobject(pdf: &mut Pdf, id: Ref, samples: &[u8], (w, h): (u32, u32), s_mask: Option<Ref>) {
    let data = deflate(samples);
    let mut xobject = pdf.image_xobject(id, &data);
    xobject.filter(Filter::FlateDecode);
    xobject.width(w as i32).height(h as i32).bits_per_component(8);
    if let Some(mask) = s_mask {
        xobject.s_mask(mask);
    }
    if id == SMASK { xobject.color_space().device_gray() } else { xobject.color_space().device_rgb() }
}

fn decode_png(png: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::with_format(Cursor::new(png), ImageFormat::Png);
    // The PNG is an upload: a small file can claim huge dimensions, so cap them before anything is allocated.
    let mut limits = Limits::default();
    (limits.max_image_width, limits.max_image_height) = (Some(8192), Some(8192));
    reader.limits(limits);
    let img = reader.decode().map_err(|e| format!("the badge image is not a readable PNG: {e}"))?;
    if img.width() > MAX_IMAGE_PX || img.height() > MAX_IMAGE_PX {
        return Ok(img.thumbnail(MAX_IMAGE_PX, MAX_IMAGE_PX));
    }
    Ok(img)
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    // Writing into a Vec cannot fail, but this module promises never to panic.
    encoder.write_all(data).and_then(|()| encoder.finish()).unwrap_or_default()
}

/// Keeps what WinAnsiEncoding has, transliterates the rest, and folds control characters and runs of whitespace
/// into single spaces, so any input yields text the standard fonts can show.
fn printable(s: &str) -> String {
    let enc = BuiltinFont::Helvetica.get_encoding();
    let mut out = String::new();
    for ch in s.chars().take(MAX_CHARS) {
        if ch.is_control() || ch.is_whitespace() {
            out.push(' ');
        } else if enc.encode_char(ch).is_some() {
            out.push(ch);
        } else if let Some(ascii) = deunicode::deunicode_char(ch) {
            // Letters are spelled out (ř -> r, 北 -> Bei); a symbol only when it has a short stand-in such as "->",
            // since "mortar board" in the middle of a name is worse than leaving the emoji out.
            if ch.is_alphanumeric() || !ascii.chars().any(char::is_alphabetic) {
                out.extend(ascii.chars().filter(|c| enc.encode_char(*c).is_some() || c.is_whitespace()));
            }
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Greedy word wrap; a word wider than the line (a URL, a name without spaces) is broken between characters.
/// Stops after `limit` lines, since the caller only needs to know that the text does not fit.
fn wrap(face: &Face, text: &str, size: f32, max_w: f32, limit: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if lines.len() >= limit {
            break;
        }
        let joined = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if face.width(&joined, size) <= max_w {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for ch in word.chars() {
            line.push(ch);
            if line.chars().count() > 1 && face.width(&line, size) > max_w {
                line.pop();
                lines.push(std::mem::replace(&mut line, ch.to_string()));
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Dark modules as filled rectangles, each horizontal run merged into one, in a `QR_SIZE` square at (x, y); the
/// caller keeps `QUIET` clear around it.
fn draw_qr(c: &mut Content, code: &QrCode, x: f32, y: f32) {
    let n = code.width();
    let m = QR_SIZE / n as f32;
    c.set_fill_rgb(0.0, 0.0, 0.0);
    for (row, cells) in code.to_colors().chunks(n).enumerate() {
        let mut col = 0;
        for run in cells.chunk_by(|a, b| a == b) {
            if run[0] == Color::Dark {
                c.rect(x + col as f32 * m, y + QR_SIZE - (row + 1) as f32 * m, run.len() as f32 * m, m);
            }
            col += run.len();
        }
    }
    c.fill_nonzero();
}

/// A revoked credential's certificate must not pass for a valid one at a glance, even when cropped or copied.
fn watermark(c: &mut Content, face: &Face, w: f32, h: f32) {
    let (size, angle) = (110.0, h.atan2(w));
    let (sin, cos) = angle.sin_cos();
    let half = face.width("REVOKED", size) / 2.0;
    let (x, y) = (w / 2.0 - half * cos + size * 0.35 * sin, h / 2.0 - half * sin - size * 0.35 * cos);
    c.save_state().set_fill_rgb(1.0, 0.88, 0.88);
    c.begin_text().set_font(face.res, size).set_text_matrix([cos, sin, -sin, cos, x, y]);
    c.show(Str(b"REVOKED")).end_text().restore_state();
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn sample() -> Certificate<'static> {
        Certificate {
            recipient_name: "Chloé García-O'Brien",
            badge_name: "Data Stewardship",
            badge_description: "Completed the course.",
            issuer_name: "Dvořák Institute",
            issued_on: "30 November 2026",
            expires_on: Some("30 November 2027"),
            credential_url: "https://laurel.example/c/01JDXYZ",
            revoked: false,
            badge_png: None,
        }
    }

    fn png(color: image::ColorType) -> Vec<u8> {
        let img = DynamicImage::new(40, 30, color);
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    /// Checks the structure a reader relies on and returns the decompressed page content.
    fn parse(pdf: &[u8], paper: Paper) -> Vec<u8> {
        let pages = pdf.windows(12).filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's').count();
        assert_eq!(pages, 1);
        assert!(find(pdf, b"/Count 1\n").is_some());
        let (w, h) = paper.size_pt();
        assert!(find(pdf, format!("/MediaBox [0 0 {w} {h}]").as_bytes()).is_some(), "MediaBox for {paper:?}");
        let startxref = find(pdf, b"startxref\n").unwrap() + 10;
        let offset: usize = String::from_utf8_lossy(&pdf[startxref..]).lines().next().unwrap().parse().unwrap();
        assert!(pdf[offset..].starts_with(b"xref"));
        let start = find(pdf, b"4 0 obj").unwrap();
        let data = start + find(&pdf[start..], b"stream\n").unwrap() + 7;
        let end = data + find(&pdf[data..], b"\nendstream").unwrap();
        let mut content = Vec::new();
        flate2::read::ZlibDecoder::new(&pdf[data..end]).read_to_end(&mut content).unwrap();
        content
    }

    /// Whether a text-showing operator shows exactly `text` (pdf-writer writes non-ASCII strings in hex).
    fn shows(content: &[u8], text: &[u8]) -> bool {
        let hex: String = text.iter().map(|b| format!("{b:02X}")).collect();
        let operand = if text.is_ascii() { [b"(", text, b")"].concat() } else { format!("<{hex}>").into_bytes() };
        find(content, &[operand.as_slice(), b" Tj"].concat()).is_some()
    }

    fn title(pdf: &[u8]) -> String {
        let start = find(pdf, b"/Title <FEFF").unwrap() + 12;
        let end = start + find(&pdf[start..], b">").unwrap();
        let hex = std::str::from_utf8(&pdf[start..end]).unwrap();
        let units: Vec<u16> =
            (0..hex.len()).step_by(4).map(|i| u16::from_str_radix(&hex[i..i + 4], 16).unwrap()).collect();
        String::from_utf16(&units).unwrap()
    }

    #[test]
    fn paper_names_and_sizes() {
        assert_eq!(Paper::parse("A4"), Some(Paper::A4));
        assert_eq!(Paper::parse("LeTTer"), Some(Paper::Letter));
        assert_eq!(Paper::parse("legal"), None);
        assert_eq!(Paper::parse(""), None);
        assert_eq!(Paper::Letter.as_str(), "letter");
        assert_eq!(Paper::A4.size_pt(), (595.28, 841.89));
    }

    #[test]
    fn one_page_with_title_text_and_producer() {
        for paper in [Paper::A4, Paper::Letter] {
            let pdf = render(&sample(), paper).unwrap();
            let content = parse(&pdf, paper);
            assert_eq!(title(&pdf), "Data Stewardship — Chloé García-O'Brien");
            assert!(find(&pdf, b"/Producer (Laurel)").is_some());
            // WinAnsi bytes: é = E9, í = ED; ř has no code and is transliterated.
            assert!(shows(&content, b"Chlo\xe9 Garc\xeda-O'Brien"));
            assert!(shows(&content, b"Issued by Dvor\xe1k Institute on 30 November 2026"));
            assert!(shows(&content, b"Valid until 30 November 2027"));
            assert!(shows(&content, sample().credential_url.as_bytes()));
            assert!(!shows(&content, b"REVOKED"));
        }
    }

    #[test]
    fn badge_keeps_alpha_in_a_soft_mask() {
        let rgba = png(image::ColorType::Rgba8);
        let pdf = render(&Certificate { badge_png: Some(&rgba), ..sample() }, Paper::A4).unwrap();
        assert!(find(&pdf, b"/SMask 6 0 R").is_some() && find(&pdf, b"/DeviceGray").is_some());
        assert!(find(&parse(&pdf, Paper::A4), b"/Im1 Do").is_some());
        let rgb = png(image::ColorType::Rgb8);
        let pdf = render(&Certificate { badge_png: Some(&rgb), ..sample() }, Paper::A4).unwrap();
        assert!(find(&pdf, b"/SMask").is_none() && find(&pdf, b"/DeviceRGB").is_some());
        let err = render(&Certificate { badge_png: Some(b"GIF89a not a png"), ..sample() }, Paper::A4);
        assert!(err.unwrap_err().contains("not a readable PNG"));
    }

    #[test]
    fn revoked_is_marked() {
        let pdf = render(&Certificate { revoked: true, ..sample() }, Paper::Letter).unwrap();
        assert!(shows(&parse(&pdf, Paper::Letter), b"REVOKED"));
    }

    #[test]
    fn hostile_input_still_gives_one_page() {
        let long = "W".repeat(5000);
        let url = "https://x/".repeat(400); // too long for any QR code
        let cases = [
            Certificate {
                recipient_name: "",
                badge_name: "",
                badge_description: "",
                issuer_name: "",
                issued_on: "",
                expires_on: Some(""),
                credential_url: "",
                revoked: true,
                badge_png: None,
            },
            Certificate {
                recipient_name: &long,
                badge_name: &long,
                badge_description: &long,
                issuer_name: &long,
                credential_url: &url,
                ..sample()
            },
            Certificate {
                recipient_name: "🎓🦀 北京 \u{0}\u{7}\t\r\n (x) \\ ) Ł", badge_name: "\u{0}", ..sample()
            },
        ];
        for c in &cases {
            for paper in [Paper::A4, Paper::Letter] {
                parse(&render(c, paper).unwrap(), paper);
            }
        }
    }

    #[test]
    fn text_is_winansi_or_transliterated() {
        assert_eq!(printable("Dvořák € “ok”"), "Dvorák € “ok”");
        assert_eq!(printable(" a\u{0}\n\tb 🎓 "), "a b");
        assert_eq!(printable("北京"), "Bei Jing");
        let sans = Face::new(BuiltinFont::Helvetica, b"F1");
        let Text { size, lines, .. } = Text::fit(&sans, &"word ".repeat(400), (12.0, 10.0), 200.0, 3, INK);
        assert_eq!((size, lines.len()), (10.0, 3));
        assert!(lines[2].ends_with('…') && lines.iter().all(|l| sans.width(l, size) <= 200.0));
    }
}
