-- Roaming (漫游): the bindings a roaming login makes from what the home
-- platform asserted are marked, so the next roaming login replaces only
-- those and keeps what the person bound here (a vehicle not in their name
-- bound by its owner's code at a window of this platform, say). Keep in
-- step with the other backend's file.
ALTER TABLE vehicle_bindings ADD COLUMN from_home BIGINT NOT NULL DEFAULT 0 CHECK (from_home IN (0, 1));
ALTER TABLE licence_bindings ADD COLUMN from_home BIGINT NOT NULL DEFAULT 0 CHECK (from_home IN (0, 1));
-- Until now every binding of a roaming account came from home (each login
-- rebuilt them all): so marked, the next login replaces them.
UPDATE vehicle_bindings SET from_home = 1
 WHERE account_id IN (SELECT account_id FROM roaming_accounts);
UPDATE licence_bindings SET from_home = 1
 WHERE account_id IN (SELECT account_id FROM roaming_accounts);
