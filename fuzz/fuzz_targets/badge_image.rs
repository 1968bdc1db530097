//! A badge image upload: any bytes, PNG or SVG or neither.

#![no_main]

use issuance::CoreError;
use issuance::badges::image;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match image::normalise(bytes) {
        Ok(png) => {
            // What is stored is always one square PNG of the set size.
            let decoded = ::image::load_from_memory_with_format(&png, ::image::ImageFormat::Png)
                .expect("normalise writes a PNG that decodes");
            assert_eq!((decoded.width(), decoded.height()), (image::SIDE, image::SIDE));
        }
        Err(CoreError::Validation(errors)) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].path, "image");
            assert!(!errors[0].message.is_empty());
        }
        Err(other) => panic!("an upload is refused only as invalid, not {other:?}"),
    }
});
