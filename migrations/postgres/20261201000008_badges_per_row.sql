-- A file may name its badge per row (a `badge` column). Its upload then
-- needs no badge of its own (`badge_id` NULL: "named in the file"; when set
-- it is the badge of rows whose cell is empty), and a job of several badges
-- keeps each row's on the row (`job_items.badge_id`; NULL means the job's).
ALTER TABLE bulk_uploads ALTER COLUMN badge_id DROP NOT NULL;
ALTER TABLE job_items ADD COLUMN badge_id TEXT REFERENCES badges(id);
