//! Bulk issuance from a CSV of recipients: reading the file
//! ([`csv_file`]), finding each row's badge ([`row_badge`]), deciding what
//! happens to every row ([`classify`]), and
//! the dry run that joins the two with what was issued before
//! ([`review`]).

pub mod classify;
pub mod column_aliases;
pub mod csv_file;
pub mod invalid_rows;
pub mod review;
pub mod row_badge;
pub mod uploads;

pub use classify::{DuplicatePolicy, ReviewRow, RowStatus, Totals, Treatment};
pub use csv_file::{FileError, ParsedFile, UploadedRow};
pub use review::{BadgeGroup, QuotaPlan, Review, review};
