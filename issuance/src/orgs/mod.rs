//! Organisations, their plans, members and roles.

pub mod invitations;
pub mod members;
pub mod organizations;
pub mod time_zone;
pub mod upgrade;

pub use members::Membership;
pub use organizations::Organization;
// The vocabulary (roles, the role → action table, plans) is in `model`.
pub use model::{Action, Plan, Role};
