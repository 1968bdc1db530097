//! A bulk job's plain HTTP parts beside its page:
//!
//! - `GET /organizations/{org}/jobs/{job}/events`: server-sent events. The
//!   job row is read every 200 ms and a `snapshot` event (JSON, the same
//!   [`JobSnapshot`] the page renders on load) is sent whenever it changed,
//!   with the failed rows not sent before on this connection. The first
//!   event goes out at once; the stream ends after the event that shows
//!   the job finished.
//! - `GET /organizations/{org}/jobs/{job}/failed.csv`: the failed rows as
//!   `name,email,error`, ready to fix and upload again.
//!
//! Both are for any member of the org (like the job page: a Viewer may
//! watch a job and read why rows failed); others get 404, as if the job
//! did not exist. The session is checked like every server function, and a
//! stream checks it again before every read: it closes as soon as its
//! member is removed or signs out. One user holds at most
//! [`MAX_STREAMS_PER_USER`] streams at once.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use app::api::jobs::live;
use app::api::types::JobSnapshot;
use issuance::Site;

use crate::refusal::Refusal;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::Stream;
use issuance::db::Db;
use issuance::jobs::progress::RecentRate;
use issuance::jobs::{self, Job};
use issuance::orgs::{Action, Membership};
use issuance::{CoreError, clock};
use tower_sessions::Session;

/// How often a stream reads the job.
pub const POLL: Duration = Duration::from_millis(200);
/// A stream ends after this long even if the job still runs; the browser's
/// `EventSource` reconnects by itself.
const MAX_STREAM: Duration = Duration::from_secs(30 * 60);
/// Enough for a person with a few tabs open; more is a client gone wrong,
/// or someone holding the server's connections.
pub const MAX_STREAMS_PER_USER: usize = 6;
/// The window over which the live rate is measured.
const RATE_WINDOW: Duration = Duration::from_secs(5);

const BASE: &str = "/organizations/{org_id}/jobs/{job_id}";

pub fn router() -> Router<Site> {
    Router::new().route(&format!("{BASE}/events"), get(events)).route(&format!("{BASE}/failed.csv"), get(failed_rows))
}

/// The signed-in member's job and who they are, or why not. `back` is
/// where signing in returns to; `None` answers 401 instead (an event stream
/// cannot follow a redirect to the sign-in page).
async fn member_job(
    state: &Site,
    session: &Session,
    org_id: &str,
    job_id: &str,
    back: Option<&str>,
) -> Result<(String, Job), Refusal> {
    let user = app::ssr::session_user(state, session).await.ok().flatten().ok_or_else(|| match back {
        Some(back) => Refusal::SignIn(back.to_owned()),
        None => Refusal::status(StatusCode::UNAUTHORIZED, "Sign in to follow this job."),
    })?;
    Membership::authorize(&state.db, &user.id, org_id, Action::ViewOrg)
        .await
        .map_err(|e| Refusal::from_core(e, "authorising a job request"))?;
    let job = jobs::get(&state.db, org_id, job_id).await.map_err(|e| Refusal::from_core(e, "reading a job"))?;
    Ok((user.id, job))
}

async fn events(
    State(state): State<Site>,
    session: Session,
    Path((org_id, job_id)): Path<(String, String)>,
) -> Response {
    let (user_id, job) = match member_job(&state, &session, &org_id, &job_id, None).await {
        Ok(found) => found,
        Err(r) => return r.into_response(),
    };
    let Some(slot) = StreamSlot::take(&user_id) else {
        return (StatusCode::TOO_MANY_REQUESTS, "Too many live views are open; close some tabs and reload.")
            .into_response();
    };
    let watcher = Watcher { site: state.clone(), session, user_id, _slot: slot };
    Sse::new(snapshots(state.db.clone(), job, watcher)).keep_alive(KeepAlive::default()).into_response()
}

/// Streams open per user, in this process.
static OPEN_STREAMS: LazyLock<Mutex<HashMap<String, usize>>> = LazyLock::new(Default::default);

/// One of a user's [`MAX_STREAMS_PER_USER`] places, given back on drop
/// (when the stream ends or the client goes away).
struct StreamSlot(String);

impl StreamSlot {
    fn take(user_id: &str) -> Option<Self> {
        let mut open = OPEN_STREAMS.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(user_id.to_owned()).or_default();
        if *count >= MAX_STREAMS_PER_USER {
            return None;
        }
        *count += 1;
        Some(StreamSlot(user_id.to_owned()))
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = OPEN_STREAMS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.0) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.0);
            }
        }
    }
}

