-- Drafts of applications (sqlite): what the person typed, kept until they
-- submit it from the check-your-answers page. Keep in step with postgres.
CREATE TABLE application_drafts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    service TEXT NOT NULL,
    input TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX application_drafts_account ON application_drafts (account_id);
