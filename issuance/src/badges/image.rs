//! A badge's own image: an uploaded PNG or SVG becomes one square PNG that
//! Laurel serves from its own origin (`/badges/{id}/image.png`), so a
//! credential never points at a host that may vanish or track its viewers,
//! and the Open Badges "baked" download always has a PNG to carry the proof.
//!
//! Nothing uploaded is served as sent. A PNG is decoded and encoded again
//! (dropping its text chunks and whatever else rode along); an SVG is
//! rasterised, so no script, link or style of it ever reaches a browser,
//! and its `<image>` references may only be data URLs: usvg would otherwise
//! read any path on this machine that the SVG names.

use std::sync::{Arc, LazyLock};

use image::{ImageEncoder as _, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

use super::Badge;
use crate::clock;
use crate::db::Db;
use crate::error::{CoreError, CoreResult, FieldError};

/// Uploads larger than this are refused before any decoding.
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024;
/// The stored image's side, in pixels: sharp on a retina screen at the
/// size pages show it, small enough to e-mail and bake.
pub const SIDE: u32 = 512;
/// A PNG's declared size is checked before its pixels are allocated.
const MAX_SOURCE_SIDE: u32 = 4096;

/// What the upload turned out to be, from its bytes, not its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Png,
    Svg,
}

/// Reads the upload's type from its content: PNG by its signature, SVG by
/// an `<svg` root near the start (after an XML prolog or comments).
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Kind::Png);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    head.contains("<svg").then_some(Kind::Svg)
}

/// Turns an upload into the PNG Laurel stores, or says what is wrong with
/// it, naming the field `image`.
pub fn normalise(bytes: &[u8]) -> CoreResult<Vec<u8>> {
    let refuse = |why: String| CoreError::Validation(vec![FieldError::new("image", why)]);
    if bytes.is_empty() {
        return Err(refuse("is empty; choose a PNG or SVG file".into()));
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(refuse(format!("is {} KB; the limit is {} KB", bytes.len() / 1024, MAX_UPLOAD_BYTES / 1024)));
    }
    let pixels = match sniff(bytes) {
        Some(Kind::Png) => decode_png(bytes).map_err(refuse)?,
        Some(Kind::Svg) => rasterise_svg(bytes).map_err(refuse)?,
        None => return Err(refuse("must be a PNG or SVG image; this file is neither".into())),
    };
    Ok(encode_png(&pixels))
}

fn decode_png(bytes: &[u8]) -> Result<image::RgbaImage, String> {
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), ImageFormat::Png);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_SOURCE_SIDE);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            format!("is larger than {MAX_SOURCE_SIDE}×{MAX_SOURCE_SIDE} pixels; use a smaller image")
        }
        other => format!("is not a readable PNG ({other})"),
    })?;
    let (w, h) = (decoded.width(), decoded.height());
    let rgba = decoded.into_rgba8();
    Ok(fit_square(&rgba, w, h))
}

/// Scales the image to fit `SIDE`, centred on a transparent square, so
/// every badge has the same shape wherever it is shown.
fn fit_square(source: &image::RgbaImage, w: u32, h: u32) -> image::RgbaImage {
    let scale = SIDE as f32 / w.max(h) as f32;
    let (nw, nh) = (((w as f32 * scale).round() as u32).max(1), ((h as f32 * scale).round() as u32).max(1));
    let scaled = image::imageops::resize(source, nw, nh, image::imageops::FilterType::Lanczos3);
    let mut square = image::RgbaImage::new(SIDE, SIDE);
    image::imageops::overlay(&mut square, &scaled, i64::from((SIDE - nw) / 2), i64::from((SIDE - nh) / 2));
    square
}

/// System fonts, loaded once: an SVG's `<text>` is drawn with them (a
/// machine without fonts still rasterises the shapes).
static FONTS: LazyLock<Arc<resvg::usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut db = resvg::usvg::fontdb::Database::new();
    db.load_system_fonts();
    Arc::new(db)
});

