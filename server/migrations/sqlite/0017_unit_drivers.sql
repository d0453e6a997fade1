-- Drivers' licences bound by a unit (单位绑定驾驶人驾驶证), and the driver a
-- unit named for a violation with points. Keep in step with the other
-- backend's 0017_unit_drivers.sql.

-- A unit binds the licence of one of its drivers once the driver confirmed
-- by SMS; either side ends it (the row goes, the audit log keeps it). A
-- driver may work for several units.
CREATE TABLE unit_drivers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    id_number TEXT NOT NULL REFERENCES driving_licences (id_number),
    bound_at BIGINT NOT NULL,
    CONSTRAINT unit_drivers_once UNIQUE (account_id, id_number)
);
CREATE INDEX unit_drivers_driver ON unit_drivers (id_number);

-- The driver whose licence took the points of a violation a unit handled
-- by naming them (指定驾驶人处理).
ALTER TABLE violations ADD COLUMN driver_id_number TEXT;
