-- The scheduled jobs' schema (sqlite). Refused deliveries (拒收) add up per
-- person: three across all of a person's applications since their last
-- blacklist period ended put them on the blacklist. An entry for refusals
-- names the refusal that made the third (`refusal_event_id`, unique, so a
-- sweep run by several app servers at once records it once); an entry for
-- an uncollected pick-up stays one per application. One application may now
-- cause several entries over the years (refused again after an earlier
-- period ended), so the table-wide UNIQUE (application_id) goes: SQLite
-- cannot drop a table constraint, so the table is rebuilt with its rows and
-- ids.
-- Keep in step with ../postgres/0009_refusals_per_person_and_cleanup.sql.

CREATE TABLE blacklist_rebuilt (
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
    -- The refusal that made the third (entries for refused deliveries).
    refusal_event_id BIGINT REFERENCES application_events (id)
);

INSERT INTO blacklist_rebuilt
    (id, account_id, application_id, cause, since, until, created_at, lifted_at, lifted_by, lift_reason, refusal_event_id)
SELECT b.id, b.account_id, b.application_id, b.cause, b.since, b.until, b.created_at, b.lifted_at, b.lifted_by, b.lift_reason,
       CASE WHEN b.cause = 'deliveries_refused' THEN
           (SELECT MAX(e.id) FROM application_events e
            WHERE e.application_id = b.application_id AND e.status = 'delivery_refused' AND e.at <= b.created_at)
       END
FROM blacklist b;

DROP TABLE blacklist;
ALTER TABLE blacklist_rebuilt RENAME TO blacklist;

CREATE INDEX blacklist_account ON blacklist (account_id);
CREATE UNIQUE INDEX blacklist_once_per_application ON blacklist (application_id) WHERE cause = 'not_collected';
CREATE UNIQUE INDEX blacklist_once_per_refusal ON blacklist (refusal_event_id);
-- The refusals a person's applications met, by time (the sweep counts them).
CREATE INDEX application_events_status ON application_events (status, at);

-- Login attempts by time, for the clean-up job that deletes those past
-- their retention (app::policy::LOGIN_ATTEMPTS_KEPT_SECS) without reading
-- the whole table every run.
CREATE INDEX login_attempts_at ON login_attempts (at);
