//! The audit streams (webhooks) page.

use serde::{Deserialize, Serialize};

use super::{DeliveryStatus, StreamStatus};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamsView {
    pub streams: Vec<StreamView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamView {
    pub id: String,
    pub url: String,
    pub actions: Vec<String>,
    pub status: StreamStatus,
    pub disabled_reason: Option<String>,
    pub failing_since: Option<i64>,
    pub created_at: i64,
    pub deliveries: Vec<DeliveryView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: String,
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    /// Unix seconds.
    pub last_attempt_at: Option<i64>,
    pub created_at: i64,
}

/// A new stream's secret, shown once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewStreamView {
    pub url: String,
    pub secret: String,
}
