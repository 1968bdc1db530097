-- The activity feed becomes the audit log: who acted may be an API key,
-- and each event names its target and carries details. Event ids are
-- ULIDs, so they sort by time and serve as the list's cursor.
ALTER TABLE activity ADD COLUMN api_key_id TEXT REFERENCES api_keys(id) ON DELETE SET NULL;
ALTER TABLE activity ADD COLUMN target TEXT;
ALTER TABLE activity ADD COLUMN data_json TEXT;
-- Earlier names for the same actions.
UPDATE activity SET kind = 'job.created' WHERE kind IN ('bulk.submitted', 'batch.submitted');
UPDATE activity SET kind = 'signing_key.rotated' WHERE kind = 'key.rotated';
CREATE INDEX activity_by_org_id ON activity (org_id, id);
CREATE INDEX activity_by_target ON activity (org_id, target);
