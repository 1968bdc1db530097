-- What an upload, and the job it becomes, does for recipients who already
-- hold an active credential of the badge (model::DuplicatePolicy). The
-- default is what every earlier upload did.
ALTER TABLE bulk_uploads ADD COLUMN duplicate_policy TEXT NOT NULL DEFAULT 'by_expiry'
    CHECK (duplicate_policy IN ('by_expiry', 'skip', 'replace', 'allow'));
ALTER TABLE jobs ADD COLUMN duplicate_policy TEXT NOT NULL DEFAULT 'by_expiry'
    CHECK (duplicate_policy IN ('by_expiry', 'skip', 'replace', 'allow'));
