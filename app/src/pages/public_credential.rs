use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

use crate::api::credentials::get_public_credential;
use crate::api::types::{CredentialStatus, PublicCredentialView};
use crate::components::copy::CopyField;
use crate::components::public_page;
use crate::format::datetime;

/// A credential's public page, where its link leads: what it is, who holds
/// it, who issued it, and whether it still stands. No account needed.
#[component]
pub fn PublicCredentialPage() -> impl IntoView {
    let params = use_params_map();
    let credential_id = move || params.read().get("credential_id").unwrap_or_default();
    let data = Resource::new(credential_id, get_public_credential);
    public_page("Credential", "Credential", data, |c| view! { <Credential c/> })
}

#[component]
fn Credential(c: PublicCredentialView) -> impl IntoView {
    let (headline, detail) = match c.status {
        CredentialStatus::Active => (
            "Valid",
            format!(
                "Issued by {} and not revoked. {}",
                c.issuer_name,
                match c.expires_at {
                    Some(at) => format!("Valid until {}.", datetime(at)),
                    None => "It does not expire.".to_owned(),
                }
            ),
        ),
        CredentialStatus::Revoked => (
            "Revoked",
            format!(
                "{} revoked this credential{}. It is no longer valid.",
                c.issuer_name,
                c.revoked_at.map(|at| format!(" on {}", datetime(at))).unwrap_or_default()
            ),
        ),
        CredentialStatus::Expired => (
            "Expired",
            format!(
                "This credential expired{}.",
                c.expires_at.map(|at| format!(" on {}", datetime(at))).unwrap_or_default()
            ),
        ),
    };
    // To a person holding the link, an active credential is "valid".
    let verdict = match c.status {
        CredentialStatus::Active => "valid",
        other => other.as_str(),
    };
    // A shared link previews with the badge: Open Graph and Twitter cards.
    let summary = format!(
        "{} · issued by {}{}",
        c.title,
        c.issuer_name,
        c.recipient_name.as_ref().map(|n| format!(" to {n}")).unwrap_or_default()
    );
    // Badge images are square: the small card shows them whole.
    let card = "summary";
    view! {
        <Meta property="og:type" content="website"/>
        <Meta property="og:title" content=c.title.clone()/>
        <Meta property="og:description" content=summary.clone()/>
        <Meta property="og:url" content=c.page_url.clone()/>
        <Meta property="og:site_name" content="Laurel"/>
        {c.image_url.clone().map(|src| view! { <Meta property="og:image" content=src.clone()/><Meta name="twitter:image" content=src/> })}
        <Meta name="twitter:card" content=card/>
        <Meta name="twitter:title" content=c.title.clone()/>
        <Meta name="twitter:description" content=summary/>
        <section class=format!("verdict verdict-{verdict}") data-testid="verdict" data-verdict=verdict role="status">
            <p class="verdict-word">{headline}</p>
            <p>{detail}</p>
        </section>
        <section class="card">
            <p class="muted">{c.kind.clone()}</p>
            {c.image_url.clone().map(|src| view! { <img class="badge-image" src=src alt=format!("{} badge", c.title) width="128" height="128"/> })}
            <h1 data-testid="title">{match c.badge_url.clone() {
                Some(href) => view! { <a href=href data-testid="badge-link">{c.title.clone()}</a> }.into_any(),
                None => view! { <span>{c.title.clone()}</span> }.into_any(),
            }}</h1>
            {c.description.clone().map(|d| view! { <p>{d}</p> })}
            {c.criteria.clone().map(|d| view! { <h2>"Criteria"</h2><p>{d}</p> })}
            <dl class="facts">
                {c.recipient_name.clone().map(|n| view! { <dt>"Awarded to"</dt><dd data-testid="recipient">{n}</dd> })}
                <dt>"Issued by"</dt>
                <dd>{c.issuer_name.clone()}<br/><small class="muted"><code class="wrap">{c.issuer_did.clone()}</code></small></dd>
                <dt>"Issued"</dt>
                <dd>{datetime(c.issued_at)}</dd>
                <dt>"Expires"</dt>
                <dd>{c.expires_at.map(datetime).unwrap_or_else(|| "Never".into())}</dd>
            </dl>
            <div class="downloads" data-testid="downloads">
                <a class="button" href=c.download_url.clone() download=format!("{}.jwt", c.id) data-testid="download">"Download credential"</a>
                {c.baked_url.clone().map(|href| view! {
                    <a class="button secondary" href=href download=format!("{}.png", c.id) data-testid="baked"
                        title="The badge image with the signed credential inside it (Open Badges 3.0 baking)">"Badge image with proof"</a>
                })}
                <span class="certificate">
                    "Certificate (PDF): "
                    <a href=format!("{}?paper=a4", c.certificate_url) download=format!("{}-a4.pdf", c.id) data-testid="certificate-a4">"A4"</a>
                    " · "
                    <a href=format!("{}?paper=letter", c.certificate_url) download=format!("{}-letter.pdf", c.id) data-testid="certificate-letter">"Letter"</a>
                </span>
            </div>
        </section>
        {(c.status == CredentialStatus::Active).then(|| view! {
            <section class="card share" data-testid="share">
                <h2>"Share it"</h2>
                <div class="share-row">
                    <div class="share-actions">
                        <a class="button" href=c.linkedin_url.clone() target="_blank" rel="noopener" data-testid="linkedin">"Add to LinkedIn profile"</a>
                        <CopyField value=c.page_url.clone() label="Link to this page" testid="page-link"/>
                    </div>
                    {c.qr_svg.clone().map(|svg| view! {
                        <figure class="qr" data-testid="qr">
                            <div role="img" aria-label="QR code of this page" inner_html=svg></div>
                            <figcaption class="muted">"Scan to open this page"</figcaption>
                        </figure>
                    })}
                </div>
            </section>
        })}
        <section class="card">
            <h2>"Verify it yourself"</h2>
            <p>"The download is a W3C Verifiable Credential signed as a JWT (ES256). Any verifier can check it without Laurel:"</p>
            <ul class="verify-hints">
                <li>"the signature, against the issuer's public keys in its DID document: "
                    <a href=c.did_document_url.clone() data-testid="did-document">{c.did_document_url.clone()}</a></li>
                {c.status_list_url.clone().map(|url| view! {
                    <li>"that it is not revoked: bit "{c.status_list_index.clone().unwrap_or_default()}" of the status list "
                        <a href=url.clone() data-testid="status-list">{url.clone()}</a></li>
                })}
            </ul>
        </section>
    }
}
