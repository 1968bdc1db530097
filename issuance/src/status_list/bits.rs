//! The bitstring and its `encodedList` form: multibase base64url (`u`
//! prefix, no padding) of the GZIP-compressed bits, index 0 being the most
//! significant bit of the first byte.

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
}

/// Decompressed lists larger than this are refused (a gzip bomb guard).
const MAX_BYTES: u64 = 16 * 1024 * 1024;

impl Bitstring {
    pub fn new(len_bits: u32) -> Self {
        Self { bytes: vec![0; len_bits.div_ceil(8) as usize] }
    }

    pub fn len(&self) -> u32 {
        (self.bytes.len() * 8) as u32
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn set(&mut self, index: u32, value: bool) {
        let (byte, mask) = (index as usize / 8, 0x80u8 >> (index % 8));
        if value {
            self.bytes[byte] |= mask;
        } else {
            self.bytes[byte] &= !mask;
        }
    }

    pub fn get(&self, index: u32) -> Option<bool> {
        let byte = self.bytes.get(index as usize / 8)?;
        Some(byte & (0x80u8 >> (index % 8)) != 0)
    }

    pub fn encode(&self) -> String {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&self.bytes).expect("writing to memory");
        let compressed = gz.finish().expect("writing to memory");
        let mut out = String::from("u");
        URL_SAFE_NO_PAD.encode_string(compressed, &mut out);
        out
    }

    pub fn decode(encoded: &str) -> Result<Self, String> {
        let b64 = encoded.strip_prefix('u').ok_or("encodedList must start with the multibase prefix 'u'")?;
        let compressed = URL_SAFE_NO_PAD.decode(b64).map_err(|e| format!("encodedList is not base64url: {e}"))?;
        let mut bytes = Vec::new();
        GzDecoder::new(&compressed[..])
            .take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("encodedList is not GZIP: {e}"))?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err("encodedList decompresses to more than 16 MiB".into());
        }
        Ok(Self { bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status_list::LIST_SIZE;

    /// The example `encodedList` of the Bitstring Status List v1.0
    /// specification: 131,072 entries, none set.
    const SPEC_EXAMPLE: &str = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";

    #[test]
    fn the_specification_example_decodes_to_an_empty_16_kib_list() {
        let list = Bitstring::decode(SPEC_EXAMPLE).unwrap();
        assert_eq!(list.len(), LIST_SIZE);
        assert!((0..LIST_SIZE).all(|i| list.get(i) == Some(false)));
        assert_eq!(list, Bitstring::new(LIST_SIZE));
    }

    #[test]
    fn index_zero_is_the_most_significant_bit_of_the_first_byte() {
        let mut list = Bitstring::new(16);
        list.set(0, true);
        list.set(9, true);
        assert_eq!(list.bytes, vec![0b1000_0000, 0b0100_0000]);
        list.set(0, false);
        assert_eq!(list.bytes[0], 0);
    }

    #[test]
    fn encoding_round_trips_and_starts_with_u() {
        let mut list = Bitstring::new(LIST_SIZE);
        for i in [0, 7, 8, 4287, LIST_SIZE - 1] {
            list.set(i, true);
        }
        let encoded = list.encode();
        assert!(encoded.starts_with('u') && !encoded.contains('='));
        assert_eq!(Bitstring::decode(&encoded).unwrap(), list);
        assert!(Bitstring::decode("H4sI").is_err());
    }
}
