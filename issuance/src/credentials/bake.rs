//! The Open Badges 3.0 "baked" image (OB 3.0 §5.3, Baking): the badge's
//! PNG carrying the signed credential in an uncompressed `iTXt` chunk with
//! the keyword `openbadgecredential`. The image alone is then the proof: a
//! recipient can upload it to a backpack or verifier that reads the chunk,
//! and any image viewer still shows the badge.

/// The keyword OB 3.0 assigns to the chunk.
pub const KEYWORD: &str = "openbadgecredential";

/// `badge_png` (as Laurel stores it) with `jwt` baked in. The pixels are
/// decoded and written again rather than spliced, so a chunk the source
/// carried (an older credential, say) can never survive beside ours.
pub fn bake_png(badge_png: &[u8], jwt: &str) -> Result<Vec<u8>, String> {
    let pixels = image::load_from_memory_with_format(badge_png, image::ImageFormat::Png)
        .map_err(|e| format!("the badge image is not a readable PNG ({e})"))?
        .into_rgba8();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixels.width(), pixels.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    // `add_itxt_chunk` writes the text uncompressed, as the spec asks.
    encoder.add_itxt_chunk(KEYWORD.to_owned(), jwt.to_owned()).map_err(|e| e.to_string())?;
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// The credential baked into `png`, if any.
pub fn read_baked(png_bytes: &[u8]) -> Option<String> {
    let reader = png::Decoder::new(std::io::Cursor::new(png_bytes)).read_info().ok()?;
    reader.info().utf8_text.iter().find(|c| c.keyword == KEYWORD).and_then(|c| c.get_text().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::ImageEncoder as _;

    #[test]
    fn the_baked_png_carries_the_jwt_and_only_one_credential() {
        let img = image::RgbaImage::from_pixel(8, 8, image::Rgba([1, 2, 3, 255]));
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png).write_image(&img, 8, 8, image::ExtendedColorType::Rgba8).unwrap();
        let once = bake_png(&png, "eyJhbGciOiJFUzI1NiJ9.a.b").unwrap();
        let twice = bake_png(&once, "eyJhbGciOiJFUzI1NiJ9.c.d").unwrap();
        assert_eq!(read_baked(&once).as_deref(), Some("eyJhbGciOiJFUzI1NiJ9.a.b"));
        assert_eq!(read_baked(&twice).as_deref(), Some("eyJhbGciOiJFUzI1NiJ9.c.d"));
        assert_eq!(twice.windows(KEYWORD.len()).filter(|w| *w == KEYWORD.as_bytes()).count(), 1);
        assert_eq!(image::load_from_memory(&twice).unwrap().width(), 8);
        assert!(bake_png(b"not a png", "x").is_err());
    }
}
