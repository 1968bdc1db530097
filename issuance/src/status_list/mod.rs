//! Revocation by W3C Bitstring Status List v1.0.
//!
//! Each org has lists of [`LIST_SIZE`] entries. A credential takes a slot in
//! the org's open list; the slot's position in the bitstring is drawn by a
//! keyed permutation, so positions look random to outsiders (they reveal
//! neither issue order nor volume) yet never collide and need no retries.
//! A full list is closed and a new one opened. The bitstring itself is not
//! stored: it is derived from which credentials are revoked.

pub mod bits;
pub mod lists;
pub mod shuffle;

pub use bits::Bitstring;
pub use lists::{Slot, StatusList};

/// Entries per list: 2^17, the specification's 16 KiB minimum.
pub const LIST_SIZE: u32 = 131_072;
