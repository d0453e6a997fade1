-- The draft an application was submitted from (sqlite), so that going back to
-- a used draft leads to the application instead of a dead end.
-- Keep in step with ../postgres/0008_application_from_draft.sql.

ALTER TABLE applications ADD COLUMN draft_id BIGINT;
CREATE INDEX applications_draft ON applications (account_id, draft_id);
