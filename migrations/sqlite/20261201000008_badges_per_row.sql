-- A file may name its badge per row (a `badge` column). Its upload then
-- needs no badge of its own (`badge_id` NULL: "named in the file"; when set
-- it is the badge of rows whose cell is empty), and a job of several badges
-- keeps each row's on the row (`job_items.badge_id`; NULL means the job's).
--
-- SQLite cannot drop a NOT NULL in place, so `bulk_uploads` is rebuilt
-- (foreign keys off while migrating, checked after, as in 20261201000006).

CREATE TABLE bulk_uploads_v2 (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    badge_id         TEXT REFERENCES badges(id),
    filename         TEXT,
    content          BLOB NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    created_by       TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at       BIGINT NOT NULL,
    submitted_by     TEXT REFERENCES users(id) ON DELETE SET NULL,
    submitted_at     BIGINT,
    totals_json      TEXT,
    duplicate_policy TEXT NOT NULL DEFAULT 'by_expiry'
                     CHECK (duplicate_policy IN ('by_expiry', 'skip', 'replace', 'allow'))
);
INSERT INTO bulk_uploads_v2 (id, org_id, badge_id, filename, content, status, created_by, created_at,
                             submitted_by, submitted_at, totals_json, duplicate_policy)
SELECT id, org_id, badge_id, filename, content, status, created_by, created_at,
       submitted_by, submitted_at, totals_json, duplicate_policy
FROM bulk_uploads;
DROP TABLE bulk_uploads;
ALTER TABLE bulk_uploads_v2 RENAME TO bulk_uploads;
CREATE INDEX bulk_uploads_by_org ON bulk_uploads (org_id, created_at);

ALTER TABLE job_items ADD COLUMN badge_id TEXT REFERENCES badges(id);
