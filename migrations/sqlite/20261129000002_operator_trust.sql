-- Operator trust: revoking a credential cancels its queued e-mail, and an
-- organisation's answers to "which column is the name? the e-mail?" are
-- remembered.

-- A CHECK cannot be altered in place on SQLite, so the outbox is rebuilt
-- to allow 'cancelled'.
CREATE TABLE outbox_v3 (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('credential_issued', 'invitation')),
    credential_id   TEXT REFERENCES credentials(id) ON DELETE CASCADE,
    job_id          TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    invitation_id   TEXT REFERENCES invitations(id) ON DELETE SET NULL,
    to_email        TEXT NOT NULL,
    to_name         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    sent_at         BIGINT,
    created_at      BIGINT NOT NULL
);
INSERT INTO outbox_v3 (id, org_id, kind, credential_id, job_id, invitation_id, to_email, to_name, status, attempts,
                       next_attempt_at, lease_until, last_error, sent_at, created_at)
SELECT id, org_id, kind, credential_id, job_id, invitation_id, to_email, to_name, status, attempts,
       next_attempt_at, lease_until, last_error, sent_at, created_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v3 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_org ON outbox (org_id, created_at);
CREATE INDEX outbox_by_credential ON outbox (credential_id);
CREATE INDEX outbox_by_job ON outbox (job_id);
CREATE INDEX outbox_by_invitation ON outbox (invitation_id);

-- A header an organisation said holds the recipient's name or e-mail
-- (lower-cased, trimmed), so its next file with that header reads at once.
CREATE TABLE column_aliases (
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    header     TEXT NOT NULL,
    field      TEXT NOT NULL CHECK (field IN ('name', 'email')),
    created_by TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, header)
);
