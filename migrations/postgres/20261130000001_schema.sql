-- Laurel's schema on PostgreSQL: the state migrations/sqlite/ reach, as one
-- step, since no PostgreSQL database predates it. The same vocabulary as
-- SQLite: TEXT ids (ULIDs), enums and JSON; BIGINT unix times and flags.
-- From here on, a change to the schema is a migration in both folders.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (its dictionary could change), so it cannot feed
-- a generated column; naming the dictionary makes it safe to call IMMUTABLE.
CREATE FUNCTION laurel_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT unaccent('unaccent'::regdictionary, $1) $$;

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,      -- stored lower-cased
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,             -- argon2id PHC string
    created_at    BIGINT NOT NULL,
    session_epoch BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE organizations (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    plan            TEXT NOT NULL CHECK (plan IN ('free', 'professional', 'enterprise')),
    monthly_quota   BIGINT NOT NULL CHECK (monthly_quota >= 0),
    approval_status TEXT NOT NULL CHECK (approval_status IN ('pending', 'approved')),
    approved_at     BIGINT,
    created_at      BIGINT NOT NULL
);

CREATE TABLE memberships (
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'issuer', 'viewer')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'issuer', 'viewer')),
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  TEXT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    accepted_at BIGINT
);
CREATE INDEX invitations_by_org ON invitations (org_id);
CREATE INDEX invitations_by_email ON invitations (email);

CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    last_failure BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);

CREATE TABLE recipient_usage (
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    month      TEXT NOT NULL,
    email      TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (org_id, month, email)
);

CREATE TABLE recipient_months (
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    month  TEXT NOT NULL,
    used   BIGINT NOT NULL,
    PRIMARY KEY (org_id, month)
);

CREATE TABLE signing_keys (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    algorithm       TEXT NOT NULL,
    public_jwk      TEXT NOT NULL,
    private_key_enc TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    retired_at      BIGINT
);
CREATE INDEX signing_keys_by_org ON signing_keys (org_id);

CREATE TABLE badges (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    description        TEXT NOT NULL,
    criteria_narrative TEXT NOT NULL,
    image_url          TEXT,
    validity_days      BIGINT,
    archived_at        BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX badges_by_org ON badges (org_id);

CREATE TABLE status_lists (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('revocation')),
    size        BIGINT NOT NULL,
    next_slot   BIGINT NOT NULL,
    shuffle_key TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    full_at     BIGINT
);
CREATE INDEX status_lists_open ON status_lists (org_id, full_at);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    hint         TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    actor_id     TEXT,
    imported     BIGINT NOT NULL DEFAULT 0,  -- 0 or 1, as on SQLite
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_keys_by_org ON api_keys (org_id);

CREATE TABLE idempotency_keys (
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    idem_key        TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
    response_status BIGINT,
    response_body   TEXT,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (org_id, idem_key)
);

CREATE TABLE bulk_uploads (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    badge_id     TEXT NOT NULL REFERENCES badges(id),
    filename     TEXT,
    content      BYTEA NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    submitted_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    submitted_at BIGINT,
    totals_json  TEXT
);
CREATE INDEX bulk_uploads_by_org ON bulk_uploads (org_id, created_at);

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    badge_id     TEXT REFERENCES badges(id),
    upload_id    TEXT REFERENCES bulk_uploads(id),
    filename     TEXT,
    source       TEXT NOT NULL CHECK (source IN ('dashboard', 'api', 'api_batch')),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    total        BIGINT NOT NULL,
    processed    BIGINT NOT NULL DEFAULT 0,
    succeeded    BIGINT NOT NULL DEFAULT 0,
    failed       BIGINT NOT NULL DEFAULT 0,
    skipped      BIGINT NOT NULL DEFAULT 0,
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    api_key_id   TEXT REFERENCES api_keys(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    started_at   BIGINT,
    completed_at BIGINT,
    cancelled_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX jobs_by_status ON jobs (status, created_at);
CREATE INDEX jobs_by_org_id ON jobs (org_id, id);
CREATE INDEX jobs_by_org_source ON jobs (org_id, source, id);
CREATE INDEX jobs_by_org_status ON jobs (org_id, status);

CREATE TABLE job_items (
    job_id            TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    idx               BIGINT NOT NULL,
    line              BIGINT NOT NULL,
    name              TEXT NOT NULL,
    email             TEXT NOT NULL,
    classification    TEXT NOT NULL,
    supersedes        TEXT,
    state             TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'skipped', 'cancelled')),
    lease_owner       TEXT,
    lease_until       BIGINT,
    credential_id     TEXT,
    status_list_id    TEXT,
    status_list_index BIGINT,
    error_code        TEXT,
    error_message     TEXT,
    finished_at       BIGINT,
    request_json      TEXT,
    PRIMARY KEY (job_id, idx)
);
CREATE INDEX job_items_by_state ON job_items (job_id, state, idx);

