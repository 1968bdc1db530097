//! People who sign in: their accounts, passwords and the login throttle.

pub mod login;
pub mod password;
pub mod throttle;
pub mod users;

pub use login::{LoginAttempt, authenticate};
pub use users::User;
