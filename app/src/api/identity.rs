//! The Identity section: sessions (Viewer and up read), and a member's
//! decision and credential (Issuer and up).

use leptos::prelude::*;

use super::types::{IdentitySessionView, IdentitySessionsView};
use crate::error::AppError;

/// Sessions per page.
pub const SESSIONS_PAGE: i64 = 25;

#[server(endpoint = "list_identity_sessions")]
pub async fn list_identity_sessions(
    org_id: String,
    status: Option<String>,
    after: Option<String>,
) -> Result<IdentitySessionsView, AppError> {
    use super::types::IdentitySessionRow;
    use crate::ssr;
    use issuance::identity::{accounts, page::Page, sessions};
    use issuance::orgs::Action;

    ssr::authorize(&org_id, Action::ViewOrg).await?;
    let db = ssr::state()?.db;
    let filter = status
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<model::SessionStatus>().map_err(|m| AppError::Invalid(vec![("status".into(), m)])))
        .transpose()?;
    let page = Page::new(Some(SESSIONS_PAGE), after);
    let (rows, more) = page.split(sessions::list(&db, &org_id, None, filter, &page).await?);
    let mut out = Vec::new();
    for s in rows {
        let account = accounts::get(&db, &org_id, &s.account_id).await?;
        let name =
            [s.entered.name_first.clone(), s.entered.name_last.clone()].into_iter().flatten().collect::<Vec<_>>();
        out.push(IdentitySessionRow {
            id: s.id,
            account_id: s.account_id,
            external_id: account.external_id,
            name: if name.is_empty() { "(no name yet)".into() } else { name.join(" ") },
            status: s.status,
            created_at: s.created_at,
        });
    }
    let next_after = if more { out.last().map(|r| r.id.clone()) } else { None };
    Ok(IdentitySessionsView { sessions: out, filter, next_after })
}

#[server(endpoint = "get_identity_session")]
pub async fn get_identity_session(org_id: String, session_id: String) -> Result<IdentitySessionView, AppError> {
    use super::types::{CheckView, DocumentView, VerificationView};
    use crate::ssr;
    use issuance::identity::{accounts, documents, page::Page, sessions, verifications};
    use issuance::orgs::Action;

    let (_, membership) = ssr::authorize(&org_id, Action::ViewOrg).await?;
    let db = ssr::state()?.db;
    let s = sessions::get(&db, &org_id, &session_id).await?;
    let account = accounts::get(&db, &org_id, &s.account_id).await?;
    let entered = serde_json::to_value(&s.entered)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.replace('_', " "), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    // `mrz:doc_…` reads as "MRZ": the page has one document card each.
    let source = |s: &str| match s.split(':').next() {
        Some("mrz") => "MRZ".to_owned(),
        Some(other) => other.to_owned(),
        None => String::new(),
    };
    let extracted =
        s.extracted.iter().map(|(k, e)| (k.replace('_', " "), e.value.clone(), source(&e.source))).collect();
    let all = Page::new(Some(100), None);
    let mut docs = Vec::new();
    for d in documents::list(&db, &org_id, Some(&s.id), &all).await? {
        let label = match (d.id_class, &d.country_code) {
            (Some(class), Some(country)) => format!("{} · {country}", class.label()),
            (Some(class), None) => class.label().to_owned(),
            (None, _) => "Proof of address".to_owned(),
        };
        let images = d
            .sides()
            .into_iter()
            .filter(|side| d.content_type(*side).is_some() && d.images_deleted_at.is_none())
            .map(|side| (side.to_string(), format!("/organizations/{org_id}/identity/documents/{}/{side}", d.id)))
            .collect();
        let checks = verifications::list(&db, &org_id, Some(&d.id), &all).await?;
        docs.push(DocumentView {
            id: d.id.clone(),
            label,
            images,
            images_deleted: d.images_deleted_at.is_some(),
            verifications: checks
                .into_iter()
                .map(|v| VerificationView {
                    id: v.id,
                    status: v.status,
                    checks: v
                        .checks
                        .into_iter()
                        .map(|c| CheckView { name: c.name, status: c.status, reasons: c.reasons })
                        .collect(),
                    completed_at: v.completed_at,
                })
                .collect(),
        });
    }
    Ok(IdentitySessionView {
        id: s.id,
        status: s.status,
        account_id: s.account_id,
        external_id: account.external_id,
        entered,
        extracted,
        documents: docs,
        decision_note: s.decision_note,
        credential_id: s.credential_id,
        can_act: membership.role.allows(Action::Issue),
        created_at: s.created_at,
        submitted_at: s.submitted_at,
        decided_at: s.decided_at,
    })
}

/// Approves or declines a session held for review. Issuer and up.
#[server(endpoint = "review_identity_session")]
pub async fn review_identity_session(
    org_id: String,
    session_id: String,
    decision: String,
    note: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::Issue).await?;
    let approve = match decision.as_str() {
        "approve" => true,
        "decline" => false,
        other => {
            return Err(AppError::Invalid(vec![(
                "decision".into(),
                format!("expected approve or decline, got {other}"),
            )]));
        }
    };
    let note = note.filter(|n| !n.trim().is_empty());
    let db = ssr::state()?.db;
    issuance::identity::decide::review(
        &db,
        &org_id,
        &session_id,
        approve,
        note.as_deref(),
        Some(&user.id),
        issuance::clock::now(),
    )
    .await?;
    Ok(())
}

/// Issues the approved person's `user` credential and opens it. Issuer and up.
#[server(endpoint = "issue_identity_credential")]
pub async fn issue_identity_credential(org_id: String, session_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    ssr::authorize(&org_id, Action::Issue).await?;
    let state = ssr::state()?;
    let issuer = issuance::credentials::Issuer {
        db: &state.db,
        master: &state.master_key,
        public_url: &state.public_url,
        api_key_id: None,
    };
    let c =
        issuance::identity::credential::issue_for_session(issuer, &org_id, &session_id, issuance::clock::now()).await?;
    leptos_axum::redirect(&format!("/organizations/{org_id}/credentials/{}", c.id));
    Ok(())
}
