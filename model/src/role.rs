//! Roles and the actions each one may take. This table is the only place
//! that answers "may this member do that?": every server function and API
//! handler asks it, and pages ask it to decide which buttons to show.

use crate::term::vocabulary;

vocabulary! {
    /// Ordered from most to least powerful.
    pub enum Role {
        Owner,
        Admin,
        Issuer,
        Viewer,
    }
}

vocabulary! {
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
        /// See the e-mail outbox and retry failed messages; edit the
        /// credential e-mail and its Reply-To.
        ManageOutbox,
        /// Create, pause and delete audit streams (webhooks); see and resend
        /// their deliveries.
        ManageStreams,
        /// Read the audit log.
        ViewAudit,
    }
}

impl Role {
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

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Issuer => "Issuer",
            Role::Viewer => "Viewer",
        }
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
                Role::Admin => {
                    vec![
                        ViewOrg,
                        Issue,
                        ManageMembers,
                        ManageBadges,
                        ManageApiKeys,
                        ManageOutbox,
                        ManageStreams,
                        ViewAudit,
                    ]
                }
                Role::Issuer => vec![ViewOrg, Issue],
                Role::Viewer => vec![ViewOrg],
            }
        };
        for &role in Role::ALL {
            let allowed: Vec<Action> = Action::ALL.iter().copied().filter(|a| role.allows(*a)).collect();
            assert_eq!(allowed, expect(role), "{role}");
        }
    }

    #[test]
    fn only_owners_grant_owner() {
        assert!(Role::Owner.may_grant(Role::Owner));
        assert!(!Role::Admin.may_grant(Role::Owner));
        assert!(Role::Admin.may_grant(Role::Admin));
        assert!(!Role::Issuer.may_grant(Role::Viewer));
    }

    #[test]
    fn roles_parse_case_insensitively_and_name_the_choices_when_wrong() {
        assert_eq!("Admin".parse::<Role>().unwrap(), Role::Admin);
        assert_eq!("boss".parse::<Role>().unwrap_err(), "expected 'owner' | 'admin' | 'issuer' | 'viewer', got 'boss'");
    }
}
