-- Licence share codes (驾驶证信息分享码, `domain::share_code`): a holder's
-- code for a named party, up to 21 days, revocable; each use is kept for
-- the holder to see. Keep in step with the other backend's file.
CREATE TABLE share_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    licence_number TEXT NOT NULL,
    code TEXT NOT NULL,
    party TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX share_codes_code ON share_codes (code);
CREATE INDEX share_codes_account ON share_codes (account_id, id);

-- Every check made at the public page, matched (1) or not (0): a matched one is a
-- use the holder sees; wrong ones count against the address for an hour.
-- Attempts are deleted after a month; uses stay with their codes.
CREATE TABLE share_code_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    share_code_id BIGINT REFERENCES share_codes (id),
    ip TEXT NOT NULL,
    checker TEXT NOT NULL,
    matched BIGINT NOT NULL,
    at BIGINT NOT NULL,
    -- A matched check's result page is read by this key (for a quarter of
    -- an hour), so the code never travels in an address.
    result_key TEXT
);
CREATE INDEX share_code_checks_result ON share_code_checks (result_key);
CREATE INDEX share_code_checks_ip ON share_code_checks (ip, at);
CREATE INDEX share_code_checks_code ON share_code_checks (share_code_id, at);
