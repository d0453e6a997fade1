-- The scheduled jobs' schema (postgres). Refused deliveries (拒收) add up per
-- person: three across all of a person's applications since their last
-- blacklist period ended put them on the blacklist. An entry for refusals
-- names the refusal that made the third (`refusal_event_id`, unique, so a
-- sweep run by several app servers at once records it once); an entry for
-- an uncollected pick-up stays one per application. One application may now
-- cause several entries over the years (refused again after an earlier
-- period ended), so the table-wide UNIQUE (application_id) goes.
-- Keep in step with ../sqlite/0009_refusals_per_person_and_cleanup.sql.

ALTER TABLE blacklist ADD COLUMN refusal_event_id BIGINT REFERENCES application_events (id);

UPDATE blacklist b SET refusal_event_id =
    (SELECT MAX(e.id) FROM application_events e
     WHERE e.application_id = b.application_id AND e.status = 'delivery_refused' AND e.at <= b.created_at)
WHERE b.cause = 'deliveries_refused';

ALTER TABLE blacklist DROP CONSTRAINT blacklist_once_per_application;
CREATE UNIQUE INDEX blacklist_once_per_application ON blacklist (application_id) WHERE cause = 'not_collected';
CREATE UNIQUE INDEX blacklist_once_per_refusal ON blacklist (refusal_event_id);
-- The refusals a person's applications met, by time (the sweep counts them).
CREATE INDEX application_events_status ON application_events (status, at);

-- Login attempts by time, for the clean-up job that deletes those past
-- their retention (app::policy::LOGIN_ATTEMPTS_KEPT_SECS) without reading
-- the whole table every run.
CREATE INDEX login_attempts_at ON login_attempts (at);