fn rasterise_svg(bytes: &[u8]) -> Result<image::RgbaImage, String> {
    use resvg::{tiny_skia, usvg};
    let mut options = usvg::Options { fontdb: FONTS.clone(), ..usvg::Options::default() };
    // Only data URLs: a path or URL in an uploaded SVG must not make this
    // server read its own files.
    options.image_href_resolver.resolve_string = Box::new(|_, _| None);
    let tree = usvg::Tree::from_data(bytes, &options).map_err(|e| format!("is not a readable SVG ({e})"))?;
    let size = tree.size();
    let scale = SIDE as f32 / size.width().max(size.height());
    let (dx, dy) = ((SIDE as f32 - size.width() * scale) / 2.0, (SIDE as f32 - size.height() * scale) / 2.0);
    let mut pixmap = tiny_skia::Pixmap::new(SIDE, SIDE).ok_or("could not be drawn")?;
    resvg::render(&tree, tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, dx, dy), &mut pixmap.as_mut());
    // tiny-skia keeps premultiplied alpha; PNG wants it straight.
    let mut rgba = image::RgbaImage::new(SIDE, SIDE);
    for (out, px) in rgba.pixels_mut().zip(pixmap.pixels()) {
        let c = px.demultiply();
        *out = image::Rgba([c.red(), c.green(), c.blue(), c.alpha()]);
    }
    Ok(rgba)
}

fn encode_png(pixels: &image::RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(pixels, pixels.width(), pixels.height(), image::ExtendedColorType::Rgba8)
        .map(|_| out)
        .unwrap_or_default()
}

/// The image every badge without an upload is shown with: a laurel-green
/// rosette in a hue taken from the badge's id, with its initials.
pub fn default_png(badge: &Badge) -> Vec<u8> {
    let hue = Sha256::digest(badge.id.as_bytes())[0] as u32 * 360 / 256;
    let initials: String = badge
        .name
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    let initials = html_escape::encode_text(&initials);
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">
  <circle cx="100" cy="100" r="96" fill="hsl({hue},45%,92%)"/>
  <circle cx="100" cy="100" r="80" fill="hsl({hue},50%,32%)"/>
  <circle cx="100" cy="100" r="70" fill="none" stroke="hsl({hue},40%,85%)" stroke-width="3" stroke-dasharray="2 6"/>
  <text x="100" y="118" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="52" font-weight="bold"
        text-anchor="middle" fill="#fff">{initials}</text>
</svg>"##
    );
    rasterise_svg(svg.as_bytes()).map(|p| encode_png(&p)).unwrap_or_default()
}

/// An uploaded image as stored.
pub struct Stored {
    pub png: Vec<u8>,
    /// Hex SHA-256 of `png`: the HTTP entity tag.
    pub sha256: String,
}

/// The badge's uploaded image, if it has one.
pub async fn get(db: &Db, badge_id: &str) -> CoreResult<Option<Stored>> {
    let row: Option<(Vec<u8>, String)> = sqlx::query_as("SELECT png, sha256 FROM badge_images WHERE badge_id = $1")
        .bind(badge_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|(png, sha256)| Stored { png, sha256 }))
}

/// The badge's image as Laurel serves it: the upload, or the default.
pub async fn png(db: &Db, badge: &Badge) -> CoreResult<Stored> {
    if let Some(stored) = get(db, &badge.id).await? {
        return Ok(stored);
    }
    let png = default_png(badge);
    let sha256 = hex::encode(Sha256::digest(&png));
    Ok(Stored { png, sha256 })
}

/// Where Laurel serves a badge's image.
pub fn url(public_url: &str, badge_id: &str) -> String {
    format!("{}/badges/{badge_id}/image.png", public_url.trim_end_matches('/'))
}

