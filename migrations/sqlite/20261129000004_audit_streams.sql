-- Audit streams: webhooks an organisation subscribes to, and every
-- delivery of an event to one, written in the same transaction as the
-- event so that none is lost.

CREATE TABLE webhook_streams (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    url            TEXT NOT NULL,
    actions_json   TEXT NOT NULL,             -- ["credential.issued", ...] or ["*"]
    secret_sealed  TEXT NOT NULL,             -- whsec_… sealed under the master key
    status         TEXT NOT NULL CHECK (status IN ('active', 'paused', 'disabled')),
    disabled_reason TEXT,
    failing_since  BIGINT,                    -- first failure of the current run of failures
    created_by     TEXT REFERENCES users(id) ON DELETE SET NULL,
    api_key_id     TEXT REFERENCES api_keys(id) ON DELETE SET NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX webhook_streams_by_org ON webhook_streams (org_id, created_at);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,        -- the webhook-id header: the same on every attempt
    stream_id        TEXT NOT NULL REFERENCES webhook_streams(id) ON DELETE CASCADE,
    org_id           TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    event_type       TEXT NOT NULL,
    payload_json     TEXT NOT NULL,           -- the exact body, {"type", "timestamp", "data"}
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,         -- unix milliseconds
    lease_until      BIGINT,                  -- unix milliseconds
    last_status_code BIGINT,
    last_error       TEXT,
    last_attempt_at  BIGINT,
    delivered_at     BIGINT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_stream ON webhook_deliveries (stream_id, created_at);
