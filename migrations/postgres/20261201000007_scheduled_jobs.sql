-- A scheduled job waits as 'scheduled' until `scheduled_for` (Unix seconds),
-- then starts by itself; the organisation's time zone (IANA name) is how its
-- people give and read that time.
ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check
    CHECK (status IN ('scheduled', 'pending', 'processing', 'paused', 'delivering', 'completed', 'failed', 'cancelled'));
ALTER TABLE jobs ADD COLUMN scheduled_for BIGINT;
CREATE INDEX jobs_due ON jobs (scheduled_for) WHERE status = 'scheduled';
ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
