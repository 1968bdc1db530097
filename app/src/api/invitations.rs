//! Accepting an invitation link.

use leptos::prelude::*;

use super::types::InvitationView;
use crate::error::AppError;

#[server(endpoint = "get_invitation")]
pub async fn get_invitation(token: String) -> Result<InvitationView, AppError> {
    use crate::ssr;
    let preview = issuance::orgs::invitations::preview(&ssr::state()?.db, &token).await?;
    Ok(InvitationView {
        org_name: preview.org_name,
        email: preview.email,
        role: preview.role.label().into(),
        has_account: preview.has_account,
        signed_in_as: ssr::current_user().await?.map(|u| u.email),
    })
}

/// With `name` and `password`, creates the invited account; without, joins
/// as the signed-in user. Either way the person ends up signed in, in the org.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String, name: Option<String>, password: Option<String>) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::invitations;

    let db = ssr::state()?.db;
    match (name, password) {
        (Some(name), Some(password)) => {
            let user = invitations::accept_new_account(&db, &token, &name, &password).await?;
            ssr::sign_in(&user).await?;
        }
        _ => {
            let user = ssr::require_user().await?;
            invitations::accept_as(&db, &token, &user).await?;
        }
    }
    leptos_axum::redirect("/");
    Ok(())
}
