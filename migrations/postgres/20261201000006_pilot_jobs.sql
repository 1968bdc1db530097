-- A pilot: the job issues its first `pilot_size` issuable rows (those with
-- idx below `pilot_until`), then waits as 'paused' until a person releases
-- the rest (`pilot_until` back to NULL) or cancels the job.
ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check
    CHECK (status IN ('pending', 'processing', 'paused', 'delivering', 'completed', 'failed', 'cancelled'));
ALTER TABLE jobs ADD COLUMN pilot_size BIGINT;
ALTER TABLE jobs ADD COLUMN pilot_until BIGINT;
ALTER TABLE jobs ADD COLUMN paused_at BIGINT;
