//! The signed-in person's own account: their invitations and password.

use leptos::prelude::*;

use super::types::AccountPage;
use crate::error::AppError;

#[server(endpoint = "get_account_page")]
pub async fn get_account_page() -> Result<AccountPage, AppError> {
    use super::types::{InvitationForYouRow, Me};
    use crate::ssr;

    let user = ssr::require_user().await?;
    let invitations = issuance::orgs::invitations::for_user(&ssr::state()?.db, &user).await?;
    Ok(AccountPage {
        invitations: invitations
            .into_iter()
            .map(|i| InvitationForYouRow {
                id: i.id,
                org_name: i.org_name,
                role: i.role,
                invited_by: i.invited_by,
                expires_at: i.expires_at,
            })
            .collect(),
        me: Me { user_id: user.id, email: user.email, display_name: user.display_name },
    })
}

/// Changes the password after checking the current one. Every other
/// session of the account ends; this one carries on under a fresh id.
#[server(endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    use crate::ssr;

    let user = ssr::require_user().await?;
    let grant =
        issuance::accounts::users::change_password(&ssr::state()?.db, &user, &current_password, &new_password).await?;
    ssr::keep_signed_in(grant).await?;
    tracing::info!(user_id = %user.id, "password changed; other sessions ended");
    Ok(())
}
