-- Credentials issued per UTC day, as running counts (`issued.YYYY-MM-DD`):
-- the overview's chart of the last 90 days reads 90 rows, however large the
-- organisation.
INSERT INTO org_tallies (org_id, tally, n)
    SELECT org_id, 'issued.' || date(issued_at, 'unixepoch'), COUNT(*) FROM credentials GROUP BY 1, 2;

CREATE TRIGGER tally_credential_day AFTER INSERT ON credentials BEGIN
    INSERT INTO org_tallies (org_id, tally, n) VALUES (NEW.org_id, 'issued.' || date(NEW.issued_at, 'unixepoch'), 1)
        ON CONFLICT (org_id, tally) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tally_credential_day_delete AFTER DELETE ON credentials BEGIN
    UPDATE org_tallies SET n = n - 1 WHERE org_id = OLD.org_id AND tally = 'issued.' || date(OLD.issued_at, 'unixepoch');
END;