CREATE TABLE credentials (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    credential_type   TEXT NOT NULL,
    attestation_type  TEXT,
    subject_id        TEXT,
    subject_json      TEXT NOT NULL,
    claims_json       TEXT NOT NULL,
    recipient_email   TEXT,
    recipient_name    TEXT,
    badge_id          TEXT REFERENCES badges(id),
    issuer_did        TEXT NOT NULL,
    key_id            TEXT NOT NULL REFERENCES signing_keys(id),
    signed_payload    TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    revoked_at        BIGINT,
    revocation_reason TEXT,
    superseded_by     TEXT,
    status_list_id    TEXT NOT NULL REFERENCES status_lists(id),
    status_list_index BIGINT NOT NULL,
    issued_at         BIGINT NOT NULL,
    expires_at        BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    job_id            TEXT,
    -- Search (db/postgres.rs): words of the name, e-mail and subject id,
    -- lower-cased and without accents, as SQLite's FTS5 index tokenises them.
    search_words      tsvector GENERATED ALWAYS AS (to_tsvector('simple', laurel_unaccent(
        regexp_replace(coalesce(recipient_name, '') || ' ' || coalesce(recipient_email, '') || ' '
                       || coalesce(subject_id, ''), '[^[:alnum:]]+', ' ', 'g')))) STORED,
    UNIQUE (status_list_id, status_list_index)
);
CREATE INDEX credentials_by_badge_email ON credentials (org_id, badge_id, recipient_email);
CREATE INDEX credentials_by_job ON credentials (job_id);
CREATE INDEX credentials_by_org_id ON credentials (org_id, id);
CREATE INDEX credentials_by_org_status ON credentials (org_id, status, id);
CREATE INDEX credentials_by_org_type ON credentials (org_id, credential_type, id);
CREATE INDEX credentials_by_org_badge ON credentials (org_id, badge_id, id);
CREATE INDEX credentials_by_org_job ON credentials (org_id, job_id, id);
CREATE INDEX credentials_by_org_subject ON credentials (org_id, subject_id, id);
CREATE INDEX credentials_by_org_email ON credentials (org_id, recipient_email, id);
CREATE INDEX credentials_by_org_expiry ON credentials (org_id, status, expires_at, id);
CREATE INDEX credentials_by_superseded ON credentials (superseded_by) WHERE superseded_by IS NOT NULL;
CREATE INDEX credentials_search ON credentials USING gin (search_words);

CREATE TABLE org_throughput (
    org_id TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    tat_ms BIGINT NOT NULL
);

CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('credential_issued', 'invitation')),
    credential_id   TEXT REFERENCES credentials(id) ON DELETE CASCADE,
    job_id          TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    invitation_id   TEXT REFERENCES invitations(id) ON DELETE SET NULL,
    to_email        TEXT NOT NULL,
    to_name         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    sent_at         BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_job ON outbox (job_id);
CREATE INDEX outbox_by_invitation ON outbox (invitation_id);
CREATE INDEX outbox_by_org_id ON outbox (org_id, id);
CREATE INDEX outbox_by_org_status ON outbox (org_id, status, id);
CREATE INDEX outbox_by_credential_id ON outbox (credential_id, id);

