-- As migrations/sqlite/20261130000003_identity.sql.
CREATE TABLE identity_accounts (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    external_id TEXT,
    reference   TEXT,
    tags_json   TEXT NOT NULL DEFAULT '[]',
    status      TEXT NOT NULL CHECK (status IN ('active', 'blocked')),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX identity_accounts_external ON identity_accounts (org_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX identity_accounts_by_org ON identity_accounts (org_id, id);

CREATE TABLE identity_sessions (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    account_id     TEXT NOT NULL REFERENCES identity_accounts(id) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('created', 'pending', 'approved', 'declined', 'needs_review', 'expired')),
    -- What the applicant or operator entered, as JSON attributes.
    entered_json   TEXT NOT NULL DEFAULT '{}',
    -- What the documents' MRZ or barcode said, each with its source.
    extracted_json TEXT NOT NULL DEFAULT '{}',
    decision_note  TEXT,
    decided_by     TEXT REFERENCES users(id) ON DELETE SET NULL,
    credential_id  TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    submitted_at   BIGINT,
    decided_at     BIGINT
);
CREATE INDEX identity_sessions_by_org ON identity_sessions (org_id, id);
CREATE INDEX identity_sessions_by_account ON identity_sessions (account_id, id);

CREATE TABLE identity_documents (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    session_id      TEXT REFERENCES identity_sessions(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('document/idv', 'document/address')),
    id_class        TEXT CHECK (id_class IN ('pp', 'dl', 'id')),
    country_code    TEXT,
    mrz             TEXT,
    document_number TEXT,
    front_type      TEXT,
    front_sha256    TEXT,
    back_type       TEXT,
    back_sha256     TEXT,
    created_at      BIGINT NOT NULL,
    images_deleted_at BIGINT
);
CREATE INDEX identity_documents_by_org ON identity_documents (org_id, id);
CREATE INDEX identity_documents_by_session ON identity_documents (session_id);
CREATE INDEX identity_documents_by_number ON identity_documents (org_id, document_number);
CREATE INDEX identity_documents_by_front ON identity_documents (org_id, front_sha256);
-- The retention sweep: documents whose images are still kept, oldest first.
CREATE INDEX identity_documents_kept ON identity_documents (created_at) WHERE images_deleted_at IS NULL;

CREATE TABLE identity_verifications (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    document_id    TEXT NOT NULL REFERENCES identity_documents(id) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('initiated', 'processing', 'passed', 'failed', 'requires_retry')),
    checks_json    TEXT NOT NULL DEFAULT '[]',
    extracted_json TEXT NOT NULL DEFAULT '{}',
    lease_until    BIGINT,
    created_at     BIGINT NOT NULL,
    completed_at   BIGINT
);
CREATE INDEX identity_verifications_by_org ON identity_verifications (org_id, id);
CREATE INDEX identity_verifications_by_document ON identity_verifications (document_id, id);
CREATE INDEX identity_verifications_due ON identity_verifications (status, created_at);

-- Per-org rules: the minimum age, what a failed check does, how long
-- document images are kept.
ALTER TABLE organizations ADD COLUMN identity_min_age BIGINT NOT NULL DEFAULT 18;
ALTER TABLE organizations ADD COLUMN identity_failed_rule TEXT NOT NULL DEFAULT 'review';
ALTER TABLE organizations ADD COLUMN identity_retention_days BIGINT NOT NULL DEFAULT 90;
