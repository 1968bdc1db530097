-- JSON batch jobs (POST /v1/credentials/batch-issue): a job of any
-- credential types, so a job no longer always has one badge, and each item
-- keeps its request until it is issued.
--
-- SQLite cannot drop a NOT NULL or change a CHECK in place, so `jobs` is
-- rebuilt. Migrations run in a transaction with foreign keys on, where
-- dropping the old table would delete its items (ON DELETE CASCADE) and
-- unlink its e-mails (ON DELETE SET NULL); so the items move to a new
-- table first and the e-mails' job ids are put back afterwards.
CREATE TABLE jobs_v2 (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    badge_id     TEXT REFERENCES badges(id),
    upload_id    TEXT REFERENCES bulk_uploads(id),
    filename     TEXT,
    source       TEXT NOT NULL CHECK (source IN ('dashboard', 'api', 'api_batch')),
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
INSERT INTO jobs_v2 SELECT id, org_id, badge_id, upload_id, filename, source, status, total, processed, succeeded,
                           failed, skipped, created_by, api_key_id, created_at, started_at, completed_at, cancelled_by
                    FROM jobs;

CREATE TABLE job_items_v2 (
    job_id            TEXT NOT NULL REFERENCES jobs_v2(id) ON DELETE CASCADE,
    idx               BIGINT NOT NULL,        -- 0-based data row of the file, or item of the batch
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
    request_json      TEXT,                   -- a JSON batch item's single-issue body
    PRIMARY KEY (job_id, idx)
);
INSERT INTO job_items_v2 (job_id, idx, line, name, email, classification, supersedes, state, lease_owner,
                          lease_until, credential_id, status_list_id, status_list_index, error_code, error_message,
                          finished_at)
SELECT job_id, idx, line, name, email, classification, supersedes, state, lease_owner, lease_until, credential_id,
       status_list_id, status_list_index, error_code, error_message, finished_at
FROM job_items;

CREATE TABLE outbox_jobs_kept AS SELECT id, job_id FROM outbox WHERE job_id IS NOT NULL;

DROP TABLE job_items;
DROP TABLE jobs;
ALTER TABLE jobs_v2 RENAME TO jobs;
ALTER TABLE job_items_v2 RENAME TO job_items;
CREATE INDEX jobs_by_org ON jobs (org_id, created_at);
CREATE INDEX jobs_by_status ON jobs (status, created_at);
CREATE INDEX job_items_by_state ON job_items (job_id, state, idx);

UPDATE outbox SET job_id = (SELECT k.job_id FROM outbox_jobs_kept k WHERE k.id = outbox.id)
WHERE id IN (SELECT id FROM outbox_jobs_kept);
DROP TABLE outbox_jobs_kept;
