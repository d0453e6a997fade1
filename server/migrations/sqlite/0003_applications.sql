-- Document applications, fulfilment and the blacklist (sqlite).
-- Keep in step with ../postgres/0003_applications.sql.

CREATE TABLE applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_no TEXT UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    service TEXT NOT NULL,
    -- The vehicle (vehicle services) or the licence holder's ID (licence services).
    vehicle_id BIGINT REFERENCES vehicles (id),
    licence_id_number TEXT,
    subject_label TEXT NOT NULL,
    reason TEXT,
    new_date TEXT,
    fulfilment TEXT CHECK (fulfilment IN ('self_pickup', 'post')),
    recipient TEXT,
    recipient_phone TEXT,
    address TEXT,
    fee_fen BIGINT NOT NULL,
    postage_fen BIGINT NOT NULL,
    status TEXT NOT NULL,
    reject_reason TEXT,
    refused_deliveries BIGINT NOT NULL DEFAULT 0,
    ready_on TEXT,
    pickup_deadline TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX applications_account ON applications (account_id, id);
CREATE INDEX applications_status ON applications (status, id);

-- The status history the applicant follows (办理进度).
CREATE TABLE application_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    at BIGINT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor_account_id BIGINT
);
CREATE INDEX application_events_application ON application_events (application_id, id);

-- The blacklist (黑名单): one entry per application that caused it, so a
-- sweep run by several app servers at once records it once.
CREATE TABLE blacklist (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    application_id BIGINT NOT NULL REFERENCES applications (id),
    cause TEXT NOT NULL CHECK (cause IN ('deliveries_refused', 'not_collected')),
    since TEXT NOT NULL,
    until TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    lifted_at BIGINT,
    lifted_by BIGINT REFERENCES accounts (id),
    lift_reason TEXT,
    CONSTRAINT blacklist_once_per_application UNIQUE (application_id)
);
CREATE INDEX blacklist_account ON blacklist (account_id);
