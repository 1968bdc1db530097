//! What an uploaded image shows of itself: that it decodes as the type it
//! claims (`image_readable`), has pixels enough (`image_resolution`), is in
//! focus (`image_sharpness`: the variance of the Laplacian) and is exposed
//! (`image_exposure`).

use image::{DynamicImage, GrayImage, ImageError, ImageFormat, ImageReader, Limits, imageops::FilterType};
use serde_json::json;

use super::{Check, CheckName};

/// The short and long side a government ID's photo needs, in pixels: at
/// 300 dpi an ID-1 card is about 1000 × 640.
pub const MIN_SHORT_SIDE: u32 = 600;
pub const MIN_LONG_SIDE: u32 = 900;
/// Below this variance of the Laplacian (on the image scaled to 1,000 px
/// wide) an image is too blurred to read: the usual cut-off for text.
pub const MIN_SHARPNESS: f64 = 100.0;
/// The largest side read, in pixels: a 50-megapixel phone photo is about
/// 8,160 × 6,120. A few hundred bytes of PNG or JPEG can declare far more
/// pixels than that, and every one would be allocated and decoded.
pub const MAX_SIDE: u32 = 8192;
/// What decoding one side may allocate: a 50-megapixel RGB photo needs
/// about 150 MB.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// The tallest the normalised grayscale gets: beyond a 1:4 aspect ratio
/// it is scaled to this height rather than to 1,000 px wide, or a 1-pixel
/// wide strip would be stretched to gigabytes.
const MAX_NORMALISED_HEIGHT: u32 = 4000;
/// Mean brightness (0–255) below this is too dark.
pub const MIN_BRIGHTNESS: f64 = 40.0;
/// More than this share of pixels nearly black is lost in shadow.
pub const MAX_DARK: f64 = 0.5;
/// More than this share of pixels nearly white is blown out (a white
/// card on white paper is mostly light, so the bar is high).
pub const MAX_BRIGHT: f64 = 0.6;

/// The media types an ID image may be uploaded as.
pub fn format_of(content_type: &str) -> Option<ImageFormat> {
    match content_type {
        "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/png" => Some(ImageFormat::Png),
        "image/webp" => Some(ImageFormat::WebP),
        _ => None,
    }
}

/// The four image checks of one side. `None` bytes: nothing was uploaded.
pub fn checks(side: &str, content_type: Option<&str>, bytes: Option<&[u8]>) -> Vec<Check> {
    let (Some(bytes), Some(content_type)) = (bytes, content_type) else {
        let why = format!("no {side} image was uploaded");
        return vec![
            Check::failed(CheckName::ImageReadable, why.clone(), json!({"side": side})),
            Check::not_applicable(CheckName::ImageResolution, why.clone()),
            Check::not_applicable(CheckName::ImageSharpness, why.clone()),
            Check::not_applicable(CheckName::ImageExposure, why),
        ];
    };
    let Some(format) = format_of(content_type) else {
        let why = format!("the {side} is {content_type}, not an image this check reads");
        return vec![
            Check::not_applicable(CheckName::ImageReadable, why.clone()),
            Check::not_applicable(CheckName::ImageResolution, why.clone()),
            Check::not_applicable(CheckName::ImageSharpness, why.clone()),
            Check::not_applicable(CheckName::ImageExposure, why),
        ];
    };
    let image = match decode(bytes, format) {
        Ok(i) => i,
        Err(e) => {
            let why = match e {
                ImageError::Limits(_) => format!(
                    "the {side} is larger than {MAX_SIDE} × {MAX_SIDE} pixels or too large to decode; \
                     upload a photo of at most {MAX_SIDE} pixels a side"
                ),
                e => format!("the {side} does not decode as {content_type}: {e}"),
            };
            let after = format!("the {side} could not be read");
            return vec![
                Check::failed(CheckName::ImageReadable, why, json!({"side": side, "content_type": content_type})),
                Check::not_applicable(CheckName::ImageResolution, after.clone()),
                Check::not_applicable(CheckName::ImageSharpness, after.clone()),
                Check::not_applicable(CheckName::ImageExposure, after),
            ];
        }
    };
    let (w, h) = (image.width(), image.height());
    let readable = Check::passed(
        CheckName::ImageReadable,
        json!({"side": side, "content_type": content_type, "width": w, "height": h}),
    );
    let (short, long) = (w.min(h), w.max(h));
    let resolution = if short >= MIN_SHORT_SIDE && long >= MIN_LONG_SIDE {
        Check::passed(CheckName::ImageResolution, json!({"side": side, "width": w, "height": h}))
    } else {
        Check::failed(
            CheckName::ImageResolution,
            format!(
                "the {side} is {w} × {h} pixels; at least {MIN_LONG_SIDE} × {MIN_SHORT_SIDE} are needed to read it"
            ),
            json!({"side": side, "width": w, "height": h, "min_long": MIN_LONG_SIDE, "min_short": MIN_SHORT_SIDE}),
        )
    };
    let gray = normalised(&image);
    let sharpness = laplacian_variance(&gray);
    let sharp = if sharpness >= MIN_SHARPNESS {
        Check::passed(CheckName::ImageSharpness, json!({"side": side, "laplacian_variance": round(sharpness)}))
    } else {
        Check::failed(
            CheckName::ImageSharpness,
            format!("the {side} is blurred (variance of the Laplacian {:.1}, below {MIN_SHARPNESS})", sharpness),
            json!({"side": side, "laplacian_variance": round(sharpness), "threshold": MIN_SHARPNESS}),
        )
    };
    let (mean, dark, bright) = exposure(&gray);
    let details = json!({"side": side, "mean": round(mean), "dark_share": round(dark), "bright_share": round(bright)});
    let exposed = if mean < MIN_BRIGHTNESS || dark > MAX_DARK {
        Check::failed(
            CheckName::ImageExposure,
            format!("the {side} is too dark (mean brightness {mean:.0} of 255)"),
            details,
        )
    } else if bright > MAX_BRIGHT {
        Check::failed(
            CheckName::ImageExposure,
            format!("the {side} is blown out ({:.0}% of it is white)", bright * 100.0),
            details,
        )
    } else {
        Check::passed(CheckName::ImageExposure, details)
    };
    vec![readable, resolution, sharp, exposed]
}

