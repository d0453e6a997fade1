-- Keys of the open API for units' own systems (开放接口密钥). Keep in step
-- with the other backend's 0023_api_keys.sql.

-- A unit's key: the public id is shown and audited; of the secret only its
-- SHA-256 is kept (`domain::api_key`). Scopes are codes joined by commas.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    public_id TEXT NOT NULL,
    secret_digest TEXT NOT NULL,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);
CREATE UNIQUE INDEX api_keys_public_id ON api_keys (public_id);
CREATE INDEX api_keys_account ON api_keys (account_id, id);

-- Calls per key per minute (the rate limit, kept here so that any app
-- server counts the same calls). Old minutes are deleted by the cleanup job.
CREATE TABLE api_key_calls (
    key_id BIGINT NOT NULL REFERENCES api_keys (id),
    minute BIGINT NOT NULL,
    calls BIGINT NOT NULL,
    PRIMARY KEY (key_id, minute)
);

-- The key an API call came with, on the audit entry of what it changed.
ALTER TABLE audit_log ADD COLUMN actor_api_key TEXT;
