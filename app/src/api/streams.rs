//! The audit streams page: create, pause, resume and delete webhooks, and
//! see and resend their deliveries.

use leptos::prelude::*;

use super::types::{NewStreamView, StreamsView};
use crate::error::AppError;

#[server(endpoint = "get_streams_page")]
pub async fn get_streams_page(org_id: String) -> Result<StreamsView, AppError> {
    use super::types::{DeliveryView, StreamView};
    use crate::ssr;
    use issuance::orgs::Action;
    use issuance::webhooks::streams;

    /// Deliveries listed per stream.
    const RECENT: i64 = 20;

    ssr::authorize(&org_id, Action::ManageStreams).await?;
    let db = ssr::state()?.db;
    let mut views = Vec::new();
    for s in streams::list(&db, &org_id).await? {
        let deliveries = streams::deliveries(&db, &org_id, &s.id, RECENT)
            .await?
            .into_iter()
            .map(|d| DeliveryView {
                id: d.id,
                event_type: d.event_type,
                status: d.status,
                attempts: d.attempts,
                last_status_code: d.last_status_code,
                last_error: d.last_error,
                last_attempt_at: d.last_attempt_at.map(|ms| ms / 1000),
                created_at: d.created_at,
            })
            .collect();
        views.push(StreamView {
            id: s.id,
            url: s.url,
            actions: s.actions,
            status: s.status,
            disabled_reason: s.disabled_reason,
            failing_since: s.failing_since,
            created_at: s.created_at,
            deliveries,
        });
    }
    Ok(StreamsView { streams: views })
}

/// Creates a stream for the ticked events (`all` for every event); the
/// answer carries its secret, shown once.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "create_stream")]
pub async fn create_stream(
    org_id: String,
    url: String,
    all: Option<String>,
    credential_issued: Option<String>,
    credential_revoked: Option<String>,
    batch_completed: Option<String>,
    batch_failed: Option<String>,
) -> Result<NewStreamView, AppError> {
    use crate::ssr;
    use issuance::orgs::Action;
    use issuance::webhooks::{EventType, NewStream, Subscription, streams};

    let (user, _) = ssr::authorize(&org_id, Action::ManageStreams).await?;
    let actions: Vec<String> = if all.is_some() {
        vec![Subscription::ALL_EVENTS.to_owned()]
    } else {
        [
            (credential_issued, EventType::CredentialIssued),
            (credential_revoked, EventType::CredentialRevoked),
            (batch_completed, EventType::BatchCompleted),
            (batch_failed, EventType::BatchFailed),
        ]
        .into_iter()
        .filter_map(|(ticked, e)| ticked.map(|_| e.as_str().to_owned()))
        .collect()
    };
    if actions.is_empty() {
        return Err(AppError::Invalid(vec![("actions".into(), "Tick at least one event.".into())]));
    }
    let state = ssr::state()?;
    let new = NewStream { url: &url, actions: &actions, user_id: Some(&user.id), api_key_id: None };
    let (stream, secret) =
        streams::create(&state.db, &state.master_key, &org_id, new, state.webhooks_allow_private).await?;
    Ok(NewStreamView { url: stream.url, secret })
}

#[server(endpoint = "set_stream_active")]
pub async fn set_stream_active(org_id: String, stream_id: String, active: bool) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageStreams).await?;
    issuance::webhooks::streams::set_active(&ssr::state()?.db, &org_id, &stream_id, active, Some(&user.id)).await?;
    let notice = if active { model::Notice::StreamResumed } else { model::Notice::StreamPaused };
    ssr::done(&format!("/organizations/{org_id}/streams"), notice);
    Ok(())
}

#[server(endpoint = "delete_stream")]
pub async fn delete_stream(org_id: String, stream_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageStreams).await?;
    issuance::webhooks::streams::delete(&ssr::state()?.db, &org_id, &stream_id, Some(&user.id)).await?;
    ssr::done(&format!("/organizations/{org_id}/streams"), model::Notice::StreamDeleted);
    Ok(())
}

#[server(endpoint = "resend_delivery")]
pub async fn resend_delivery(org_id: String, delivery_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    ssr::authorize(&org_id, Action::ManageStreams).await?;
    issuance::webhooks::streams::resend(&ssr::state()?.db, &org_id, &delivery_id).await?;
    ssr::done(&format!("/organizations/{org_id}/streams"), model::Notice::DeliveryResent);
    Ok(())
}
