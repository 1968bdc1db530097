-- Lists that cost the same whatever the org's size: every list walks an
-- index in its own order (newest first by id, a ULID) from the cursor and
-- stops after a page, for each filter it offers; search goes through a
-- full-text index instead of scanning.

CREATE INDEX credentials_by_org_id ON credentials (org_id, id);
CREATE INDEX credentials_by_org_status ON credentials (org_id, status, id);
CREATE INDEX credentials_by_org_type ON credentials (org_id, credential_type, id);
CREATE INDEX credentials_by_org_badge ON credentials (org_id, badge_id, id);
CREATE INDEX credentials_by_org_job ON credentials (org_id, job_id, id);
CREATE INDEX credentials_by_org_subject ON credentials (org_id, subject_id, id);
CREATE INDEX credentials_by_org_email ON credentials (org_id, recipient_email, id);
DROP INDEX credentials_by_org;
DROP INDEX credentials_by_subject;

CREATE INDEX jobs_by_org_id ON jobs (org_id, id);
CREATE INDEX jobs_by_org_source ON jobs (org_id, source, id);
DROP INDEX jobs_by_org;

CREATE INDEX outbox_by_org_id ON outbox (org_id, id);
CREATE INDEX outbox_by_org_status ON outbox (org_id, status, id);
DROP INDEX outbox_by_org;

CREATE INDEX activity_by_org_kind ON activity (org_id, kind, id);
CREATE INDEX activity_by_org_target_id ON activity (org_id, target, id);
DROP INDEX activity_by_target;
DROP INDEX activity_by_org;

-- Search in a credential's recipient name, e-mail and subject id: words
-- and word prefixes ("jan do" finds "Jane Doe"), case and accents ignored.
-- The index holds only tokens and row ids; triggers keep it in step with
-- the table, in the same transaction.
CREATE VIRTUAL TABLE credentials_search USING fts5(
    recipient_name, recipient_email, subject_id,
    content = 'credentials', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO credentials_search (credentials_search) VALUES ('rebuild');
CREATE TRIGGER credentials_search_insert AFTER INSERT ON credentials BEGIN
    INSERT INTO credentials_search (rowid, recipient_name, recipient_email, subject_id)
    VALUES (new.rowid, new.recipient_name, new.recipient_email, new.subject_id);
END;
CREATE TRIGGER credentials_search_delete AFTER DELETE ON credentials BEGIN
    INSERT INTO credentials_search (credentials_search, rowid, recipient_name, recipient_email, subject_id)
    VALUES ('delete', old.rowid, old.recipient_name, old.recipient_email, old.subject_id);
END;
CREATE TRIGGER credentials_search_update AFTER UPDATE OF recipient_name, recipient_email, subject_id ON credentials BEGIN
    INSERT INTO credentials_search (credentials_search, rowid, recipient_name, recipient_email, subject_id)
    VALUES ('delete', old.rowid, old.recipient_name, old.recipient_email, old.subject_id);
    INSERT INTO credentials_search (rowid, recipient_name, recipient_email, subject_id)
    VALUES (new.rowid, new.recipient_name, new.recipient_email, new.subject_id);
END;
