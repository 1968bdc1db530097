-- As migrations/sqlite/20261130000004_issued_per_day.sql.
INSERT INTO org_tallies (org_id, tally, n)
    SELECT org_id, 'issued.' || to_char(to_timestamp(issued_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), COUNT(*)
    FROM credentials GROUP BY 1, 2;

CREATE FUNCTION laurel_tally_credential_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM laurel_tally(NEW.org_id, 'issued.' || to_char(to_timestamp(NEW.issued_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 1);
    ELSE
        UPDATE org_tallies SET n = n - 1
        WHERE org_id = OLD.org_id AND tally = 'issued.' || to_char(to_timestamp(OLD.issued_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tally_credential_day AFTER INSERT OR DELETE ON credentials
    FOR EACH ROW EXECUTE FUNCTION laurel_tally_credential_day();