/// Decodes within [`MAX_SIDE`] and [`MAX_DECODE_BYTES`], checked from the
/// header before any pixel is allocated.
fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, ImageError> {
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    reader.decode()
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Grayscale at 1,000 px wide (at most [`MAX_NORMALISED_HEIGHT`] tall), so
/// the measures do not depend on how many pixels the camera had.
fn normalised(image: &DynamicImage) -> GrayImage {
    let gray = image.to_luma8();
    if gray.width() == 1000 || gray.width() == 0 {
        return gray;
    }
    let h = ((gray.height() as u64 * 1000) / gray.width() as u64).max(1);
    if h > u64::from(MAX_NORMALISED_HEIGHT) {
        let w = ((gray.width() as u64 * u64::from(MAX_NORMALISED_HEIGHT)) / gray.height() as u64).max(1) as u32;
        return image::imageops::resize(&gray, w, MAX_NORMALISED_HEIGHT, FilterType::Triangle);
    }
    image::imageops::resize(&gray, 1000, h as u32, FilterType::Triangle)
}

/// The variance of the 4-neighbour Laplacian: edges make it large, blur
/// makes it small.
pub fn laplacian_variance(gray: &GrayImage) -> f64 {
    let (w, h) = gray.dimensions();
    if w < 3 || h < 3 {
        return 0.0;
    }
    let px = |x: u32, y: u32| f64::from(gray.get_pixel(x, y).0[0]);
    let (mut sum, mut sum_sq, mut n) = (0.0, 0.0, 0.0);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let l = px(x - 1, y) + px(x + 1, y) + px(x, y - 1) + px(x, y + 1) - 4.0 * px(x, y);
            sum += l;
            sum_sq += l * l;
            n += 1.0;
        }
    }
    let mean = sum / n;
    sum_sq / n - mean * mean
}

/// Mean brightness, and the shares of pixels that are nearly black and
/// nearly white.
fn exposure(gray: &GrayImage) -> (f64, f64, f64) {
    let n = f64::from(gray.width()) * f64::from(gray.height());
    if n == 0.0 {
        return (0.0, 1.0, 0.0);
    }
    let (mut sum, mut dark, mut bright) = (0.0, 0.0, 0.0);
    for p in gray.pixels() {
        let v = p.0[0];
        sum += f64::from(v);
        dark += f64::from(u8::from(v <= 8));
        bright += f64::from(u8::from(v >= 250));
    }
    (sum / n, dark / n, bright / n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::CheckStatus;

    /// 95 bytes of PNG, 1 × 8,000 pixels: stretched to 1,000 px wide it needed 8 GB.
    const STRIP: &[u8] =
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions/image_checks-1x8000-strip.png"));
    /// A PNG header declaring 20,000 × 20,000 pixels, and nothing after it.
    const HUGE: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fuzz_regressions/image_checks-20000x20000-header.png"
    ));

    #[test]
    fn a_one_pixel_wide_strip_is_measured_without_being_stretched_to_gigabytes() {
        let checks = checks("front", Some("image/png"), Some(STRIP));
        assert_eq!(checks[0].status, CheckStatus::Passed, "{checks:?}");
        assert_eq!(checks[1].status, CheckStatus::Failed, "too few pixels to read: {checks:?}");
        assert_eq!(normalised(&DynamicImage::new_luma8(1, 60_000)).dimensions(), (1, MAX_NORMALISED_HEIGHT));
        assert_eq!(normalised(&DynamicImage::new_luma8(500, 400)).dimensions(), (1000, 800));
    }

    #[test]
    fn an_image_declaring_more_pixels_than_a_phone_takes_is_refused_before_decoding() {
        let checks = checks("back", Some("image/png"), Some(HUGE));
        assert_eq!(checks[0].status, CheckStatus::Failed);
        assert!(checks[0].reasons[0].contains("larger than 8192 × 8192 pixels"), "{checks:?}");
        assert!(checks[1..].iter().all(|c| c.status == CheckStatus::NotApplicable), "{checks:?}");
    }
}
