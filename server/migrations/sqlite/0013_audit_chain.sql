-- The audit log is append-only (审计日志只可追加), and sealed into a hash
-- chain (app::domain::audit::chain) by a scheduled job. The database
-- refuses to change or delete an entry or a seal, whoever asks; the sealer
-- only appends to audit_seals and never touches audit_log. To correct an
-- entry, record a new one. (Each trigger stays on one line: the old
-- runner's splitter, kept in the migration test, splits at a ';' that ends
-- a line.)

-- One seal per entry, in id order: hash = SHA-256(prev_hash || the
-- entry's canonical bytes); seq counts the seals 1, 2, 3, … without gaps.
CREATE TABLE audit_seals (
    seq BIGINT NOT NULL PRIMARY KEY,
    entry_id BIGINT NOT NULL UNIQUE,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    sealed_at BIGINT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_seals_no_update BEFORE UPDATE ON audit_seals BEGIN SELECT RAISE(ABORT, 'audit_seals is append-only'); END;
CREATE TRIGGER audit_seals_no_delete BEFORE DELETE ON audit_seals BEGIN SELECT RAISE(ABORT, 'audit_seals is append-only'); END;
