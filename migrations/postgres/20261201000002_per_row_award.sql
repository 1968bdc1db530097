-- A row's own narrative, evidence and award date (JSON of
-- issuance::credentials::award::Award, NULL when the row gave none) and
-- its own expiry, which overrides the badge's validity.
ALTER TABLE job_items ADD COLUMN award_json TEXT;
ALTER TABLE job_items ADD COLUMN expires_at BIGINT;
