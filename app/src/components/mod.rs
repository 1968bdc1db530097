//! Pieces shared by several pages.

pub mod error_view;
pub mod loaded;
pub mod meter;

pub use error_view::ErrorView;
pub use loaded::loaded;
pub use meter::QuotaMeter;