/// Stores `upload` (PNG or SVG) as the badge's image, and points the
/// badge's `image_url` at it, so credentials issued from now on name it.
/// Credentials already issued keep the URL they were signed with.
pub async fn upload(
    db: &Db,
    public_url: &str,
    org_id: &str,
    badge_id: &str,
    upload: &[u8],
    actor: Option<&str>,
) -> CoreResult<Badge> {
    super::get(db, org_id, badge_id).await?;
    let png = normalise(upload)?;
    let sha256 = hex::encode(Sha256::digest(&png));
    let now = clock::now();
    let mut tx = crate::db::begin(db).await?;
    sqlx::query(
        "INSERT INTO badge_images (badge_id, org_id, png, sha256, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (badge_id) DO UPDATE SET png = excluded.png, sha256 = excluded.sha256,
             updated_at = excluded.updated_at",
    )
    .bind(badge_id)
    .bind(org_id)
    .bind(&png)
    .bind(&sha256)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE badges SET image_url = $1, updated_at = $2 WHERE id = $3 AND org_id = $4")
        .bind(url(public_url, badge_id))
        .bind(now)
        .bind(badge_id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    let badge = super::get(&mut *tx, org_id, badge_id).await?;
    let entry = crate::audit::Entry::new(
        crate::audit::Actor::user(actor),
        crate::audit::AuditAction::BadgeEdited,
        Some(badge_id),
        format!("Badge “{}” has a new image", badge.name),
    );
    crate::audit::record(&mut *tx, org_id, entry).await?;
    tx.commit().await?;
    Ok(badge)
}

/// Forgets an uploaded image once the badge's `image_url` no longer
/// points at it (removed, or replaced by another URL).
pub(super) async fn forget_unless_used(db: &Db, badge: &Badge) -> CoreResult<()> {
    let ours = format!("/badges/{}/image.png", badge.id);
    if !badge.image_url.as_deref().is_some_and(|u| u.ends_with(&ours)) {
        sqlx::query("DELETE FROM badge_images WHERE badge_id = $1").bind(&badge.id).execute(db).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 30, 255]));
        encode_png(&img)
    }

    #[test]
    fn a_wide_png_becomes_a_square_of_the_stored_side_with_transparent_bands() {
        let out = normalise(&png_of(300, 100)).unwrap();
        let img = image::load_from_memory(&out).unwrap().into_rgba8();
        assert_eq!((img.width(), img.height()), (SIDE, SIDE));
        assert_eq!(img.get_pixel(SIDE / 2, 2)[3], 0, "top band is transparent");
        assert_eq!(img.get_pixel(SIDE / 2, SIDE / 2)[0], 200);
    }

    #[test]
    fn an_svg_is_rasterised_and_its_script_is_gone() {
        let svg = br##"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
            <script>alert(1)</script><rect width="10" height="10" fill="#00ff00"/></svg>"##;
        let out = normalise(svg).unwrap();
        assert!(out.starts_with(b"\x89PNG"));
        assert!(!out.windows(6).any(|w| w == b"script"));
        let img = image::load_from_memory(&out).unwrap().into_rgba8();
        assert_eq!(img.get_pixel(SIDE / 2, SIDE / 2).0, [0, 255, 0, 255]);
    }

    #[test]
    fn an_svg_naming_a_local_file_does_not_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret.png");
        std::fs::write(&secret, png_of(4, 4)).unwrap();
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="4" height="4">
               <image width="4" height="4" xlink:href="{}"/></svg>"#,
            secret.display()
        );
        let img = image::load_from_memory(&normalise(svg.as_bytes()).unwrap()).unwrap().into_rgba8();
        assert!(img.pixels().all(|p| p[3] == 0), "the named file was drawn");
    }

    #[test]
    fn other_files_are_refused_naming_the_field_and_the_reason() {
        for (bytes, says) in [
            (b"GIF89a....".to_vec(), "neither"),
            (Vec::new(), "empty"),
            (vec![b' '; MAX_UPLOAD_BYTES + 1], "limit is 1024 KB"),
            (b"\x89PNG\r\n\x1a\nbroken".to_vec(), "not a readable PNG"),
            (b"<svg><g></svg>".to_vec(), "not a readable SVG"),
        ] {
            match normalise(&bytes) {
                Err(CoreError::Validation(errors)) => {
                    assert_eq!(errors[0].path, "image");
                    assert!(errors[0].message.contains(says), "{}", errors[0].message);
                }
                other => panic!("expected a refusal, got {:?}", other.map(|v| v.len())),
            }
        }
    }

    #[test]
    fn a_png_declaring_a_huge_size_is_refused_before_its_pixels_are_allocated() {
        let mut out = Vec::new();
        let enc = image::codecs::png::PngEncoder::new(&mut out);
        enc.write_image(&vec![0u8; 5000], 5000, 1, image::ExtendedColorType::L8).unwrap();
        let err = normalise(&out).unwrap_err();
        assert!(err.to_string().contains("larger than") || format!("{err:?}").contains("larger than"), "{err:?}");
    }
}
