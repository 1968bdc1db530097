-- As migrations/sqlite/20261130000002_delivery_phase.sql.
ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check
    CHECK (status IN ('pending', 'processing', 'delivering', 'completed', 'failed', 'cancelled'));
ALTER TABLE jobs ADD COLUMN issued_at BIGINT;
UPDATE jobs SET issued_at = completed_at;

ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('queued', 'sent', 'failed', 'cancelled', 'bounced'));
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('credential_issued', 'invitation', 'template_test'));
ALTER TABLE outbox ADD COLUMN bounced_at BIGINT;

ALTER TABLE organizations ADD COLUMN email_subject TEXT;
ALTER TABLE organizations ADD COLUMN email_body TEXT;
ALTER TABLE organizations ADD COLUMN reply_to TEXT;

CREATE TABLE email_suppressions (
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, email)
);
