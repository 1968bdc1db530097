-- A job that undoes another: it revokes every credential the other issued
-- that is still active, as a job of its own (jobs::undo). Its items are the
-- undone job's issued rows, under the same row numbers.
ALTER TABLE jobs ADD COLUMN undoes_job_id TEXT REFERENCES jobs(id);
ALTER TABLE jobs ADD COLUMN undo_reason TEXT;
CREATE UNIQUE INDEX jobs_undoing ON jobs (undoes_job_id) WHERE undoes_job_id IS NOT NULL;
