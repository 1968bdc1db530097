-- As migrations/sqlite/20261130000001_delivery_completed.sql.
ALTER TABLE jobs ADD COLUMN delivery_completed_at BIGINT;
