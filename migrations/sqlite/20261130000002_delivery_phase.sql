-- A job's delivery phase, bounces, test e-mails and the org's e-mail
-- template (#15).
--   jobs.status    gains 'delivering': issued, its e-mails still going out
--   jobs.issued_at when the last row was issued (completed_at waits for
--                  the e-mails)
--   outbox.status  gains 'bounced': the relay accepted it, the recipient's
--                  server later returned it (a delivery-status notification)
--   outbox.kind    gains 'template_test': an admin's test of the template
--
-- SQLite cannot change a CHECK in place, so both tables are rebuilt, as
-- SQLite documents: migrations run with foreign keys off (dropping `jobs`
-- must not cascade to its items), then `PRAGMA foreign_key_check` must
-- find nothing (see issuance/src/db/sqlite.rs).

CREATE TABLE jobs_v3 (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    badge_id              TEXT REFERENCES badges(id),
    upload_id             TEXT REFERENCES bulk_uploads(id),
    filename              TEXT,
    source                TEXT NOT NULL CHECK (source IN ('dashboard', 'api', 'api_batch')),
    status                TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'delivering', 'completed', 'failed', 'cancelled')),
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
    delivery_completed_at BIGINT
);
INSERT INTO jobs_v3 (id, org_id, badge_id, upload_id, filename, source, status, total, processed, succeeded, failed,
                     skipped, created_by, api_key_id, created_at, started_at, issued_at, completed_at, cancelled_by,
                     delivery_completed_at)
SELECT id, org_id, badge_id, upload_id, filename, source, status, total, processed, succeeded, failed, skipped,
       created_by, api_key_id, created_at, started_at, completed_at, completed_at, cancelled_by, delivery_completed_at
FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v3 RENAME TO jobs;
CREATE INDEX jobs_by_status ON jobs (status, created_at);
CREATE INDEX jobs_by_org_id ON jobs (org_id, id);
CREATE INDEX jobs_by_org_source ON jobs (org_id, source, id);
CREATE INDEX jobs_by_org_status ON jobs (org_id, status);

CREATE TABLE outbox_v4 (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('credential_issued', 'invitation', 'template_test')),
    credential_id   TEXT REFERENCES credentials(id) ON DELETE CASCADE,
    job_id          TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    invitation_id   TEXT REFERENCES invitations(id) ON DELETE SET NULL,
    to_email        TEXT NOT NULL,
    to_name         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'cancelled', 'bounced')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    sent_at         BIGINT,
    created_at      BIGINT NOT NULL,
    bounced_at      BIGINT
);
INSERT INTO outbox_v4 (id, org_id, kind, credential_id, job_id, invitation_id, to_email, to_name, status, attempts,
                       next_attempt_at, lease_until, last_error, sent_at, created_at)
SELECT id, org_id, kind, credential_id, job_id, invitation_id, to_email, to_name, status, attempts,
       next_attempt_at, lease_until, last_error, sent_at, created_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v4 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_job ON outbox (job_id);
CREATE INDEX outbox_by_invitation ON outbox (invitation_id);
CREATE INDEX outbox_by_org_id ON outbox (org_id, id);
CREATE INDEX outbox_by_org_status ON outbox (org_id, status, id);
CREATE INDEX outbox_by_credential_id ON outbox (credential_id, id);
CREATE TRIGGER tally_outbox_insert AFTER INSERT ON outbox BEGIN
    INSERT INTO org_tallies (org_id, tally, n) VALUES (NEW.org_id, 'outbox.' || NEW.status, 1)
        ON CONFLICT (org_id, tally) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tally_outbox_status AFTER UPDATE OF status ON outbox
WHEN OLD.status <> NEW.status BEGIN
    UPDATE org_tallies SET n = n - 1 WHERE org_id = OLD.org_id AND tally = 'outbox.' || OLD.status;
    INSERT INTO org_tallies (org_id, tally, n) VALUES (NEW.org_id, 'outbox.' || NEW.status, 1)
        ON CONFLICT (org_id, tally) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tally_outbox_delete AFTER DELETE ON outbox BEGIN
    UPDATE org_tallies SET n = n - 1 WHERE org_id = OLD.org_id AND tally = 'outbox.' || OLD.status;
END;

-- The org's credential e-mail: NULL keeps Laurel's wording.
ALTER TABLE organizations ADD COLUMN email_subject TEXT;
ALTER TABLE organizations ADD COLUMN email_body TEXT;
ALTER TABLE organizations ADD COLUMN reply_to TEXT;

-- Recipients who asked not to be e-mailed by the org again (the
-- List-Unsubscribe link). Their credentials are still issued.
CREATE TABLE email_suppressions (
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, email)
);
