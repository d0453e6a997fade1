-- A driving school's learners (学员预录入, 学员用户窗口注册). Keep in step
-- with the other backend's 0022_learner_entries.sql.

-- Registration points (注册点): beside the windows, an authorised driving
-- school registers its own learners. Its point is a row here, id the
-- negative of the school's account id (`domain::learner_entry`), so an
-- account's `window_id` names where it was registered either way.
ALTER TABLE registration_windows ADD COLUMN school_account_id BIGINT REFERENCES accounts (id);
CREATE UNIQUE INDEX registration_windows_school ON registration_windows (school_account_id);

-- The operator (经办人) of a unit who registered the account, if one did.
ALTER TABLE accounts ADD COLUMN registered_by_operator_id BIGINT REFERENCES unit_operators (id);

-- A learner the school entered: confirmed with the learner's SMS code
-- (`sms_codes`, purpose 'learner_entry', subject the id), then registered.
CREATE TABLE learner_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_account_id BIGINT NOT NULL REFERENCES accounts (id),
    operator_id BIGINT REFERENCES unit_operators (id),
    id_number TEXT NOT NULL REFERENCES persons (id_number),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    licence_class TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('awaiting_learner', 'confirmed', 'registered', 'withdrawn')),
    entered_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    registered_at BIGINT,
    withdrawn_at BIGINT,
    account_id BIGINT REFERENCES accounts (id)
);
CREATE INDEX learner_entries_school ON learner_entries (school_account_id, id);
-- One live entry of a person per school.
CREATE UNIQUE INDEX learner_entries_once ON learner_entries (school_account_id, id_number)
    WHERE state <> 'withdrawn';
