-- A CSV uploaded on the bulk-issue page. A draft is reviewed (classified
-- afresh each time it is shown, so the review is never stale); submitting
-- records it for issuing.
CREATE TABLE bulk_uploads (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    badge_id     TEXT NOT NULL REFERENCES badges(id),
    filename     TEXT,
    content      BLOB NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    submitted_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    submitted_at BIGINT,
    totals_json  TEXT
);
CREATE INDEX bulk_uploads_by_org ON bulk_uploads (org_id, created_at);
