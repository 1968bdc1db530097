use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::org_frame::use_org_id;
use crate::api::settings::{
    CreateApiKey, RevokeApiKey, RotateSigningKey, SaveIdentityRules, SaveTimeZone, get_settings,
};
use crate::api::types::SettingsView;
use crate::components::confirm::{CancelLink, ConfirmDialog, ask_href, confirming};
use crate::components::copy::CopyField;
use crate::components::error_view::FormError;
use crate::components::form::{action, reset_on_success};
use crate::components::loaded;
use crate::format::datetime;

#[derive(Clone, Copy)]
struct Actions {
    rotate: ServerAction<RotateSigningKey>,
    create: ServerAction<CreateApiKey>,
    revoke: ServerAction<RevokeApiKey>,
    rules: ServerAction<SaveIdentityRules>,
    time_zone: ServerAction<SaveTimeZone>,
}

/// The org's issuer identity (DID, signing keys) and its API keys.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let org_id = use_org_id();
    let actions =
        Actions { rotate: action(), create: action(), revoke: action(), rules: action(), time_zone: action() };
    let data = Resource::new(
        move || {
            (
                org_id.get(),
                actions.rotate.version().get(),
                actions.create.version().get(),
                actions.revoke.version().get(),
                actions.rules.version().get(),
                actions.time_zone.version().get(),
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
    let s_rules = (s.identity_min_age, s.identity_failed_rule, s.identity_retention_days, s.can_change_rules);
    let rotate_error = Signal::derive(move || actions.rotate.value().get().and_then(Result::err));
    let rotate_org = org_id.clone();
    view! {
        <section class="card">
            <h2>"Issuer identity"</h2>
            <p>"Credentials are signed as this DID. Verifiers fetch its public keys from the DID document."</p>
            <CopyField value=s.did.clone() label="Issuer DID" testid="did"/>
            <p><a href=s.did_document_url.clone()>"DID document"</a></p>
        </section>
        <TimeZone zone=s.time_zone.clone() can_change=s.can_change_rules org_id=org_id.clone() save=actions.time_zone/>
        <section class="card">
            <h2>"Signing keys"</h2>
            {if s.keys.is_empty() {
                view! { <p class="muted">"No key yet: the organisation gets its first key when it is approved."</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="signing-keys">
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
            {s.can_rotate.then(move || {
                let open = confirming("rotate");
                view! {
                    <a class="button secondary" href=ask_href("rotate", &[]) data-testid="rotate">"Rotate signing key…"</a>
                    <FormError error=rotate_error/>
                    {move || open.get().then(|| { let rotate_org = rotate_org.clone(); view! {
                        <ConfirmDialog title="Rotate the signing key?">
                            <p>"From now on, credentials are signed with a new key. The current key is retired but stays in the DID document, so every credential it signed keeps verifying. Verifiers that cache the DID document pick up the new key when their cache expires (at most an hour)."</p>
                            <ActionForm action=actions.rotate attr:class="row">
                                <input type="hidden" name="org_id" value=rotate_org/>
                                <button type="submit" class="button danger-fill" autofocus data-testid="confirm-rotate">"Rotate key"</button>
                                <CancelLink/>
                            </ActionForm>
                        </ConfirmDialog>
                    }})}
                }
            })}
        </section>
        {s.can_manage_api_keys.then(|| view! { <ApiKeys keys=s.api_keys org_id=org_id.clone() actions/> })}
        <IdentityRules s=s_rules org_id=org_id.clone() actions/>
    }
}

/// The identity rules: shown to every member, changed by owners.
#[component]
fn IdentityRules(s: (i64, model::FailedCheckRule, i64, bool), org_id: String, actions: Actions) -> impl IntoView {
    let (min_age, rule, days, can_change) = s;
    let error = Signal::derive(move || actions.rules.value().get().and_then(Result::err));
    view! {
        <section class="card" id="identity-rules">
            <h2>"Identity rules"</h2>
            <ActionForm action=actions.rules attr:class="stack">
                <input type="hidden" name="org_id" value=org_id/>
                <fieldset disabled=!can_change class="stack">
                    <label><span>"Minimum age"</span><input name="min_age" type="number" min="0" max="120" value=min_age.to_string()/></label>
                    <label><span>"When a check fails"</span>
                        <select name="failed_rule">
                            <option value="review" selected=rule == model::FailedCheckRule::Review>"Hold the session for a member to review"</option>
                            <option value="decline" selected=rule == model::FailedCheckRule::Decline>"Decline the session"</option>
                        </select>
                    </label>
                    <label><span>"Keep document images for (days)"</span><input name="retention_days" type="number" min="1" max="3650" value=days.to_string()/></label>
                    <div><button type="submit" class="button" data-testid="save-identity-rules">"Save rules"</button></div>
                </fieldset>
            </ActionForm>
            {(!can_change).then(|| view! { <p class="muted">"Owners change these."</p> })}
            <FormError error=error/>
        </section>
    }
}

#[component]
fn ApiKeys(keys: Vec<crate::api::types::ApiKeyView>, org_id: String, actions: Actions) -> impl IntoView {
    let create_error = Signal::derive(move || actions.create.value().get().and_then(Result::err));
    let form = NodeRef::<leptos::html::Form>::new();
    reset_on_success(actions.create, form);
    let confirm_revoke = {
        let (keys, org_id) = (keys.clone(), org_id.clone());
        let open = confirming("revoke-key");
        let query = use_query_map();
        move || {
            let wanted = query.read().get("key")?;
            let k = keys.iter().find(|k| k.id == wanted && !k.revoked && open.get())?.clone();
            let org_id = org_id.clone();
            Some(view! {
                <ConfirmDialog title=format!("Revoke the API key “{}”?", k.name)>
                    <p>{format!("Every request made with it ({}…) is refused from the moment you revoke it. Scripts using it stop working until they are given a new key.", k.hint)}</p>
                    <ActionForm action=actions.revoke attr:class="row">
                        <input type="hidden" name="org_id" value=org_id/>
                        <input type="hidden" name="key_id" value=k.id.clone()/>
                        <button type="submit" class="button danger-fill" autofocus data-testid="confirm-revoke-key">"Revoke key"</button>
                        <CancelLink/>
                    </ActionForm>
                </ConfirmDialog>
            })
        }
    };
    view! {
        <section class="card">
            <h2>"API keys"</h2>
            {confirm_revoke}
            <ActionForm action=actions.create node_ref=form attr:class="stack" attr:id="api-key-form">
                <input type="hidden" name="org_id" value=org_id/>
                <label><span>"Name"</span><input name="name" required placeholder="e.g. HR system sync"/></label>
                <fieldset class="scopes">
                    <legend>"Scopes"</legend>
                    <label class="check"><input type="checkbox" name="credentials_read" checked/>"credentials:read"</label>
                    <label class="check"><input type="checkbox" name="credentials_write"/>"credentials:write"</label>
                    <label class="check"><input type="checkbox" name="keys_read"/>"keys:read"</label>
                    <label class="check"><input type="checkbox" name="keys_write"/>"keys:write"</label>
                    <label class="check"><input type="checkbox" name="webhooks_read"/>"webhooks:read"</label>
                    <label class="check"><input type="checkbox" name="webhooks_write"/>"webhooks:write"</label>
                    <label class="check"><input type="checkbox" name="audit_read"/>"audit:read"</label>
                    <label class="check"><input type="checkbox" name="identity_read"/>"identity:read"</label>
                    <label class="check"><input type="checkbox" name="identity_write"/>"identity:write"</label>
                </fieldset>
                <div><button type="submit" class="button">"Create key"</button></div>
            </ActionForm>
            <FormError error=create_error/>
            {move || actions.create.value().get().and_then(Result::ok).map(|k| view! {
                <div class="notice notice-ok" role="status">
                    <p>"Key \u{201c}" {k.name} "\u{201d} created. Copy the secret now: it is not shown again."</p>
                    <CopyField value=k.secret label="API key secret" testid="api-key-secret"/>
                </div>
            })}
            {(!keys.is_empty()).then(move || view! {
                <table class="table" data-testid="api-keys">
                    <thead><tr><th>"Name"</th><th>"Scopes"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                    <tbody>
                        {keys.into_iter().map(|k| view! {
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
                                            <a class="button link danger" href=ask_href("revoke-key", &[("key", &k.id)]) data-testid="revoke-key">"Revoke…"</a>
                                        }.into_any()
                                    }}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

/// The organisation's time zone: scheduled jobs are given and shown in it.
#[component]
fn TimeZone(zone: String, can_change: bool, org_id: String, save: ServerAction<SaveTimeZone>) -> impl IntoView {
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <section class="card" id="time-zone">
            <h2>"Time zone"</h2>
            <p>"Scheduled jobs are given and shown in this time zone."</p>
            {if can_change {
                view! {
                    <ActionForm action=save attr:class="row">
                        <input type="hidden" name="org_id" value=org_id/>
                        <label class="field">
                            <span>"IANA time zone"</span>
                            <input type="text" name="time_zone" value=zone required placeholder="Europe/Berlin"
                                autocomplete="off" spellcheck="false" data-testid="time-zone"/>
                        </label>
                        <button type="submit" class="button secondary">"Save time zone"</button>
                    </ActionForm>
                    <FormError error=error/>
                }.into_any()
            } else {
                view! { <p><strong data-testid="time-zone">{zone}</strong></p> }.into_any()
            }}
        </section>
    }
}
