//! Organisations, their plans, members and roles.

pub mod invitations;
pub mod members;
pub mod organizations;
pub mod plan;
pub mod role;

pub use members::Membership;
pub use organizations::Organization;
pub use plan::Plan;
pub use role::{Action, Role};
