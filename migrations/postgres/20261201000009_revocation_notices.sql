-- Undoing a job may tell its recipients (#21): the undo job says whether
-- (`jobs.notify_recipients`, 0 or 1), and each notice is an outbox message
-- of the new kind 'credential_revoked', queued with the revocation.
ALTER TABLE jobs ADD COLUMN notify_recipients BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('credential_issued', 'invitation', 'template_test', 'credential_revoked'));