CREATE TABLE column_aliases (
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    header     TEXT NOT NULL,
    field      TEXT NOT NULL CHECK (field IN ('name', 'email')),
    created_by TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, header)
);

CREATE TABLE activity (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    actor_id   TEXT REFERENCES users(id) ON DELETE SET NULL,
    kind       TEXT NOT NULL,
    summary    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    api_key_id TEXT REFERENCES api_keys(id) ON DELETE SET NULL,
    target     TEXT,
    data_json  TEXT
);
CREATE INDEX activity_by_org_id ON activity (org_id, id);
CREATE INDEX activity_by_org_kind ON activity (org_id, kind, id);
CREATE INDEX activity_by_org_target_id ON activity (org_id, target, id);

CREATE TABLE webhook_streams (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    url             TEXT NOT NULL,
    actions_json    TEXT NOT NULL,
    secret_sealed   TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('active', 'paused', 'disabled')),
    disabled_reason TEXT,
    failing_since   BIGINT,
    created_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
    api_key_id      TEXT REFERENCES api_keys(id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX webhook_streams_by_org ON webhook_streams (org_id, created_at);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    stream_id        TEXT NOT NULL REFERENCES webhook_streams(id) ON DELETE CASCADE,
    org_id           TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    event_type       TEXT NOT NULL,
    payload_json     TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    lease_until      BIGINT,
    last_status_code BIGINT,
    last_error       TEXT,
    last_attempt_at  BIGINT,
    delivered_at     BIGINT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_stream ON webhook_deliveries (stream_id, created_at);

-- Running counts per org (see migrations/sqlite/20261129000007): kept by
-- triggers in the statement that changes the rows. Every process's writes
-- go through the same triggers, so the counts hold across processes.
CREATE TABLE org_tallies (
    org_id TEXT NOT NULL,
    tally  TEXT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (org_id, tally)
);

CREATE FUNCTION laurel_tally(org TEXT, name TEXT, delta BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO org_tallies (org_id, tally, n) VALUES (org, name, delta)
        ON CONFLICT (org_id, tally) DO UPDATE SET n = org_tallies.n + excluded.n
$$;

CREATE FUNCTION laurel_tally_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM laurel_tally(NEW.org_id, 'credentials', 1);
        IF NEW.status = 'revoked' THEN PERFORM laurel_tally(NEW.org_id, 'credentials.revoked', 1); END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF OLD.status <> NEW.status THEN
            PERFORM laurel_tally(NEW.org_id, 'credentials.revoked', CASE WHEN NEW.status = 'revoked' THEN 1 ELSE -1 END);
        END IF;
    ELSE
        UPDATE org_tallies SET n = n - 1 WHERE org_id = OLD.org_id AND tally = 'credentials';
        IF OLD.status = 'revoked' THEN
            UPDATE org_tallies SET n = n - 1 WHERE org_id = OLD.org_id AND tally = 'credentials.revoked';
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tally_credentials AFTER INSERT OR DELETE OR UPDATE OF status ON credentials
    FOR EACH ROW EXECUTE FUNCTION laurel_tally_credentials();

CREATE FUNCTION laurel_tally_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND (TG_OP = 'DELETE' OR OLD.status <> NEW.status) THEN
        UPDATE org_tallies SET n = n - 1 WHERE org_id = OLD.org_id AND tally = 'outbox.' || OLD.status;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.status <> NEW.status) THEN
        PERFORM laurel_tally(NEW.org_id, 'outbox.' || NEW.status, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tally_outbox AFTER INSERT OR DELETE OR UPDATE OF status ON outbox
    FOR EACH ROW EXECUTE FUNCTION laurel_tally_outbox();

CREATE FUNCTION laurel_tally_org_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM org_tallies WHERE org_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER tally_org_delete AFTER DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION laurel_tally_org_delete();
