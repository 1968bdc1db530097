//! Roles and the actions each one may take. This table is the only place
//! that answers "may this member do that?"; every server function and API
//! handler asks it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Ordered from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Issuer,
    Viewer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// See the org's pages: overview, credentials, jobs.
    ViewOrg,
    /// Validate CSVs, issue and revoke credentials.
    Issue,
    /// Invite, re-role and remove members.
    ManageMembers,
    /// Create, edit and archive badges.
    ManageBadges,
    /// Create and revoke API keys.
    ManageApiKeys,
    /// Change org-wide settings: quota, signing-key rotation.
    ManageSettings,
    /// See the e-mail outbox and retry failed messages.
    ManageOutbox,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::ViewOrg,
        Action::Issue,
        Action::ManageMembers,
        Action::ManageBadges,
        Action::ManageApiKeys,
        Action::ManageSettings,
        Action::ManageOutbox,
    ];
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Issuer, Role::Viewer];

    pub fn allows(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Owner => true,
            Role::Admin => !matches!(action, ManageSettings),
            Role::Issuer => matches!(action, ViewOrg | Issue),
            Role::Viewer => matches!(action, ViewOrg),
        }
    }

    /// Whether a member in this role may give or take `role`: Admins manage
    /// Admins, Issuers and Viewers; only Owners manage Owners.
    pub fn may_grant(self, role: Role) -> bool {
        self.allows(Action::ManageMembers) && (role != Role::Owner || self == Role::Owner)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Issuer => "issuer",
            Role::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Issuer => "Issuer",
            Role::Viewer => "Viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("expected 'owner' | 'admin' | 'issuer' | 'viewer', got '{s}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_allows_exactly_its_actions() {
        use Action::*;
        let expect = |role: Role| -> Vec<Action> {
            match role {
                Role::Owner => Action::ALL.to_vec(),
                Role::Admin => vec![ViewOrg, Issue, ManageMembers, ManageBadges, ManageApiKeys, ManageOutbox],
                Role::Issuer => vec![ViewOrg, Issue],
                Role::Viewer => vec![ViewOrg],
            }
        };
        for role in Role::ALL {
            let allowed: Vec<Action> = Action::ALL.into_iter().filter(|a| role.allows(*a)).collect();
            assert_eq!(allowed, expect(role), "{role}");
        }
    }

    #[test]
    fn roles_parse_case_insensitively_and_name_the_choices_when_wrong() {
        assert_eq!("Admin".parse::<Role>().unwrap(), Role::Admin);
        assert!("boss".parse::<Role>().unwrap_err().contains("'owner' | 'admin'"));
    }
}
