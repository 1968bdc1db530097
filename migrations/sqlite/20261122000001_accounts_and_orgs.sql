-- Accounts, organisations, memberships and the quota ledger.
-- Portable SQL: TEXT ids, BIGINT unix-second timestamps, no SQLite-only types,
-- so the same files run on PostgreSQL.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,      -- stored lower-cased
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,             -- argon2id PHC string
    created_at    BIGINT NOT NULL
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

-- An invitation lets someone without an account join: the link carries a token
-- whose SHA-256 is all we keep.
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

-- Failed logins per key ("email:..." or "ip:..."), for backoff.
CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    last_failure BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);

-- One row per distinct recipient e-mail per org per calendar month (UTC):
-- the monthly unique-recipient quota is the row count.
CREATE TABLE recipient_usage (
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    month      TEXT NOT NULL,                -- 'YYYY-MM'
    email      TEXT NOT NULL,                -- lower-cased
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (org_id, month, email)
);

-- The org's signing keys. Created when the org is approved; the private key is
-- encrypted under the deployment's master key.
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

-- What happened in an org, newest first on the overview.
CREATE TABLE activity (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    actor_id   TEXT REFERENCES users(id) ON DELETE SET NULL,
    kind       TEXT NOT NULL,
    summary    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX activity_by_org ON activity (org_id, created_at);
