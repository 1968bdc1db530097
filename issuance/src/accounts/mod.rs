//! People who sign in: their accounts, passwords, sessions and the login
//! throttle.

pub mod login;
pub mod password;
pub mod sessions;
pub mod throttle;
pub mod users;

pub use login::{LoginAttempt, authenticate};
pub use users::User;
