//! Signing in and out.

use leptos::prelude::*;

use super::types::Me;
use crate::error::AppError;

/// Where to go after signing in: only a path on this site, so a crafted
/// link cannot bounce a user to another origin. Browsers drop tabs and
/// line breaks from URLs and read `\\` as `/`, so `/\t/evil.example` would
/// leave the site: only visible ASCII is let through (which also keeps the
/// `Location` header buildable), and never a second leading slash.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/') && !n.starts_with("//") && n.chars().all(|c| c.is_ascii_graphic() && c != '\\') =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::accounts::{LoginAttempt, authenticate};

    let state = ssr::state()?;
    let client = ssr::client_addr().await;
    let attempt =
        LoginAttempt { email: &email, password: &password, client: client.as_deref(), now: state.clock.now() };
    let user = authenticate(&state.db, attempt).await?;
    ssr::sign_in(&user).await?;
    tracing::info!(user_id = %user.id, "signed in");
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::ssr::sign_out().await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in user, or `None`.
#[server(endpoint = "get_me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    Ok(crate::ssr::current_user().await?.map(|u| Me { user_id: u.id, email: u.email, display_name: u.display_name }))
}

/// Where `/` sends someone: their first organisation, or the sign-in page.
#[server(endpoint = "home_target")]
pub async fn home_target() -> Result<String, AppError> {
    use crate::ssr;
    let Some(user) = ssr::current_user().await? else {
        return Ok("/login".into());
    };
    let orgs = issuance::orgs::organizations::list_for_user(&ssr::state()?.db, &user.id).await?;
    Ok(match orgs.first() {
        Some(org) => format!("/organizations/{}", org.id),
        None => "/welcome".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/organizations/x")), "/organizations/x");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/ /evil.example")), "/");
        assert_eq!(safe_next(Some("/organizations/x\r\nSet-Cookie: a=b")), "/");
        assert_eq!(safe_next(Some("/caf\u{e9}")), "/");
        assert_eq!(safe_next(Some("")), "/");
        assert_eq!(safe_next(Some("/jobs?filter=failed#top")), "/jobs?filter=failed#top");
        assert_eq!(safe_next(None), "/");
    }
}
