-- A scheduled job waits as 'scheduled' until `scheduled_for` (Unix seconds),
-- then starts by itself; the organisation's time zone (IANA name) is how its
-- people give and read that time.
--
-- SQLite cannot change a CHECK in place, so `jobs` is rebuilt as in
-- 20261201000006 (foreign keys off while migrating, checked after).

CREATE TABLE jobs_v5 (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    badge_id              TEXT REFERENCES badges(id),
    upload_id             TEXT REFERENCES bulk_uploads(id),
    filename              TEXT,
    source                TEXT NOT NULL CHECK (source IN ('dashboard', 'api', 'api_batch')),
    status                TEXT NOT NULL CHECK (status IN ('scheduled', 'pending', 'processing', 'paused', 'delivering', 'completed', 'failed', 'cancelled')),
    total                 BIGINT NOT NULL,
    processed             BIGINT NOT NULL DEFAULT 0,
    succeeded             BIGINT NOT NULL DEFAULT 0,
    failed                BIGINT NOT NULL DEFAULT 0,
    skipped               BIGINT NOT NULL DEFAULT 0,
    created_by            TEXT REFERENCES users(id) ON DELETE SET NULL,
    api_key_id            TEXT REFERENCES api_keys(id) ON DELETE SET NULL,
    created_at            BIGINT NOT NULL,
    started_at            BIGINT,
    issued_at             BIGINT,
    completed_at          BIGINT,
    cancelled_by          TEXT REFERENCES users(id) ON DELETE SET NULL,
    delivery_completed_at BIGINT,
    duplicate_policy      TEXT NOT NULL DEFAULT 'by_expiry'
                          CHECK (duplicate_policy IN ('by_expiry', 'skip', 'replace', 'allow')),
    undoes_job_id         TEXT REFERENCES jobs_v5(id),
    undo_reason           TEXT,
    kind                  TEXT NOT NULL DEFAULT 'issue' CHECK (kind IN ('issue', 'revoke')),
    pilot_size            BIGINT,
    pilot_until           BIGINT,
    paused_at             BIGINT,
    scheduled_for         BIGINT
);
INSERT INTO jobs_v5 (id, org_id, badge_id, upload_id, filename, source, status, total, processed, succeeded, failed,
                     skipped, created_by, api_key_id, created_at, started_at, issued_at, completed_at, cancelled_by,
                     delivery_completed_at, duplicate_policy, undoes_job_id, undo_reason, kind, pilot_size,
                     pilot_until, paused_at)
SELECT id, org_id, badge_id, upload_id, filename, source, status, total, processed, succeeded, failed, skipped,
       created_by, api_key_id, created_at, started_at, issued_at, completed_at, cancelled_by, delivery_completed_at,
       duplicate_policy, undoes_job_id, undo_reason, kind, pilot_size, pilot_until, paused_at
FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v5 RENAME TO jobs;
CREATE INDEX jobs_by_status ON jobs (status, created_at);
CREATE INDEX jobs_by_org_id ON jobs (org_id, id);
CREATE INDEX jobs_by_org_source ON jobs (org_id, source, id);
CREATE INDEX jobs_by_org_status ON jobs (org_id, status);
CREATE UNIQUE INDEX jobs_undoing ON jobs (undoes_job_id) WHERE undoes_job_id IS NOT NULL;
CREATE INDEX jobs_due ON jobs (scheduled_for) WHERE status = 'scheduled';
ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
