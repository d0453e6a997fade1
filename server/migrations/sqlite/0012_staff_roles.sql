-- Staff roles (民警岗位): the one 'clerk' role splits into the clerk at a
-- registration window and the business-centre clerk; supervisors come new.
-- Staff carry a police number (警号) and their unit (所属单位), shown to the
-- citizens whose records they open. Staff log in with a second factor
-- (TOTP): its secret, enrolled at first login, and the last time step used
-- (a code is never accepted twice). A login waits on its second factor in a
-- short-lived challenge. An account can be disabled with a reason. A
-- blacklisted person can appeal (blacklist_appeals, at the end).
-- The audit log names the person whose record an entry concerns, so the
-- person can see who viewed it (谁查看过我的信息).
-- Keep in step with the other backend's 0012_staff_roles.sql.

UPDATE accounts SET staff_role = 'window_clerk' WHERE staff_role = 'clerk' AND window_id IS NOT NULL;
UPDATE accounts SET staff_role = 'centre_clerk' WHERE staff_role = 'clerk';
ALTER TABLE accounts ADD COLUMN police_no TEXT;
ALTER TABLE accounts ADD COLUMN staff_unit TEXT;
ALTER TABLE accounts ADD COLUMN disabled_reason TEXT;

CREATE TABLE staff_second_factors (
    account_id BIGINT NOT NULL PRIMARY KEY REFERENCES accounts (id),
    secret TEXT NOT NULL,
    enrolled_at BIGINT,
    last_step BIGINT NOT NULL DEFAULT 0,
    -- Wrong codes since the last right one, across every login and
    -- address; ten lock the second factor for a while.
    failures BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT
);

CREATE TABLE staff_login_challenges (
    token_hash TEXT NOT NULL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX staff_login_challenges_account ON staff_login_challenges (account_id);

ALTER TABLE audit_log ADD COLUMN person_account_id BIGINT;
CREATE INDEX audit_log_person ON audit_log (person_account_id, at);

-- Appeals against blacklist entries (黑名单申诉): the person's reason, and
-- the supervisor's decision (lifted or upheld) with its reason. One
-- appeal per entry waits at a time.
CREATE TABLE blacklist_appeals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id BIGINT NOT NULL REFERENCES blacklist (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    reason TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    decision TEXT CHECK (decision IN ('lifted', 'upheld')),
    decision_reason TEXT,
    decided_by BIGINT REFERENCES accounts (id),
    decided_at BIGINT
);
CREATE UNIQUE INDEX blacklist_appeals_one_waiting ON blacklist_appeals (entry_id) WHERE decision IS NULL;
CREATE INDEX blacklist_appeals_account ON blacklist_appeals (account_id);

-- Refunds (退款登记): money that arrived for a fine already paid
-- (fine_payments.status = 'refund_due') is sent back by the finance
-- office; a business-centre clerk records each refund with its reference.
CREATE TABLE fine_refunds (
    payment_id BIGINT NOT NULL PRIMARY KEY REFERENCES fine_payments (id),
    refunded_at BIGINT NOT NULL,
    refunded_by BIGINT NOT NULL REFERENCES accounts (id),
    reference TEXT NOT NULL
);

-- Series withheld from issue by the administrator (保留号段), beside those of
-- the configuration file: their available numbers leave the pool and no
-- later load adds them.
CREATE TABLE plate_withheld_series (
    city TEXT NOT NULL,
    series TEXT NOT NULL,
    reason TEXT NOT NULL,
    withheld_at BIGINT NOT NULL,
    withheld_by BIGINT NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (city, series)
);
