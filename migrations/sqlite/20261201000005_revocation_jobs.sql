-- A job that revokes rather than issues (model::JobKind): an undo of
-- another job, or the credentials a person selected in the list.
ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'issue' CHECK (kind IN ('issue', 'revoke'));
UPDATE jobs SET kind = 'revoke' WHERE undoes_job_id IS NOT NULL;