/// Who is watching, checked again before every read.
struct Watcher {
    site: Site,
    session: Session,
    user_id: String,
    _slot: StreamSlot,
}

impl Watcher {
    /// Still signed in as the same user (the session is re-read from the
    /// store, so a sign-out elsewhere counts) and still a member.
    async fn may_still_watch(&self, org_id: &str) -> bool {
        let site = &self.site;
        if self.session.load().await.is_err() {
            return false;
        }
        match app::ssr::session_user(site, &self.session).await {
            Ok(Some(user)) if user.id == self.user_id => {}
            _ => return false,
        }
        Membership::authorize(&site.db, &self.user_id, org_id, Action::ViewOrg).await.is_ok()
    }
}

/// What one connection has sent so far.
struct Follow {
    db: Db,
    watcher: Watcher,
    job: Job,
    /// The counts of the last event sent, to send only changes.
    last: Option<[i64; 10]>,
    sent_failures: HashSet<i64>,
    rate: RecentRate,
    opened: Instant,
    over: bool,
}

/// The events of one connection: the job now, then every change until it
/// finishes.
fn snapshots(db: Db, job: Job, watcher: Watcher) -> impl Stream<Item = Result<Event, Infallible>> + Send + 'static {
    let follow = Follow {
        db,
        watcher,
        job,
        last: None,
        sent_failures: HashSet::new(),
        rate: RecentRate::over(RATE_WINDOW),
        opened: Instant::now(),
        over: false,
    };
    futures::stream::unfold(follow, |mut f| async move {
        if f.over {
            return None;
        }
        loop {
            if f.last.is_some() {
                tokio::time::sleep(POLL).await;
                if f.opened.elapsed() > MAX_STREAM {
                    return None;
                }
                if !f.watcher.may_still_watch(&f.job.org_id).await {
                    tracing::info!(job = %f.job.id, "job events: access ended; closing");
                    return None;
                }
                f.job = match jobs::get(&f.db, &f.job.org_id, &f.job.id).await {
                    Ok(job) => job,
                    Err(e) => {
                        tracing::warn!(error = %e, job = %f.job.id, "job events: reading the job; closing");
                        return None;
                    }
                };
            }
            match next_event(&mut f).await {
                Ok(Some(event)) => return Some((Ok(event), f)),
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, job = %f.job.id, "job events: building a snapshot; closing");
                    return None;
                }
            }
        }
    })
}

/// The event for `f.job` if anything changed since the last one.
async fn next_event(f: &mut Follow) -> Result<Option<Event>, CoreError> {
    f.rate.sample(Instant::now(), f.job.succeeded);
    let finished = f.job.status.is_finished();
    let rate = f.rate.for_job(&f.job, clock::now());
    let mut snapshot: JobSnapshot = live::snapshot(&f.db, &f.job, rate).await?;
    let counts = [
        f.job.processed,
        f.job.succeeded,
        f.job.failed,
        f.job.skipped,
        snapshot.emails_queued,
        snapshot.emails_sent,
        snapshot.emails_failed,
        snapshot.emails_cancelled,
        snapshot.emails_bounced,
        f.job.status as i64,
    ];
    if f.last == Some(counts) {
        return Ok(None);
    }
    if f.last.is_none_or(|last| last[2] != f.job.failed) {
        snapshot.failures = live::failures(&f.db, &f.job)
            .await?
            .into_iter()
            .filter(|failure| f.sent_failures.insert(failure.idx))
            .collect();
    }
    f.last = Some(counts);
    f.over = finished;
    let event = Event::default()
        .event("snapshot")
        .json_data(&snapshot)
        .map_err(|e| anyhow::anyhow!("serialising a job snapshot: {e}"))?;
    Ok(Some(event))
}

/// The failed rows of the job as CSV, formula-like cells neutralised.
async fn failed_rows(
    State(state): State<Site>,
    session: Session,
    Path((org_id, job_id)): Path<(String, String)>,
) -> Response {
    let back = format!("/organizations/{org_id}/jobs/{job_id}");
    if let Err(r) = member_job(&state, &session, &org_id, &job_id, Some(&back)).await {
        return r.into_response();
    }
    match jobs::failed_rows_csv(&state.db, &org_id, &job_id).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"failed-rows-{job_id}.csv\"")),
            ],
            body,
        )
            .into_response(),
        Err(e) => Refusal::from_core(e, "building the failed-rows file").into_response(),
    }
}
