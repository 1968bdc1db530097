use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::{use_location, use_params_map};

use crate::api::auth::Logout;
use crate::api::orgs::get_org_context;
use crate::api::types::OrgContext;
use crate::components::NoticeBanner;
use crate::components::form::action;
use crate::error::AppError;
use model::Action;

/// The org id from the URL, for the pages inside the frame.
pub fn use_org_id() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("org_id").unwrap_or_default())
}

/// The frame's data, for the parts of pages that depend on the viewer's
/// role (see [`Allowed`]).
#[derive(Clone, Copy)]
pub struct FrameContext(Resource<Result<OrgContext, AppError>>);

/// Shows `children` only to a role that may take `action`: a button a role
/// cannot use is not shown to it (the server refuses it anyway).
#[component]
pub fn Allowed(action: Action, children: ChildrenFn) -> impl IntoView {
    let context = use_context::<FrameContext>();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    let allowed = match context {
                        Some(FrameContext(c)) => c.await.is_ok_and(|ctx| ctx.current.is_some_and(|o| o.role.allows(action))),
                        None => false,
                    };
                    allowed.then(|| children())
                })
            }}
        </Suspense>
    }
}

/// The frame around every org page: brand, org switcher, navigation and the
/// signed-in user. Sends anonymous visitors to sign in.
///
/// The page itself (the `Outlet`) stays outside this frame's `Suspense`:
/// inside it, the page would be built again when the frame's data arrives,
/// and its resources would be created twice on the server but once in the
/// browser, so hydration would pair them up wrongly. Each page checks
/// membership through its own server function, and shows its own error.
#[component]
pub fn OrgFrame() -> impl IntoView {
    let org_id = use_org_id();
    let context = Resource::new(move || org_id.get(), get_org_context);
    provide_context(FrameContext(context));
    let location = use_location();
    view! {
        <Suspense fallback=|| view! { <header class="topbar"><span class="brand"><span class="brand-mark">"L"</span>"Laurel"</span></header> }>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(ctx) => view! { <Frame ctx/> }.into_any(),
                    Err(AppError::Unauthenticated(_)) => {
                        let next = location.pathname.get_untracked();
                        view! { <Redirect path=format!("/login?next={next}")/> }.into_any()
                    }
                    // The page below says what is wrong; the frame only brands it.
                    Err(_) => view! { <header class="topbar"><a class="brand" href="/"><span class="brand-mark">"L"</span>"Laurel"</a></header> }.into_any(),
                }
            })}
        </Suspense>
        <main class="page">
            <NoticeBanner/>
            <Outlet/>
        </main>
    }
}

#[component]
fn Frame(ctx: OrgContext) -> impl IntoView {
    let logout = action::<Logout>();
    let current = ctx.current.clone();
    let others: Vec<_> =
        ctx.orgs.iter().filter(|o| current.as_ref().is_none_or(|c| o.id != c.org_id)).cloned().collect();
    // The frame stays in place when the client router moves to another org,
    // so the menu is closed by hand once an org is picked.
    let switcher = NodeRef::<leptos::html::Details>::new();
    // Following a link in the folded menu closes it (the page stays).
    let nav_toggle = NodeRef::<leptos::html::Input>::new();
    let close_nav = move |_| {
        if let Some(toggle) = nav_toggle.get_untracked() {
            toggle.set_checked(false);
        }
    };
    let close_switcher = move |_| {
        if let Some(details) = switcher.get() {
            details.set_open(false);
        }
    };
    let (name, role) = match &current {
        Some(c) => (c.org_name.clone(), c.role.label()),
        None => ("Choose an organisation".to_owned(), ""),
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/"><span class="brand-mark">"L"</span>"Laurel"</a>
            <details class="switcher" data-testid="org-switcher" node_ref=switcher>
                <summary>
                    <span class="switcher-name">{name}</span>
                    <span class="switcher-role">{role}</span>
                </summary>
                <ul class="switcher-menu" on:click=close_switcher>
                    {others.into_iter().map(|o| view! {
                        <li><a href=format!("/organizations/{}", o.id)>
                            <span>{o.name}</span><small>{o.role.label()}</small>
                        </a></li>
                    }).collect_view()}
                    {(ctx.orgs.len() <= 1 && current.is_some()).then(|| view! { <li class="muted">"No other organisations"</li> })}
                    {ctx.orgs.is_empty().then(|| view! { <li class="muted">"You belong to no organisation yet"</li> })}
                </ul>
            </details>
            {current.map(|c| {
                let base = format!("/organizations/{}", c.org_id);
                let may = move |a: Action| c.role.allows(a);
                // On a phone the sections fold into a menu. A checkbox and its
                // label open it, so it works before (and without) the wasm.
                view! {
                    <input type="checkbox" id="nav-toggle" class="nav-toggle" aria-controls="org-nav" node_ref=nav_toggle/>
                    <label for="nav-toggle" class="nav-toggle-label button secondary small" data-testid="nav-menu">"Menu"</label>
                    <nav class="tabs" id="org-nav" aria-label="Organisation" on:click=close_nav>
                        <A href=base.clone() exact=true>"Overview"</A>
                        <A href=format!("{base}/credentials")>"Credentials"</A>
                        <A href=format!("{base}/jobs")>"Bulk jobs"</A>
                        <A href=format!("{base}/identity")>"Identity"</A>
                        <A href=format!("{base}/badges")>"Badges"</A>
                        <A href=format!("{base}/members")>"Members"</A>
                        {may(Action::ManageOutbox).then(|| view! { <A href=format!("{base}/outbox")>"Outbox"</A> })}
                        {may(Action::ManageOutbox).then(|| view! { <A href=format!("{base}/email")>"E-mail"</A> })}
                        {may(Action::ManageStreams).then(|| view! { <A href=format!("{base}/streams")>"Webhooks"</A> })}
                        {may(Action::ViewAudit).then(|| view! { <A href=format!("{base}/activity")>"Activity"</A> })}
                        <A href=format!("{base}/settings")>"Settings"</A>
                    </nav>
                }
            })}
            <div class="user">
                <a class="user-account" href="/account" title=format!("{}: your account", ctx.me.display_name)>
                    <span class="user-email">{ctx.me.email.clone()}</span>
                    <span class="user-account-label">"Account"</span>
                    {(ctx.invitations_for_me > 0).then(|| view! {
                        <span class="pill" data-testid="invitation-count">{ctx.invitations_for_me}" invitation"{if ctx.invitations_for_me == 1 { "" } else { "s" }}</span>
                    })}
                </a>
                <ActionForm action=logout>
                    <button type="submit" class="button link">"Sign out"</button>
                </ActionForm>
            </div>
        </header>
    }
}
