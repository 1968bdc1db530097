-- Credentials, their status lists, badges, API keys and idempotency records.

-- A credential template of an org (the full badge editor comes with bulk
-- issuance; the issue path needs the record now).
CREATE TABLE badges (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    description        TEXT NOT NULL,
    criteria_narrative TEXT NOT NULL,
    image_url          TEXT,
    validity_days      BIGINT,               -- NULL: non-expiring
    archived_at        BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX badges_by_org ON badges (org_id);

-- A Bitstring Status List. Slots are handed out in order (next_slot) and
-- mapped to bit positions by a keyed permutation (shuffle_key).
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
    UNIQUE (status_list_id, status_list_index)
);
CREATE INDEX credentials_by_org ON credentials (org_id, created_at);
CREATE INDEX credentials_by_badge_email ON credentials (org_id, badge_id, recipient_email);
CREATE INDEX credentials_by_subject ON credentials (org_id, subject_id);

-- API keys: only the SHA-256 of the secret is kept.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    hint         TEXT NOT NULL,              -- first characters, to tell keys apart
    scopes       TEXT NOT NULL,              -- space-separated
    actor_id     TEXT,                       -- who it acts for (imported keys)
    imported     BOOLEAN NOT NULL DEFAULT FALSE,
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_keys_by_org ON api_keys (org_id);

-- Idempotency-Key records: a retry within 24 h replays the stored answer.
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

-- How many distinct recipients each org has this month: kept beside
-- recipient_usage so the quota check is one row, not a count.
CREATE TABLE recipient_months (
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    month  TEXT NOT NULL,
    used   BIGINT NOT NULL,
    PRIMARY KEY (org_id, month)
);
