-- Undoing a job may tell its recipients (#21): the undo job says whether
-- (`jobs.notify_recipients`, 0 or 1), and each notice is an outbox message
-- of the new kind 'credential_revoked', queued with the revocation.
--
-- SQLite cannot change a CHECK in place, so `outbox` is rebuilt as in
-- 20261130000002 (foreign keys off while migrating, checked after).

ALTER TABLE jobs ADD COLUMN notify_recipients BIGINT NOT NULL DEFAULT 0;

CREATE TABLE outbox_v5 (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('credential_issued', 'invitation', 'template_test', 'credential_revoked')),
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
INSERT INTO outbox_v5 (id, org_id, kind, credential_id, job_id, invitation_id, to_email, to_name, status, attempts,
                       next_attempt_at, lease_until, last_error, sent_at, created_at, bounced_at)
SELECT id, org_id, kind, credential_id, job_id, invitation_id, to_email, to_name, status, attempts,
       next_attempt_at, lease_until, last_error, sent_at, created_at, bounced_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v5 RENAME TO outbox;
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
