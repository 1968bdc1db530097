//! Bulk issuance from a CSV of recipients: reading the file
//! ([`csv_file`]), deciding what happens to every row ([`classify`]), and
//! the dry run that joins the two with what was issued before
//! ([`review`]).

pub mod classify;
pub mod column_aliases;
pub mod csv_file;
pub mod review;
pub mod uploads;

pub use classify::{DuplicatePolicy, ReviewRow, RowStatus, Totals, Treatment};
pub use csv_file::{FileError, ParsedFile, UploadedRow};
pub use review::{QuotaPlan, Review, review};
