//! Invitations from the invited person's side: the e-mailed link, and the
//! list of invitations addressed to the signed-in account.

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
        role: preview.role,
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
            leptos_axum::redirect("/");
        }
        _ => {
            let user = ssr::require_user().await?;
            let org_id = invitations::accept_as(&db, &token, &user).await?;
            leptos_axum::redirect(&format!("/organizations/{org_id}"));
        }
    }
    Ok(())
}

/// Joins the org of one of the signed-in person's own invitations.
#[server(endpoint = "accept_my_invitation")]
pub async fn accept_my_invitation(invitation_id: String) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let org_id = issuance::orgs::invitations::accept_by_id(&ssr::state()?.db, &invitation_id, &user).await?;
    leptos_axum::redirect(&format!("/organizations/{org_id}"));
    Ok(())
}

#[server(endpoint = "decline_my_invitation")]
pub async fn decline_my_invitation(invitation_id: String) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    issuance::orgs::invitations::decline(&ssr::state()?.db, &invitation_id, &user).await?;
    Ok(())
}
