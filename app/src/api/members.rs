//! Members and invitations of an organisation.

use leptos::prelude::*;

use super::types::{InviteResult, MembersPage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn parse_role(role: &str) -> Result<issuance::orgs::Role, AppError> {
    role.parse().map_err(|m: String| AppError::Invalid(vec![("role".into(), m)]))
}

#[server(endpoint = "get_members_page")]
pub async fn get_members_page(org_id: String) -> Result<MembersPage, AppError> {
    use super::types::{InvitationRow, MemberRow};
    use crate::ssr;
    use issuance::orgs::{Action, invitations, members};

    let (user, membership) = ssr::authorize(&org_id, Action::ViewOrg).await?;
    let db = ssr::state()?.db;
    let can_manage = membership.role.allows(Action::ManageMembers);
    let rows = members::list(&db, &org_id).await?;
    // Only those who can act on invitations see the pending list.
    let pending = if can_manage { invitations::pending(&db, &org_id).await? } else { Vec::new() };
    Ok(MembersPage {
        org_name: issuance::orgs::organizations::get(&db, &org_id).await?.name,
        my_user_id: user.id,
        my_role: membership.role,
        can_manage,
        members: rows
            .into_iter()
            .map(|m| MemberRow {
                user_id: m.user_id,
                email: m.email,
                display_name: m.display_name,
                role: m.role,
                joined_at: m.joined_at,
            })
            .collect(),
        invitations: pending
            .into_iter()
            .map(|i| InvitationRow {
                id: i.id,
                email: i.email,
                role: i.role,
                invited_by: i.invited_by,
                expires_at: i.expires_at,
                delivery: i.delivery,
            })
            .collect(),
    })
}

/// Invites by e-mail. The link goes only to the address (see
/// `issuance::orgs::invitations`); the inviter learns nothing about whether
/// the address has an account.
///
/// Inviting an address that already has a pending invitation replaces it,
/// which may change the role it offers: that is asked first (`replace`).
#[server(endpoint = "invite_member")]
pub async fn invite_member(
    org_id: String,
    email: String,
    role: String,
    replace: Option<String>,
) -> Result<InviteResult, AppError> {
    use crate::ssr;
    use issuance::orgs::{Action, invitations};

    let (_, membership) = ssr::authorize(&org_id, Action::ManageMembers).await?;
    let state = ssr::state()?;
    let wanted = email.trim().to_lowercase();
    if replace.is_none()
        && let Some(p) = invitations::pending(&state.db, &org_id).await?.into_iter().find(|p| p.email == wanted)
    {
        let role = parse_role(&role)?;
        let change = if p.role == role {
            "Send it again?".to_owned()
        } else {
            format!("Replace it with an invitation as {}?", role.label())
        };
        return Err(AppError::Confirm(format!(
            "{} is already invited as {}. {change} The pending invitation's link stops working.",
            p.email,
            p.role.label()
        )));
    }
    let invited =
        invitations::invite(&state.db, &state.invitation_links, &membership, &email, parse_role(&role)?).await?;
    Ok(InviteResult { email: invited.email, emailed: state.smtp_configured })
}

#[server(endpoint = "change_member_role")]
pub async fn change_member_role(org_id: String, user_id: String, role: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::{Action, members};

    let (_, membership) = ssr::authorize(&org_id, Action::ManageMembers).await?;
    members::change_role(&ssr::state()?.db, &membership, &user_id, parse_role(&role)?).await?;
    ssr::done(&format!("/organizations/{org_id}/members"), model::Notice::RoleChanged);
    Ok(())
}

#[server(endpoint = "remove_member")]
pub async fn remove_member(org_id: String, user_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::{Action, members};

    // Leaving needs no more than membership; removing others is checked in the core.
    let (user, membership) = ssr::authorize(&org_id, Action::ViewOrg).await?;
    members::remove(&ssr::state()?.db, &membership, &user_id).await?;
    if user.id == user_id {
        leptos_axum::redirect("/");
    } else {
        ssr::done(&format!("/organizations/{org_id}/members"), model::Notice::MemberRemoved);
    }
    Ok(())
}

#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(org_id: String, invitation_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::{Action, invitations};

    let (_, membership) = ssr::authorize(&org_id, Action::ManageMembers).await?;
    invitations::revoke(&ssr::state()?.db, &membership, &invitation_id).await?;
    ssr::done(&format!("/organizations/{org_id}/members"), model::Notice::InvitationRevoked);
    Ok(())
}
