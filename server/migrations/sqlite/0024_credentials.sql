-- Signed credentials this platform issued (电子凭证), such as the electronic
-- driving licence's QR code (`domain::credential`). Kept so that the
-- verification page knows a revoked one; a credential past its expiry is
-- refused on its own dates and its row is deleted by the cleanup job.
-- Keep in step with the other backend's 0024_credentials.sql.
CREATE TABLE credentials (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    jti TEXT NOT NULL,
    kind TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    -- What it is about: the licence's number for an electronic licence.
    subject TEXT NOT NULL,
    token TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX credentials_jti ON credentials (jti);
CREATE INDEX credentials_holder ON credentials (account_id, kind, expires_at);
CREATE INDEX credentials_expiry ON credentials (expires_at);
