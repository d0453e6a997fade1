-- Foundation schema (SQLite). Keep in step with ../postgres/0001_foundation.sql.
-- Instants are UTC Unix milliseconds (BIGINT); calendar dates are ISO 'YYYY-MM-DD' TEXT;
-- booleans are BIGINT 0/1 so the same code reads both backends.

CREATE TABLE registration_windows (
    id BIGINT NOT NULL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    serves TEXT NOT NULL CHECK (serves IN ('individual', 'unit')),
    phone TEXT NOT NULL
);

CREATE TABLE persons (
    id_number TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    phone TEXT NOT NULL,
    address TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX persons_phone ON persons (phone);

CREATE TABLE organisations (
    credit_code TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL
);

CREATE TABLE vehicles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plate TEXT UNIQUE,
    vin TEXT NOT NULL UNIQUE,
    vehicle_type TEXT NOT NULL,
    brand TEXT NOT NULL,
    colour TEXT NOT NULL,
    owner_kind TEXT NOT NULL CHECK (owner_kind IN ('person', 'organisation')),
    owner_id TEXT NOT NULL,
    status TEXT NOT NULL,
    registered_on TEXT,
    inspection_due TEXT,
    phone TEXT NOT NULL
);
CREATE INDEX vehicles_owner ON vehicles (owner_kind, owner_id);

CREATE TABLE driving_licences (
    id_number TEXT NOT NULL PRIMARY KEY REFERENCES persons (id_number),
    class TEXT NOT NULL,
    first_issued TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    points BIGINT NOT NULL DEFAULT 0,
    cycle_ends TEXT NOT NULL,
    status TEXT NOT NULL,
    review_due TEXT,
    physical_due TEXT,
    issuing_authority TEXT NOT NULL
);

CREATE TABLE violations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    vehicle_id BIGINT NOT NULL REFERENCES vehicles (id),
    plate TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    place TEXT NOT NULL,
    recorded_province TEXT NOT NULL,
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    fine_yuan BIGINT NOT NULL,
    points BIGINT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX violations_vehicle ON violations (vehicle_id);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('individual', 'unit', 'staff')),
    channel TEXT CHECK (channel IN ('online', 'window')),
    individual_kind TEXT,
    id_number TEXT UNIQUE,
    credit_code TEXT UNIQUE,
    staff_username TEXT UNIQUE,
    staff_role TEXT,
    display_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    window_id BIGINT REFERENCES registration_windows (id),
    registered_by BIGINT REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    disabled_at BIGINT,
    CHECK ((kind = 'staff') = (channel IS NULL)),
    CHECK (channel <> 'window' OR (window_id IS NOT NULL AND registered_by IS NOT NULL))
);
CREATE INDEX accounts_phone ON accounts (phone);

CREATE TABLE unit_accounts (
    account_id BIGINT NOT NULL PRIMARY KEY REFERENCES accounts (id),
    unit_kind TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    attorney_ref TEXT NOT NULL,
    agent_id_number TEXT NOT NULL,
    agent_name TEXT NOT NULL,
    agent_phone TEXT NOT NULL
);

CREATE TABLE unit_special_services (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    service TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    granted_by BIGINT NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (account_id, service)
);

CREATE TABLE sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE sms_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone TEXT NOT NULL,
    purpose TEXT NOT NULL,
    subject TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT,
    ip TEXT NOT NULL
);
CREATE INDEX sms_codes_phone ON sms_codes (phone, created_at);
CREATE INDEX sms_codes_ip ON sms_codes (ip, created_at);

CREATE TABLE sms_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX sms_outbox_phone ON sms_outbox (phone, id);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    identifier TEXT NOT NULL,
    ip TEXT NOT NULL,
    at BIGINT NOT NULL,
    succeeded BIGINT NOT NULL
);
CREATE INDEX login_attempts_identifier ON login_attempts (identifier, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor_account_id BIGINT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject, at);

-- SQLite takes the write lock at a transaction's first write. Write
-- transactions touch this row first, so they queue on the busy timeout
-- instead of failing on a lock upgrade (the portable BEGIN IMMEDIATE).
CREATE TABLE write_gate (
    id BIGINT NOT NULL PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO write_gate (id, n) VALUES (1, 0);
