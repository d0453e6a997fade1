-- A unit's operators (经办人): logins that belong to the unit (unit code +
-- login name), added by the unit's own account, each with the services it
-- was granted; sessions and audit entries name the operator who acted.
-- Keep in step with the other backend's 0019_unit_operators.sql.

-- Never deleted: a disabled operator stays, so that the audit can name
-- them for good.
CREATE TABLE unit_operators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    login_name TEXT NOT NULL,
    full_name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    phone TEXT NOT NULL,
    services TEXT NOT NULL,
    password_hash TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'disabled')),
    created_at BIGINT NOT NULL,
    activated_at BIGINT,
    disabled_at BIGINT,
    CONSTRAINT unit_operators_login UNIQUE (account_id, login_name)
);

-- The operator a session belongs to (none: the unit's own account).
ALTER TABLE sessions ADD COLUMN operator_id BIGINT REFERENCES unit_operators (id);
CREATE INDEX sessions_operator ON sessions (operator_id);

-- The operator who acted (none: the account itself). Sealed with the
-- entry when present (`AuditRecord::canonical_bytes`).
ALTER TABLE audit_log ADD COLUMN actor_operator_id BIGINT;
CREATE INDEX audit_log_actor ON audit_log (actor_account_id, id);
