//! Audit streams: webhooks an organisation subscribes to, signed per the
//! Standard Webhooks specification so receivers verify them with the
//! standardwebhooks libraries.
//!
//! - [`streams`]: creating, listing, pausing and deleting streams; the
//!   secret (`whsec_…`) is shown once and kept sealed under the master key.
//! - [`emit`]: an event becomes one delivery row per subscribed stream, in
//!   the caller's transaction, so an event is never lost nor sent for
//!   something that rolled back.
//! - [`destination`]: which URLs may be called: https only, and never an
//!   address that resolves to loopback, private, link-local or metadata
//!   ranges (checked after DNS resolution, at every delivery).
//! - [`signature`]: the `webhook-signature` header.
//! - [`sender`]: the worker that posts due deliveries, retries with
//!   backoff and jitter for three days, and disables a stream that fails
//!   for that long.

pub mod destination;
pub mod emit;
pub mod sender;
pub mod signature;
pub mod streams;

pub use emit::{emit, emit_each};
pub use model::{DeliveryStatus, EventType, StreamStatus, Subscription};
pub use streams::{Delivery, NewStream, Stream};

/// How long a delivery is retried, and how long a stream may fail without
/// a success before it is disabled.
pub const GIVE_UP_AFTER_SECS: i64 = 3 * 24 * 3600;
