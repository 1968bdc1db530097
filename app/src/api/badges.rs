//! Badges in the dashboard.

use leptos::prelude::*;

use super::types::BadgesView;
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub(crate) fn badge_view(b: issuance::badges::Badge) -> super::types::BadgeView {
    super::types::BadgeView {
        archived: b.archived_at.is_some(),
        id: b.id,
        name: b.name,
        description: b.description,
        criteria_narrative: b.criteria_narrative,
        image_url: b.image_url,
        validity_days: b.validity_days,
    }
}

#[server(endpoint = "get_badges")]
pub async fn get_badges(org_id: String) -> Result<BadgesView, AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (_, membership) = ssr::authorize(&org_id, Action::ViewOrg).await?;
    let badges = issuance::badges::list(&ssr::state()?.db, &org_id).await?;
    let image_refusal = ssr::session().await?.remove(ssr::BADGE_IMAGE_REFUSAL).await.ok().flatten();
    Ok(BadgesView {
        badges: badges.into_iter().map(badge_view).collect(),
        can_manage: membership.role.allows(Action::ManageBadges),
        image_refusal,
    })
}

/// `validity_days` empty means a badge that never expires.
#[server(endpoint = "create_badge")]
pub async fn create_badge(
    org_id: String,
    name: String,
    description: String,
    criteria_narrative: String,
    image_url: Option<String>,
    validity_days: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::badges::NewBadge;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageBadges).await?;
    let (image_url, validity_days) = optional_fields(image_url, validity_days)?;
    let db = ssr::state()?.db;
    let new = NewBadge { name, description, criteria_narrative, image_url, validity_days };
    issuance::badges::create(&db, &org_id, new, Some(&user.id)).await?;
    ssr::done(&format!("/organizations/{org_id}/badges"), model::Notice::BadgeCreated);
    Ok(())
}

#[server(endpoint = "set_badge_archived")]
pub async fn set_badge_archived(org_id: String, badge_id: String, archived: bool) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::badges::BadgePatch;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageBadges).await?;
    let db = ssr::state()?.db;
    let patch = BadgePatch { archived: Some(archived), ..BadgePatch::default() };
    issuance::badges::update(&db, &org_id, &badge_id, patch, Some(&user.id)).await?;
    let notice = if archived { model::Notice::BadgeArchived } else { model::Notice::BadgeRestored };
    ssr::done(&format!("/organizations/{org_id}/badges"), notice);
    Ok(())
}

/// Edits a badge; `validity_days` empty makes it non-expiring. Credentials
/// already issued keep what they were issued with.
#[server(endpoint = "update_badge")]
pub async fn update_badge(
    org_id: String,
    badge_id: String,
    name: String,
    description: String,
    criteria_narrative: String,
    image_url: Option<String>,
    validity_days: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::badges::BadgePatch;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageBadges).await?;
    let (image_url, validity_days) = optional_fields(image_url, validity_days)?;
    let db = ssr::state()?.db;
    let patch = BadgePatch {
        name: Some(name),
        description: Some(description),
        criteria_narrative: Some(criteria_narrative),
        image_url: Some(image_url),
        validity_days: Some(validity_days),
        archived: None,
    };
    issuance::badges::update(&db, &org_id, &badge_id, patch, Some(&user.id)).await?;
    ssr::done(&format!("/organizations/{org_id}/badges"), model::Notice::BadgeSaved);
    Ok(())
}

/// The badge form's optional fields: an empty image URL is none, and an
/// empty validity a badge that never expires; otherwise a number of days.
#[cfg(feature = "ssr")]
fn optional_fields(
    image_url: Option<String>,
    validity_days: Option<String>,
) -> Result<(Option<String>, Option<i64>), AppError> {
    let days = match validity_days.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(v.parse::<i64>().map_err(|_| {
            AppError::Invalid(vec![("validity_days".into(), format!("must be a whole number of days, got '{v}'"))])
        })?),
    };
    Ok((image_url.filter(|u| !u.trim().is_empty()), days))
}

/// A badge as anyone may see it: where every credential of the badge
/// points (`achievement.id`). No session needed.
#[server(endpoint = "get_public_badge")]
pub async fn get_public_badge(badge_id: String) -> Result<super::types::PublicBadgeView, AppError> {
    use crate::ssr;
    use issuance::{badges, did};

    let state = ssr::state()?;
    let found = badges::public(&state.db, &badge_id).await?;
    let b = found.badge;
    Ok(super::types::PublicBadgeView {
        issuer_did: did::org_did(&state.public_url, &b.org_id),
        issuer_name: found.org_name,
        id: b.id,
        name: b.name,
        description: b.description,
        criteria: b.criteria_narrative,
        image_url: b.image_url,
        validity_days: b.validity_days,
        archived: b.archived_at.is_some(),
    })
}
