-- Running counts per org, kept by triggers in the statement (so the
-- transaction) that changes the rows: a page's totals read one row each
-- instead of counting the org, whose history only grows.
--   credentials           every credential the org has issued
--   credentials.revoked   of those, revoked
--   outbox.<status>       e-mails by delivery status (queued, sent, ...)
-- No foreign key: a cascade from a deleted org would otherwise fail to
-- write the decrements; the org's own trigger removes its tallies.
CREATE TABLE org_tallies (
    org_id TEXT NOT NULL,
    tally  TEXT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (org_id, tally)
);

INSERT INTO org_tallies (org_id, tally, n)
    SELECT org_id, 'credentials', COUNT(*) FROM credentials GROUP BY org_id;
INSERT INTO org_tallies (org_id, tally, n)
    SELECT org_id, 'credentials.revoked', COUNT(*) FROM credentials WHERE status = 'revoked' GROUP BY org_id;
INSERT INTO org_tallies (org_id, tally, n)
    SELECT org_id, 'outbox.' || status, COUNT(*) FROM outbox GROUP BY org_id, status;

CREATE TRIGGER tally_credential_insert AFTER INSERT ON credentials BEGIN
    INSERT INTO org_tallies (org_id, tally, n) VALUES (NEW.org_id, 'credentials', 1)
        ON CONFLICT (org_id, tally) DO UPDATE SET n = n + 1;
    INSERT INTO org_tallies (org_id, tally, n)
        SELECT NEW.org_id, 'credentials.revoked', 1 WHERE NEW.status = 'revoked'
        ON CONFLICT (org_id, tally) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tally_credential_status AFTER UPDATE OF status ON credentials
WHEN OLD.status <> NEW.status BEGIN
    INSERT INTO org_tallies (org_id, tally, n)
        VALUES (NEW.org_id, 'credentials.revoked', CASE WHEN NEW.status = 'revoked' THEN 1 ELSE -1 END)
        ON CONFLICT (org_id, tally) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tally_credential_delete AFTER DELETE ON credentials BEGIN
    UPDATE org_tallies SET n = n - 1 WHERE org_id = OLD.org_id AND tally = 'credentials';
    UPDATE org_tallies SET n = n - 1 WHERE org_id = OLD.org_id AND tally = 'credentials.revoked' AND OLD.status = 'revoked';
END;

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

CREATE TRIGGER tally_org_delete AFTER DELETE ON organizations BEGIN
    DELETE FROM org_tallies WHERE org_id = OLD.id;
END;

-- A job's running count for the per-org concurrency cap.
CREATE INDEX jobs_by_org_status ON jobs (org_id, status);

-- Expired credentials are listed by expiry, most recent first, from now back.
CREATE INDEX credentials_by_org_expiry ON credentials (org_id, status, expires_at, id);
-- A credential's page names the one it replaced.
CREATE INDEX credentials_by_superseded ON credentials (superseded_by) WHERE superseded_by IS NOT NULL;
-- A credential's e-mails, newest first.
DROP INDEX outbox_by_credential;
CREATE INDEX outbox_by_credential_id ON outbox (credential_id, id);
