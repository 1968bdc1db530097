//! Builds the application: database, session layer, router, listener.

use std::net::SocketAddr;

use app::{App, shell};
use axum::Router;
use issuance::Site;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use issuance::jobs::engine::{self, EngineConfig, EngineHandle};
use issuance::outbox::sender::{self, SenderConfig, SenderHandle};
use issuance::webhooks::sender::{self as webhook_sender, WebhookConfig, WebhookSenderHandle};

use crate::config::Config;
use crate::{
    api_errors, badge_images, bulk_files, form_echo, identity_images, inbound_email, job_events, origin_guard,
    public_badges, public_credentials, rest, security_headers, session_store::Sessions, unsubscribe,
};

/// The cookie's name; it carries only an opaque session id.
pub const SESSION_COOKIE: &str = "laurel_session";

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: Site,
    workers: Option<Workers>,
}

/// The background work beside the server: the job engine and, when SMTP is
/// configured, the mail sender.
struct Workers {
    engine: EngineHandle,
    sender: Option<SenderHandle>,
    webhooks: WebhookSenderHandle,
    verifications: issuance::identity::worker::WorkerHandle,
}

impl Workers {
    fn start(config: &Config, state: &Site) -> anyhow::Result<Self> {
        let engine = engine::spawn(
            state.db.clone(),
            state.master_key.clone(),
            &state.public_url,
            EngineConfig {
                caps: config.rates.clone(),
                batch_size: config.job_batch_rows,
                delivers_email: config.smtp_url.is_some(),
                ..EngineConfig::default()
            },
        );
        let sender = match &config.smtp_url {
            None => {
                tracing::info!("LAUREL_SMTP_URL is not set: e-mail stays in the outbox");
                None
            }
            Some(url) => {
                let mut mail = SenderConfig::new(url, &config.mail_from);
                mail.retry_base = std::time::Duration::from_secs(config.smtp_retry_secs);
                mail.sessions = config.smtp_sessions;
                mail.lease = std::time::Duration::from_secs(config.smtp_lease_secs);
                mail.per_domain = config.smtp_domain;
                Some(sender::spawn(state.db.clone(), state.invitation_links.clone(), &state.public_url, mail)?)
            }
        };
        let webhooks = webhook_sender::spawn(
            state.db.clone(),
            state.master_key.clone(),
            WebhookConfig {
                allow_private: config.webhooks_allow_private,
                retry_base: std::time::Duration::from_millis(config.webhook_retry_ms),
                timeout: std::time::Duration::from_millis(config.webhook_timeout_ms),
                ..WebhookConfig::default()
            },
        );
        let verifications = issuance::identity::worker::spawn(
            state.db.clone(),
            state.files.clone(),
            std::time::Duration::from_millis(500),
        );
        Ok(Self { engine, sender, webhooks, verifications })
    }

    async fn stop(self) {
        self.engine.stop().await;
        self.webhooks.stop().await;
        self.verifications.stop().await;
        if let Some(sender) = self.sender {
            sender.stop().await;
        }
    }
}

impl Application {
    /// Connects and migrates the database, then binds `config.addr` (port 0
    /// picks a free port, as the tests do).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = issuance::db::connect_with(&config.database_url, config.db).await?;
        let master_key = config.master_key()?;
        let mut state = Site::new(db, master_key, config.public_url.clone(), config.smtp_url.is_some())
            .with_data_dir(&config.data_dir);
        state.clock = config.clock.clone();
        state.webhooks_allow_private = config.webhooks_allow_private;
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
        let router = router(&config, state.clone()).await?;
        let workers = if config.workers { Some(Workers::start(&config, &state)?) } else { None };
        Ok(Self { listener, router, state, workers })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener has an address")
    }

    pub fn state(&self) -> &Site {
        &self.state
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        if let Some(workers) = self.workers {
            workers.stop().await;
        }
        Ok(())
    }
}

/// The pages' routes, worked out once per process. Working them out runs
/// the app with resource loading switched off through a process-wide flag
/// (leptos_server's `SuppressResourceLoad`), and a resource first polled
/// while that flag is up waits forever (leptos issue #4773). Two
/// applications in one process, as the tests start them, would otherwise
/// hang each other's pages now and then.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

async fn router(config: &Config, state: Site) -> anyhow::Result<Router> {
    let store = Sessions::open(&config.database_url, config.db).await?;
    tokio::spawn(delete_expired_sessions(store.clone()));
    let sessions = SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(12)));

    let leptos_options = LeptosOptions::builder()
        .output_name("laurel")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let pages = Router::new()
        .merge(rest::router().with_state(state.clone()))
        .merge(bulk_files::router().with_state(state.clone()))
        .merge(badge_images::router().with_state(state.clone()))
        .merge(job_events::router().with_state(state.clone()))
        .merge(public_credentials::router().with_state(state.clone()))
        .merge(public_badges::router().with_state(state.clone()))
        .merge(unsubscribe::router().with_state(state.clone()))
        .merge(identity_images::router().with_state(state.clone()))
        .merge(inbound_email::router(state.clone(), config.inbound_email_token.clone()))
        .leptos_routes_with_context(&leptos_options, routes, context, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(leptos_options);

    let site = origin_guard::SiteOrigin::of(&config.public_url);
    let headers = security_headers::Policy { https: config.secure_cookies() };
    Ok(pages
        .layer(axum::middleware::from_fn_with_state(state, public_badges::answer_json))
        .layer(axum::middleware::from_fn(api_errors::set_status_from_error))
        .layer(axum::middleware::from_fn(form_echo::keep))
        .layer(axum::middleware::from_fn_with_state(site, origin_guard::refuse_cross_site))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(headers, security_headers::set))
        .layer(axum::middleware::from_fn(count_in_flight))
        .layer(TraceLayer::new_for_http()))
}

/// Counts each request as in flight until its response starts, so jobs
/// make way for it (`issuance::jobs::foreground`). Only until the response
/// starts: a live progress stream stays open for as long as someone
/// watches a job, and must not slow the job it shows.
async fn count_in_flight(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let _serving = issuance::jobs::foreground::serving();
    next.run(request).await
}

async fn delete_expired_sessions(store: Sessions) {
    use tower_sessions::ExpiredDeletion;
    if let Err(e) = store.continuously_delete_expired(tokio::time::Duration::from_secs(3600)).await {
        tracing::warn!(error = %e, "expired-session sweeper stopped");
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
