-- Roaming (漫游): the bindings a roaming login makes from what the home
-- platform asserted are marked, so the next roaming login replaces only
-- those and keeps what the person bound here (a vehicle not in their name
-- bound by its owner's code at a window of this platform, say). Keep in
-- step with the other backend's file.
ALTER TABLE vehicle_bindings ADD COLUMN from_home BIGINT NOT NULL DEFAULT 0;
ALTER TABLE licence_bindings ADD COLUMN from_home BIGINT NOT NULL DEFAULT 0;
