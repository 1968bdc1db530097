-- Security hardening: e-mailed invitations, sessions that end on a password
-- change.

-- Invitation links used to be shown to whoever sent them, so any link still
-- open may be in the wrong hands. They end here; the inviter sends a new
-- one, which now goes only to the invited address.
DELETE FROM invitations WHERE accepted_at IS NULL;

-- The outbox carries invitation e-mails too. A CHECK cannot be altered in
-- place on SQLite, so the table is rebuilt.
CREATE TABLE outbox_v2 (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('credential_issued', 'invitation')),
    credential_id   TEXT REFERENCES credentials(id) ON DELETE CASCADE,
    job_id          TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    invitation_id   TEXT REFERENCES invitations(id) ON DELETE SET NULL,
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
INSERT INTO outbox_v2 (id, org_id, kind, credential_id, job_id, to_email, to_name, status, attempts,
                       next_attempt_at, lease_until, last_error, sent_at, created_at)
SELECT id, org_id, kind, credential_id, job_id, to_email, to_name, status, attempts,
       next_attempt_at, lease_until, last_error, sent_at, created_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_org ON outbox (org_id, created_at);
CREATE INDEX outbox_by_credential ON outbox (credential_id);
CREATE INDEX outbox_by_job ON outbox (job_id);
CREATE INDEX outbox_by_invitation ON outbox (invitation_id);

CREATE INDEX invitations_by_email ON invitations (email);

-- A session remembers the epoch it was signed in under; changing the
-- password moves the epoch on, which ends every other session.
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;
