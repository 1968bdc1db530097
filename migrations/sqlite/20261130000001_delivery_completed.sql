-- When a finished job's last e-mail was sent or finally failed: the job's
-- recipients have heard all they will. NULL while e-mails wait (or when
-- no SMTP server is configured, as they wait for good).
ALTER TABLE jobs ADD COLUMN delivery_completed_at BIGINT;
