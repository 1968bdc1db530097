//! Pieces shared by several pages.

pub mod error_view;
pub mod loaded;
pub mod meter;
pub mod public_page;

pub use error_view::ErrorView;
pub use loaded::loaded;
pub use meter::QuotaMeter;
pub use public_page::public_page;
