-- Roaming between provincial platforms (漫游, `domain::roaming`). Keep in
-- step with the other backend's file.

-- The home platform: one-time codes granted to a visited platform (their
-- SHA-256 only), each used once within a minute.
CREATE TABLE roaming_codes (
    code_hash TEXT NOT NULL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    audience TEXT NOT NULL,
    nonce TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX roaming_codes_account ON roaming_codes (account_id, created_at);

-- The home platform: notices to visited platforms (logged out, disabled),
-- sent at once and again by the job until they arrive.
CREATE TABLE roaming_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    audience TEXT NOT NULL,
    subject TEXT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ('logged_out', 'disabled')),
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_try_at BIGINT,
    sent_at BIGINT
);
CREATE INDEX roaming_notices_due ON roaming_notices (next_try_at);

-- The visited platform: message ids seen (assertions, token requests,
-- notices), each accepted once, kept until it could no longer pass.
CREATE TABLE roaming_seen (
    issuer TEXT NOT NULL,
    jti TEXT NOT NULL,
    keep_until BIGINT NOT NULL,
    PRIMARY KEY (issuer, jti)
);

-- The visited platform: the account a person of another province roams
-- into (no password: it opens only by an assertion of their home
-- platform). `accounts.channel` stays `online` (the window check needs a
-- window here); what they may do follows `home_channel`.
CREATE TABLE roaming_accounts (
    account_id BIGINT NOT NULL PRIMARY KEY REFERENCES accounts (id),
    home_province TEXT NOT NULL,
    home_subject TEXT NOT NULL,
    home_channel TEXT NOT NULL CHECK (home_channel IN ('online', 'window')),
    first_seen_at BIGINT NOT NULL,
    last_login_at BIGINT NOT NULL,
    CONSTRAINT roaming_accounts_subject UNIQUE (home_province, home_subject)
);
