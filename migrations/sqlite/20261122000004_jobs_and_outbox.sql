-- Issuance jobs (a submitted CSV upload, or a batch over the API), their
-- items (one per row of the file), and the e-mail outbox.

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    badge_id     TEXT NOT NULL REFERENCES badges(id),
    upload_id    TEXT REFERENCES bulk_uploads(id),
    filename     TEXT,
    source       TEXT NOT NULL CHECK (source IN ('dashboard', 'api')),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    total        BIGINT NOT NULL,
    processed    BIGINT NOT NULL DEFAULT 0,
    succeeded    BIGINT NOT NULL DEFAULT 0,
    failed       BIGINT NOT NULL DEFAULT 0,
    skipped      BIGINT NOT NULL DEFAULT 0,
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    api_key_id   TEXT REFERENCES api_keys(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    started_at   BIGINT,
    completed_at BIGINT,
    cancelled_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX jobs_by_org ON jobs (org_id, created_at);
CREATE INDEX jobs_by_status ON jobs (status, created_at);

-- One row of the job's file. Rows that cannot be issued are finished at
-- creation (failed with the reason, or skipped); the rest wait as
-- 'pending' until a worker leases them. A lease is a worker token and a
-- deadline: an expired lease (its worker died) may be taken over. The
-- credential id and status slot are fixed when the job is created and
-- kept on retry, so a row can never yield two credentials nor two rows
-- share one slot.
CREATE TABLE job_items (
    job_id            TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    idx               BIGINT NOT NULL,        -- 0-based data row of the file
    line              BIGINT NOT NULL,        -- line of the file, for people
    name              TEXT NOT NULL,
    email             TEXT NOT NULL,
    classification    TEXT NOT NULL,          -- bulk::RowStatus at submit
    supersedes        TEXT,                   -- credential to revoke or supersede
    state             TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'skipped', 'cancelled')),
    lease_owner       TEXT,
    lease_until       BIGINT,
    credential_id     TEXT,
    status_list_id    TEXT,
    status_list_index BIGINT,
    error_code        TEXT,
    error_message     TEXT,
    finished_at       BIGINT,
    PRIMARY KEY (job_id, idx)
);
CREATE INDEX job_items_by_state ON job_items (job_id, state, idx);

-- Which job issued a credential (the credentials page filters by it).
ALTER TABLE credentials ADD COLUMN job_id TEXT;
CREATE INDEX credentials_by_job ON credentials (job_id);

-- Per-org throughput cap as a generic cell rate: tat_ms is the theoretical
-- time, in unix milliseconds, at which the org's next credential may
-- start. Kept in the database so several server processes share one cap.
CREATE TABLE org_throughput (
    org_id TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    tat_ms BIGINT NOT NULL
);

-- E-mail to send. Bodies are rendered when sent, from the credential, so
-- a row stays small; attempts and the last error are kept per recipient.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('credential_issued')),
    credential_id   TEXT REFERENCES credentials(id) ON DELETE CASCADE,
    job_id          TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    to_email        TEXT NOT NULL,
    to_name         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    sent_at         BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_org ON outbox (org_id, created_at);
CREATE INDEX outbox_by_credential ON outbox (credential_id);
CREATE INDEX outbox_by_job ON outbox (job_id);
