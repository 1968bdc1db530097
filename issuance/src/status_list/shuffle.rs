//! A keyed permutation of `0..LIST_SIZE`: slot n of a list (in issue
//! order) maps to a position that looks random but is unique. It is a
//! four-round Feistel network over 18 bits, with HMAC-SHA-256 as the round
//! function, and cycle-walking to stay inside 17 bits.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::LIST_SIZE;

const HALF_BITS: u32 = 9;
const HALF_MASK: u32 = (1 << HALF_BITS) - 1;

pub struct Shuffle {
    mac: Hmac<Sha256>,
}

impl Shuffle {
    pub fn new(key: &[u8]) -> Self {
        Self { mac: Hmac::new_from_slice(key).expect("HMAC takes keys of any length") }
    }

    fn round(&self, round: u8, half: u32) -> u32 {
        let mut mac = self.mac.clone();
        mac.update(&[round]);
        mac.update(&half.to_be_bytes());
        let out = mac.finalize().into_bytes();
        u32::from_be_bytes([out[0], out[1], out[2], out[3]]) & HALF_MASK
    }

    fn permute(&self, x: u32) -> u32 {
        let (mut left, mut right) = (x >> HALF_BITS, x & HALF_MASK);
        for round in 0..4 {
            let next = left ^ self.round(round, right);
            left = right;
            right = next;
        }
        (left << HALF_BITS) | right
    }

    /// The bit position of `slot` (`slot < LIST_SIZE`).
    pub fn position(&self, slot: u32) -> u32 {
        debug_assert!(slot < LIST_SIZE);
        let mut x = self.permute(slot);
        while x >= LIST_SIZE {
            x = self.permute(x);
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_gets_a_distinct_position_in_range() {
        let shuffle = Shuffle::new(b"a list key");
        let mut seen = vec![false; LIST_SIZE as usize];
        for slot in 0..LIST_SIZE {
            let p = shuffle.position(slot);
            assert!(p < LIST_SIZE);
            assert!(!seen[p as usize], "position {p} drawn twice");
            seen[p as usize] = true;
        }
    }

    #[test]
    fn positions_do_not_follow_issue_order_and_depend_on_the_key() {
        let a = Shuffle::new(b"key a");
        let b = Shuffle::new(b"key b");
        let first: Vec<u32> = (0..8).map(|s| a.position(s)).collect();
        assert!(first.windows(2).any(|w| w[1] < w[0]), "{first:?} looks sequential");
        assert_ne!(first, (0..8).map(|s| b.position(s)).collect::<Vec<_>>());
    }
}
