//! The credentials list of an org.

use leptos::prelude::*;

use super::types::CredentialsView;
use crate::error::AppError;

pub const PAGE_SIZE: i64 = 50;

#[server(endpoint = "list_credentials")]
pub async fn list_credentials(
    org_id: String,
    status: Option<String>,
    credential_type: Option<String>,
    q: Option<String>,
    after: Option<String>,
) -> Result<CredentialsView, AppError> {
    use super::types::CredentialRow;
    use crate::ssr;
    use issuance::credentials::store::{self, Filter};
    use issuance::orgs::Action;

    ssr::authorize(&org_id, Action::ViewOrg).await?;
    let db = ssr::state()?.db;
    let now = issuance::clock::now();
    let filter = Filter {
        status: status.filter(|s| !s.is_empty()),
        credential_type: credential_type.filter(|s| !s.is_empty()),
        search: q,
        ..Filter::default()
    };
    let page = store::list(&db, &org_id, &filter, PAGE_SIZE, after.as_deref().filter(|a| !a.is_empty()), now).await?;
    Ok(CredentialsView {
        items: page
            .items
            .into_iter()
            .map(|c| {
                let subject_name = c.subject.get("name").map(|n| match n {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.as_object().map_or_else(String::new, |o| {
                        o.values().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(" ")
                    }),
                });
                let subject_id = c.subject.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
                CredentialRow {
                    status: c.status_at(now).to_owned(),
                    about: c.recipient_name.clone().or(subject_name).unwrap_or_else(|| subject_id.clone()),
                    detail: c.recipient_email.clone().unwrap_or(subject_id),
                    id: c.id,
                    credential_type: c.credential_type,
                    issued_at: c.issued_at,
                    expires_at: c.expires_at,
                }
            })
            .collect(),
        next_cursor: page.next_cursor,
    })
}
