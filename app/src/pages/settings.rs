use leptos::prelude::*;
use leptos_meta::Title;

use super::org_frame::use_org_id;
use crate::api::settings::{CreateApiKey, RevokeApiKey, RotateSigningKey, get_settings};
use crate::api::types::SettingsView;
use crate::components::error_view::FormError;
use crate::components::loaded;
use crate::format::datetime;

#[derive(Clone, Copy)]
struct Actions {
    rotate: ServerAction<RotateSigningKey>,
    create: ServerAction<CreateApiKey>,
    revoke: ServerAction<RevokeApiKey>,
}

/// The org's issuer identity (DID, signing keys) and its API keys.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let org_id = use_org_id();
    let actions = Actions { rotate: ServerAction::new(), create: ServerAction::new(), revoke: ServerAction::new() };
    let data = Resource::new(
        move || {
            (
                org_id.get(),
                actions.rotate.version().get(),
                actions.create.version().get(),
                actions.revoke.version().get(),
            )
        },
        |(org, ..)| get_settings(org),
    );
    view! {
        <Title text="Settings"/>
        <h1>"Settings"</h1>
        {loaded(data, move |s| view! { <Settings s org_id=org_id.get_untracked() actions/> })}
    }
}

#[component]
fn Settings(s: SettingsView, org_id: String, actions: Actions) -> impl IntoView {
    let rotate_error = Signal::derive(move || actions.rotate.value().get().and_then(Result::err));
    let rotate_org = org_id.clone();
    view! {
        <section class="card">
            <h2>"Issuer identity"</h2>
            <p>"Credentials are signed as this DID. Verifiers fetch its public keys from the DID document."</p>
            <input class="copy" readonly value=s.did.clone() data-testid="did" aria-label="Issuer DID"/>
            <p><a href=s.did_document_url.clone()>"DID document"</a></p>
        </section>
        <section class="card">
            <h2>"Signing keys"</h2>
            {if s.keys.is_empty() {
                view! { <p class="muted">"No key yet: the organisation gets its first key when it is approved."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"Key"</th><th>"Created"</th><th>"State"</th></tr></thead>
                        <tbody>
                            {s.keys.into_iter().map(|k| view! {
                                <tr>
                                    <td><code>{k.key_id}</code></td>
                                    <td>{datetime(k.created_at)}</td>
                                    <td>{match k.retired_at {
                                        None => view! { <span class="pill status-active">"Signing"</span> }.into_any(),
                                        Some(at) => view! { <span class="pill">"Retired " {datetime(at)}</span> }.into_any(),
                                    }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="muted">"Retired keys stay in the DID document, so credentials they signed keep verifying."</p>
                }.into_any()
            }}
            {s.can_rotate.then(move || view! {
                <ActionForm action=actions.rotate>
                    <input type="hidden" name="org_id" value=rotate_org/>
                    <button type="submit" class="button secondary">"Rotate signing key"</button>
                </ActionForm>
                <FormError error=rotate_error/>
            })}
        </section>
        {s.can_manage_api_keys.then(|| view! { <ApiKeys keys=s.api_keys org_id=org_id.clone() actions/> })}
    }
}

#[component]
fn ApiKeys(keys: Vec<crate::api::types::ApiKeyView>, org_id: String, actions: Actions) -> impl IntoView {
    let create_error = Signal::derive(move || actions.create.value().get().and_then(Result::err));
    let revoke_org = org_id.clone();
    view! {
        <section class="card">
            <h2>"API keys"</h2>
            <ActionForm action=actions.create attr:class="stack" attr:id="api-key-form">
                <input type="hidden" name="org_id" value=org_id/>
                <label><span>"Name"</span><input name="name" required placeholder="e.g. HR system sync"/></label>
                <fieldset class="scopes">
                    <legend>"Scopes"</legend>
                    <label class="check"><input type="checkbox" name="credentials_read" checked/>"credentials:read"</label>
                    <label class="check"><input type="checkbox" name="credentials_write"/>"credentials:write"</label>
                    <label class="check"><input type="checkbox" name="keys_read"/>"keys:read"</label>
                    <label class="check"><input type="checkbox" name="keys_write"/>"keys:write"</label>
                </fieldset>
                <div><button type="submit" class="button">"Create key"</button></div>
            </ActionForm>
            <FormError error=create_error/>
            {move || actions.create.value().get().and_then(Result::ok).map(|k| view! {
                <div class="notice notice-ok" role="status">
                    <p>"Key \u{201c}" {k.name} "\u{201d} created. Copy the secret now: it is not shown again."</p>
                    <input class="copy" readonly value=k.secret data-testid="api-key-secret"/>
                </div>
            })}
            {(!keys.is_empty()).then(move || view! {
                <table class="table" data-testid="api-keys">
                    <thead><tr><th>"Name"</th><th>"Scopes"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                    <tbody>
                        {keys.into_iter().map(|k| { let revoke_org = revoke_org.clone(); view! {
                            <tr class=k.revoked.then_some("revoked")>
                                <td>
                                    <div>{k.name}{k.imported.then(|| view! { <span class="pill">"imported"</span> })}</div>
                                    <small class="muted"><code>{k.hint}"…"</code></small>
                                </td>
                                <td><small>{k.scopes.join(", ")}</small></td>
                                <td>{datetime(k.created_at)}</td>
                                <td>{k.last_used_at.map(datetime).unwrap_or_else(|| "Never".into())}</td>
                                <td class="actions">
                                    {if k.revoked {
                                        view! { <span class="pill">"Revoked"</span> }.into_any()
                                    } else {
                                        view! {
                                            <ActionForm action=actions.revoke>
                                                <input type="hidden" name="org_id" value=revoke_org/>
                                                <input type="hidden" name="key_id" value=k.id/>
                                                <button type="submit" class="button link danger">"Revoke"</button>
                                            </ActionForm>
                                        }.into_any()
                                    }}
                                </td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}
