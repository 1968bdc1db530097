//! Pieces shared by several pages.

pub mod chart;
pub mod confirm;
pub mod copy;
pub mod error_view;
pub mod form;
pub mod loaded;
pub mod meter;
pub mod notice;
pub mod public_page;

pub use error_view::ErrorView;
pub use loaded::loaded;
pub use meter::QuotaMeter;
pub use notice::NoticeBanner;
pub use public_page::public_page;
