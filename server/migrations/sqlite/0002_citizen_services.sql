-- Citizen services (sqlite): bindings, violation handling, fine payments,
-- the message centre. Keep in step with ../postgres/0002_citizen_services.sql.

-- Vehicles bound to an account (绑定机动车). A vehicle not in the holder's
-- name takes one of three numbered slots: the unique (account, slot) pair and
-- the CHECK make a fourth impossible, whatever runs concurrently.
CREATE TABLE vehicle_bindings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    vehicle_id BIGINT NOT NULL REFERENCES vehicles (id),
    own BIGINT NOT NULL CHECK (own IN (0, 1)),
    non_own_slot BIGINT CHECK (non_own_slot BETWEEN 1 AND 3),
    bound_at BIGINT NOT NULL,
    CONSTRAINT vehicle_bindings_once UNIQUE (account_id, vehicle_id),
    CONSTRAINT vehicle_bindings_slot UNIQUE (account_id, non_own_slot),
    CHECK ((own = 1) = (non_own_slot IS NULL))
);
CREATE INDEX vehicle_bindings_vehicle ON vehicle_bindings (vehicle_id);

-- The driving licence bound to an account (绑定驾驶证): one each way.
CREATE TABLE licence_bindings (
    account_id BIGINT NOT NULL PRIMARY KEY REFERENCES accounts (id),
    id_number TEXT NOT NULL UNIQUE REFERENCES driving_licences (id_number),
    bound_at BIGINT NOT NULL
);

-- Handling (处理): the penalty decision.
ALTER TABLE violations ADD COLUMN decided_on TEXT;
ALTER TABLE violations ADD COLUMN decision_no TEXT;
ALTER TABLE violations ADD COLUMN handled_by BIGINT;
ALTER TABLE violations ADD COLUMN handled_at BIGINT;
ALTER TABLE violations ADD COLUMN paid_at BIGINT;

-- Fine payments (罚款缴纳) through the payment gateway. At most one open
-- order and at most one paid order per violation (partial unique indexes);
-- a bank payment that arrives for a violation already paid is kept as
-- refund_due, never dropped.
CREATE TABLE fine_payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_no TEXT NOT NULL UNIQUE,
    violation_id BIGINT NOT NULL REFERENCES violations (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    fine_fen BIGINT NOT NULL,
    surcharge_fen BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'refund_due')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    paid_at BIGINT,
    bank_ref TEXT,
    receipt_no TEXT UNIQUE
);
CREATE UNIQUE INDEX fine_payments_one_open ON fine_payments (violation_id) WHERE status = 'pending';
CREATE UNIQUE INDEX fine_payments_one_paid ON fine_payments (violation_id) WHERE status = 'paid';
CREATE INDEX fine_payments_account ON fine_payments (account_id, created_at);

-- The message centre (消息中心): every status change is told here and by SMS.
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    read_at BIGINT
);
CREATE INDEX messages_account ON messages (account_id, id);
