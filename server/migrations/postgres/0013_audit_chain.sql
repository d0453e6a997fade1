-- The audit log is append-only (审计日志只可追加), and sealed into a hash
-- chain (app::domain::audit::chain) by a scheduled job. The database
-- refuses to change, delete or truncate an entry or a seal. Triggers bind
-- every role but a superuser who drops them, including the role the
-- platform connects as (which owns these tables here, so privileges alone
-- would not bind it). Where the platform connects as a role of its own
-- that does not own the tables, grant it only SELECT and INSERT on both:
--   GRANT SELECT, INSERT ON audit_log, audit_seals TO platform_app;
-- The sealer only appends to audit_seals and never touches audit_log. To
-- correct an entry, record a new one. (Each statement that has a ';'
-- inside stays on one line: the old runner's splitter, kept in the
-- migration test, splits at a ';' that ends a line.)

-- One seal per entry, in id order: hash = SHA-256(prev_hash || the
-- entry's canonical bytes); seq counts the seals 1, 2, 3, … without gaps.
CREATE TABLE audit_seals (
    seq BIGINT NOT NULL PRIMARY KEY,
    entry_id BIGINT NOT NULL UNIQUE,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    sealed_at BIGINT NOT NULL
);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- No role but the owner may change or delete them by privilege either.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_seals FROM PUBLIC;
