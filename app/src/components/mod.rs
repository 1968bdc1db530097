//! Pieces shared by several pages.

pub mod error_view;
pub mod meter;

pub use error_view::ErrorView;
pub use meter::QuotaMeter;
